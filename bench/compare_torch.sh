#!/usr/bin/env bash
# The PyTorch side runs with the fair settings of DESIGN.md: OpenBLAS free to pick its AVX-512 kernels, OpenMP threads passive.
# Trains the same preset with PyTorch (../shared/bench/torch_vae.py) and with `vae train`, one after the other in one
# run, and prints seconds per epoch, test loss and peak RSS for both, with the ratios.
#   bench/compare_torch.sh [mlp|conv] [epochs] [threads] [limit]
# limit (default 60000) trains both on the first N images, for a busy machine where a full conv epoch of PyTorch
# takes too long; seconds per epoch then scale with N, and the test loss is no longer the reference figure.
# Needs: apt-get install -y python3-torch libopenblas0-pthread dataset-fashion-mnist
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-mlp}
epochs=${2:-3}
threads=${3:-2}
limit=${4:-60000}
data=/usr/share/datasets/fashion-mnist
torch_script=${TORCH_VAE:-/work/shared/bench/torch_vae.py}
[ -f "$torch_script" ] || torch_script=../shared/bench/torch_vae.py
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet build -c Release src/VaeWorkbench.Cli -v q -nologo >/dev/null
vae=$(ls src/VaeWorkbench.Cli/bin/Release/net10.0/vae | head -1)

echo "== PyTorch: $model, $epochs epochs, $limit images, $threads threads (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
/usr/bin/time -f '%M' -o "$out/torch.rss" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$torch_script" --model "$model" --epochs "$epochs" --threads "$threads" --limit "$limit" --data "$data" | tee "$out/torch.jsonl" >&2
echo "== VaeWorkbench: $model, $epochs epochs, $limit images, $threads threads (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
/usr/bin/time -f '%M' -o "$out/ours.rss" "$vae" train --data "$data" --arch "$model" --epochs "$epochs" --threads "$threads" --limit "$limit" --seed 1 --out "$out/model.vae" | tee "$out/ours.jsonl" >&2

/usr/bin/python3 - "$out" "$model" <<'PY'
import json, sys
out, model = sys.argv[1], sys.argv[2]
def load(name):
    rows = [json.loads(l) for l in open(f"{out}/{name}.jsonl") if l.strip()]
    rss = int(open(f"{out}/{name}.rss").read().split()[-1]) / 1024
    return rows, rss
torch, torch_rss = load("torch")
ours, ours_rss = load("ours")
def mean_epoch(rows):
    # the first epoch includes JIT warm-up for us and allocator warm-up for torch; report both the mean and the best
    times = [r["epoch_s"] for r in rows]
    return sum(times) / len(times), min(times)
tm, tb = mean_epoch(torch)
om, ob = mean_epoch(ours)
print(f"preset {model}: {len(ours)} epochs")
print(f"{'':12}{'s/epoch mean':>14}{'s/epoch best':>14}{'test loss':>12}{'peak RSS MB':>13}")
print(f"{'PyTorch':12}{tm:14.2f}{tb:14.2f}{torch[-1]['test_loss']:12.2f}{torch_rss:13.0f}")
print(f"{'ours':12}{om:14.2f}{ob:14.2f}{ours[-1]['test_loss']:12.2f}{ours_rss:13.0f}")
print(f"speed-up (torch/ours): mean {tm/om:.2f}x, best {tb/ob:.2f}x;  test loss difference {100*(ours[-1]['test_loss']/torch[-1]['test_loss']-1):+.2f}%")
PY
