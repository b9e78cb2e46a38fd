#!/usr/bin/env bash
# Stop what `deploy/run.sh` started: bash deploy/stop.sh RUN_DIR [--clean]
# nginx is stopped through its own pid file(s), each replica through its pid file (only if that pid
# still runs streamlit). --clean also removes the run directory (logs included).
set -uo pipefail
RUN_DIR=${1:?usage: bash deploy/stop.sh RUN_DIR [--clean]}
[ -d "$RUN_DIR" ] || { echo "stop.sh: no such directory: $RUN_DIR" >&2; exit 1; }

pids=()
for pidfile in "$RUN_DIR/nginx.pid" "$RUN_DIR/nogzip/nginx.pid"; do
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if grep -qa nginx "/proc/$pid/cmdline" 2>/dev/null; then kill -TERM "$pid" && pids+=("$pid"); fi
done
for pidfile in "$RUN_DIR"/replica-*.pid; do
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if grep -qa streamlit "/proc/$pid/cmdline" 2>/dev/null; then kill -TERM "$pid" && pids+=("$pid"); fi
done
for _ in $(seq 40); do
  alive=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  [ ${#alive[@]} -eq 0 ] && break
  sleep 0.25
done
for pid in "${alive[@]}"; do kill -KILL "$pid" 2>/dev/null; done
[ "${2:-}" = "--clean" ] && rm -rf "$RUN_DIR"
exit 0
