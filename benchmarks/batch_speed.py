"""Batch throughput: the single-process CLI against `eventwire batch` with local workers and with Ray.

Targets (issue 14, on a 2-core machine): 2 local workers >= 1.7x as fast as one, peak RSS per
worker <= 1.2 GB; Ray in local mode on 2 CPUs >= 1.6x the single-process CLI.

Each run is a fresh SQLite file and a separate process, timed from start to exit (pipeline
loading included, as a user sees it):

* `ingest`: `eventwire ingest FILE` (one process, the CLI everyone starts with);
* `local1`, `local2`: `eventwire batch FILE --workers 1|2`;
* `ray2`: `eventwire batch FILE --engine ray --workers 2` (Ray started locally with 2 CPUs).

Peak RSS is read from /proc (VmHWM) of every process of the run while it runs; per worker means
the largest among the worker processes (the spawned pool processes, or the Ray actors), the
parent's is printed apart. CPU time is that of the run's waited-for child processes (Ray's own
daemons are not counted). Speedups are wall-time ratios against `local1` (for local2) and
`ingest` (for ray2); the closing lines say, per target, whether it is met.
Run it on a quiet machine: on a shared one the times measure the neighbours too.

    python benchmarks/batch_speed.py                  # all of bench-news (640 articles)
    python benchmarks/batch_speed.py --limit 40 --runs ingest,local1,local2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "data" / "bench-news.jsonl"


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            kids = []
        for k in map(int, kids):
            out.append(k)
            todo.append(k)
    return out


def _hwm_mb(pid: int) -> tuple[float, str]:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return 0.0, ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024, cmd
    return 0.0, cmd


def run(args: list[str], env: dict) -> dict:
    """Time one command; the peak RSS of its parent process and of its largest worker."""
    peaks: dict[int, tuple[float, str]] = {}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for pid in [proc.pid, *_descendants(proc.pid)]:
                mb, cmd = _hwm_mb(pid)
                if mb > peaks.get(pid, (0.0, ""))[0]:
                    peaks[pid] = (mb, cmd)
            done.wait(0.5)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    done.set()
    th.join()
    parent = peaks.get(proc.pid, (0.0, ""))[0]
    workers = [mb for pid, (mb, cmd) in peaks.items() if pid != proc.pid
               and ("multiprocessing" in cmd or "ray::" in cmd or "MapBatches" in cmd or "default_worker" in cmd)]
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return {"seconds": round(seconds, 1), "cpu_s": round(cpu, 1), "parent_rss_mb": round(parent),
            "worker_rss_mb": round(max(workers)) if workers else None, "stdout": out.strip().splitlines()[:2]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", default=str(BENCH), help="JSON-lines articles (default ../shared/data/bench-news.jsonl)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--runs", default="ingest,local1,local2,ray2", help="which runs, comma-separated")
    args = ap.parse_args(argv)

    exe = str(Path(sys.executable).parent / "eventwire")
    tmp = Path(tempfile.mkdtemp(prefix="ew-batch-speed-"))
    src = Path(args.input)
    if args.limit:
        lines = src.read_text(encoding="utf-8").splitlines()[:args.limit]
        src = tmp / "input.jsonl"
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    n = sum(1 for line in src.open(encoding="utf-8") if line.strip())
    env = {**os.environ, "RAY_DISABLE_DOCKER_CPU_WARNING": "1"}
    commands = {
        "ingest": [exe, "ingest", str(src)],
        "local1": [exe, "batch", str(src), "--workers", "1", "--quiet"],
        "local2": [exe, "batch", str(src), "--workers", "2", "--quiet"],
        "ray2": [exe, "batch", str(src), "--engine", "ray", "--workers", "2", "--quiet"],
    }
    results = {}
    for name in args.runs.split(","):
        db = tmp / f"{name}.db"
        load = os.getloadavg()[0]
        r = run(commands[name] + ["--db", str(db)], env)
        r["load_before"] = round(load, 2)
        r["articles_per_s"] = round(n / r["seconds"], 2)
        results[name] = r
        print(f"{name:<7} {n} articles  {r['seconds']:>7.1f} s wall  {r['cpu_s']:>7.1f} s CPU  "
              f"{r['articles_per_s']:>6.2f} art/s  parent RSS {r['parent_rss_mb']} MB  "
              f"worker RSS {r['worker_rss_mb']} MB  (load average before: {r['load_before']})", flush=True)
    out = {"articles": n, "cpus": os.cpu_count(), "runs": {k: {x: v[x] for x in v if x != "stdout"}
                                                           for k, v in results.items()}}
    if "local1" in results and "local2" in results:
        out["local2_speedup_vs_local1"] = round(results["local1"]["seconds"] / results["local2"]["seconds"], 2)
    if "ingest" in results and "ray2" in results:
        out["ray2_speedup_vs_ingest"] = round(results["ingest"]["seconds"] / results["ray2"]["seconds"], 2)
    if "ingest" in results and "local2" in results:
        out["local2_speedup_vs_ingest"] = round(results["ingest"]["seconds"] / results["local2"]["seconds"], 2)
    print(json.dumps(out))
    _verdicts(results, out)
    return 0


def _verdicts(results: dict, out: dict) -> None:
    """The issue's three targets, each with its figure and whether it is met (CPU time alongside: on a
    loaded machine the wall-time ratios also measure the neighbours)."""
    print("\ntargets (issue 14):")
    if "local2_speedup_vs_local1" in out:
        sp = out["local2_speedup_vs_local1"]
        print(f"  local2 vs local1 speedup     {sp:5.2f}x  (target >= 1.70)  {'met' if sp >= 1.7 else 'NOT met'}")
    rss = [results[k]["worker_rss_mb"] for k in ("local2", "ray2") if k in results and results[k]["worker_rss_mb"]]
    if "local2" in results:
        w = results["local2"]["worker_rss_mb"]
        ok = w is not None and w <= 1.2 * 1024
        print(f"  local2 peak RSS per worker   {w} MB  (target <= 1229 MB)  {'met' if ok else 'NOT met'}")
    if "ray2" in results:
        print(f"  ray2 peak RSS per actor      {results['ray2']['worker_rss_mb']} MB")
    if "ray2_speedup_vs_ingest" in out:
        sp = out["ray2_speedup_vs_ingest"]
        print(f"  ray2 vs ingest speedup       {sp:5.2f}x  (target >= 1.60)  {'met' if sp >= 1.6 else 'NOT met'}")
    if rss:
        print(f"  largest worker RSS of any run {max(rss)} MB")
    loads = [results[k]["load_before"] for k in results]
    if max(loads) > 0.5:
        print(f"  note: load average before the runs {loads}: not a quiet machine, wall-time ratios are indicative")


if __name__ == "__main__":
    sys.exit(main())
