#!/usr/bin/env bash
# System packages the pipeline needs beyond Python wheels:
#  - Java 17 (Spark), checked only;
#  - Boost + Eigen, to build KenLM's lmplz/build_binary from the kenlm sdist (`curation lm train`);
#  - Chromium, for the report's headless rendering test.
# Installs what is missing with apt-get when run as root; otherwise prints the command to run.
set -euo pipefail

need=()
dpkg -s libboost-program-options-dev libboost-system-dev libboost-thread-dev libboost-test-dev libeigen3-dev \
  cmake g++ make zlib1g-dev libbz2-dev liblzma-dev >/dev/null 2>&1 || need+=(libboost-program-options-dev libboost-system-dev \
  libboost-thread-dev libboost-test-dev libeigen3-dev cmake g++ make zlib1g-dev libbz2-dev liblzma-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "missing system packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
