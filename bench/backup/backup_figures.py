#!/usr/bin/env python3
"""Backup and restore figures for the README's "Backups" section.

Starts the web app on a fresh data folder, uploads Fashion-MNIST's 60,000 training images as IDX, trains N models
(1 epoch each), then runs `VaeWorkbench.Web backup --out` while a writer renames a dataset through the API in a loop,
recording every request's latency: before, during and after the backup. Then restores the backup into another folder
(`restore --from`), starts a server on it and checks that every dataset and model is there (model files byte for byte).

    dotnet build -c Release src/VaeWorkbench.Web
    python3 bench/backup/backup_figures.py [--models 10] [--baseline-seconds 15] [--backup-parent DIR] [--keep]

The backup goes beside the data folder (same file system: blobs are hard-linked) unless --backup-parent puts it on
another file system (e.g. /dev/shm), where every blob is copied.

Standard library only; prints a summary and one JSON line with every figure.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FASHION = "/usr/share/datasets/fashion-mnist"
PASSWORD = "a long enough password"


def app_path():
    for configuration in ("Release", "Debug"):
        path = os.path.join(ROOT, "src", "VaeWorkbench.Web", "bin", configuration, "net10.0", "VaeWorkbench.Web")
        if os.path.exists(path):
            return path
    sys.exit("Build the web app first: dotnet build -c Release src/VaeWorkbench.Web")


def env_for(data):
    env = dict(os.environ, Storage__DataDirectory=data, ASPNETCORE_ENVIRONMENT="Production")
    env.update({"Training__LeaseSeconds": "5", "Training__HeartbeatSeconds": "1", "Training__PollSeconds": "1"})
    return env


class Server:
    def __init__(self, data, log):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.url = "http://127.0.0.1:%d" % s.getsockname()[1]
        env = env_for(data)
        env["Urls"] = self.url
        self.process = subprocess.Popen([app_path()], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir())
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url + "/healthz", timeout=5).status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(60)


def call(url, method="GET", body=None, token=None, raw=False):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=600) as response:
        payload = response.read()
        return payload if raw else (json.loads(payload) if payload else None)


def sign_in(url, email, register=False):
    if register:
        call(url + "/api/auth/register", "POST", {"email": email, "password": PASSWORD})
    return call(url + "/api/auth/token", "POST", {"email": email, "password": PASSWORD, "name": "bench"})["token"]


def upload_train_split(url, token):
    out = subprocess.run(["curl", "-sf", url + "/api/datasets", "-H", "Authorization: Bearer " + token,
                          "-F", "name=fashion-train", "-F", "imageSize=28", "-F", "channels=1",
                          "-F", "files=@%s/train-images-idx3-ubyte.gz" % FASHION, "-F", "files=@%s/train-labels-idx1-ubyte.gz" % FASHION],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def train(url, token, dataset, models):
    runs = [call(url + "/api/runs", "POST", {"datasetId": dataset, "epochs": 1, "batch": 128, "seed": i + 1}, token)["id"] for i in range(models)]
    for run in runs:
        while (status := call(url + "/api/runs/" + run, token=token))["status"] not in ("Succeeded", "Failed", "Cancelled"):
            time.sleep(1)
        if status["status"] != "Succeeded":
            raise RuntimeError("run %s: %s" % (run, status))
    return [call(url + "/api/runs/" + run, token=token)["modelId"] for run in runs]


def timed(command, data):
    started = time.perf_counter()
    result = subprocess.run([app_path(), *command], env=env_for(data), capture_output=True, text=True, cwd=tempfile.gettempdir())
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError("%s failed:\n%s%s" % (command, result.stdout, result.stderr))
    return seconds, [l for l in result.stdout.splitlines() if l.startswith(("backup:", "restore:", "storage check:"))]


def summary(latencies):
    if not latencies:
        return {"requests": 0}
    ordered = sorted(latencies)
    return {"requests": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1), "max_ms": round(ordered[-1], 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=10)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--backup-parent", help="folder for the backup, e.g. on another file system (default: beside the data)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="vwb-backup-bench-")
    data, backup, restored = (os.path.join(work, n) for n in ("data", "backup", "restored"))
    if args.backup_parent:
        backup = tempfile.mkdtemp(prefix="vwb-backup-bench-", dir=args.backup_parent)
        os.rmdir(backup)
    log = open(os.path.join(work, "server.log"), "w")
    figures = {}
    server = Server(data, log)
    try:
        token = sign_in(server.url, "bench@example.test", register=True)
        started = time.perf_counter()
        dataset = upload_train_split(server.url, token)
        figures["upload_s"] = round(time.perf_counter() - started, 1)
        figures["images"] = dataset["imageCount"]
        started = time.perf_counter()
        models = train(server.url, token, dataset["id"], args.models)
        figures["training_s"] = round(time.perf_counter() - started, 1)
        figures["models"] = len(models)

        # One writer renames the dataset in a loop, as fast as the server answers; each request is timed.
        samples, stop = [], threading.Event()
        def writer():
            n = 0
            while not stop.is_set():
                n += 1
                t0 = time.perf_counter()
                call(server.url + "/api/datasets/" + dataset["id"], "PUT", {"name": "fashion-train-%d" % n}, token)
                samples.append((t0, (time.perf_counter() - t0) * 1000))
        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(args.baseline_seconds)
        backup_start = time.perf_counter()
        figures["backup_s"], figures["backup_output"] = timed(["backup", "--out", backup], data)
        backup_end = time.perf_counter()
        time.sleep(5)
        stop.set()
        thread.join()
        figures["writes_before_backup"] = summary([ms for t, ms in samples if t + ms / 1000 < backup_start])
        figures["writes_during_backup"] = summary([ms for t, ms in samples if t < backup_end and t + ms / 1000 > backup_start])
        figures["writes_after_backup"] = summary([ms for t, ms in samples if t > backup_end])
        files = json.load(open(os.path.join(backup, "manifest.json")))["files"]
        figures["backup_files"], figures["backup_bytes"] = len(files), sum(f["size"] for f in files)
        live_model = call(server.url + "/api/models/%s/file" % models[0], token=token, raw=True)
    finally:
        server.stop()

    figures["restore_s"], figures["restore_output"] = timed(["restore", "--from", backup], restored)
    server = Server(restored, log)
    try:
        token = sign_in(server.url, "bench@example.test")
        datasets = call(server.url + "/api/datasets", token=token)
        restored_models = call(server.url + "/api/models", token=token)
        figures["restored_images"] = sum(d["imageCount"] for d in datasets)
        figures["restored_models"] = len(restored_models)
        figures["restored_model_file_identical"] = call(server.url + "/api/models/%s/file" % models[0], token=token, raw=True) == live_model
    finally:
        server.stop()
        log.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(backup, ignore_errors=True)

    print("images %(images)d, models %(models)d; backup of %(backup_files)d files, %(backup_bytes)d bytes" % figures)
    print("backup %.1f s, restore %.1f s (restore includes verifying every checksum and the storage check)" % (figures["backup_s"], figures["restore_s"]))
    for phase in ("before", "during", "after"):
        print("dataset renames %-6s the backup: %s" % (phase, figures["writes_%s_backup" % phase]))
    print("restored: %(restored_images)d images, %(restored_models)d models, model file identical: %(restored_model_file_identical)s" % figures)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
