"""gunicorn and wrk for the benchmarks: start the site as `make serve` does, load it, read RSS."""

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _setup import ROOT

# wrk sends the requests of a file in turn (one per line: METHOD <tab> PATH [<tab> JSON BODY
# [<tab> HEADER: VALUE ...]]), with an API token for writes, counts the answers by status class
# and reports a JSON summary. A header whose value is "*" gets a new address each time it is
# sent (10.0.0.1, 10.0.0.2, …): every request from a client of its own, as a proxy forwards it.
WRK_SCRIPT = """
local requests = {}
local token = os.getenv("WRK_TOKEN") or ""
for line in io.lines(os.getenv("WRK_REQUESTS")) do
  local fields = {}
  for field in (line .. "\\t"):gmatch("([^\\t]*)\\t") do fields[#fields + 1] = field end
  local method, path, body = fields[1], fields[2], fields[3] or ""
  local headers = {}
  for i = 4, #fields do
    local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  if body ~= "" then
    headers["Content-Type"] = "application/json"
    headers["Authorization"] = "Token " .. token
  else
    body = nil
  end
  local per_client = nil
  for name, value in pairs(headers) do
    if value == "*" then per_client = name end
  end
  if per_client then
    requests[#requests + 1] = {method, path, headers, body, per_client}
  else
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
end
local n = 0
request = function()
  n = n + 1
  local r = requests[(n % #requests) + 1]
  if type(r) == "string" then return r end
  local a, b = math.floor(n / 65536) % 256, math.floor(n / 256) % 256
  r[3][r[5]] = string.format("10.%d.%d.%d", a, b, n % 256)
  local sent = wrk.format(r[1], r[2], r[3], r[4])
  r[3][r[5]] = "*"
  return sent
end
statuses = {}
response = function(status, headers, body)
  local class = status == 429 and "429" or (math.floor(status / 100) .. "xx")
  statuses[class] = (statuses[class] or 0) + 1
end
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
done = function(summary, latency, requests_)
  local counted = {}
  for _, thread in ipairs(threads) do
    for class, count in pairs(thread:get("statuses")) do
      counted[class] = (counted[class] or 0) + count
    end
  end
  local classes = {}
  for class, count in pairs(counted) do
    classes[#classes + 1] = string.format('"%s": %d', class, count)
  end
  local errors = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "non_2xx_3xx": %d, "socket_errors": %d, '
    .. '"p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "statuses": {%s}}\\n',
    summary.requests, summary.duration / 1e6, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    table.concat(classes, ", ")))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVE_WORKERS = 4  # as `make serve` (WORKERS)


def start_gunicorn(
    probe: str, *, workers: int = SERVE_WORKERS, **env: str
) -> tuple[subprocess.Popen, str, float]:
    """gunicorn as `make serve` runs it: (process, base URL, seconds to a first 200 on probe)."""
    port = free_port()
    environment = os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        # Throttling would measure the limiter, not us (the user rate applies to anonymous too).
        "API_ANON_THROTTLE": "100000000/min",
        "API_USER_THROTTLE": "100000000/min",
        **env,
    }
    command = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-c", "config/gunicorn.py"]
    command += ["--preload"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(base + probe, timeout=5) as answer:
                if answer.status == 200:
                    return process, base, time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                raise SystemExit("gunicorn exited before answering") from None
            time.sleep(0.02)


def stop_gunicorn(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def worker_peak_rss_mb(master: int) -> float:
    """The largest peak RSS (VmHWM) among gunicorn's workers."""
    peaks = []
    for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks), 1)


def run_wrk(
    base: str,
    lines: list[str],
    *,
    seconds: int,
    connections: int,
    workdir: Path,
    token: str = "",
    name: str = "wrk",
) -> dict:
    """Send `lines` (METHOD<TAB>PATH[<TAB>BODY[<TAB>HEADER...]]) round-robin for `seconds`; the
    summary. Several can run at once (in threads) under different names."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench-tools` installs Debian's wrk")
    script = workdir / f"{name}.lua"
    script.write_text(WRK_SCRIPT)
    listing = workdir / f"{name}-requests.tsv"
    listing.write_text("\n".join(lines) + "\n")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    output = subprocess.run(
        [*command, "-s", str(script), base],
        env=os.environ | {"WRK_REQUESTS": str(listing), "WRK_TOKEN": token},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    figures = json.loads(line.removeprefix("WRKJSON "))
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def home_times(base: str, count: int) -> list[float]:
    """Milliseconds of `count` GET / in a row."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(base + "/", timeout=60) as answer:
            answer.read()
        times.append((time.perf_counter() - started) * 1000)
    return times


def home_times_beside(base: str, url: str, *, clients: int = 2, timeout: float = 60):
    """GET / timed 100 times alone, then 100 times while `clients` threads ask `url` over and
    over: (milliseconds alone, milliseconds beside, requests of `url` answered meanwhile)."""
    alone = home_times(base, 100)
    stop = threading.Event()
    answered = []

    def again_and_again():
        while not stop.is_set():
            with urllib.request.urlopen(url, timeout=timeout) as answer:
                answer.read()
            answered.append(1)

    threads = [threading.Thread(target=again_and_again) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    beside = home_times(base, 100)
    stop.set()
    for thread in threads:
        thread.join()
    return alone, beside, len(answered)
