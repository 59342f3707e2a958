#!/usr/bin/env python3
"""Issue 19's cluster figures, measured on a real local cluster (scripts/cluster.sh: PostgreSQL, one web server, N
workers as separate processes, Release build):

  1. throughput: 8 small training runs (mlp, 10,000 images, one thread each, Training:MaxConcurrentRuns=1 per worker)
     with 1, 2 and 3 workers; the three worker counts are paired in each round (rotated order) and rounds repeated;
  2. failover: kill -9 the worker that holds a run; time until another worker has claimed it (lease + poll, at most
     lease + 10 s), the epochs kept at the claim (its last checkpoint), and that the run still ends with every epoch;
  3. page latency p50/p95 (GET /account/login rendered, GET /api/runs; after a warm-up) while two workers train two runs, against `all` mode
     (one process, MaxConcurrentRuns=2) training the same two runs;
  4. PostgreSQL restart (pg_ctl restart -m fast) while two workers train: both runs finish with every epoch.

Reports median and range over the rounds, and the load average, since the machine is shared.
Usage: bench/cluster_figures.py [--rounds 3] [--epochs 6] [--only throughput,failover,restart,latency]
Needs: dataset-fashion-mnist, postgresql (scripts/cluster.sh installs it as root). Loopback only.
"""
import argparse, os, statistics, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from workbench_figures import ROOT, free_port, register, request, upload, wait_run  # noqa: E402

CLUSTER = f"{ROOT}/scripts/cluster.sh"


class Cluster:
    def __init__(self, workers, runs_per_worker=1):
        self.dir = tempfile.mkdtemp(prefix="vwb-cluster-bench-")
        self.web = free_port()
        self.env = dict(os.environ, VWB_CLUSTER_DIR=self.dir, VWB_WEB_PORT=str(self.web), VWB_PG_PORT=str(free_port()),
                        VWB_WORKER_PORTS=" ".join(str(free_port()) for _ in range(workers)), VWB_WORKER_RUNS=str(runs_per_worker))
        self.base = f"http://127.0.0.1:{self.web}"

    def __enter__(self):
        subprocess.run(["bash", CLUSTER, "start"], env=self.env, check=True, stdout=subprocess.DEVNULL)
        return self

    def __exit__(self, *_):
        subprocess.run(["bash", CLUSTER, "stop"], env=self.env, check=False, stdout=subprocess.DEVNULL)

    def psql(self, sql):
        return subprocess.run(["psql", "-h", "127.0.0.1", "-p", self.env["VWB_PG_PORT"], "-U", "postgres", "-d", "vaeworkbench", "-tAc", sql],
                              check=True, capture_output=True, text=True).stdout.strip()


def throughput(workers, epochs):
    with Cluster(workers) as c:
        token = register(c.base, "t@bench.test")
        dataset = upload(c.base, token)
        started = time.monotonic()
        ids = [request(c.base, "POST", "/api/runs", token, body={"datasetId": dataset, "epochs": epochs, "threads": 1, "seed": i + 1})["id"]
               for i in range(8)]
        statuses = [wait_run(c.base, token, i)["status"] for i in ids]
        elapsed = time.monotonic() - started
        assert statuses == ["Succeeded"] * 8, statuses
        return 8 / elapsed * 60  # runs per minute


LEASE_SECONDS = 30  # Training:LeaseSeconds, the default


def epochs_done(c, run):
    return int(c.psql(f"""SELECT count(*) FROM "RunEpochs" WHERE "RunId" = '{run}'"""))


def failover():
    """Seconds from kill -9 to another worker's claim, and the epochs recorded at the kill and at the claim (the
    checkpoint it resumed from: nothing recorded is trained again, and nothing is lost)."""
    with Cluster(2) as c:
        token = register(c.base, "f@bench.test")
        dataset = upload(c.base, token)
        run = request(c.base, "POST", "/api/runs", token, body={"datasetId": dataset, "epochs": 8, "threads": 1, "seed": 1})["id"]
        while epochs_done(c, run) < 2:
            time.sleep(0.2)
        owner = c.psql(f"""SELECT "LeaseOwner" FROM "TrainingRuns" WHERE "Id" = '{run}'""")
        subprocess.run(["kill", "-9", owner.split("/")[0]], check=True)
        killed = time.monotonic()
        at_kill = epochs_done(c, run)
        while c.psql(f"""SELECT coalesce("LeaseOwner", '') FROM "TrainingRuns" WHERE "Id" = '{run}'""") in (owner, ""):
            time.sleep(0.1)
        taken = time.monotonic() - killed
        at_claim = epochs_done(c, run)
        final = wait_run(c.base, token, run)
        assert final["status"] == "Succeeded" and len(final["history"]) == 8, final
        assert [h["epoch"] for h in final["history"]] == list(range(1, 9)), final["history"]
        assert taken <= LEASE_SECONDS + 10, f"took {taken:.1f} s, more than the lease ({LEASE_SECONDS} s) + 10 s"
        return taken, at_kill, at_claim


