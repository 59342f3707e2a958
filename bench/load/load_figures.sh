#!/usr/bin/env bash
# Runs the issue-9 load tests with bigger numbers than CI uses and prints their figures (the tests print them; this keeps
# only those lines). Each test asserts what it asserts in CI too, so a failure here is a finding, not noise.
#   bench/load/load_figures.sh [seconds] [circuits-per-round] [browsing-users]
# Defaults: 300 s of SQLite writers, 1000 circuits per round (3 rounds), 50 browsing users for 120 s.
# CI runs the same tests at 120 s / 300 circuits / 20 users (tests/VaeWorkbench.Web.Tests/Load, tests/VaeWorkbench.E2E).
# Needs what scripts/test.sh installs (chromium, dataset-fashion-mnist).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}
circuits=${2:-1000}
users=${3:-50}

dotnet build VaeWorkbench.sln -v q -nologo >/dev/null
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
figures='writers for|acknowledged|epochs recorded|failed requests|heap|round|browsing users|sidebar toggle'
VWB_LOAD_SECONDS=$seconds VWB_CIRCUITS_PER_ROUND=$circuits \
  dotnet test tests/VaeWorkbench.Web.Tests --no-build --filter "FullyQualifiedName~VaeWorkbench.Web.Tests.Load" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "$figures|Passed|Failed" | grep -v '^\s*at ' | sort -u
VWB_BROWSING_USERS=$users VWB_BROWSING_SECONDS=120 \
  dotnet test tests/VaeWorkbench.E2E --no-build --filter "TrainingUnderBrowsingTests" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "$figures|Passed|Failed" | grep -v '^\s*at ' | sort -u
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
