#!/usr/bin/env bash
# Runs every test in the solution. Installs what the tests need first (Debian packages), or says exactly how.
set -euo pipefail
cd "$(dirname "$0")/.."

# package -> a file it installs
declare -A needs=(
  [chromium]=/usr/bin/chromium
  [dataset-fashion-mnist]=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
  [python3-numpy]=/usr/lib/python3/dist-packages/numpy/__init__.py
  [python3-onnx]=/usr/lib/python3/dist-packages/onnx/checker.py
  [postgresql]=/usr/lib/postgresql/15/bin/initdb
)
missing=()
for pkg in "${!needs[@]}"; do
  [ -e "${needs[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing test prerequisites. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Redocly's CLI lints the OpenAPI document (OpenApiLintTests); installed from the lock file, inside the repo.
if [ ! -d tests/openapi-lint/node_modules ]; then
  echo "test.sh: installing Redocly's CLI (npm ci in tests/openapi-lint)"
  npm ci --prefix tests/openapi-lint --no-audit --no-fund >/dev/null
fi

# A throwaway PostgreSQL cluster on loopback for the PostgreSQL tests (Category=Postgres): a free port, data in a
# temporary folder, fsync off, stopped and removed on exit. The tests find it through VAE_TEST_POSTGRES; each test
# class creates its own database there. Set VAE_TEST_POSTGRES yourself to use a server you already run.
log=$(mktemp)
pgdata=""
cleanup() {
  rm -f "$log"
  if [ -n "$pgdata" ]; then
    as_postgres /usr/lib/postgresql/15/bin/pg_ctl -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pgdata"
  fi
}
trap cleanup EXIT
as_postgres() {
  # initdb refuses to run as root; as anyone else the cluster simply belongs to that user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ -z "${VAE_TEST_POSTGRES:-}" ]; then
  pgbin=/usr/lib/postgresql/15/bin
  pgdata=$(mktemp -d)
  [ "$(id -u)" = 0 ] && chown postgres "$pgdata"
  chmod 700 "$pgdata"
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  as_postgres "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $pgport -k $pgdata -c fsync=off -c max_connections=300" start >/dev/null
  export VAE_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres"
  echo "test.sh: PostgreSQL 15 for the tests on 127.0.0.1:$pgport (data in $pgdata)"
fi

# Run every test project, then close with one summary line ("N passed, N failed") over all of them.
set +e
dotnet test VaeWorkbench.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$( (grep -oE 'Passed: +[0-9]+' "$log" || true) | awk '{s += $2} END {print s + 0}')
failed=$( (grep -oE 'Failed: +[0-9]+' "$log" || true) | awk '{s += $2} END {print s + 0}')
skipped=$( (grep -oE 'Skipped: +[0-9]+' "$log" || true) | awk '{s += $2} END {print s + 0}')
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
