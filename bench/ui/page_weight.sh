#!/usr/bin/env bash
# Page weight: the bytes of CSS, JS and fonts a first load of the sign-in page and of a signed-in home page transfer,
# for one or more checkouts (say the last Radzen-only commit and the MudBlazor one), as a Markdown table.
# Each checkout's Release build of src/VaeWorkbench.Web runs on a free port with a fresh temporary data folder
# (built first, incrementally); page_weight.mjs drives Chromium (/usr/bin/chromium) through playwright-core.
# Usage: bench/ui/page_weight.sh <checkout> [<checkout> ...]    e.g. bench/ui/page_weight.sh /work/wt-before .
# Set DETAILS=1 for every file of every load; BLOCK=/_content/Radzen.Blazor/ leaves a library's files out (a projection).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
for checkout in "$@"; do
  checkout=$(cd "$checkout" && pwd)
  app="$checkout/src/VaeWorkbench.Web/bin/Release/net10.0/VaeWorkbench.Web"
  # An incremental build: a binary left from an older commit would measure the wrong pages. NO_BUILD=1 skips it.
  [ -n "${NO_BUILD:-}" ] || dotnet build -c Release "$checkout/src/VaeWorkbench.Web" >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  data=$(mktemp -d)
  log=$(mktemp)
  ( cd "$data" && Storage__DataDirectory="$data" ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" exec "$app" ) >"$log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
    sleep 0.2
    kill -0 $pid 2>/dev/null || { echo "the app in $checkout exited:"; cat "$log"; exit 1; }
  done
  label="$(basename "$checkout") $(git -C "$checkout" rev-parse --short HEAD)${BLOCK:+ without $BLOCK}"
  node "$here/page_weight.mjs" "http://127.0.0.1:$port" "$label" >>"$rows" || { kill $pid; cat "$log"; exit 1; }
  kill $pid
  wait $pid 2>/dev/null || true
  rm -rf "$data" "$log"
done
python3 - "$rows" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
def page(r): return "sign-in" if r["page"].endswith("/account/login") else "home (signed in)"
print("| page | build | CSS bytes | JS bytes | font bytes | HTML bytes | image bytes | total |")
print("|---|---|--:|--:|--:|--:|--:|--:|")
for r in sorted(rows, key=lambda r: (page(r), rows.index(r))):
    total = sum(r[k] for k in ("css", "js", "font", "html", "image", "other"))
    print(f"| {page(r)} | {r['label']} | {r['css']:,} | {r['js']:,} | {r['font']:,} | {r['html']:,} | {r['image']:,} | {total:,} |")
import os
if os.environ.get("DETAILS"):
    for r in rows:
        print(f"\n{page(r)}, {r['label']}:")
        for f in r["files"]:
            print(f"  {f['kind']:6} {f['bytes']:>9,}  {f['status']} {f['encoding']:4} {f['url']}")
PY
