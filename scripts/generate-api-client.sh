#!/usr/bin/env bash
# Regenerates the Kiota client the tests use (tests/VaeWorkbench.Web.Tests/Generated/WorkbenchApi) from the OpenAPI
# document of the built app: run after changing an endpoint it covers (see includePatterns in its kiota-lock.json).
# Needs `dotnet build` and `dotnet tool restore` first.
set -euo pipefail
cd "$(dirname "$0")/.."

port=5099
data=$(mktemp -d)
document=$(mktemp --suffix=.json)
out=tests/VaeWorkbench.Web.Tests/Generated/WorkbenchApi
Storage__DataDirectory="$data" Urls="http://127.0.0.1:$port" dotnet src/VaeWorkbench.Web/bin/Debug/net10.0/VaeWorkbench.Web.dll >/dev/null 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; rm -rf "$data" "$document"' EXIT
for _ in $(seq 60); do
  curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$document" && break
  sleep 1
done
[ -s "$document" ] || { echo "generate-api-client.sh: the app did not serve /openapi/v1.json" >&2; exit 1; }

KIOTA_OFFLINE_ENABLED=true dotnet kiota generate -d "$document" -l CSharp -o "$out" \
  -n VaeWorkbench.Web.Tests.Generated.WorkbenchApi -c WorkbenchApiClient --exclude-backward-compatible --clean-output \
  --include-path "/api/auth/**" --include-path "/api/me" --include-path "/api/runs" \
  --include-path "/api/datasets" --include-path "/api/datasets/{id}/images/{index}.png" --include-path "/api/runs/{id}" \
  --include-path "/api/registry" --include-path "/api/registry/{name}/versions/{version}/download" >/dev/null
# The lock file names where the document came from: the app's own URL, not this run's temp file.
sed -i 's|"descriptionLocation": "[^"]*"|"descriptionLocation": "http://localhost:5000/openapi/v1.json"|' "$out/kiota-lock.json"
# The client's default base URL is the document's server, this run's port: say the app's usual one instead.
grep -rl "127.0.0.1:$port" "$out" | xargs -r sed -i "s|http://127.0.0.1:$port|http://localhost:5000|g"
echo "generate-api-client.sh: regenerated $out"
