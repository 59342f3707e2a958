#!/usr/bin/env bash
# The PyTorch side runs with the fair settings of DESIGN.md: OpenBLAS free to pick its AVX-512 kernels, OpenMP threads passive.
# The one-class AUROC benchmark side by side: PyTorch (bench/oneclass/torch_oneclass.py) and `vae oneclass`, the same
# `mlp` architecture, optimiser, epochs, batch and loss, on the same protocol (train on one class of Fashion-MNIST's
# training split, score the whole test split, the other classes are the anomalies), one after the other in one run.
# Prints per-class and mean AUROC for each method with the ratio ours/PyTorch (>= 1 means we are at least as good).
#   bench/oneclass/compare.sh [epochs=20] [threads=2] [k=10] [classes=0,...,9] [test-limit=10000]
# Needs: apt-get install -y python3-torch libopenblas0-pthread dataset-fashion-mnist. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-20}
threads=${2:-2}
k=${3:-10}
classes=${4:-0,1,2,3,4,5,6,7,8,9}
test_limit=${5:-10000}
data=/usr/share/datasets/fashion-mnist
torch_dir=${TORCH_VAE_DIR:-/work/shared/bench}
[ -f "$torch_dir/torch_vae.py" ] || torch_dir=../shared/bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet build -c Release src/VaeWorkbench.Cli -v q -nologo >/dev/null
vae=$(ls src/VaeWorkbench.Cli/bin/Release/net10.0/vae | head -1)

echo "== PyTorch mlp: $epochs epochs, K=$k, classes $classes, $threads threads (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
TORCH_VAE_DIR="$torch_dir" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/oneclass/torch_oneclass.py --data "$data" --epochs "$epochs" --threads "$threads" \
    --k "$k" --classes "$classes" --test-limit "$test_limit" | tee "$out/torch.jsonl" >&2
echo "== VaeWorkbench mlp: $epochs epochs, K=$k, classes $classes, $threads threads (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
"$vae" oneclass --data "$data" --arch mlp --epochs "$epochs" --threads "$threads" --k "$k" --classes "$classes" \
    --test-limit "$test_limit" | tee "$out/ours.jsonl" >&2

/usr/bin/python3 bench/oneclass/side_by_side.py "$out/torch.jsonl" "$out/ours.jsonl"
