#!/usr/bin/env bash
# Installs the offline speech synthesisers yoyaku's `tts` module calls (Debian 12 / bookworm).
#
#   sudo bash scripts/install-tts.sh
#
# English:  espeak-ng (main).
# Japanese: open-jtalk + open-jtalk-mecab-naist-jdic (main) and the HTS voice
#           hts-voice-nitech-jp-atr503-m001, which Debian ships in *contrib*.  If no apt
#           source offers contrib yet, this adds one file, /etc/apt/sources.list.d/
#           yoyaku-contrib.sources, for the same suite as the running system (it does not
#           edit existing sources).
# sox is not needed by the Rust code; samples/make_calls.sh uses it to pad and normalise.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then exec sudo -E bash "$0" "$@"; fi
  echo "install-tts: run as root (apt-get needs it)" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive

VOICE_PKG=hts-voice-nitech-jp-atr503-m001
apt-get -o DPkg::Lock::Timeout=600 update -qq
# `apt-cache show` succeeds for a name that is only referenced, so ask for a real candidate.
if [ -z "$(apt-cache madison "$VOICE_PKG" 2>/dev/null)" ]; then
  . /etc/os-release
  if [ "${ID:-}" != debian ]; then
    echo "install-tts: no apt source offers $VOICE_PKG; enable the component that carries it" \
         "(Debian: contrib; Ubuntu: multiverse) and run this again" >&2
    exit 1
  fi
  suite="${VERSION_CODENAME:?install-tts: cannot tell the Debian suite from /etc/os-release}"
  echo "install-tts: enabling Debian contrib for $suite (for $VOICE_PKG)" >&2
  cat > /etc/apt/sources.list.d/yoyaku-contrib.sources <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get -o DPkg::Lock::Timeout=600 update -qq
fi

apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
  espeak-ng open-jtalk open-jtalk-mecab-naist-jdic "$VOICE_PKG" sox

# Fail loudly here rather than at the first call.
fail() { echo "install-tts: $1 is missing after install" >&2; exit 1; }
command -v espeak-ng >/dev/null || fail espeak-ng
command -v open_jtalk >/dev/null || fail open_jtalk
[ -d /var/lib/mecab/dic/open-jtalk/naist-jdic ] || fail /var/lib/mecab/dic/open-jtalk/naist-jdic
[ -f /usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice ] ||
  fail /usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice
echo "install-tts: ok (espeak-ng, open_jtalk, naist-jdic, nitech m001 voice, sox)" >&2
