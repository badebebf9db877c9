#!/usr/bin/env python3
"""Classify a JSON-lines archive with `stance` on Ray Data.

Each Ray batch of lines is piped through one `stance classify -` process (the binary carries its
trained artefacts; every setting is a flag), on as many workers as `--concurrency` says. The
records, one JSON object per input line, are written to --output as JSON lines.

    python3 examples/ray/classify_ray.py --input archive.jsonl --output records.jsonl \
        --binary target/release/stance --model-cache ~/.cache/huggingface/hub

On a cluster, pre-fetch the model once into a cache every node can read
(`HF_HUB_CACHE=/shared/hf stance models fetch`) and put the binary where every node finds it.
"""
import argparse
import os
import subprocess

import ray


class Classify:
    """One worker: runs `stance classify -` on each batch it is given."""

    def __init__(self, binary, model_cache, threads, extra):
        self.cmd = [binary, "classify", "-", "--format", "jsonl", "--errors-as-records", "--quiet",
                    "--offline", "--threads", str(threads)] + extra
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HF_HUB_CACHE": model_cache,
                    "HOME": os.environ.get("HOME", "/tmp")}

    def __call__(self, batch):
        lines = [line for line in batch["text"] if line.strip()]
        if not lines:
            return {"record": []}
        done = subprocess.run(self.cmd, input="\n".join(lines) + "\n", capture_output=True, text=True,
                              env=self.env, check=True)
        records = done.stdout.splitlines()
        if len(records) != len(lines):
            raise RuntimeError(f"{len(records)} records for {len(lines)} lines")
        return {"record": records}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="JSON lines: {\"id\"?, \"title\"?, \"text\"} per line")
    ap.add_argument("--output", required=True, help="file for the records (JSON lines)")
    ap.add_argument("--binary", default="target/release/stance")
    ap.add_argument("--model-cache", default=os.path.expanduser("~/.cache/huggingface/hub"))
    ap.add_argument("--concurrency", type=int, default=2, help="workers")
    ap.add_argument("--batch-size", type=int, default=128, help="lines per stance process")
    ap.add_argument("--threads", type=int, default=1, help="inference threads per worker")
    ap.add_argument("--stance-arg", action="append", default=[],
                    help="extra flag for stance classify, e.g. --stance-arg=--model=all-MiniLM-L6-v2")
    args = ap.parse_args()

    # One CPU per worker plus one for reading the input: with fewer, the read tasks wait for CPUs
    # the workers hold and the pipeline stalls.
    ray.init(num_cpus=args.concurrency + 1, include_dashboard=False, log_to_driver=False)
    records = ray.data.read_text(args.input).map_batches(
        Classify,
        fn_constructor_args=(os.path.abspath(args.binary), os.path.abspath(args.model_cache), args.threads,
                             args.stance_arg),
        batch_size=args.batch_size,
        concurrency=args.concurrency,
    )
    with open(args.output, "w", encoding="utf-8") as out:
        for row in records.iter_rows():
            out.write(row["record"] + "\n")
    ray.shutdown()


if __name__ == "__main__":
    main()
