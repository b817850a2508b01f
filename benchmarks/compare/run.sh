#!/usr/bin/env bash
# InvarLock, PyTorch and llama.cpp side by side in one run, on one generated LLaMA-shaped checkpoint: the same token
# windows, the same thread count, logits at every position, tokens/s and the agreement of the per-window loss sums.
#
# Usage: benchmarks/compare/run.sh [WORKDIR]        (default /tmp/invarlock-compare-llama; needs ~7 GB for 1.1B)
#   env: THREADS="1 2"  SEQ_LENS="128 512"  WINDOWS=2  REPEATS=2  GGUF_TYPES="F32 F16"  SKIP_BUILD=1  CLEAN=1
#        MODEL_ARGS="..."   make-llama arguments (default: 1.1B parameters, TinyLlama-1.1B's shape, stored BF16)
#        TORCH_BLAS_DIR     folder with the libblas.so.3 torch should load (default: Debian's OpenMP OpenBLAS build)
#        OPENBLAS_CORETYPE  OpenBLAS kernel; default chosen from the ISA (AVX-512F: SkylakeX; AMD AVX2: Zen; else Haswell)
#        NODE_LLAMA_CPP     node-llama-cpp package folder (default .tools/llama-cpp/...; see install-llama-cpp.sh)
# Steps: (1) parity on a small checkpoint (2 layers, GQA, BF16): InvarLock's loss sums against torch and against
# llama.cpp on F32 and F16 GGUF files, exit 1 on disagreement; (2) the large checkpoint, written as safetensors BF16
# (InvarLock and torch read it; torch widens to f32) and as GGUF F32 and F16 (llama.cpp), then the grid
# THREADS x SEQ_LENS, each engine the best of REPEATS passes after a warm-up window; loss sums compared each time
# (llama.cpp: once per GGUF type, at the first grid point, as its check costs another pass). CLEAN=1 deletes WORKDIR.
# Needs: .NET 10 SDK, /usr/bin/python3 with python3-torch, OpenBLAS (apt-get install libopenblas0-openmp, or
# `apt-get download` it and `dpkg-deb -x` it and point TORCH_BLAS_DIR there), node + install-llama-cpp.sh.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-/tmp/invarlock-compare-llama}"
threads_list="${THREADS:-1 2}"
seq_lens="${SEQ_LENS:-128 512}"
windows="${WINDOWS:-2}"
repeats="${REPEATS:-2}"
gguf_types="${GGUF_TYPES:-F32 F16}"
read -r -a model_args <<< "${MODEL_ARGS:-}"
python=/usr/bin/python3
bench="$repo/benchmarks/InvarLock.Benchmarks/bin/Release/net10.0/InvarLock.Benchmarks.dll"
blas_dir="${TORCH_BLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-openmp}"
export NODE_LLAMA_CPP="${NODE_LLAMA_CPP:-$repo/.tools/llama-cpp/node_modules/node-llama-cpp}"
[[ -f "$blas_dir/libblas.so.3" ]] || { echo "TORCH_BLAS_DIR=$blas_dir: no libblas.so.3 there (apt-get install libopenblas0-openmp)" >&2; exit 2; }
[[ -f "$NODE_LLAMA_CPP/package.json" ]] || { echo "NODE_LLAMA_CPP=$NODE_LLAMA_CPP: node-llama-cpp not found (run benchmarks/compare/install-llama-cpp.sh)" >&2; exit 2; }

source "$repo/benchmarks/compare/machine.sh"
torch_env=(env "LD_LIBRARY_PATH=$blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")

if [[ -z "${SKIP_BUILD:-}" ]]; then
  dotnet build "$repo/benchmarks/InvarLock.Benchmarks" -c Release -nologo -v q >/dev/null
fi
mkdir -p "$work"
echo "machine: $cpu, $(nproc) cores; ISA: $isa; load: $(load)"
echo "torch: $blas_dir/libblas.so.3, OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE; llama.cpp: node-llama-cpp $(node -p "require('$NODE_LLAMA_CPP/package.json').version")"

