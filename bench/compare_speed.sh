#!/usr/bin/env bash
# Training speed against PyTorch, fairly and in one run: for each preset, pairs of (ours, PyTorch) epochs run
# interleaved (ours, theirs, ours, theirs, ...), each process alone, 2 threads on both sides by default, and the
# reference under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE` (DESIGN.md "fair settings").
# Each pair also measures our 1024^3 SGEMM rate, so the epoch's GFLOP/s reads as a share of what GEMM reaches then.
# Prints every run as it comes and, per preset, the median and range of both sides and of the per-pair ratios.
#   bench/compare_speed.sh [pairs=3] [presets="mlp conv conv64"] [threads=2]
# mlp: epoch 2 over the 60,000 Fashion-MNIST images; conv: epoch 2 over the first 10,000; conv64: the conv preset at
# 64x64 RGB (3 stride-2 stages), one epoch over 20,000 random images after 4 untimed warm-up batches on both sides.
# Needs: apt-get install -y python3-torch libopenblas0-pthread dataset-fashion-mnist
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-3}
presets=${2:-mlp conv conv64}
threads=${3:-2}
conv64_images=${CONV64_IMAGES:-20000} # fewer only when a busy machine makes PyTorch's 20,000-image epoch take too long
data=/usr/share/datasets/fashion-mnist
torch_vae=${TORCH_VAE:-/work/shared/bench/torch_vae.py}
[ -f "$torch_vae" ] || torch_vae=../shared/bench/torch_vae.py
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet build -c Release src/VaeWorkbench.Cli -v q -nologo >/dev/null
vae=src/VaeWorkbench.Cli/bin/Release/net10.0/vae
fair=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE)

ours() { # preset -> one JSON line of the timed epoch
  case $1 in
    mlp)    "$vae" bench --skip-gemm --arch mlp --epochs 2 --threads "$threads" --data "$data" | tail -1 ;;
    conv)   "$vae" bench --skip-gemm --arch conv --epochs 2 --limit 10000 --threads "$threads" --data "$data" | tail -1 ;;
    conv64) "$vae" bench --skip-gemm --arch conv64 --epochs 1 --warmup 4 --limit "$conv64_images" --threads "$threads" | tail -1 ;;
  esac
}
theirs() {
  case $1 in
    mlp)    "${fair[@]}" /usr/bin/python3 "$torch_vae" --model mlp --epochs 2 --threads "$threads" --data "$data" | tail -1 ;;
    conv)   "${fair[@]}" /usr/bin/python3 "$torch_vae" --model conv --epochs 2 --limit 10000 --threads "$threads" --data "$data" | tail -1 ;;
    conv64) "${fair[@]}" /usr/bin/python3 bench/torch_conv64.py --epochs 1 --warmup 4 --images "$conv64_images" --threads "$threads" | tail -1 ;;
  esac
}
load() { cut -d' ' -f1 /proc/loadavg; }

# The CPU family and model tell hosts apart that share a model name: AMD family 25 model 17 is Zen 4 (Genoa), family 26
# is Zen 5 (Turin). These VMs have run on both: 2-thread 1024^3 SGEMM at 373-378 GFLOP/s on Zen 5 (DESIGN.md), 107-202 on Zen 4.
cpu_field() { grep -m1 "^$1[[:space:]]*:" /proc/cpuinfo | cut -d: -f2 | xargs; }
echo "machine: $(cpu_field 'model name') (family $(cpu_field 'cpu family') model $(cpu_field model), L1d $(cat /sys/devices/system/cpu/cpu0/cache/index0/size 2>/dev/null)), $(nproc) cores; threads $threads on both sides" >&2
for r in $(seq "$pairs"); do
  for p in $presets; do
    l0=$(load); gemm=$("$vae" bench --gemm-only --threads "$threads" | head -1)
    l1=$(load); o=$(ours "$p")
    l2=$(load); t=$(theirs "$p") 2>/dev/null
    l3=$(load)
    echo "{\"pair\":$r,\"preset\":\"$p\",\"gemm\":$gemm,\"ours\":$o,\"theirs\":$t,\"load\":[$l0,$l1,$l2,$l3]}" | tee -a "$out/runs.jsonl" >&2
  done
done

/usr/bin/python3 - "$out/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
def fmt(xs, f='{:.2f}'):
    return f"{f.format(statistics.median(xs))} [{f.format(min(xs))}-{f.format(max(xs))}]"
print(f"{'preset':8}{'ours s/epoch':>22}{'PyTorch s/epoch':>24}{'PyTorch/ours':>22}{'ours GFLOP/s':>22}{'GEMM GFLOP/s':>22}{'of GEMM':>8}  load")
for p in dict.fromkeys(r['preset'] for r in runs):
    rs = [r for r in runs if r['preset'] == p]
    o = [r['ours']['epoch_s'] for r in rs]; t = [r['theirs']['epoch_s'] for r in rs]
    ratio = [r['theirs']['epoch_s'] / r['ours']['epoch_s'] for r in rs]
    gf = [r['ours']['gflops'] for r in rs]; gemm = [r['gemm']['gflops'] for r in rs]
    eff = statistics.median(gf) / statistics.median(gemm)
    loads = [x for r in rs for x in r['load']]
    print(f"{p:8}{fmt(o):>22}{fmt(t):>24}{fmt(ratio):>22}{fmt(gf, '{:.0f}'):>22}{fmt(gemm, '{:.0f}'):>22}{eff:8.0%}  {min(loads):.1f}-{max(loads):.1f}")
print(f"{len(runs) // len(set(r['preset'] for r in runs))} pairs per preset; ratios are per pair (same minute), so load that hits both sides alike cancels; ranges show how noisy it was.")
PY
