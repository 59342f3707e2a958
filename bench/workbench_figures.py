#!/usr/bin/env python3
"""Issue 5's figures, measured against the real web app (Release) on loopback:

  1. training speed inside the web app against `vae train` on the same images, config and threads;
  2. two users training at once (Training:MaxConcurrentRuns=2) and the API/page latency meanwhile;
  3. the server's RSS over 10 sequential runs.

Usage: bench/workbench_figures.py [--epochs 3] [--threads 2]
Needs: dataset-fashion-mnist. Uses only loopback addresses.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = "/usr/share/datasets/fashion-mnist"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, method, path, token=None, body=None, files=None, fields=None):
    headers = {}
    data = None
    if files is not None:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in (fields or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for path_ in files:
            with open(path_, "rb") as f:
                content = f.read()
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{os.path.basename(path_)}"\r\n'
                         f'Content-Type: application/octet-stream\r\n\r\n'.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        data = b"".join(parts)
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=600) as r:
        text = r.read()
        return json.loads(text) if text and r.headers.get_content_type().endswith("json") else text


def register(base, email):
    request(base, "POST", "/api/auth/register", body={"email": email, "password": "benchmark-password"})
    return request(base, "POST", "/api/auth/token", body={"email": email, "password": "benchmark-password", "name": "bench"})["token"]


def upload(base, token):
    files = [f"{DATA}/t10k-images-idx3-ubyte.gz", f"{DATA}/t10k-labels-idx1-ubyte.gz"]
    return request(base, "POST", "/api/datasets", token, files=files, fields={"name": "fashion t10k", "imageSize": 28, "channels": 1})["id"]


def wait_run(base, token, run_id):
    while True:
        run = request(base, "GET", f"/api/runs/{run_id}", token)
        if run["status"] in ("Succeeded", "Failed", "Cancelled"):
            return run
        time.sleep(0.5)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--epochs", type=int, default=3)
    args.add_argument("--threads", type=int, default=2)
    args.add_argument("--speed-only", action="store_true", help="measure only the web-against-CLI training speed")
    a = args.parse_args()

    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "-nologo", f"{ROOT}/src/VaeWorkbench.Web", ], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "-nologo", f"{ROOT}/src/VaeWorkbench.Cli"], check=True, stdout=subprocess.DEVNULL)
    web = next(os.path.join(d, "VaeWorkbench.Web") for d, _, f in os.walk(f"{ROOT}/src/VaeWorkbench.Web/bin/Release") if "VaeWorkbench.Web" in f)
    vae = next(os.path.join(d, "vae") for d, _, f in os.walk(f"{ROOT}/src/VaeWorkbench.Cli/bin/Release") if "vae" in f)

    work = tempfile.mkdtemp(prefix="vwb-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, Urls=base, Storage__DataDirectory=f"{work}/data", Training__MaxConcurrentRuns="2", ASPNETCORE_ENVIRONMENT="Production")
    server = subprocess.Popen([web], env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                request(base, "GET", "/healthz")
                break
            except Exception:
                time.sleep(0.2)
        print(f"load average at start: {open('/proc/loadavg').read().split()[:3]}")

        # 1. Web app against the CLI on the same 10,000 images (validation off in both, so only training is timed).
        token = register(base, "a@bench.test")
        dataset = upload(base, token)
        settings = {"datasetId": dataset, "epochs": a.epochs, "threads": a.threads, "validationSplit": 0, "seed": 1}
        run = wait_run(base, token, request(base, "POST", "/api/runs", token, body=settings)["id"])
        web_epochs = [h["seconds"] for h in run["history"]]

        same = f"{work}/same"
        os.makedirs(same)
        for kind in ("images-idx3", "labels-idx1"):
            for split in ("train", "t10k"):
                os.symlink(f"{DATA}/t10k-{kind}-ubyte.gz", f"{same}/{split}-{kind}-ubyte.gz")
        out = subprocess.run([vae, "train", "--data", same, "--epochs", str(a.epochs), "--threads", str(a.threads), "--seed", "1",
                              "--test-limit", "1", "--out", f"{work}/cli.vae"], check=True, capture_output=True, text=True).stdout
        cli_epochs = [json.loads(l)["epoch_s"] for l in out.splitlines() if l.startswith("{")]
        w, c = statistics.mean(web_epochs[1:] or web_epochs), statistics.mean(cli_epochs[1:] or cli_epochs)
        print(f"\n1. s/epoch on 10,000 images, mlp, {a.threads} threads (mean of epochs 2..{a.epochs}):")
        print(f"   web app {w:.3f} s, vae train {c:.3f} s -> web/cli = {w / c:.3f} ({100 * (w / c - 1):+.1f}%)")

        if a.speed_only:
            return 0

        # 2. Two users in two teams training at once, while a third client measures latency.
        token_b = register(base, "b@bench.test")
        dataset_b = upload(base, token_b)
        latencies = {"GET /api/runs/{id}": [], "GET /account/login (page render)": [], "GET /healthz": []}
        ids = [request(base, "POST", "/api/runs", token, body=dict(settings, epochs=a.epochs + 2, threads=1))["id"],
               request(base, "POST", "/api/runs", token_b, body=dict(settings, datasetId=dataset_b, epochs=a.epochs + 2, threads=1))["id"]]
        done = threading.Event()
        ended = []

        def watch():
            ended.extend(wait_run(base, t, i)["status"] for t, i in ((token, ids[0]), (token_b, ids[1])))
            done.set()

        threading.Thread(target=watch, daemon=True).start()
        while not done.is_set():
            for name, call in (("GET /api/runs/{id}", lambda: request(base, "GET", f"/api/runs/{ids[0]}", token)),
                               ("GET /account/login (page render)", lambda: request(base, "GET", "/account/login")),
                               ("GET /healthz", lambda: request(base, "GET", "/healthz"))):
                t0 = time.perf_counter()
                call()
                latencies[name].append(1000 * (time.perf_counter() - t0))
            time.sleep(0.05)
        print(f"\n2. two concurrent runs ({', '.join(ended)}); latency meanwhile (ms):")
        for name, values in latencies.items():
            values.sort()
            print(f"   {name:34} n={len(values):4}  p50 {values[len(values) // 2]:7.1f}  p95 {values[int(len(values) * 0.95)]:7.1f}  max {values[-1]:7.1f}")

        # 3. RSS over 10 sequential runs.
        samples = []
        for i in range(10):
            wait_run(base, token, request(base, "POST", "/api/runs", token, body=dict(settings, epochs=1, seed=100 + i))["id"])
            samples.append(rss_mb(server.pid))
        print("\n3. server RSS (MB) after each of 10 sequential runs: " + ", ".join(f"{s:.0f}" for s in samples))
        print(f"   growth from run 2 to run 10: {samples[-1] - samples[1]:+.0f} MB")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
