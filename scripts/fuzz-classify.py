#!/usr/bin/env python3
"""Fuzzes the whole `stance classify` path: mutated articles (our own samples with random Unicode,
quotations, bidi marks, control bytes, broken JSON, huge tokens) in folders and JSONL, round after
round, until the time budget runs out. Each round checks: no panic, exit code 0 or 2, exactly one
valid JSON record per input, ids in input order. Prints a summary; exits 1 on the first failure.

    scripts/fuzz-classify.py --binary target/release/stance --minutes 10
"""
import argparse, json, os, random, subprocess, sys, tempfile, time

FRAGMENTS = ["\u201c", "\u201d", '"', "'", "\u2018", "\u2019", "\u00ab", "\u00bb", ".", "!", "?", "\u2026",
             "\u3002", "\uff01", "\uff1f", "\u06d4", "\u061f", "\u200f", "\u202e", "\u200b", "\ufeff", "\u0301",
             "\U0001F600", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\x07", "\x1b[31m", "\t", "\n", "\n\n",
             "\u062a\u0631\u062c\u0645\u0627\u0646 \u0646\u06d2 \u06a9\u06c1\u0627\u06d4", "\u5df4\u57fa\u65af\u5766\u3002",
             "Advertisement", "Read more: ", "PESHAWAR: ", "Dr.", "U.S.", "No. 5", "#", "- ", "1. ", "<script>x</script>"]


def mutate(text, rng):
    chars = list(text)
    for _ in range(rng.randint(1, 40)):
        op = rng.random()
        at = rng.randint(0, len(chars))
        if op < 0.5:
            chars[at:at] = list(rng.choice(FRAGMENTS))
        elif op < 0.65 and chars:
            del chars[at:at + rng.randint(1, 50)]
        elif op < 0.75:
            chars[at:at] = list(chr(rng.randint(0x20, 0x2FFF)) * rng.randint(1, 3))
        elif op < 0.8:
            chars[at:at] = list("x" * rng.randint(500, 5000))
        elif op < 0.9 and chars:
            j = rng.randint(0, len(chars) - 1)
            chars[at:at] = chars[j:j + rng.randint(1, 300)]
        else:
            chars[at:at] = list("\u201c" + " ".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(5, 80))))
    return "".join(chars)


def one_round(binary, samples, rng, workdir, articles):
    folder = os.path.join(workdir, "in")
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        os.remove(os.path.join(folder, f))
    expected = []
    lines = []
    for i in range(articles):
        text = mutate(rng.choice(samples), rng)
        if rng.random() < 0.5:
            name = f"a{i:04d}"
            data = text.encode("utf-8", "surrogatepass")
            if rng.random() < 0.05:
                data = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 200)))
            with open(os.path.join(folder, name + ".txt"), "wb") as f:
                f.write(data)
            expected.append(name)
        else:
            record = json.dumps({"id": f"j{i:04d}", "text": text}, ensure_ascii=rng.random() < 0.5)
            if rng.random() < 0.05:
                record = record[: rng.randint(0, len(record))]
            lines.append(record)
    with open(os.path.join(folder, "zz.jsonl"), "w", encoding="utf-8", errors="surrogatepass") as f:
        f.write("\n".join(lines) + "\n")
    proc = subprocess.run([binary, "classify", folder, "--format", "jsonl", "--batch", "8"],
                          capture_output=True, timeout=600)
    stderr = proc.stderr.decode("utf-8", "replace")
    problems = []
    if proc.returncode not in (0, 2) or "panicked" in stderr:
        problems.append(f"exit {proc.returncode}, stderr: {stderr[-2000:]}")
    records = []
    for n, line in enumerate(proc.stdout.decode("utf-8").splitlines()):
        try:
            records.append(json.loads(line))
        except ValueError as e:
            problems.append(f"line {n + 1} is not JSON: {e}")
    inputs = len(expected) + max(len([l for l in lines if l.strip()]), 1)
    if len(records) != inputs:
        problems.append(f"{len(records)} records for {inputs} inputs")
    file_ids = [r["id"] for r in records if not r.get("path", "").startswith(os.path.join(folder, "zz.jsonl"))]
    if file_ids != expected:
        problems.append("file records out of input order")
    errors = sum(1 for r in records if "error" in r)
    return problems, len(records), errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="target/release/stance")
    ap.add_argument("--samples", default="data/samples")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--articles", type=int, default=60, help="articles per round")
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    samples = [open(os.path.join(args.samples, f), encoding="utf-8").read()
               for f in sorted(os.listdir(args.samples)) if f.endswith(".txt")]
    rng = random.Random(args.seed)
    deadline = time.time() + args.minutes * 60
    rounds = records = errors = 0
    with tempfile.TemporaryDirectory() as workdir:
        while time.time() < deadline:
            problems, n, e = one_round(args.binary, samples, rng, workdir, args.articles)
            rounds, records, errors = rounds + 1, records + n, errors + e
            if problems:
                print(f"round {rounds} (seed {args.seed}): FAILED", *problems, sep="\n  ")
                kept = os.path.join(tempfile.gettempdir(), f"stance-fuzz-failure-{args.seed}-{rounds}")
                os.rename(os.path.join(workdir, "in"), kept)
                print(f"  inputs kept in {kept}")
                sys.exit(1)
    print(f"{rounds} rounds, {records} records ({errors} error records), 0 panics, 0 lost, "
          f"{args.minutes:g} minutes")


if __name__ == "__main__":
    main()
