#!/usr/bin/env bash
# Times the README's first command, `dotnet run --project src/VaeWorkbench.Web`, until the app logs "Now listening",
# then checks that Blazor's script and /healthz answer, and stops the app.
# Usage: bench/startup_time.sh <checkout> <port>. For a cold start pass a fresh clone; run it again for a warm start.
# Pair it with another checkout (say the last net9 commit, 261aadd) and alternate, as the README's figures were taken.
set -euo pipefail
cd "$1"
log=$(mktemp)
start=$(date +%s.%N)
dotnet run --project src/VaeWorkbench.Web -- --urls "http://127.0.0.1:$2" >"$log" 2>&1 &
pid=$!
until grep -q 'Now listening' "$log"; do
  sleep 0.1
  kill -0 $pid 2>/dev/null || { echo "the app exited:"; cat "$log"; exit 1; }
done
end=$(date +%s.%N)
script=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/_framework/blazor.web.js")
health=$(curl -s "http://127.0.0.1:$2/healthz")
pkill -f "VaeWorkbench.Web --urls http://127.0.0.1:$2" || true
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
rm -f "$log"
echo "$(echo "$end - $start" | bc) s  blazor.web.js=$script healthz=$health"