def postgres_restart():
    """Restart PostgreSQL (pg_ctl restart -m fast: every connection dropped) while two workers train; the runs must
    finish with every epoch, and the web server must answer for them afterwards. Returns the restart's seconds."""
    with Cluster(2) as c:
        token = register(c.base, "r@bench.test")
        dataset = upload(c.base, token)
        ids = [request(c.base, "POST", "/api/runs", token, body={"datasetId": dataset, "epochs": 6, "threads": 1, "seed": i + 1})["id"] for i in range(2)]
        while min(epochs_done(c, i) for i in ids) < 1:
            time.sleep(0.2)
        pgdata = f"{c.dir}/pgdata"
        t = time.monotonic()
        subprocess.run(["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", pgdata, "-m", "fast", "-w", "restart",
                        "-o", f"-c listen_addresses=127.0.0.1 -p {c.env['VWB_PG_PORT']} -k {pgdata}", "-l", f"{c.dir}/logs/postgresql.log"],
                       check=True, stdout=subprocess.DEVNULL)
        restart = time.monotonic() - t
        finals = [wait_run(c.base, token, i) for i in ids]
        assert all(f["status"] == "Succeeded" and [h["epoch"] for h in f["history"]] == list(range(1, 7)) for f in finals), finals
        return restart


def latency(split):
    """p50 and p95 in ms of a rendered page and an API read while two runs train: on two workers (split) or in one `all` process."""
    cluster = Cluster(2) if split else Cluster(0, runs_per_worker=2)
    if not split:
        cluster.env["VWB_WEB_ROLE"] = "all"
    with cluster as c:
        token = register(c.base, "l@bench.test")
        dataset = upload(c.base, token)
        ids = [request(c.base, "POST", "/api/runs", token, body={"datasetId": dataset, "epochs": 8, "threads": 1, "seed": i + 1})["id"] for i in range(2)]
        samples = {"GET /account/login (page render)": [], "GET /api/runs": []}
        for _ in range(20):  # warm-up: the first render of a page compiles it
            request(c.base, "GET", "/account/login"), request(c.base, "GET", "/api/runs", token)
        done = threading.Event()
        threading.Thread(target=lambda: ([wait_run(c.base, token, i) for i in ids], done.set()), daemon=True).start()
        while not done.is_set():
            for name, call in (("GET /account/login (page render)", lambda: request(c.base, "GET", "/account/login")),
                               ("GET /api/runs", lambda: request(c.base, "GET", "/api/runs", token))):
                t = time.monotonic()
                call()
                samples[name].append((time.monotonic() - t) * 1000)
        return {name: (statistics.median(v), sorted(v)[int(len(v) * 0.95)]) for name, v in samples.items()}


def summary(values):
    return f"median {statistics.median(values):.2f}, range {min(values):.2f}-{max(values):.2f} (n={len(values)})"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=6, help="epochs of each throughput run: enough that training, not the claim and start of a run, dominates")
    p.add_argument("--only", default="throughput,failover,restart,latency", help="comma-separated phases to run")
    a = p.parse_args()
    phases = set(a.only.split(","))
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "-nologo", f"{ROOT}/src/VaeWorkbench.Web"], check=True, stdout=subprocess.DEVNULL)
    print(f"load average at start: {open('/proc/loadavg').read().split()[:3]}")
    figures = {1: [], 2: [], 3: []}
    for r in range(a.rounds if "throughput" in phases else 0):
        order = [1, 2, 3][r % 3:] + [1, 2, 3][:r % 3]
        for workers in order:
            figures[workers].append(throughput(workers, a.epochs))
        ratio = figures[2][-1] / figures[1][-1]
        print(f"round {r + 1}: runs/min 1w {figures[1][-1]:.2f}, 2w {figures[2][-1]:.2f}, 3w {figures[3][-1]:.2f}; 2w/1w {ratio:.2f}")
    ratios = [b / a_ for a_, b in zip(figures[1], figures[2])]
    if ratios:
        print(f"1. throughput, runs per minute: 1 worker {summary(figures[1])}; 2 workers {summary(figures[2])}; 3 workers {summary(figures[3])}")
        print(f"   2 workers / 1 worker, paired: {summary(ratios)}")
    takes = []
    for _ in range(a.rounds if "failover" in phases else 0):
        taken, at_kill, at_claim = failover()
        takes.append(taken)
        print(f"2. failover: kill -9 after {at_kill} epochs; the other worker claimed the run {taken:.1f} s later, with {at_claim} epochs kept; it finished all 8")
    if takes: print(f"2. failover, seconds from kill -9 to the other worker's claim (lease {LEASE_SECONDS} s): {summary(takes)}")
    restarts = [postgres_restart() for _ in range(a.rounds if "restart" in phases else 0)]
    if restarts: print(f"4. PostgreSQL restart mid-run: both runs finished every epoch each time; restart took {summary(restarts)} s")
    for r in range(a.rounds if "latency" in phases else 0):
        for split in ((True, False) if r % 2 == 0 else (False, True)):
            figures = latency(split)
            print(f"3. round {r + 1}, {'web + 2 workers' if split else 'all mode, one process'}: " +
                  "; ".join(f"{name} p50 {p50:.1f} ms, p95 {p95:.1f} ms" for name, (p50, p95) in figures.items()))
    print(f"load average at end: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    sys.exit(main())
