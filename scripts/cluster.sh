#!/usr/bin/env bash
# A local cluster on this machine: a throwaway PostgreSQL (Debian's postgresql 15, on 127.0.0.1 only), one web server
# and two workers, all the same build of the app started as separate processes that share one Storage:DataDirectory.
#
#   bash scripts/cluster.sh start     build once, start PostgreSQL, the web server, then the workers; wait until ready
#   bash scripts/cluster.sh status    what runs, with each node's /health/ready
#   bash scripts/cluster.sh stop      SIGTERM the app processes (running jobs checkpoint and release their leases), then PostgreSQL
#
# Settings (environment): VWB_CLUSTER_DIR (default ./.cluster: pgdata/, data/, logs/, pids/), VWB_WEB_PORT (5000),
# VWB_WORKER_PORTS ("5101 5102": one worker per port, serving only /health/* and /metrics), VWB_PG_PORT (55433),
# VWB_WORKER_RUNS (runs each worker trains at once, default 1), VWB_CONFIGURATION (Release), VWB_WEB_ROLE (web; `all`
# makes the web server train too, as a single server does: the benchmark's reference).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${VWB_CLUSTER_DIR:-$repo/.cluster}
web_port=${VWB_WEB_PORT:-5000}
worker_ports=${VWB_WORKER_PORTS:-"5101 5102"}
pg_port=${VWB_PG_PORT:-55433}
worker_runs=${VWB_WORKER_RUNS:-1}
configuration=${VWB_CONFIGURATION:-Release}
pgbin=/usr/lib/postgresql/15/bin
app="$repo/src/VaeWorkbench.Web/bin/$configuration/net10.0/VaeWorkbench.Web.dll"
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=vaeworkbench"

as_postgres() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

need_postgres() {
  if [ -x "$pgbin/initdb" ]; then return; fi
  if [ "$(id -u)" = 0 ]; then
    echo "Installing postgresql (Debian's package; apt does not start it)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
  else
    echo "PostgreSQL 15 is missing. Install it with: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
}

start_postgres() {
  need_postgres
  mkdir -p "$dir/pgdata"
  # The postgres user must reach its data folder through ours (mktemp makes folders 0700).
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir/pgdata"; chmod a+x "$dir"; fi
  chmod 700 "$dir/pgdata"
  if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
    as_postgres "$pgbin/initdb" -D "$dir/pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/logs/initdb.log"
  fi
  if as_postgres "$pgbin/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then return; fi
  port_free "$pg_port" VWB_PG_PORT
  touch "$dir/logs/postgresql.log"
  [ "$(id -u)" = 0 ] && chown postgres "$dir/logs/postgresql.log"
  # Loopback only; the socket stays in the data folder. (The app creates its database on first start.)
  as_postgres "$pgbin/pg_ctl" -D "$dir/pgdata" -l "$dir/logs/postgresql.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir/pgdata" start >/dev/null
  echo "PostgreSQL on 127.0.0.1:$pg_port (log: $dir/logs/postgresql.log)"
}

start_node() { # name role port
  local name=$1 role=$2 port=$3
  if alive "$name"; then echo "$name already runs (pid $(cat "$dir/pids/$name"))"; return; fi
  port_free "$port" "$([ "$role" = worker ] && echo VWB_WORKER_PORTS || echo VWB_WEB_PORT)"
  Database__Provider=Postgres ConnectionStrings__Postgres="$connection" Storage__DataDirectory="$dir/data" \
    Training__MaxConcurrentRuns="$worker_runs" \
    nohup dotnet "$app" --role "$role" --Urls "http://127.0.0.1:$port" >"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/pids/$name"
  wait_ready "$name" "$port"
  echo "$name ($role) on http://127.0.0.1:$port, pid $(cat "$dir/pids/$name") (log: $dir/logs/$name.log)"
}

wait_ready() { # name port
  # The app compiles fully at start (TieredCompilation off): allow for a busy machine.
  for _ in $(seq 1 360); do
    if ! alive "$1"; then echo "$1 exited during start-up; the end of its log:" >&2; tail -20 "$dir/logs/$1.log" >&2; exit 1; fi
    if curl -fsS -o /dev/null "http://127.0.0.1:$2/health/ready" 2>/dev/null; then return; fi
    sleep 0.5
  done
  echo "$1 was not ready after 180 s (log: $dir/logs/$1.log)" >&2
  exit 1
}

port_free() { # port setting
  # Something else answering there (another cluster, another app) would pass for this node's readiness check.
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "Port $1 on 127.0.0.1 is in use by another program; choose a free one with $2." >&2
    exit 1
  fi
}

alive() { [ -f "$dir/pids/$1" ] && kill -0 "$(cat "$dir/pids/$1")" 2>/dev/null; }

nodes() { echo web; local i=1; for _ in $worker_ports; do echo "worker$i"; i=$((i + 1)); done; }

start() {
  mkdir -p "$dir/logs" "$dir/pids" "$dir/data"
  echo "Building ($configuration) once for every node..."
  dotnet build "$repo/src/VaeWorkbench.Web" -c "$configuration" -v quiet -nologo >"$dir/logs/build.log" || { tail -30 "$dir/logs/build.log" >&2; exit 1; }
  start_postgres
  # The web server first: it applies the migrations before any worker opens the database.
  start_node web "${VWB_WEB_ROLE:-web}" "$web_port"
  local i=1
  for port in $worker_ports; do start_node "worker$i" worker "$port"; i=$((i + 1)); done
  echo "Open http://127.0.0.1:$web_port. Stop everything with: bash scripts/cluster.sh stop"
}

stop() {
  # Workers first, so their jobs release their leases while the database is still there; each gets the host's
  # shutdown timeout (ShutdownTimeoutSeconds, 30 s) to checkpoint.
  for name in $(nodes | tac); do
    if alive "$name"; then
      kill -TERM "$(cat "$dir/pids/$name")"
      for _ in $(seq 1 80); do alive "$name" || break; sleep 0.5; done
      if alive "$name"; then echo "$name did not stop in 40 s; killing it" >&2; kill -KILL "$(cat "$dir/pids/$name")"; fi
      echo "$name stopped"
    fi
    rm -f "$dir/pids/$name"
  done
  if [ -f "$dir/pgdata/PG_VERSION" ] && as_postgres "$pgbin/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
    as_postgres "$pgbin/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null
    echo "PostgreSQL stopped"
  fi
}

status() {
  if [ -f "$dir/pgdata/PG_VERSION" ] && as_postgres "$pgbin/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
    echo "postgresql: running on 127.0.0.1:$pg_port"
  else
    echo "postgresql: stopped"
  fi
  local port i=1
  for name in $(nodes); do
    if [ "$name" = web ]; then port=$web_port; else port=$(echo $worker_ports | cut -d' ' -f$i); i=$((i + 1)); fi
    if alive "$name"; then
      echo "$name: pid $(cat "$dir/pids/$name"), http://127.0.0.1:$port, ready: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
    else
      echo "$name: stopped"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: bash scripts/cluster.sh start|stop|status" >&2; exit 2 ;;
esac