status=0
tps() { grep -o '[0-9.]* tokens/s' "$1" | tail -1 | cut -d' ' -f1; }
rel() { grep -o 'max relative difference [0-9.e+-]*' "$1" | awk '{print $4}'; }
# eval_all MODEL_DIR TAG THREADS SEQ_LEN CHECK_LLAMA: one grid point for all three engines.
eval_all() {
  local dir=$1 tag=$2 t=$3 s=$4 check=$5 base=$6
  dotnet "$bench" --quick eval "$dir" --seq-len "$s" --windows "$windows" --threads "$t" --repeats "$repeats" \
    --windows-out "$work/windows-$tag.json" > "$work/invarlock-$tag.txt"
  grep 'invarlock eval' "$work/invarlock-$tag.txt"
  if ! "${torch_env[@]}" "$python" "$repo/benchmarks/compare/decoder_torch_eval.py" --windows "$work/windows-$tag.json" \
      --threads "$t" --repeats "$repeats" > "$work/torch-$tag.txt"; then status=1; fi
  grep -E 'torch eval|vs InvarLock' "$work/torch-$tag.txt"
  for g in $gguf_types; do
    if ! node "$repo/benchmarks/compare/llama_cpp_eval.mjs" --model "$base-$g.gguf" --windows "$work/windows-$tag.json" \
        --threads "$t" --repeats "$repeats" ${check:+--check} > "$work/llama-$g-$tag.txt"; then status=1; fi
    grep -E 'llama.cpp eval|vs InvarLock' "$work/llama-$g-$tag.txt" | sed "s/^/[$g] /"
  done
}

echo "== parity: small LLaMA (2 layers, width 256, 8 heads over 2 KV heads, vocabulary 32000, BF16) =="
small="$work/small"
[[ -f "$small/config.json" ]] || dotnet "$bench" --quick make-llama "$small" --layers 2 --hidden 256 --heads 8 --kv-heads 2 \
  --intermediate 688 --vocab 32000 --dtype BF16 --linear-scale 8 >/dev/null
for g in $gguf_types; do [[ -f "$work/small-$g.gguf" ]] || dotnet "$bench" --quick make-gguf "$small" "$work/small-$g.gguf" --type "$g" >/dev/null; done
eval_all "$small" small 1 128 1 "$work/small"

big="$work/llama"
[[ -f "$big/config.json" ]] || dotnet "$bench" --quick make-llama "$big" "${model_args[@]}"
params=$(python3 -c "import json,sys; m=json.load(open('$big/model.safetensors.index.json')); print(m['metadata']['total_size'])" 2>/dev/null || echo "?")
for g in $gguf_types; do [[ -f "$work/llama-$g.gguf" ]] || dotnet "$bench" --quick make-gguf "$big" "$work/llama-$g.gguf" --type "$g"; done
echo "== large: $(python3 -c "import json; c=json.load(open('$big/config.json')); print(f\"{c['num_hidden_layers']} layers, width {c['hidden_size']}, {c['num_attention_heads']} heads over {c['num_key_value_heads']} KV heads, MLP {c['intermediate_size']}, vocabulary {c['vocab_size']}, {c['torch_dtype']}\")"); $params bytes of weights =="
declare -A row
first=1
for t in $threads_list; do
  for s in $seq_lens; do
    tag="t$t-s$s"
    echo "-- threads $t, seq-len $s, $windows windows, best of $repeats (load $(load)) --"
    eval_all "$big" "$tag" "$t" "$s" "${first:+1}" "$work/llama"
    first=
    line="| $t | $s | $(tps "$work/invarlock-$tag.txt") | $(tps "$work/torch-$tag.txt")"
    for g in $gguf_types; do line+=" | $(tps "$work/llama-$g-$tag.txt")"; done
    ours=$(tps "$work/invarlock-$tag.txt")
    line+=" | $(awk -v a="$ours" -v b="$(tps "$work/torch-$tag.txt")" 'BEGIN{printf "%.2f", a/b}')"
    for g in $gguf_types; do line+=" | $(awk -v a="$ours" -v b="$(tps "$work/llama-$g-$tag.txt")" 'BEGIN{printf "%.2f", a/b}')"; done
    line+=" | $(rel "$work/torch-$tag.txt")"
    for g in $gguf_types; do line+=" | $(rel "$work/llama-$g-$tag.txt" || true)"; done
    row[$tag]="$line |"
  done
done
echo
echo "machine: $cpu, $(nproc) cores; ISA: $isa; OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE; load after: $(load)"
head="| threads | seq-len | InvarLock tok/s | torch tok/s"; sep="|---:|---:|---:|---:"
for g in $gguf_types; do head+=" | llama.cpp $g tok/s"; sep+="|---:"; done
head+=" | vs torch"; sep+="|---:"
for g in $gguf_types; do head+=" | vs llama.cpp $g"; sep+="|---:"; done
head+=" | loss rel. diff torch"; sep+="|---:"
for g in $gguf_types; do head+=" | loss rel. diff $g"; sep+="|---:"; done
echo "$head |"; echo "$sep|"
for t in $threads_list; do for s in $seq_lens; do echo "${row[t$t-s$s]}"; done; done
if [[ -n "${CLEAN:-}" ]]; then rm -rf "$work"; fi
exit $status
