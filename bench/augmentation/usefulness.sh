#!/usr/bin/env bash
# Usefulness of augmentation: a VAE trained on the first 1,000 Fashion-MNIST training images generates 5,000 per-class
# samples from them; logistic regression is trained on the 1,000 real images with and without those samples and tested
# on the 10,000 test images. Run from the repository root: bench/augmentation/usefulness.sh [arch] [epochs]
set -euo pipefail
ARCH=${1:-conv}
EPOCHS=${2:-60}
DATA=/usr/share/datasets/fashion-mnist
WORK=$(mktemp -d /tmp/vwb-useful.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
dotnet build src/VaeWorkbench.Cli -c Release -v q -nologo >/dev/null
VAE=src/VaeWorkbench.Cli/bin/Release/net10.0/vae
# An IDX directory holding only the 1,000 real images, so the VAE and the per-class Gaussians see nothing else.
/usr/bin/python3 - "$DATA" "$WORK/real" <<'PY'
import gzip, os, struct, sys
src, dst = sys.argv[1], sys.argv[2]; os.makedirs(dst)
for name, header in (('train-images-idx3-ubyte.gz', 16), ('train-labels-idx1-ubyte.gz', 8)):
    data = gzip.open(os.path.join(src, name)).read()
    count = 1000; item = 784 if header == 16 else 1
    head = bytearray(data[:header]); head[4:8] = struct.pack('>I', count)
    with gzip.open(os.path.join(dst, name), 'wb') as f: f.write(bytes(head) + data[header:header + count * item])
PY
"$VAE" train --data "$WORK/real" --arch "$ARCH" --epochs "$EPOCHS" --threads 2 --out "$WORK/m.vae" | tail -1
"$VAE" generate --model "$WORK/m.vae" --data "$WORK/real" --mode per-class --count 5000 --seed 1 --threads 2 --out "$WORK/generated.zip"
/usr/bin/python3 bench/augmentation/usefulness.py --generated "$WORK/generated.zip"
