#!/usr/bin/env bash
# Peak RSS (VmHWM) against dataset size for training, scoring and generation, one task per process.
# usage: bench/stream/memory_sweep.sh <this branch's vae> [budget_mb=256] [shard_dir=/tmp/vwb-bench-shards] [tasks="train score generate"]
# Random 64x64 RGB images (12,288 bytes each), mlp preset on 12,288 inputs, 2 threads, one epoch / one pass.
set -euo pipefail
vae=$1; budget=${2:-256}; shards=${3:-/tmp/vwb-bench-shards}; tasks=${4:-train score generate}
for task in $tasks; do
  for images in 10000 50000 200000; do
    "$vae" bench memory --images "$images" --task "$task" --memory-budget-mb "$budget" --threads 2 --shard-dir "$shards"
  done
done
