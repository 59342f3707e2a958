#!/usr/bin/python3
"""Decodes every corpus file with `vae image decode <file> <out>.pam` and compares it with <file>.ref.pam.

PNG, PNM and BMP must be identical (compared as RGBA scaled to 16 bits, so grey vs RGB or 4 vs 8-bit
representations of the same values agree); GIF identical except the colour of fully transparent pixels;
JPEG by PSNR (>= 40 dB passes). Prints one line per failure and a JSON summary.

usage: compare_corpus.py CORPUS_DIR VAE_EXECUTABLE
"""
import glob, json, os, subprocess, sys, tempfile
import numpy as np
sys.path.insert(0, os.path.dirname(__file__))
from make_corpus import read_pnm

def rgba16(arr, m):
    arr = arr.astype(np.float64)
    d = arr.shape[2]
    colour = np.repeat(arr[:, :, :1], 3, axis=2) if d <= 2 else arr[:, :, :3]
    alpha = arr[:, :, d - 1:d] if d in (2, 4) else np.full(arr.shape[:2] + (1,), float(m))
    return np.round(np.concatenate([colour, alpha], axis=2) * 65535.0 / m).astype(np.int64)

def main():
    corpus, vae = sys.argv[1], sys.argv[2]
    results = {}
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for ref in sorted(glob.glob(os.path.join(corpus, '*.ref.pam'))):
            path = ref[:-len('.ref.pam')]
            kind = os.path.splitext(path)[1].lstrip('.').replace('pgm', 'pnm').replace('ppm', 'pnm').replace('jpg', 'jpeg')
            stats = results.setdefault(kind, {'files': 0, 'passed': 0})
            stats['files'] += 1
            out = os.path.join(tmp, 'out.pam')
            proc = subprocess.run([vae, 'image', 'decode', path, out], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if proc.returncode != 0:
                failures.append(f'{os.path.basename(path)}: decode failed: {proc.stderr.decode().strip()}')
                continue
            ours, m1 = read_pnm(open(out, 'rb').read())
            theirs, m2 = read_pnm(open(ref, 'rb').read())
            if ours.shape[:2] != theirs.shape[:2]:
                failures.append(f'{os.path.basename(path)}: size {ours.shape[:2]} vs reference {theirs.shape[:2]}')
                continue
            a, b = rgba16(ours, m1), rgba16(theirs, m2)
            if kind == 'gif':
                transparent = (a[:, :, 3] == 0) & (b[:, :, 3] == 0)
                a[transparent] = b[transparent] = 0
            if kind == 'jpeg':
                mse = np.mean(((a[:, :, :3] - b[:, :, :3]) / 257.0) ** 2)
                psnr = float('inf') if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
                stats['min_psnr'] = min(stats.get('min_psnr', float('inf')), psnr)
                ok = psnr >= 40
                detail = f'PSNR {psnr:.2f} dB'
            else:
                diff = np.abs(a - b)
                ok = not diff.any()
                detail = f'{np.count_nonzero(diff.any(axis=2))} pixels differ, max difference {diff.max()} (16-bit scale)'
            if ok: stats['passed'] += 1
            else: failures.append(f'{os.path.basename(path)}: {detail}')
    for f in failures: print('FAIL', f)
    for v in results.values():
        if v.get('min_psnr') == float('inf'): v['min_psnr'] = 'identical'
    print(json.dumps({'total': sum(v['files'] for v in results.values()), 'passed': sum(v['passed'] for v in results.values()), 'by_format': results}))
    return 1 if failures else 0

if __name__ == '__main__':
    sys.exit(main())
