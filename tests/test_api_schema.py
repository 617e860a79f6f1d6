"""schemathesis against /api/schema/ on a real server with the corpus loaded: no 5xx, and every
response (status, headers, body) matches the schema."""

import os
import subprocess
import sys
from pathlib import Path

ST = Path(sys.executable).with_name("st")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")


def test_api_conforms_to_its_schema(live_site, tmp_path):
    result = subprocess.run(
        [
            str(ST),
            "run",
            f"{live_site}/api/schema/",
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--seed",
            "2026",
            "--workers",
            "2",
            "--generation-allow-x00",
            "false",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
