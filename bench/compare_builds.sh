#!/usr/bin/env bash
# Two builds of `vae` against each other, to tell a code regression from a slower machine: the same `vae bench` command
# runs alternately on each build (old, new, old, new, ...), each process alone, and per pair the ratio of every figure
# is taken, so load or a slower host that hits both builds alike cancels. Prints every run as it comes, then the
# median and range of each figure per build and of the per-pair ratio new/old.
#   bench/compare_builds.sh OLD_VAE NEW_VAE [pairs=5] [vae bench arguments...]
# Default arguments: the mlp preset's epoch 2 over Fashion-MNIST, after the SGEMM shapes `vae bench` measures first
# (the 1024³ cube and the mlp's batch-128 products), 2 threads. Example, the tree before last night's merges:
#   git worktree add --detach ../vae-261aadd 261aadd && dotnet build -c Release ../vae-261aadd/src/VaeWorkbench.Cli
#   bench/compare_builds.sh ../vae-261aadd/src/VaeWorkbench.Cli/bin/Release/net9.0/linux-x64/vae \
#     src/VaeWorkbench.Cli/bin/Release/net10.0/vae 5
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0"; exit 2; }
old=$1 new=$2 pairs=${3:-5}
shift $(( $# >= 3 ? 3 : 2 ))
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--arch mlp --epochs 2 --threads 2)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | xargs), L1d $(cat /sys/devices/system/cpu/cpu0/cache/index0/size 2>/dev/null), $(nproc) cores" >&2
echo "command: vae bench ${args[*]}" >&2
for r in $(seq "$pairs"); do
  for build in old new; do
    exe=$old; [ $build = new ] && exe=$new
    l0=$(load)
    "$exe" bench "${args[@]}" | sed "s/^{/{\"pair\":$r,\"build\":\"$build\",\"load\":$l0,/" | tee -a "$out" >&2
  done
done

/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
def key(r):  # one figure per line: an SGEMM shape's rate, or an epoch's seconds
    if r.get('kernel') == 'sgemm': return f"sgemm {r['trans']} {r['m']}x{r['n']}x{r['k']} GFLOP/s", r['gflops']
    if r.get('bench') == 'epoch': return f"{r['arch']} epoch {r['epoch']} s", r['epoch_s']
    return None, None
figures = {}
for r in runs:
    k, v = key(r)
    if k: figures.setdefault(k, {}).setdefault(r['pair'], {})[r['build']] = v
def fmt(xs): return f"{statistics.median(xs):.3f} [{min(xs):.3f}-{max(xs):.3f}]"
print(f"{'figure':34}{'old':>26}{'new':>26}{'new/old per pair':>26}")
for k, by_pair in figures.items():
    pairs = [p for p in by_pair.values() if 'old' in p and 'new' in p]
    if not pairs: continue
    old = [p['old'] for p in pairs]; new = [p['new'] for p in pairs]
    print(f"{k:34}{fmt(old):>26}{fmt(new):>26}{fmt([n / o for n, o in zip(new, old)]):>26}")
loads = [r['load'] for r in runs if 'load' in r]
print(f"{len(set(r['pair'] for r in runs))} pairs; load average at each start {min(loads):.2f}-{max(loads):.2f}")
PY
