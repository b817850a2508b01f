#!/usr/bin/env bash
# Peak resident memory of `invarlock evaluate` on a generated LLaMA-shaped checkpoint (default 1.1B parameters, BF16),
# against a copy of itself and against --edit quant_rtn, measured with /usr/bin/time -v.
# Usage: benchmarks/memory/run.sh WORKDIR [extra make-llama args...]
# Needs a Release build (dotnet build -c Release) and GNU time (Debian package `time`).
set -euo pipefail
work=${1:?usage: run.sh WORKDIR [make-llama args]}; shift || true
root=$(cd "$(dirname "$0")/../.." && pwd)
cli="$root/hosts/InvarLock.Cli/bin/Release/net10.0/invarlock.dll"
bench="$root/benchmarks/InvarLock.Benchmarks/bin/Release/net10.0/InvarLock.Benchmarks.dll"
mkdir -p "$work"
[ -d "$work/llama" ] || dotnet "$bench" --quick make-llama "$work/llama" "$@"
[ -d "$work/llama-copy" ] || cp -r "$work/llama" "$work/llama-copy"
stored=$(du -cb "$work"/llama/*.safetensors | tail -1 | cut -f1)
plan=(--seq-len 64 --preview-n 4 --final-n 4 --profile dev)
lscpu | grep -m1 'Model name'
echo "stored weights: $stored bytes; target peak RSS <= 1.2 x stored + 1.5 GiB = $(( (stored * 12 / 10 + 1610612736) / 1048576 )) MiB"
run() {
  local name=$1; shift
  rm -rf "$work/out-$name"
  /usr/bin/time -v dotnet "$cli" evaluate "$@" "${plan[@]}" --out "$work/out-$name" --json > "$work/$name.json" 2> "$work/$name.time" || true
  local rss wall verdict
  rss=$(grep 'Maximum resident set size' "$work/$name.time" | awk '{print $6}')
  wall=$(grep 'Elapsed (wall clock)' "$work/$name.time" | awk '{print $8}')
  verdict=$(grep -o '"verdict":"[A-Z]*"' "$work/$name.json" | head -1)
  echo "$name: peak RSS $(( rss / 1024 )) MiB ($(awk "BEGIN{printf \"%.2f\", $rss*1024/$stored}") x stored), wall $wall, $verdict"
}
run identical --baseline "$work/llama" --subject "$work/llama-copy"
run quant_rtn --baseline "$work/llama" --edit quant_rtn
