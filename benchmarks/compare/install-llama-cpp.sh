#!/usr/bin/env bash
# Installs node-llama-cpp 3.21.1 (llama.cpp with prebuilt CPU binaries, @node-llama-cpp/linux-x64) into
# <repo>/.tools/llama-cpp/node_modules (git-ignored) for benchmarks/compare/llama_cpp_eval.mjs. Scripts are not run
# (its postinstall would try to download or build llama.cpp); the prebuilt binaries come with the optional package.
# Safe to run again: does nothing when it is already installed. Needs node and npm on PATH.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="$repo/.tools/llama-cpp"
proof="$prefix/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node"
if [[ -f "$proof" && -f "$prefix/node_modules/node-llama-cpp/package.json" ]]; then
  echo "node-llama-cpp already installed in $prefix"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is not on PATH (install nodejs and npm)" >&2; exit 1; }
mkdir -p "$prefix"
npm install --no-audit --no-fund --ignore-scripts --prefix "$prefix" -E node-llama-cpp@3.21.1
[[ -f "$proof" ]] || { echo "$proof: the prebuilt linux-x64 binary did not install" >&2; exit 1; }
echo "installed node-llama-cpp 3.21.1 in $prefix"
