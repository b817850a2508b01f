# Sourced by benchmarks/compare/run.sh and benchmarks/compare-pytorch/run.sh: names the machine and picks OpenBLAS's
# kernel for torch. Sets cpu (model name), isa (the widest vector extensions), OPENBLAS_CORETYPE (unless already set:
# AVX-512F -> SkylakeX; AVX2 on AMD -> Zen; AVX2 otherwise -> Haswell; OpenBLAS 0.3.21 does not recognise every
# recent CPU and otherwise falls back to a slow generic kernel), and load() (the load averages).
flags=$(grep -m1 '^flags' /proc/cpuinfo)
has_flag() { [[ " $flags " == *" $1 "* ]]; }
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if has_flag avx512f; then
  isa="AVX-512F$(has_flag avx512bw && echo /BW)$(has_flag avx512vl && echo /VL)$(has_flag avx512_vnni && echo /VNNI)$(has_flag avx512_bf16 && echo /BF16)$(has_flag avx512fp16 && echo /FP16) + AVX2 + FMA"
elif has_flag avx2 && has_flag fma; then
  isa="AVX2 + FMA (no AVX-512)"
else
  isa="below AVX2"
fi
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  if has_flag avx512f; then OPENBLAS_CORETYPE=SkylakeX
  elif has_flag avx2 && grep -q -m1 AuthenticAMD /proc/cpuinfo; then OPENBLAS_CORETYPE=Zen
  else OPENBLAS_CORETYPE=Haswell; fi
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
