#!/usr/bin/env bash
# The PyTorch side runs with the fair settings of DESIGN.md: OpenBLAS free to pick its AVX-512 kernels, OpenMP threads passive.
# SGEMM: ours vs PyTorch/OpenBLAS, measured alternately in the same run, printing the ratio per shape.
# usage: bench/compare_gemm.sh [repeats]   (needs python3-torch and libopenblas0-pthread; see bench/torch_gemm.py)
# Each shape is measured `repeats` times (default 2), alternating torch and ours; the best of each is compared,
# which filters out moments when other work shares the 2 cores. Two figures per side:
#   wall   GFLOP/s of the best round (what a caller sees; needs a quiet machine to mean anything)
#   cpu    GFLOP per CPU-second of the best round (per-core efficiency; robust to other load, but it also
#          counts idle spinning of worker threads, so for 2 threads it measures efficiency, not speed)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-2}"

dotnet build -c Release bench/VaeWorkbench.Benchmarks -v q -nologo >/dev/null
ours=bench/VaeWorkbench.Benchmarks/bin/Release/net10.0/VaeWorkbench.Benchmarks

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
  "128 400 20 0 0 2"     # decoder fc3 forward (z·W3ᵀ stored transposed) / heads backward dX
  "128 400 784 0 1 1"
  "128 784 400 0 0 1"
  "400 784 128 1 0 1"
  "128 20 400 0 1 1"
)

field() { sed -E "s/.*\"$1\": ?([0-9.]+).*/\1/"; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b) ? a : b }'; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-20s | %8s %8s %6s | %8s %8s %6s\n' "M N K tA tB threads" "torch" "ours" "ratio" "torch" "ours" "ratio"
printf '%-20s | %24s | %24s\n' "" "wall GFLOP/s" "GFLOP per CPU-second"
for shape in "${shapes[@]}"; do
  tw=0; ow=0; tc=0; oc=0
  for _ in $(seq "$repeats"); do
    t=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_gemm.py $shape)
    o=$("$ours" gemm $shape)
    tw=$(max "$tw" "$(echo "$t" | field gflops)"); tc=$(max "$tc" "$(echo "$t" | field gflops_per_cpu_s)")
    ow=$(max "$ow" "$(echo "$o" | field gflops)"); oc=$(max "$oc" "$(echo "$o" | field gflops_per_cpu_s)")
  done
  printf '%-20s | %8s %8s %5.2fx | %8s %8s %5.2fx\n' "$shape" "$tw" "$ow" "$(awk -v a="$ow" -v b="$tw" 'BEGIN { print a / b }')" \
    "$tc" "$oc" "$(awk -v a="$oc" -v b="$tc" 'BEGIN { print a / b }')"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
