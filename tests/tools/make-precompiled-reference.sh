#!/usr/bin/env bash
# Rebuilds tests/InvarLock.Models.Tests/Tokenizers/Reference/{nmt_nfkc,nfkc_cf}.charsmap.gz: SentencePiece's
# precompiled normalization tables (the normalizer_spec.precompiled_charsmap that Hugging Face's converter writes,
# base64, into a "Precompiled" normalizer), as Debian's spm_train (apt-get install sentencepiece) compiles them for
# --normalization_rule_name=nmt_nfkc (T5, ALBERT, XLM-R, mBART) and nfkc_cf (NFKC + case folding). The table depends
# only on the rule, not on the training text (a small model is trained only to get it); the parity tests put it in
# front of the Unigram reference (unigram-spm.tokenizer.json) and compare ids with Hugging Face's Rust tokenizers.
# The .model protobuf is read by the few lines of Python below (ModelProto field 3 = normalizer_spec, its field 2 =
# precompiled_charsmap), so neither python3-protobuf nor the sentencepiece bindings are needed.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
out="$here/tests/InvarLock.Models.Tests/Tokenizers/Reference"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v spm_train >/dev/null || { echo "spm_train is not on PATH (apt-get install sentencepiece)" >&2; exit 1; }
for f in /usr/share/common-licenses/*; do [ -L "$f" ] || cat "$f"; done > "$work/corpus.txt"
for rule in nmt_nfkc nfkc_cf; do
  spm_train --input="$work/corpus.txt" --model_prefix="$work/$rule" --model_type=unigram --vocab_size=500 \
    --normalization_rule_name="$rule" --num_threads=1 --minloglevel=2
  /usr/bin/python3 - "$work/$rule.model" "$work/$rule.charsmap" "$rule" <<'PY'
import sys

def varint(b, i):
    value = shift = 0
    while True:
        c = b[i]
        i += 1
        value |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return value, i

def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(b, i)
        elif wire == 1:
            value, i = b[i:i + 8], i + 8
        elif wire == 5:
            value, i = b[i:i + 4], i + 4
        elif wire == 2:
            n, i = varint(b, i)
            value, i = b[i:i + n], i + n
        else:
            raise SystemExit(f"unexpected protobuf wire type {wire}")
        yield number, value

model = open(sys.argv[1], "rb").read()
spec = next(v for n, v in fields(model) if n == 3)
name = next(v for n, v in fields(spec) if n == 1).decode()
charsmap = next(v for n, v in fields(spec) if n == 2)
assert name == sys.argv[3], (name, sys.argv[3])
open(sys.argv[2], "wb").write(charsmap)
print(f"{name}: {len(charsmap)} bytes")
PY
  gzip -9 -n -c "$work/$rule.charsmap" > "$out/$rule.charsmap.gz"
  sha256sum "$work/$rule.charsmap" | sed "s|$work/||"
done
echo "wrote $out/{nmt_nfkc,nfkc_cf}.charsmap.gz"
