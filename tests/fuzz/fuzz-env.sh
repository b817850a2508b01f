# Sourced by tests/fuzz/smoke.sh and tests/fuzz/long-run.sh: builds the harness twice, plain (for replay) and
# SharpFuzz-instrumented (for afl-fuzz), and sets the AFL++ environment. See docs/security/fuzzing.md.
set -euo pipefail
FUZZ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$FUZZ_ROOT/../.." && pwd)"
FUZZ_BUILD="${FUZZ_BUILD:-$REPO_ROOT/artifacts/fuzz}"
PLAIN="$FUZZ_BUILD/plain/InvarLock.Fuzz"
INSTRUMENTED="$FUZZ_BUILD/instrumented/InvarLock.Fuzz"
# The assemblies whose parsers are fuzzed; third-party ones (YamlDotNet, NuGet.Packaging) run uninstrumented.
INSTRUMENTED_ASSEMBLIES=(InvarLock.Core InvarLock.Models InvarLock.Sdk)

export AFL_SKIP_BIN_CHECK=1            # SharpFuzz instruments IL, which afl-fuzz cannot see in the host binary
export AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_TieredPGO=0

build_fuzz_harness() {
  (cd "$REPO_ROOT" && dotnet tool restore >/dev/null)
  rm -rf "$FUZZ_BUILD/plain" "$FUZZ_BUILD/instrumented"
  dotnet publish "$FUZZ_ROOT/InvarLock.Fuzz" -c Release -o "$FUZZ_BUILD/plain" -nologo -v quiet
  cp -r "$FUZZ_BUILD/plain" "$FUZZ_BUILD/instrumented"
  for assembly in "${INSTRUMENTED_ASSEMBLIES[@]}"; do
    (cd "$REPO_ROOT" && dotnet sharpfuzz "$FUZZ_BUILD/instrumented/$assembly.dll")
  done
}
