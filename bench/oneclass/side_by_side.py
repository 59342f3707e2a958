#!/usr/bin/env python3
"""Prints the one-class AUROC of PyTorch and of `vae oneclass` side by side from their JSON-lines outputs.
   side_by_side.py torch.jsonl ours.jsonl
Per class and mean, for each method both produced: PyTorch, ours, and the ratio ours/PyTorch (>= 1: we are at least
as good). Methods only we have (complexity) are listed after, and the best of ours by mean AUROC last."""
import json, sys


def load(path):
    return {str(r['class']): r for r in (json.loads(l) for l in open(path) if l.strip())}


torch, ours = load(sys.argv[1]), load(sys.argv[2])
names = lambda rows: [k for k in rows.get('mean', {}) if k != 'class']
methods = [m for m in ('recon', 'elbo', 'iwae', 'latent') if m in names(torch) and m in names(ours)]
print('AUROC per method: PyTorch | ours | ours/PyTorch')
print(f"{'class':>6}" + ''.join(f"{m:>24}" for m in methods))
for cls in [c for c in torch if c in ours]:
    print(f"{cls:>6}" + ''.join(f"{torch[cls][m]:8.4f}{ours[cls][m]:8.4f}{ours[cls][m] / torch[cls][m]:8.3f}" for m in methods))
extra = [m for m in names(ours) if m not in methods]
if extra:
    print('ours only, mean: ' + ', '.join(f"{m} {ours['mean'][m]:.4f}" for m in extra))
if 'mean' in ours:
    best = max(names(ours), key=lambda m: ours['mean'][m])
    print(f"best method of ours by mean AUROC: {best} {ours['mean'][best]:.4f}")
