#!/usr/bin/env python3
"""Does augmentation help a downstream classifier? Multinomial logistic regression on pixels, trained on N real
Fashion-MNIST training images, with and without the per-class generated images in a `vae generate` ZIP, evaluated on the
10,000 test images. Prints one JSON line per condition. Run by usefulness.sh."""
import argparse, gzip, io, json, struct, zipfile
import numpy as np, torch
from PIL import Image

def idx(path):
    with gzip.open(path, 'rb') as f: data = f.read()
    magic, n = struct.unpack('>II', data[:8])
    if magic == 2051:
        r, c = struct.unpack('>II', data[8:16]); return np.frombuffer(data, np.uint8, offset=16).reshape(n, r * c)
    return np.frombuffer(data, np.uint8, offset=8)

def from_zip(path):
    xs, ys = [], []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith('.png'): continue
            xs.append(np.asarray(Image.open(io.BytesIO(z.read(name))), np.uint8).reshape(-1)); ys.append(int(name.split('/')[0]))
    return np.stack(xs), np.array(ys)

def train_and_test(x, y, xte, yte, seed):
    torch.manual_seed(seed)
    x = torch.from_numpy(x.astype(np.float32) / 255); y = torch.from_numpy(y.astype(np.int64))
    model = torch.nn.Linear(784, 10)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    for _ in range(300):  # full batch: a convex problem, run to near convergence
        opt.zero_grad(); torch.nn.functional.cross_entropy(model(x), y).backward(); opt.step()
    with torch.no_grad():
        pred = model(torch.from_numpy(xte.astype(np.float32) / 255)).argmax(1).numpy()
    return float((pred == yte).mean())

ap = argparse.ArgumentParser()
ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist'); ap.add_argument('--real', type=int, default=1000)
ap.add_argument('--generated', required=True)
a = ap.parse_args()
torch.set_num_threads(2)
x = idx(f'{a.data}/train-images-idx3-ubyte.gz')[:a.real]; y = idx(f'{a.data}/train-labels-idx1-ubyte.gz')[:a.real]
xte = idx(f'{a.data}/t10k-images-idx3-ubyte.gz'); yte = idx(f'{a.data}/t10k-labels-idx1-ubyte.gz')
xg, yg = from_zip(a.generated)
for seed in (1, 2, 3):
    print(json.dumps({'seed': seed, 'real': len(x), 'generated': 0, 'test_accuracy': train_and_test(x, y, xte, yte, seed)}))
    print(json.dumps({'seed': seed, 'real': len(x), 'generated': len(xg), 'generated_per_class': np.bincount(yg, minlength=10).tolist(),
                      'test_accuracy': train_and_test(np.concatenate([x, xg]), np.concatenate([y, yg]), xte, yte, seed)}))
