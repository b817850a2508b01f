#!/usr/bin/env bash
# Side-by-side GPT-2-small evaluation throughput: InvarLock (managed kernels) vs PyTorch CPU on the same checkpoint,
# the same token windows and the same thread count. Checks that the per-window loss sums agree (relative 1e-4).
#
# Usage: benchmarks/compare-pytorch/run.sh [MODEL_DIR]
#   env: THREADS="1 2"  SEQ_LENS="128 512"  WINDOWS=8  REPEATS=3  ROUNDS=1  OUT=/tmp/invarlock-compare  SKIP_BUILD=1
# Each side reports the best of REPEATS timed passes over all windows; ROUNDS repeats the whole grid (on a shared,
# loaded machine) and the summary keeps each side's best round.
#        TORCH_BLAS=openmp|pthread|system (default: openmp when installed)  TORCH_BLAS_DIR=folder with libblas.so.3 (overrides)
#        OPENBLAS_CORETYPE (default chosen from the ISA by benchmarks/compare/machine.sh: SkylakeX, Zen or Haswell)
# Needs: .NET 10 SDK, /usr/bin/python3 with python3-torch, and for a fair comparison OpenBLAS:
#   apt-get install -y python3-torch libopenblas0-openmp libopenblas0-pthread
# Debian's torch calls the system libblas.so.3, and the reference BLAS it gets by default is many times slower.
# The OpenMP build of OpenBLAS shares torch's OpenMP thread pool; the pthread build (the libblas.so.3 alternative
# Debian picks when both are installed) runs its own threads, which contend with torch's spinning OpenMP workers
# at 2+ threads. TORCH_BLAS picks the build for the torch process only (LD_LIBRARY_PATH), changing nothing system-wide.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
model="${1:-/tmp/invarlock-gpt2-small}"
threads_list="${THREADS:-1 2}"
seq_lens="${SEQ_LENS:-128 512}"
windows="${WINDOWS:-8}"
repeats="${REPEATS:-3}"
rounds="${ROUNDS:-1}"
out="${OUT:-/tmp/invarlock-compare}"
python=/usr/bin/python3
bench="$repo/benchmarks/InvarLock.Benchmarks/bin/Release/net10.0/InvarLock.Benchmarks.dll"
libdir=/usr/lib/x86_64-linux-gnu
torch_blas="${TORCH_BLAS:-}"
source "$repo/benchmarks/compare/machine.sh"
if [[ -n "${TORCH_BLAS_DIR:-}" ]]; then
  [[ -f "$TORCH_BLAS_DIR/libblas.so.3" ]] || { echo "TORCH_BLAS_DIR=$TORCH_BLAS_DIR: no libblas.so.3 there" >&2; exit 2; }
  torch_blas=dir
elif [[ -z "$torch_blas" ]]; then
  if [[ -f "$libdir/openblas-openmp/libblas.so.3" ]]; then torch_blas=openmp; else torch_blas=system; fi
fi
if [[ "$torch_blas" == dir ]]; then
  torch_env=(env "LD_LIBRARY_PATH=$TORCH_BLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
elif [[ "$torch_blas" != system ]]; then
  if [[ ! -f "$libdir/openblas-$torch_blas/libblas.so.3" ]]; then
    echo "TORCH_BLAS=$torch_blas: $libdir/openblas-$torch_blas/libblas.so.3 not found (apt-get install libopenblas0-$torch_blas)" >&2
    exit 2
  fi
  torch_env=(env "LD_LIBRARY_PATH=$libdir/openblas-$torch_blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
else
  torch_env=(env "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
fi

if [[ -z "${SKIP_BUILD:-}" ]]; then
  dotnet build "$repo/benchmarks/InvarLock.Benchmarks" -c Release -nologo -v q
fi
if [[ ! -f "$model/model.safetensors" ]]; then
  (cd "$repo" && dotnet "$bench" --quick make-gpt2-small "$model")
fi
mkdir -p "$out"

echo "machine: $cpu, $(nproc) cores; ISA: $isa; load: $(load)"
echo "system libblas.so.3: $(readlink -f $libdir/libblas.so.3 2>/dev/null || echo unknown); torch runs with TORCH_BLAS=$torch_blas${TORCH_BLAS_DIR:+ ($TORCH_BLAS_DIR)}, OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE"

status=0
declare -A best_ours best_theirs worst_diff
for round in $(seq 1 "$rounds"); do
for t in $threads_list; do
  for s in $seq_lens; do
    tag="t${t}-s${s}"
    echo "== round $round: threads $t, seq-len $s, $windows windows, best of $repeats (load $(cut -d' ' -f1 /proc/loadavg)) =="
    dotnet "$bench" --quick eval "$model" --seq-len "$s" --windows "$windows" --threads "$t" --repeats "$repeats" \
      --windows-out "$out/windows-$tag.json" | tee "$out/invarlock-$tag-r$round.txt"
    if ! "${torch_env[@]}" "$python" "$repo/benchmarks/compare-pytorch/gpt2_torch_eval.py" --windows "$out/windows-$tag.json" \
        --threads "$t" --repeats "$repeats" --json-out "$out/torch-$tag-r$round.json" | tee "$out/torch-$tag-r$round.txt"; then
      status=1
    fi
    ours=$(grep -o '[0-9.]* tokens/s' "$out/invarlock-$tag-r$round.txt" | cut -d' ' -f1)
    theirs=$(grep -o '[0-9.]* tokens/s' "$out/torch-$tag-r$round.txt" | cut -d' ' -f1)
    diff=$(grep -o 'max relative difference [0-9.e+-]*' "$out/torch-$tag-r$round.txt" | awk '{print $4}')
    best_ours[$tag]=$(awk -v a="$ours" -v b="${best_ours[$tag]:-0}" 'BEGIN{print (a>b)?a:b}')
    best_theirs[$tag]=$(awk -v a="$theirs" -v b="${best_theirs[$tag]:-0}" 'BEGIN{print (a>b)?a:b}')
    worst_diff[$tag]=$(awk -v a="$diff" -v b="${worst_diff[$tag]:-0}" 'BEGIN{print (a+0>b+0)?a:b}')
  done
done
done
summary=()
for t in $threads_list; do
  for s in $seq_lens; do
    tag="t${t}-s${s}"
    summary+=("| $t | $s | $windows | ${best_ours[$tag]} | ${best_theirs[$tag]} | $(awk -v a="${best_ours[$tag]}" -v b="${best_theirs[$tag]}" 'BEGIN{printf "%.2f", a/b}') | ${worst_diff[$tag]} |")
  done
done
echo
echo "best of $rounds round(s) x $repeats passes; torch BLAS: $torch_blas"
echo "| threads | seq-len | windows | InvarLock tokens/s | torch tokens/s | ratio | max rel. diff of loss sums |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${summary[@]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
