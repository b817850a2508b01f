#!/usr/bin/env bash
# Rebuilds tests/InvarLock.Models.Tests/Tokenizers/Reference/unigram-spm.tokenizer.json: a SentencePiece unigram model
# (byte fallback, identity normalization) trained by Debian's spm_train (apt-get install sentencepiece) on Debian's
# licence texts, converted to a Hugging Face tokenizer.json the way Hugging Face's SpmConverter lays out a Llama-style
# unigram tokenizer: ids and scores from the .model (spm_export_vocab), unk_id 0, <unk>/<s>/</s> as special added
# tokens, normalizer Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer. The parity tests run it through Hugging
# Face's Rust tokenizers and ours (also with a Metaspace pre-tokenizer instead of the normalizer).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
out="$here/tests/InvarLock.Models.Tests/Tokenizers/Reference/unigram-spm.tokenizer.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for f in /usr/share/common-licenses/*; do [ -L "$f" ] || cat "$f"; done > "$work/corpus.txt"
spm_train --input="$work/corpus.txt" --model_prefix="$work/unigram" --model_type=unigram --vocab_size=3000 \
  --byte_fallback=true --normalization_rule_name=identity --character_coverage=0.9995 --num_threads=1 \
  --minloglevel=2
spm_export_vocab --model="$work/unigram.model" --output="$work/unigram.vocab"
/usr/bin/python3 - "$work/unigram.vocab" "$out" <<'PY'
import json, sys
vocab = []
for line in open(sys.argv[1], encoding="utf-8"):
    piece, score = line.rstrip("\n").split("\t")
    vocab.append([piece, float(score)])
special = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
            "special": True} for i, t in enumerate(["<unk>", "<s>", "</s>"])]
doc = {
    "version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
    "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "\u2581"},
                                                      {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
    "pre_tokenizer": None,
    "post_processor": {"type": "TemplateProcessing",
                       "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                       "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                       "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
    "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
                                                {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
    "model": {"type": "Unigram", "unk_id": 0, "vocab": vocab, "byte_fallback": True},
}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=1)
    f.write("\n")
PY
echo "wrote $out"
