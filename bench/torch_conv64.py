#!/usr/bin/python3
"""PyTorch reference for the workbench's conv preset at 64x64 RGB (modelled on ../shared/bench/torch_vae.py).

The architecture is the engine's VaeConfig.ConvPreset(3, 64) (README "Architectures"): 3x64x64 -> Conv(32, k4, s2, p1)
ReLU -> Conv(64) ReLU -> Conv(128) ReLU -> flatten 8192 -> Linear 256 ReLU -> heads 256 -> 16 (mu, log var); the
decoder is 16 -> 256 ReLU -> 8192 ReLU -> 128x8x8 -> ConvTranspose(64) ReLU -> ConvTranspose(32) ReLU ->
ConvTranspose(3) (logits). BCE with logits summed over pixels plus the analytic KL, Adam lr 1e-3, batch 128.
Data: uniform random pixels (timing only). A few untimed warm-up batches come first (allocator, oneDNN primitives),
then each epoch is timed. Prints one JSON line per epoch.

Run it fairly: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_conv64.py
"""
import json, os, sys, time, argparse
for var, why in (('OPENBLAS_CORETYPE', 'pins OpenBLAS to older kernels'), ('OPENBLAS_L2_SIZE', 'overrides the cache size')):
    if var in os.environ: print(f'note: {var} is set ({why}); for a fair figure run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE', file=sys.stderr)
if os.environ.get('OMP_WAIT_POLICY', '').upper() != 'PASSIVE':
    print('note: OMP_WAIT_POLICY is not PASSIVE; spinning threads slow this reference badly when the machine is shared', file=sys.stderr)
import torch, torch.nn as nn, torch.nn.functional as F

class Conv64(nn.Module):
    def __init__(s, z=16, c=3):
        super().__init__()
        s.e = nn.Sequential(nn.Conv2d(c, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
                            nn.Conv2d(64, 128, 4, 2, 1), nn.ReLU(), nn.Flatten(), nn.Linear(128 * 8 * 8, 256), nn.ReLU())
        s.mu, s.lv = nn.Linear(256, z), nn.Linear(256, z)
        s.d = nn.Sequential(nn.Linear(z, 256), nn.ReLU(), nn.Linear(256, 128 * 8 * 8), nn.ReLU(),
                            nn.Unflatten(1, (128, 8, 8)), nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.ReLU(),
                            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, c, 4, 2, 1))
        s.c = c
    def forward(s, x):
        h = s.e(x.view(-1, s.c, 64, 64)); mu, lv = s.mu(h), s.lv(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * lv)
        return s.d(z).view(x.shape[0], -1), mu, lv

def loss_fn(logits, x, mu, lv):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction='sum')
    kld = -0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp())
    return bce + kld

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=1); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--images', type=int, default=20000); ap.add_argument('--warmup', type=int, default=4)
    ap.add_argument('--count-params', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(1)
    m = Conv64()
    if a.count_params:
        print(sum(p.numel() for p in m.parameters())); return
    xtr = torch.rand(a.images, 3 * 64 * 64)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    def step(x):
        opt.zero_grad()
        logits, mu, lv = m(x); l = loss_fn(logits, x, mu, lv); l.backward(); opt.step(); return l.item()
    for i in range(a.warmup): step(xtr[i * 128:(i + 1) * 128])
    for ep in range(a.epochs):
        t0 = time.perf_counter(); m.train(); tot = 0.0
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128): tot += step(xtr[perm[i:i + 128]])
        dt = time.perf_counter() - t0
        print(json.dumps({'model': 'conv64', 'epoch': ep + 1, 'images': len(xtr), 'train_loss': tot / len(xtr),
                          'epoch_s': round(dt, 3), 'img_per_s': round(len(xtr) / dt, 1), 'torch': torch.__version__,
                          'threads': torch.get_num_threads()}), flush=True)

if __name__ == '__main__':
    main()
