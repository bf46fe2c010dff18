#!/usr/bin/env bash
# Java 17 and Maven, which the minicluster (demo, integration tests, bench) builds and runs with;
# on Debian/Ubuntu also what the optional 'kerberos' npm module (SPNEGO) builds from source with:
# MIT Kerberos' headers (libkrb5-dev), a C++ toolchain and python3 (node-gyp), and kinit
# (krb5-user) for the tests of a secured cluster. Installs what is missing where this machine
# allows it (Debian/Ubuntu as root, or with passwordless sudo), saying what it installs; elsewhere
# it stops with the one command to run (for the Kerberos part, optional, it only warns).
set -euo pipefail

need=()
optional=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
# Elsewhere (macOS ships GSS.framework) npm leaves the optional module out when it cannot build it.
if command -v apt-get >/dev/null 2>&1; then
  [[ -e /usr/include/gssapi/gssapi.h ]] || optional+=(libkrb5-dev)
  command -v kinit >/dev/null 2>&1 || optional+=(krb5-user)
  { command -v g++ && command -v make; } >/dev/null 2>&1 || optional+=(build-essential)
  command -v python3 >/dev/null 2>&1 || optional+=(python3)
fi
((${#need[@]} + ${#optional[@]})) || exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo); else sudo=(none); fi
fi
if ! command -v apt-get >/dev/null 2>&1 || [[ ${sudo[0]:-} == none ]]; then
  if ((${#need[@]} == 0)); then
    echo "warning: without ${optional[*]}, npm cannot build the optional 'kerberos' module (SPNEGO, for secured clusters): sudo apt-get install -y ${optional[*]}" >&2
    exit 0
  fi
  echo "flink-on-yarn needs ${need[*]} (Java 17 and Maven) for its local cluster. Install them, e.g.:" >&2
  if command -v apt-get >/dev/null 2>&1; then
    echo "  sudo apt-get update && sudo apt-get install -y ${need[*]} ${optional[*]}" >&2
  else
    echo "  brew install openjdk@17 maven        # macOS" >&2
  fi
  exit 1
fi
echo "== installing ${need[*]} ${optional[*]} (Java 17 and Maven for the local cluster; Kerberos headers, kinit and a compiler for SPNEGO)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" "${optional[@]}" >&2
