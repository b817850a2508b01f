#!/usr/bin/env bash
# The documented long fuzzing run (docs/security/fuzzing.md): one target at a time, under nice, until it has done
# EXECS executions or run SECONDS seconds, whichever comes first; prints one table row per target from AFL++'s
# fuzzer_stats (execs, execs/s, crashes, hangs, peak RSS). Findings stay in $FINDINGS/<target>/default/{crashes,hangs}.
#   usage: tests/fuzz/long-run.sh [target...]     (default: every target)
#   env:   EXECS (1000000), SECONDS_PER_TARGET (3600), FINDINGS (artifacts/fuzz/findings), SKIP_BUILD=1
source "$(dirname "$0")/fuzz-env.sh"
EXECS="${EXECS:-1000000}"
SECONDS_PER_TARGET="${SECONDS_PER_TARGET:-3600}"
FINDINGS="${FINDINGS:-$FUZZ_BUILD/findings}"
[ "${SKIP_BUILD:-0}" = 1 ] || build_fuzz_harness
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <("$PLAIN" list)

echo "| target | execs | seconds | execs/s | crashes | hangs | peak RSS (MiB) | corpus |"
echo "|---|---|---|---|---|---|---|---|"
for target in "${targets[@]}"; do
  rm -rf "${FINDINGS:?}/$target"
  mkdir -p "$FINDINGS"
  nice -n 15 timeout $((SECONDS_PER_TARGET + 120)) afl-fuzz -i "$FUZZ_ROOT/corpus/$target" -o "$FINDINGS/$target" \
    -E "$EXECS" -V "$SECONDS_PER_TARGET" -t 10000 -m none -- "$INSTRUMENTED" "$target" >"$FINDINGS/$target.log" 2>&1 || true
  stats="$FINDINGS/$target/default/fuzzer_stats"
  field() { awk -F' *: *' -v k="$1" '$1==k{print $2}' "$stats"; }
  if [ ! -f "$stats" ]; then
    echo "| $target | afl-fuzz did not start: see $FINDINGS/$target.log | | | | | | |"
    continue
  fi
  execs=$(field execs_done); start=$(field start_time); last=$(field last_update)
  secs=$((last - start)); [ "$secs" -gt 0 ] || secs=1
  echo "| $target | $execs | $secs | $((execs / secs)) | $(field saved_crashes) | $(field saved_hangs) | $(field peak_rss_mb) | $(field corpus_count) |"
done
