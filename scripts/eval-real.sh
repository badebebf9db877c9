#!/usr/bin/env bash
# Measures every system on the real-article set (data/real/index.jsonl). The texts live outside the
# repository: pass their folder (default $STANCE_REAL_DIR, else ../real/set beside the checkout).
# Writes DIR/labels.jsonl from the index and, when our reference summaries of some of them are kept
# beside the texts ($STANCE_REAL_SUMMARIES, else DIR/../summaries.jsonl), DIR/summaries.jsonl for the
# texts present, then runs `stance compare` on DIR;
# arguments after the folder go to `stance compare`. Skips (exit 0) when the texts are absent.
# STANCE_REAL_SET=guided|unseen measures only that part of the index (default: every text present).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-${STANCE_REAL_DIR:-../real/set}}"
shift || true
if ! ls "$dir"/*.txt >/dev/null 2>&1; then
  echo "eval-real: skipped: no real-article texts in $dir (see data/real/README.md for how to gather them)"
  exit 0
fi
summaries="${STANCE_REAL_SUMMARIES:-$dir/../summaries.jsonl}"
python3 - "$dir" "$summaries" "${STANCE_REAL_SET:-}" <<'PY'
import json, os, sys
folder, summaries, only_set = sys.argv[1], sys.argv[2], sys.argv[3]
kept = set()
with open(os.path.join(folder, "labels.jsonl"), "w", encoding="utf-8") as out:
    for line in open("data/real/index.jsonl", encoding="utf-8"):
        row = json.loads(line)
        if only_set and row["set"] != only_set:
            continue
        if os.path.exists(os.path.join(folder, row["id"] + ".txt")):
            out.write(json.dumps({"id": row["id"], "label": row["label"], "genre": row["genre"], "split": "real"}) + "\n")
            kept.add(row["id"])
summarised = 0
if os.path.exists(summaries):
    with open(os.path.join(folder, "summaries.jsonl"), "w", encoding="utf-8") as out:
        for line in open(summaries, encoding="utf-8"):
            if json.loads(line)["id"] in kept:
                out.write(line)
                summarised += 1
print(f"eval-real: {len(kept)} labelled real articles in {folder}, {summarised} with a reference summary", file=sys.stderr)
PY
cargo run --release --quiet -- compare --data "$dir" "$@"
