#!/usr/bin/env bash
# Retakes the user guide's pictures (docs/images/) from the journeys that follow each tutorial (tests/VaeWorkbench.E2E/Guide).
# A tutorial and its journey take the same steps, so a journey that fails means the tutorial is wrong too.
set -euo pipefail
cd "$(dirname "$0")/.."
VWB_DOCS_SCREENSHOTS=1 dotnet test tests/VaeWorkbench.E2E --filter "FullyQualifiedName~VaeWorkbench.E2E.Guide" "$@"
echo "docs-screenshots: $(find docs/images -name '*.png' | wc -l) pictures in docs/images ($(du -sh docs/images | cut -f1))"
