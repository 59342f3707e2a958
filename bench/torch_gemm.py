#!/usr/bin/python3
"""PyTorch (OpenBLAS) SGEMM throughput for the shapes given on the command line.

usage: torch_gemm.py M N K transA transB threads [M N K transA transB threads ...]
Prints one JSON line per shape, in the same format as `VaeWorkbench.Benchmarks gemm`.
op(A) is (M,K) and op(B) is (K,N); a transposed operand is stored transposed and passed as a view,
so BLAS sees the same transpose flags our kernel gets. Best of 5 rounds of at least 0.2 s each, after a
warm-up round; gflops_per_cpu_s is the best round's GFLOP per CPU-second of the process (insensitive to time
slices lost to other processes on a busy machine).
"""
import json
import os
import sys
import time

# OpenBLAS sizes its own thread pool from the environment when it loads, and torch.set_num_threads does not
# shrink it: without this a "1-thread" PyTorch GEMM here runs on both cores. So fix it before importing torch,
# to the largest thread count asked for (compare_gemm.sh runs one shape per process).
if __name__ == "__main__" and len(sys.argv) > 1 and (len(sys.argv) - 1) % 6 == 0:
    _threads = max(int(v) for v in sys.argv[6::6])
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(_threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(_threads))

import torch  # noqa: E402  (must follow the environment set-up above)


def measure(m, n, k, trans_a, trans_b, threads, round_seconds=0.2, rounds=5):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(42)
    a = (torch.rand(k, m, generator=g) * 2 - 1).t() if trans_a else torch.rand(m, k, generator=g) * 2 - 1
    b = (torch.rand(n, k, generator=g) * 2 - 1).t() if trans_b else torch.rand(k, n, generator=g) * 2 - 1
    c = torch.empty(m, n)
    best = best_per_cpu = 0.0
    for round_index in range(-1, rounds):
        calls = 0
        cpu_start = time.process_time()
        start = time.perf_counter()
        while True:
            torch.mm(a, b, out=c)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= round_seconds:
                break
        cpu = time.process_time() - cpu_start
        if round_index >= 0:
            gflop = 2.0 * m * n * k * calls / 1e9
            best = max(best, gflop / elapsed)
            best_per_cpu = max(best_per_cpu, gflop / max(cpu, 1e-9))
    return best, best_per_cpu


def main(argv):
    if not argv or len(argv) % 6:
        print(__doc__, file=sys.stderr)
        return 2
    for i in range(0, len(argv), 6):
        m, n, k, ta, tb, threads = (int(v) for v in argv[i:i + 6])
        gflops, per_cpu = measure(m, n, k, ta != 0, tb != 0, threads)
        print(json.dumps({"impl": "torch", "m": m, "n": n, "k": k, "transA": ta, "transB": tb, "threads": threads,
                          "gflops": round(gflops, 1), "gflops_per_cpu_s": round(per_cpu, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
