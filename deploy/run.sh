#!/usr/bin/env bash
# Start N Streamlit replicas of app.py on loopback behind nginx: sticky sessions (a cookie nginx sets
# itself), websocket upgrade for /_stcore/stream, gzip and a cache for Streamlit's static bundle.
#
#   bash deploy/run.sh N PORT               # foreground; Ctrl-C or SIGTERM stops everything
#   DETACH=1 bash deploy/run.sh 2 8500      # start, print the run directory, return;
#                                           # stop later with: bash deploy/stop.sh RUN_DIR
#
# Environment (all optional):
#   RUN_DIR         directory for the rendered config, logs and pid files (default: a new mktemp -d)
#   REPLICA_PORT    first replica port; replicas use REPLICA_PORT .. REPLICA_PORT+N-1 (default PORT+1)
#   NOGZIP_PORT     also start a second nginx on this port, same replicas, gzip off (to measure gzip)
#   PYTHON          interpreter that has streamlit (default: .venv/bin/python if present, else python3)
#   HEALTH_TIMEOUT  seconds to wait for all replicas' /_stcore/health (default 120)
# Everything listens on 127.0.0.1 only; put a TLS-terminating proxy (or change `listen`) to go public.
set -euo pipefail

usage() { echo "usage: bash deploy/run.sh N PORT   (1 <= N <= 16)" >&2; exit 2; }
[ $# -eq 2 ] || usage
N=$1 PORT=$2
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 16 ] || usage
[[ $PORT =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || usage

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
TEMPLATE=$HERE/nginx.conf.template
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi
REPLICA_PORT=${REPLICA_PORT:-$((PORT + 1))}
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-120}

log() { echo "run.sh: $*" >&2; }

# --- nginx (installed only if missing) -----------------------------------------------------------
find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }; }
NGINX=$(find_nginx || true)
if [ -z "$NGINX" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    log "nginx is missing and we are not root: install it (apt-get install -y nginx) and retry"; exit 1; fi
  log "nginx is missing: installing the Debian package"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq nginx >/dev/null
  NGINX=$(find_nginx) || { log "nginx still missing after apt-get install"; exit 1; }
fi

# --- ports ----------------------------------------------------------------------------------------
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
REPLICA_PORTS=()
for ((i = 0; i < N; i++)); do REPLICA_PORTS+=($((REPLICA_PORT + i))); done
for p in "$PORT" ${NOGZIP_PORT:+"$NOGZIP_PORT"} "${REPLICA_PORTS[@]}"; do
  if in_use "$p"; then log "port $p on 127.0.0.1 is already in use"; exit 1; fi
done

# --- run directory and clean-up -------------------------------------------------------------------
RUN_DIR=${RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/playground-deploy.XXXXXX")}
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
# nginx's workers run as "nobody" when the master is root: they must reach the temp and cache dirs.
chmod 755 "$RUN_DIR"
STARTED=0
cleanup() { if [ "$STARTED" = 0 ] || [ "${DETACH:-0}" != 1 ]; then bash "$HERE/stop.sh" "$RUN_DIR" || true; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- replicas -------------------------------------------------------------------------------------
# One cookie secret for all replicas (Streamlit signs its XSRF cookie with it); passed through the
# environment so that it does not show in `ps`.
STREAMLIT_SERVER_COOKIE_SECRET=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
export STREAMLIT_SERVER_COOKIE_SECRET
for p in "${REPLICA_PORTS[@]}"; do
  (cd "$ROOT" && exec nohup "$PYTHON" -m streamlit run app.py \
      --server.port "$p" --server.address 127.0.0.1 --server.headless true \
      --browser.gatherUsageStats false --server.fileWatcherType none --server.runOnSave false \
      </dev/null >"$RUN_DIR/replica-$p.log" 2>&1) &
  echo $! >"$RUN_DIR/replica-$p.pid"
done
unset STREAMLIT_SERVER_COOKIE_SECRET

healthy() {  # plain bash: GET /_stcore/health, true on "200"
  local line
  exec 4<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET /_stcore/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&4
  IFS= read -r -t 2 line <&4 || line=""
  exec 4<&- 4>&-
  [[ $line == *" 200 "* ]]
}
deadline=$((SECONDS + HEALTH_TIMEOUT))
for p in "${REPLICA_PORTS[@]}"; do
  pid=$(cat "$RUN_DIR/replica-$p.pid")
  until healthy "$p" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "replica on port $p exited; its log:"; tail -n 30 "$RUN_DIR/replica-$p.log" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then
      log "replica on port $p not healthy after ${HEALTH_TIMEOUT}s; its log:"; tail -n 30 "$RUN_DIR/replica-$p.log" >&2
      exit 1; fi
    sleep 0.25
  done
done

# --- nginx ----------------------------------------------------------------------------------------
MIME_TYPES=/etc/nginx/mime.types
if [ ! -r "$MIME_TYPES" ]; then
  MIME_TYPES=$RUN_DIR/mime.types
  cat >"$MIME_TYPES" <<'TYPES'
types { text/html html; text/css css; application/javascript js; application/json json; image/svg+xml svg;
        image/png png; font/woff2 woff2; }
TYPES
fi

start_nginx() {  # start_nginx PREFIX LISTEN_PORT on|off
  local prefix=$1 listen=$2 gzip=$3 servers=""
  mkdir -p "$prefix/tmp" "$prefix/cache"
  chmod 755 "$prefix"
  for p in "${REPLICA_PORTS[@]}"; do servers+="        server 127.0.0.1:$p max_fails=0;"$'\n'; done
  local conf=$prefix/nginx.conf text
  text=$(<"$TEMPLATE")
  text=${text//@@PREFIX@@/$prefix}
  text=${text//@@LISTEN@@/127.0.0.1:$listen}
  text=${text//@@UPSTREAM_SERVERS@@/${servers%$'\n'}}
  text=${text//@@GZIP@@/$gzip}
  text=${text//@@MIME_TYPES@@/$MIME_TYPES}
  printf '%s\n' "$text" >"$conf"
  "$NGINX" -t -q -p "$prefix/" -e "$prefix/error.log" -c "$conf" || { log "nginx -t failed for $conf"; exit 1; }
  "$NGINX" -p "$prefix/" -e "$prefix/error.log" -c "$conf" </dev/null >/dev/null 2>>"$prefix/error.log"
  local _
  for _ in $(seq 40); do [ -s "$prefix/nginx.pid" ] && healthy "$listen" 2>/dev/null && return 0; sleep 0.25; done
  log "nginx on port $listen did not come up; $prefix/error.log:"; tail -n 20 "$prefix/error.log" >&2; exit 1
}
start_nginx "$RUN_DIR" "$PORT" on
if [ -n "${NOGZIP_PORT:-}" ]; then start_nginx "$RUN_DIR/nogzip" "$NOGZIP_PORT" off; fi

cat >"$RUN_DIR/run.env" <<ENV
URL=http://127.0.0.1:$PORT/
NOGZIP_URL=${NOGZIP_PORT:+http://127.0.0.1:$NOGZIP_PORT/}
REPLICA_PORTS="${REPLICA_PORTS[*]}"
ENV
STARTED=1
log "http://127.0.0.1:$PORT/ -> ${N} replica(s) on ports ${REPLICA_PORTS[*]}${NOGZIP_PORT:+ (gzip off: http://127.0.0.1:$NOGZIP_PORT/)}"
log "run directory: $RUN_DIR (access log: $RUN_DIR/access.log)"

if [ "${DETACH:-0}" = 1 ]; then
  echo "$RUN_DIR"
  exit 0
fi
log "Ctrl-C stops nginx and the replicas"
while sleep 1; do
  for p in "${REPLICA_PORTS[@]}"; do
    kill -0 "$(cat "$RUN_DIR/replica-$p.pid")" 2>/dev/null || { log "replica on port $p exited"; exit 1; }
  done
done
