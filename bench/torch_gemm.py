#!/usr/bin/python3
"""PyTorch (OpenBLAS) SGEMM throughput for the shapes given on the command line.

usage: torch_gemm.py M N K transA transB threads [M N K transA transB threads ...]
Prints one JSON line per shape, in the same format as `VaeWorkbench.Benchmarks gemm`.
op(A) is (M,K) and op(B) is (K,N); a transposed operand is stored transposed and passed as a view,
so BLAS sees the same transpose flags our kernel gets. Best of 5 rounds of at least 0.2 s each.
"""
import json
import sys
import time

import torch


def measure(m, n, k, trans_a, trans_b, threads, round_seconds=0.2, rounds=5):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(42)
    a = (torch.rand(k, m, generator=g) * 2 - 1).t() if trans_a else torch.rand(m, k, generator=g) * 2 - 1
    b = (torch.rand(n, k, generator=g) * 2 - 1).t() if trans_b else torch.rand(k, n, generator=g) * 2 - 1
    c = torch.empty(m, n)
    torch.mm(a, b, out=c)
    best = 0.0
    for _ in range(rounds):
        calls = 0
        start = time.perf_counter()
        while True:
            torch.mm(a, b, out=c)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= round_seconds:
                break
        best = max(best, 2.0 * m * n * k * calls / elapsed / 1e9)
    return best


def main(argv):
    if not argv or len(argv) % 6:
        print(__doc__, file=sys.stderr)
        return 2
    for i in range(0, len(argv), 6):
        m, n, k, ta, tb, threads = (int(v) for v in argv[i:i + 6])
        gflops = measure(m, n, k, ta != 0, tb != 0, threads)
        print(json.dumps({"impl": "torch", "m": m, "n": n, "k": k, "transA": ta, "transB": tb,
                          "threads": threads, "gflops": round(gflops, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
