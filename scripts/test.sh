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

# Run every test project, then close with one summary line ("N passed, N failed") over all of them.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test VaeWorkbench.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$( (grep -oE 'Passed: +[0-9]+' "$log" || true) | awk '{s += $2} END {print s + 0}')
failed=$( (grep -oE 'Failed: +[0-9]+' "$log" || true) | awk '{s += $2} END {print s + 0}')
skipped=$( (grep -oE 'Skipped: +[0-9]+' "$log" || true) | awk '{s += $2} END {print s + 0}')
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
