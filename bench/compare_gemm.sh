#!/usr/bin/env bash
# SGEMM: ours vs PyTorch/OpenBLAS, measured alternately in the same run, printing the ratio per shape.
# usage: bench/compare_gemm.sh [repeats]   (needs python3-torch and libopenblas0-pthread; see bench/torch_gemm.py)
# Each shape is measured `repeats` times (default 2) alternating torch/ours; the best of each is compared,
# which filters out moments when other work shares the 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-2}"

dotnet build -c Release bench/VaeWorkbench.Benchmarks -v q -nologo >/dev/null
ours=bench/VaeWorkbench.Benchmarks/bin/Release/net9.0/linux-x64/VaeWorkbench.Benchmarks

# M N K transA transB threads — 1024³ plus the GEMMs of the `mlp` preset at batch 128.
shapes=(
  "1024 1024 1024 0 0 2"
  "1024 1024 1024 0 0 1"
  "128 400 784 0 1 2"    # encoder fc1 forward:  x·W1ᵀ
  "128 784 400 0 1 2"    # decoder fc4 forward:  h·W4ᵀ
  "128 400 784 0 0 2"    # decoder fc4 backward: dY·W4
  "400 784 128 1 0 2"    # encoder fc1 weights:  dYᵀ·x
  "784 400 128 1 0 2"    # decoder fc4 weights:  dYᵀ·h
  "128 20 400 0 1 2"     # μ / log σ² heads forward
  "128 400 784 0 1 1"
  "400 784 128 1 0 1"
)

printf '%-22s %9s %9s %7s\n' "shape (MxNxK tA tB th)" "torch" "ours" "ratio"
for shape in "${shapes[@]}"; do
  best_torch=0
  best_ours=0
  for _ in $(seq "$repeats"); do
    t=$(/usr/bin/python3 bench/torch_gemm.py $shape | sed -E 's/.*"gflops": ?([0-9.]+).*/\1/')
    o=$("$ours" gemm $shape | sed -E 's/.*"gflops": ?([0-9.]+).*/\1/')
    best_torch=$(echo "$t $best_torch" | awk '{print ($1 > $2) ? $1 : $2}')
    best_ours=$(echo "$o $best_ours" | awk '{print ($1 > $2) ? $1 : $2}')
  done
  read -r m n k ta tb th <<<"$shape"
  ratio=$(echo "$best_ours $best_torch" | awk '{printf "%.2f", $1 / $2}')
  printf '%-22s %9s %9s %7s\n' "${m}x${n}x${k} $ta $tb $th" "$best_torch" "$best_ours" "${ratio}x"
done
