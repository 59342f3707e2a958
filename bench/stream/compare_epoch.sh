#!/usr/bin/env bash
# Epoch time on an in-memory set, before (main) and after (this branch), paired and repeated in one run.
# usage: bench/stream/compare_epoch.sh <main's vae> <this branch's vae> [pairs=5]
# Each side runs `vae bench --arch mlp --skip-gemm --epochs 2 --threads 2` on Fashion-MNIST's 60k training images;
# epoch 2 is reported (epoch 1 pays JIT). The order within each pair alternates so drift hits both sides alike.
set -euo pipefail
before=$1; after=$2; pairs=${3:-5}
run() { "$1" bench --arch mlp --skip-gemm --epochs 2 --threads 2 | grep '"epoch":2' | sed -E 's/.*"epoch_s":([0-9.]+).*/\1/'; }
for i in $(seq 1 "$pairs"); do
  if (( i % 2 )); then b=$(run "$before"); a=$(run "$after"); else a=$(run "$after"); b=$(run "$before"); fi
  echo "pair $i before_s=$b after_s=$a ratio=$(python3 -c "print(f'{$a/$b:.3f}')")"
done
