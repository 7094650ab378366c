"""Raw-text batch tagging: throughput (documents/s, tokens/s) and peak memory for 1 process, 2
processes, 2 threads and the Dask backend, and peak memory plus kill-and-resume on a large
generated JSON Lines input.

    python benchmarks/batch_throughput.py --data-dir ../shared/data --model MODEL_DIR \\
        --documents 2000 --big-gb 1.0 --out benchmarks/results/batch_throughput.json

The input is the BC5CDR test abstracts (title and abstract, ../shared/data/pubtator),
repeated with fresh ids to the size asked for. Every timed run is `crfner tag` in a fresh
process, as a user runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path


def write_input(source: Path, path: Path, documents: int | None = None, size_bytes: int | None = None) -> dict:
    """Repeat the source documents (fresh ids) into a JSONL file of ``documents`` or ``size_bytes``."""
    from dataclasses import replace

    from crfner.atomic import atomic_open
    from crfner.corpora.jsonl import format_document
    from crfner.corpora.pubtator import read_pubtator
    from crfner.text import sentences

    originals = list(read_pubtator(source))
    tokens_per_doc = {d.id: sum(len(s) for s in sentences(d.text, d.passages)) for d in originals}
    written, tokens, size = 0, 0, 0
    with atomic_open(path) as handle:
        for index, doc in enumerate(cycle(originals)):
            if documents is not None and written >= documents or size_bytes is not None and size >= size_bytes:
                break
            line = format_document(replace(doc, id=f"{doc.id}-{index}", mentions=[]))
            handle.write(line)
            size += len(line.encode("utf-8"))
            tokens += tokens_per_doc[doc.id]
            written += 1
    return {"documents": written, "tokens": tokens, "bytes": size}


def tag_command(model: Path, source: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crfner", "tag", str(model), str(source), "--input-format", "jsonl",
            "-o", str(out), "-q", *extra]


def sampled_peak(command: list[str], stop_when=None) -> dict:
    """Run a command, sampling the summed RSS of it and its children every 0.2 s (via /proc)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_total = 0
    started = time.perf_counter()
    killed = False
    while process.poll() is None:
        peak_total = max(peak_total, _tree_rss(process.pid))
        if stop_when is not None and stop_when():
            os.kill(process.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.2)
    process.wait()
    if process.returncode not in (0, -signal.SIGKILL):
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read()}")
    return {"seconds": round(time.perf_counter() - started, 1), "peak_rss_mib_all_processes": round(peak_total / 2**20),
            "killed": killed}


def _tree_rss(pid: int) -> int:
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids.extend(int(c) for c in children)
    return total


def throughput(model: Path, source: Path, tmp: Path, documents: int) -> dict:
    """The same input tagged by 1 process, 2 joblib processes, 2 joblib threads and a 2-worker Dask
    LocalCluster; the wall seconds and the peak summed RSS of the command's processes (sampled)."""
    from dask.distributed import LocalCluster

    data = write_input(source, tmp / "in.jsonl", documents=documents)
    runs, outputs = [], {}

    def measure(name: str, *extra: str) -> None:
        out = tmp / f"{len(outputs)}.jsonl"
        run = sampled_peak(tag_command(model, tmp / "in.jsonl", out, *extra))
        del run["killed"]
        outputs[name] = out.read_bytes()
        runs.append({"mode": name, **run, "documents_per_second": round(data["documents"] / run["seconds"], 1),
                     "tokens_per_second": round(data["tokens"] / run["seconds"])})
        print(json.dumps(runs[-1]), flush=True)

    measure("1 process", "--n-jobs", "1")
    measure("2 processes (joblib loky)", "--n-jobs", "2")
    measure("2 threads (joblib threading)", "--n-jobs", "2", "--backend", "threading")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        measure("Dask LocalCluster, 2 worker processes", "--backend", "dask", "--scheduler", cluster.scheduler_address)
    return {"input": data, "runs": runs, "outputs_identical": len(set(outputs.values())) == 1,
            "memory_note": "the Dask workers are processes of this script's LocalCluster, not of the crfner command, "
                           "so its peak counts only the command's own process"}


def large_input(model: Path, source: Path, tmp: Path, gigabytes: float, jobs: int) -> dict:
    """Tag a generated input of ``gigabytes``, kill the run halfway, re-run it, and check the output."""
    data = write_input(source, tmp / "big.jsonl", size_bytes=int(gigabytes * 1e9))
    out = tmp / "big.out.jsonl"
    state = Path(f"{out}.state.json")
    half = data["documents"] // 2

    def halfway() -> bool:
        try:
            return json.loads(state.read_text())["documents"] >= half
        except (OSError, ValueError, KeyError):
            return False

    command = tag_command(model, tmp / "big.jsonl", out, "--n-jobs", str(jobs), "--chunk-size", "512")
    first = sampled_peak(command, stop_when=halfway)
    recorded = json.loads(state.read_text())["documents"]
    second = sampled_peak(command)
    with open(tmp / "big.jsonl", encoding="utf-8") as a, open(out, encoding="utf-8") as b:
        ids_in = [json.loads(line)["id"] for line in a]
        ids_out = [json.loads(line)["id"] for line in b]
    return {
        "input": data, "model": json.loads((model / "crfner.json").read_text())["feature_set"]["name"],
        "n_jobs": jobs, "killed_after_documents": recorded, "first_run": first, "resumed_run": second,
        "output_records": len(ids_out), "one_record_per_input_document_in_order": ids_in == ids_out,
        "output_bytes": out.stat().st_size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--model", required=True, help="a saved crfner model directory")
    parser.add_argument("--documents", type=int, default=2000, help="documents in the throughput input (0: skip)")
    parser.add_argument("--big-gb", type=float, default=0.0, help="size of the large input in GB (0: skip)")
    parser.add_argument("--big-jobs", type=int, default=2, help="processes for the large input")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    source = Path(args.data_dir) / "pubtator" / "CDR_TestSet.PubTator.txt"
    model = Path(args.model)
    result = {"command": "python benchmarks/batch_throughput.py " + " ".join(sys.argv[1:]),
              "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
              "model": json.loads((model / "crfner.json").read_text())["feature_set"]["name"]}
    with tempfile.TemporaryDirectory(dir=os.environ.get("CRFNER_BENCH_TMP")) as tmp:
        if args.documents:
            result["throughput"] = throughput(model, source, Path(tmp), args.documents)
        if args.big_gb:
            result["large_input"] = large_input(model, source, Path(tmp), args.big_gb, args.big_jobs)
            print(json.dumps(result["large_input"]), flush=True)
    from crfner.atomic import atomic_open

    with atomic_open(args.out) as handle:
        handle.write(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
