#!/usr/bin/env bash
# Augmentation figures: generation speed (ours vs the PyTorch decoder, both writing one PNG per image, 2 threads)
# and a 100,000-image ZIP export (time and peak RSS). Run from the repository root:
#   bench/augmentation/generation_figures.sh [count]
# Needs: apt-get install -y python3-torch python3-pil dataset-fashion-mnist
set -euo pipefail
COUNT=${1:-20000}
DATA=/usr/share/datasets/fashion-mnist
WORK=$(mktemp -d /tmp/vwb-augment-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
dotnet build src/VaeWorkbench.Cli -c Release -v q -nologo >/dev/null
VAE=src/VaeWorkbench.Cli/bin/Release/net9.0/linux-x64/vae

for arch in mlp conv; do
  "$VAE" train --data "$DATA" --arch "$arch" --epochs 1 --limit 2000 --test-limit 200 --threads 2 --out "$WORK/$arch.vae" >/dev/null
  for run in 1 2; do
    echo "ours  $arch run $run: $("$VAE" generate --model "$WORK/$arch.vae" --count "$COUNT" --seed 1 --threads 2 --out "$WORK/ours-$arch-$run")"
    echo "torch $arch run $run: $(/usr/bin/python3 bench/augmentation/torch_generate.py --model "$arch" --count "$COUNT" --threads 2 --out "$WORK/torch-$arch-$run")"
    # The same with one ZIP as the sink, which takes file-system overhead (one file per image) out of both.
    echo "ours  $arch run $run zip: $("$VAE" generate --model "$WORK/$arch.vae" --count "$COUNT" --seed 1 --threads 2 --out "$WORK/ours.zip")"
    echo "torch $arch run $run zip: $(/usr/bin/python3 bench/augmentation/torch_generate.py --model "$arch" --count "$COUNT" --threads 2 --out "$WORK/torch.zip")"
    rm -rf "$WORK/ours-$arch-$run" "$WORK/torch-$arch-$run" "$WORK/ours.zip" "$WORK/torch.zip"
  done
done

# ZIP export (ImageFolder layout, manifest, provenance), streamed chunk by chunk: time and peak RSS for 10,000 and
# 100,000 images; bounded memory means the peak barely grows with the count (only the manifest's lines are kept).
for n in 10000 100000; do
  /usr/bin/time -v "$VAE" generate --model "$WORK/mlp.vae" --count "$n" --seed 1 --threads 2 --out "$WORK/export-$n.zip" > "$WORK/out.txt" 2> "$WORK/time.txt"
  echo "export $n: $(cat "$WORK/out.txt")"
  grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$WORK/time.txt"
  /usr/bin/python3 -c "import zipfile,sys,os; z=zipfile.ZipFile(sys.argv[1]); n=z.namelist(); print('zip bytes:', os.path.getsize(sys.argv[1]), 'entries:', len(n), 'pngs:', sum(x.endswith('.png') for x in n))" "$WORK/export-$n.zip"
  rm -f "$WORK/export-$n.zip"
done
