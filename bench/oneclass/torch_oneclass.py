#!/usr/bin/env python3
"""One-class anomaly benchmark in PyTorch, the reference for `vae oneclass --arch mlp`.

Same protocol as the product's command: for each class, train the `mlp` preset (784-400-20, ReLU, BCE-with-logits
summed over pixels plus the analytic KL, Adam lr 1e-3, batch 128, reshuffled every epoch, no validation split) on that
class's training images only, then score the whole test split and report the AUROC with the other classes as anomalies.
Methods, defined as in the engine (src/VaeWorkbench.Engine/Model/Vae.Inference.cs and Scoring/):
  recon   -log p(x | z = mu)
  elbo    negative ELBO, reconstruction with z ~ q(z|x) plus the analytic KL, averaged over K samples
  iwae    -log (1/K sum_k p(x|z_k) p(z_k) / q(z_k|x))
  latent  Mahalanobis distance of mu to a Gaussian fitted to the training codes (covariance / (n-1) + 1e-3 I)
The complexity score needs our PNG encoder's compressed length, so it is not reproduced here.
Prints one JSON line per class, then the means, in the same shape as `vae oneclass`.
"""
import argparse, json, sys, time, os
import numpy as np
import torch, torch.nn.functional as F

sys.path.insert(0, os.environ.get('TORCH_VAE_DIR', '/work/shared/bench'))
from torch_vae import Mlp, idx, loss_fn  # the same module and loss as the training comparison


def auroc(scores, is_anomaly):
    """Mann-Whitney U with average ranks for ties, the same definition as RankingMetrics.Auroc."""
    order = np.argsort(scores, kind='mergesort')
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    pos = is_anomaly[order]
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def bce_per_image(logits, x):
    return F.binary_cross_entropy_with_logits(logits, x, reduction='none').sum(1)


@torch.no_grad()
def score(m, x, method, k, fitted=None):
    out = []
    for i in range(0, len(x), 1000):
        xb = x[i:i + 1000]
        mu, lv = m.encode(xb)
        if method == 'recon':
            out.append(bce_per_image(m.decode(mu), xb))
        elif method == 'latent':
            mean, chol = fitted
            y = torch.linalg.solve_triangular(chol, (mu.double() - mean).T, upper=False)
            out.append(y.pow(2).sum(0).sqrt())
        else:
            kl = -0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp(), 1)
            terms = []
            for _ in range(k):
                eps = torch.randn_like(mu)
                z = mu + eps * torch.exp(0.5 * lv)
                recon = bce_per_image(m.decode(z), xb)
                if method == 'elbo':
                    terms.append(recon + kl)
                else:  # log p(z) - log q(z|x) = sum_j 1/2 (eps^2 + lv - z^2); the 2*pi terms cancel
                    terms.append(-recon + 0.5 * (eps.pow(2) + lv - z.pow(2)).sum(1))
            t = torch.stack(terms).double()
            out.append(t.mean(0) if method == 'elbo' else -(torch.logsumexp(t, 0) - np.log(k)))
    return torch.cat(out).double().numpy()


@torch.no_grad()
def fit_latent(m, x, ridge=1e-3):
    mu = torch.cat([m.encode(x[i:i + 1000])[0] for i in range(0, len(x), 1000)]).double()
    mean = mu.mean(0)
    cov = (mu - mean).T @ (mu - mean) / (len(mu) - 1) + ridge * torch.eye(mu.shape[1], dtype=torch.float64)
    return mean, torch.linalg.cholesky(cov)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    ap.add_argument('--epochs', type=int, default=20)
    ap.add_argument('--classes', default='0,1,2,3,4,5,6,7,8,9')
    ap.add_argument('--methods', default='recon,elbo,iwae,latent')
    ap.add_argument('--k', type=int, default=10)
    ap.add_argument('--test-limit', type=int, default=None)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    xtr = idx(f'{a.data}/train-images-idx3-ubyte.gz').astype(np.float32) / 255
    ytr = idx(f'{a.data}/train-labels-idx1-ubyte.gz')
    xte = torch.from_numpy(idx(f'{a.data}/t10k-images-idx3-ubyte.gz')[:a.test_limit].astype(np.float32) / 255)
    yte = idx(f'{a.data}/t10k-labels-idx1-ubyte.gz')[:a.test_limit]
    classes = [int(c) for c in a.classes.split(',')]
    methods = a.methods.split(',')
    sums = {m: 0.0 for m in methods}
    for cls in classes:
        torch.manual_seed(a.seed)
        x = torch.from_numpy(xtr[ytr == cls])
        m = Mlp()
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        t0 = time.perf_counter()
        m.train()
        for _ in range(a.epochs):
            perm, tot = torch.randperm(len(x)), 0.0
            for i in range(0, len(x), 128):
                xb = x[perm[i:i + 128]]
                opt.zero_grad()
                logits, mu, lv = m(xb)
                loss = loss_fn(logits, xb, mu, lv)
                loss.backward()
                opt.step()
                tot += loss.item()
        m.eval()
        row = {'class': cls, 'train_images': len(x), 'epochs': a.epochs, 'train_loss': round(tot / len(x), 2),
               'train_s': round(time.perf_counter() - t0, 1)}
        is_anomaly = yte != cls
        fitted = fit_latent(m, x) if 'latent' in methods else None
        for method in methods:
            t0 = time.perf_counter()
            s = score(m, xte, method, a.k, fitted)
            dt = time.perf_counter() - t0
            value = auroc(s, is_anomaly)
            sums[method] += value
            row[method] = round(value, 4)
            row[method + '_img_per_s'] = round(len(xte) / dt)
        print(json.dumps(row), flush=True)
    print(json.dumps({'class': 'mean', **{m: round(v / len(classes), 4) for m, v in sums.items()}}), flush=True)


if __name__ == '__main__':
    main()
