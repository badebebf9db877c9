#!/usr/bin/env bash
# Runs the Spark example for real (local[2], 4 partitions) on a few hundred articles and checks:
# records out == articles in, ids unique, no error records. pyspark goes into a throwaway virtualenv
# under target/; Java comes from the machine or Debian's package. Skips, saying why, only where Java
# or pyspark cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
skip() { echo "spark example: skipped: $*"; exit 0; }

if ! command -v java >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq default-jre-headless) >/dev/null 2>&1 || skip "no Java and it cannot be installed"
fi
venv=target/spark-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pyspark" 2>/dev/null; then
  python3 -m venv "$venv" >/dev/null 2>&1 || skip "python3 cannot make a virtualenv"
  "$venv/bin/pip" install -q "pyspark==3.5.*" >/dev/null 2>&1 || skip "pyspark cannot be installed"
fi
# CI passes STANCE_BIN (the binary `cargo test` built) to save a release build.
bin=${STANCE_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin=target/release/stance
fi
bin=$(realpath "$bin")
# The check is of the Spark plumbing, so it runs on the fast encoder (the default is all-mpnet-base-v2).
model=sentence-transformers/all-MiniLM-L6-v2
"$bin" --model "$model" models fetch >/dev/null
cache=$("$venv/bin/python" - <<'PY'
import os
print(os.environ.get("HF_HUB_CACHE") or os.path.join(os.environ.get("HF_HOME") or os.path.expanduser("~/.cache/huggingface"), "hub"))
PY
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 300 articles made from our samples, half without an id (they get one from their text's hash).
python3 - "$work/in.jsonl" <<'PY'
import json, os, sys
samples = [open(os.path.join("data/samples", f), encoding="utf-8").read()
           for f in sorted(os.listdir("data/samples")) if f.endswith(".txt")]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for i in range(300):
        record = {"text": f"{samples[i % len(samples)]}\n\nDispatch {i} ends here."}
        if i % 2:
            record["id"] = f"s{i:04d}"
        out.write(json.dumps(record) + "\n")
PY
"$venv/bin/python" examples/spark/classify_spark.py --master 'local[2]' --partitions 4 \
  --input "$work/in.jsonl" --output "$work/out" --model-cache "$cache" --binary "$bin" --stance-arg="--model=$model" 2> "$work/spark.log" \
  || { tail -40 "$work/spark.log"; echo "spark example: FAILED"; exit 1; }
python3 - "$work/out" <<'PY'
import glob, json, sys
records = [json.loads(l) for f in sorted(glob.glob(sys.argv[1] + "/part-*")) for l in open(f) if l.strip()]
ids = [r["id"] for r in records]
errors = [r for r in records if "error" in r]
print(f"spark example: {len(records)} records from 300 articles, {len(set(ids))} unique ids, {len(errors)} error records")
assert len(records) == 300 and len(set(ids)) == 300 and not errors, "records out must equal articles in"
PY
