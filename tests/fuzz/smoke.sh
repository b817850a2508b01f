#!/usr/bin/env bash
# Bounded fuzzing smoke run for CI (about two minutes on 2 cores): every harness replays its seed corpus in-process
# (a crash, hang or stray exception fails the run), then afl-fuzz runs each harness for a few seconds on the
# instrumented build; any saved crash or hang fails the run. The long runs are in docs/security/fuzzing.md.
source "$(dirname "$0")/fuzz-env.sh"
AFL_SECONDS="${AFL_SECONDS:-8}"

echo "== fuzz smoke: build (plain + SharpFuzz-instrumented)"
build_fuzz_harness

echo "== fuzz smoke: replay the seed corpora"
for target in $("$PLAIN" list); do
  timeout 120 "$PLAIN" replay "$target" "$FUZZ_ROOT/corpus/$target"
done

if ! command -v afl-fuzz >/dev/null; then
  echo "== fuzz smoke: installing afl++ (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi
echo "== fuzz smoke: afl-fuzz, ${AFL_SECONDS} s per harness"
findings=$(mktemp -d)
trap 'rm -rf "$findings"' EXIT
failed=0
for target in $("$PLAIN" list); do
  timeout $((AFL_SECONDS + 60)) afl-fuzz -i "$FUZZ_ROOT/corpus/$target" -o "$findings/$target" -V "$AFL_SECONDS" -t 10000 -m none \
    -- "$INSTRUMENTED" "$target" >"$findings/$target.log" 2>&1 || { tail -20 "$findings/$target.log"; failed=1; continue; }
  stats="$findings/$target/default/fuzzer_stats"
  execs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats")
  crashes=$(awk -F' *: *' '$1=="saved_crashes"{print $2}' "$stats")
  hangs=$(awk -F' *: *' '$1=="saved_hangs"{print $2}' "$stats")
  echo "afl-fuzz $target: $execs execs, $crashes crashes, $hangs hangs"
  if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
    for f in "$findings/$target"/default/crashes/id* "$findings/$target"/default/hangs/id*; do
      [ -e "$f" ] && { echo "finding: $f"; "$PLAIN" replay "$target" "$f" || true; }
    done
    failed=1
  fi
done
exit "$failed"
