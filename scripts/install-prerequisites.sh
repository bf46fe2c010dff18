#!/usr/bin/env bash
# Java 17 and Maven, which the minicluster (demo, integration tests, bench) builds and runs with.
# Installs what is missing where this machine allows it (Debian/Ubuntu as root, or with
# passwordless sudo), saying what it installs; elsewhere it stops with the one command to run.
set -euo pipefail

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
((${#need[@]})) || exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo); else sudo=(none); fi
fi
if ! command -v apt-get >/dev/null 2>&1 || [[ ${sudo[0]:-} == none ]]; then
  echo "flink-on-yarn needs ${need[*]} (Java 17 and Maven) for its local cluster. Install them, e.g.:" >&2
  if command -v apt-get >/dev/null 2>&1; then
    echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  else
    echo "  brew install openjdk@17 maven        # macOS" >&2
  fi
  exit 1
fi
echo "== installing ${need[*]} (Java 17 and Maven, for the local cluster)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" >&2
