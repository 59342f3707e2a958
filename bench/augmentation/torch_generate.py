#!/usr/bin/env python3
"""PyTorch reference for `vae generate`: z ~ N(0, I), decode in batches, sigmoid, 8-bit, one PNG per image (Pillow).

Same architectures as ../../../shared/bench/torch_vae.py (imported from there). Weights are random: decoding cost does
not depend on their values. Prints one JSON line: images, seconds, images per second (sampling + decoding + PNG writing).
"""
import argparse, io, json, os, sys, time, zipfile
sys.path.insert(0, os.environ.get('TORCH_VAE_DIR', '/work/shared/bench'))
import numpy as np, torch
from PIL import Image
from torch_vae import Mlp, Conv

ap = argparse.ArgumentParser()
ap.add_argument('--model', default='mlp'); ap.add_argument('--count', type=int, default=20000)
ap.add_argument('--threads', type=int, default=2); ap.add_argument('--batch', type=int, default=256)
ap.add_argument('--out', required=True, help='a directory, or a .zip (entries stored, PNGs are compressed already)')
a = ap.parse_args()
torch.set_num_threads(a.threads); torch.manual_seed(1)
m = Mlp() if a.model == 'mlp' else Conv()
m.eval()
decode = m.decode if a.model == 'mlp' else m.d
latent = 20 if a.model == 'mlp' else 16
to_zip = a.out.endswith('.zip')
if not to_zip: os.makedirs(a.out, exist_ok=True)
t0 = time.perf_counter()
archive = zipfile.ZipFile(a.out, 'w', zipfile.ZIP_STORED) if to_zip else None
with torch.no_grad():
    for start in range(0, a.count, a.batch):
        n = min(a.batch, a.count - start)
        pixels = torch.sigmoid(decode(torch.randn(n, latent)).view(n, 28, 28))
        images = (pixels * 255).round().clamp(0, 255).to(torch.uint8).numpy()
        for i in range(n):
            if to_zip:
                buffer = io.BytesIO(); Image.fromarray(images[i], 'L').save(buffer, 'PNG')
                archive.writestr(f'unlabeled/{start + i + 1:06d}.png', buffer.getvalue())
            else:
                Image.fromarray(images[i], 'L').save(os.path.join(a.out, f'{start + i + 1:06d}.png'))
if archive: archive.close()
dt = time.perf_counter() - t0
print(json.dumps({'impl': 'torch', 'model': a.model, 'count': a.count, 'threads': a.threads, 'seconds': round(dt, 3),
                  'img_per_s': round(a.count / dt, 1), 'torch': torch.__version__}))
