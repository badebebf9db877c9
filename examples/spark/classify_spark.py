#!/usr/bin/env python3
"""Classify a JSON-lines archive with `stance` on Spark.

The `stance` binary is shipped to the executors (SparkContext.addFile); each partition's lines are
piped through `stance classify -`, which streams: records come back batch by batch while the
partition is still being fed. Everything the binary needs is passed as flags (an executor gets no
environment from the driver), except the model cache, which is named explicitly.

    spark-submit examples/spark/classify_spark.py --input archive.jsonl --output out/ \
        --binary target/release/stance --model-cache ~/.cache/huggingface/hub

Locally: python3 examples/spark/classify_spark.py --master 'local[2]' … (pyspark installed).
Pre-fetch the model once into a cache every executor can read (`stance models fetch` with
HF_HUB_CACHE pointing there); executors then run with --offline and never download.
"""
import argparse
import os
import subprocess
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession


def classify_partition(lines, binary_name, model_cache, threads, extra):
    """Pipes one partition's JSON lines through `stance classify -` and yields its records."""
    exe = SparkFiles.get(binary_name)
    os.chmod(exe, 0o755)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HF_HUB_CACHE": model_cache,
           "HOME": os.environ.get("HOME", "/tmp")}
    cmd = [exe, "classify", "-", "--format", "jsonl", "--errors-as-records", "--quiet", "--offline",
           "--threads", str(threads)] + extra
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def feed():
        try:
            for line in lines:
                proc.stdin.write(line.encode("utf-8") + b"\n")
        finally:
            proc.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    for raw in proc.stdout:
        yield raw.decode("utf-8").rstrip("\n")
    feeder.join()
    if proc.wait() != 0:
        raise RuntimeError(f"stance exited with {proc.returncode} on a partition")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="JSON lines: {\"id\"?, \"title\"?, \"text\"} per line")
    ap.add_argument("--output", required=True, help="folder for the records (Spark text output)")
    ap.add_argument("--binary", default="target/release/stance")
    ap.add_argument("--model-cache", default=os.path.expanduser("~/.cache/huggingface/hub"))
    ap.add_argument("--master", default=None, help="e.g. local[2]; default: as spark-submit says")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1, help="inference threads per task")
    ap.add_argument("--stance-arg", action="append", default=[], help="extra flag for stance classify")
    args = ap.parse_args()

    builder = SparkSession.builder.appName("stance-classify")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    sc.addFile(os.path.abspath(args.binary))
    name = os.path.basename(args.binary)
    cache, threads, extra = os.path.abspath(args.model_cache), args.threads, args.stance_arg
    records = sc.textFile(args.input, minPartitions=args.partitions).mapPartitions(
        lambda lines: classify_partition(lines, name, cache, threads, extra))
    records.saveAsTextFile(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
