#!/usr/bin/env bash
# Sign-in timing for a registered address with a wrong password against an address with no account, paired and
# alternated, through POST /api/auth/token on a Release build. Prints the median and range of each, in ms.
# Usage: bench/security/signin_timing.sh [pairs]   (default 40). Lockout and rate limits are raised for the run only.
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-40}
data=$(mktemp -d); port=5391; base=http://127.0.0.1:$port
dotnet build -c Release src/VaeWorkbench.Web -v q -nologo >/dev/null
Auth__MaxFailedAccessAttempts=100000 Auth__RateLimit__PermitsPerIp=100000 Auth__RateLimit__PermitsPerAccount=100000 \
  src/VaeWorkbench.Web/bin/Release/net10.0/VaeWorkbench.Web --urls $base --Storage:DataDirectory="$data" >"$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 150); do curl -sf $base/healthz >/dev/null && break; sleep 0.2; done
curl -sf -X POST $base/api/auth/register -H 'Content-Type: application/json' -d '{"email":"known@example.test","password":"correct-horse-battery"}' >/dev/null
time_token() { curl -s -o /dev/null -w '%{time_total}\n' -X POST $base/api/auth/token -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"wrong-password-1\",\"name\":\"t\"}"; }
for _ in 1 2 3; do time_token known@example.test >/dev/null; time_token ghost@example.test >/dev/null; done   # warm-up
: >"$data/known"; : >"$data/unknown"
for i in $(seq "$pairs"); do
  if (( i % 2 )); then time_token known@example.test >>"$data/known"; time_token "ghost$i@example.test" >>"$data/unknown"
  else time_token "ghost$i@example.test" >>"$data/unknown"; time_token known@example.test >>"$data/known"; fi
done
summary() { sort -n "$1" | awk '{a[NR]=$1*1000} END {printf "median %.1f ms, range %.1f-%.1f ms, n=%d\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[1], a[NR], NR}'; }
echo "known address, wrong password: $(summary "$data/known")"
echo "unknown address:               $(summary "$data/unknown")"
