#!/usr/bin/env bash
# The fault and index-race tests N times in a row while both cores are kept busy by two busy
# loops (issue 16's acceptance), on the Whoosh default or with the index in PostgreSQL:
#   benchmarks/stress_faults.sh whoosh 30
#   benchmarks/stress_faults.sh postgres 30     # a throw-away database on 127.0.0.1:5432
# BUSY_LOOPS=1 starts one loop (for two of these runs at once: two loops and the other run).
# Prints a line per run and the count that passed; exits 1 at the first failure.
set -uo pipefail
cd "$(dirname "$0")/.."
backend="${1:-whoosh}" runs="${2:-30}"
tests=(tests/test_faults.py
       apps/search/tests/test_index.py::test_concurrent_index_writes_and_searches_do_not_fail)
if [ "$backend" = postgres ]; then
  db="fagui_stress_$$"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE ${db}" >/dev/null
  trap 'kill $(jobs -p) 2>/dev/null; psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" >/dev/null; psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS test_${db} WITH (FORCE)" >/dev/null' EXIT
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${db}" SEARCH_URL=postgres:
else
  trap 'kill $(jobs -p) 2>/dev/null' EXIT
  tests+=(apps/search/tests/test_index.py::test_a_reader_keeps_its_generation_while_writers_merge_it_away)
fi
for _ in $(seq 1 "${BUSY_LOOPS:-2}"); do python3 -c "while True: pass" & done
passed=0
for run in $(seq 1 "$runs"); do
  started=$(date +%s)
  if .venv/bin/python -m pytest -q -p no:cacheprovider "${tests[@]}" >"/tmp/stress-${backend}-${run}.log" 2>&1; then
    passed=$((passed + 1))
    echo "run ${run}: passed ($(( $(date +%s) - started )) s)"
  else
    echo "run ${run}: FAILED (/tmp/stress-${backend}-${run}.log)"
    break
  fi
done
echo "${backend}: ${passed} of ${runs} runs passed in a row, ${BUSY_LOOPS:-2} busy loop(s) beside"
[ "$passed" = "$runs" ]
