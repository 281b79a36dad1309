#!/usr/bin/env bash
# Makes samples/calls/: complete scripted caller sides of booking calls as WAV files
# (16 kHz 16-bit mono, one file per caller turn) plus a script.txt per call that lists
# each turn's text, the --now to use, the expected result and the simulate command.
#
#   bash samples/make_calls.sh          # from anywhere; rewrites samples/calls/
#
# Tools: open_jtalk + NAIST jdic + nitech m001 voice (Japanese), espeak-ng (English), sox.
# Install them with scripts/install-tts.sh.  English phone numbers are spelled digit by
# digit for espeak-ng ("090-1234-5678" -> "zero nine zero, one two three four, ...").
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/calls"
DIC="${OPENJTALK_DIC:-/var/lib/mecab/dic/open-jtalk/naist-jdic}"
VOICE="${OPENJTALK_VOICE:-/usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice}"

missing=0
for t in open_jtalk espeak-ng sox perl; do
  command -v "$t" >/dev/null || { echo "make_calls: missing program $t; run scripts/install-tts.sh" >&2; missing=1; }
done
[ -d "$DIC" ] || { echo "make_calls: missing $DIC (open-jtalk-mecab-naist-jdic); run scripts/install-tts.sh" >&2; missing=1; }
[ -f "$VOICE" ] || { echo "make_calls: missing $VOICE (hts-voice-nitech-jp-atr503-m001, contrib); run scripts/install-tts.sh" >&2; missing=1; }
[ "$missing" = 0 ] || exit 1

TMP="$(mktemp -d "${TMPDIR:-/tmp}/yoyaku-calls.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# Digit runs of 7+ digits (with - or () between groups) read one digit at a time.
spell_digits() {
  perl -CSA -Mutf8 -pe '
    my @w = qw(zero one two three four five six seven eight nine);
    s{\(?\d[\d()\- ]*\d}{
      my $m = $&; (my $d = $m) =~ s/\D//g;
      length($d) >= 7 ? join(", ", map { join(" ", map { $w[$_] } split //) } grep { length } split /\D+/, $m) : $m
    }ge'
}

# call NAME LANG PROFILE NOW EXPECT TURN...
call() {
  local name="$1" lang="$2" profile="$3" now="$4" expect="$5"; shift 5
  local dir="$OUT/$name" i=0 files=()
  rm -rf "$dir"; mkdir -p "$dir"
  {
    echo "# $name: the caller's side of one call, one WAV per turn (16 kHz 16-bit mono)."
    echo "lang: $lang"
    echo "profile: samples/$profile.toml"
    echo "now: $now"
    echo "expect: $expect"
  } > "$dir/script.txt"
  for text in "$@"; do
    i=$((i + 1))
    local wav; wav="$(printf '%02d.wav' "$i")"
    if [ "$lang" = ja ]; then
      printf '%s' "$text" | open_jtalk -x "$DIC" -m "$VOICE" -ow "$TMP/raw.wav"
    else
      printf '%s' "$text" | spell_digits | espeak-ng -v en-us -s 160 -w "$TMP/raw.wav" --stdin
    fi
    # Same shape as the devset's clean16k: peak -3 dBFS, 0.3 s lead-in, 0.5 s tail.
    sox "$TMP/raw.wav" -r 16000 -c 1 -b 16 -e signed-integer "$dir/$wav" gain -n -3 pad 0.3 0.5
    echo "$wav: $text" >> "$dir/script.txt"
    files+=("samples/calls/$name/$wav")
  done
  echo "run: yoyaku simulate --profile samples/$profile.toml --lang $lang --now $now ${files[*]}" >> "$dir/script.txt"
  echo "make_calls: $name ($i turns)" >&2
}

mkdir -p "$OUT"

call ja-restaurant ja restaurant 2026-11-27T10:00 \
  'booked 2026-11-28 19:00 party 4 name 田中 phone 09012345678' \
  '明日の夜7時に4名で予約したいです。名前は田中、電話番号は090-1234-5678です。' \
  'はい、お願いします。'

call ja-restaurant-slots ja restaurant 2026-07-23T12:00 \
  'booked 2026-07-25 18:30 party 3 name 高橋 phone 08055556666' \
  '予約をお願いしたいのですが。' \
  '日にちは土曜日です。' \
  '時間は夜6時半でお願いします。' \
  '人数は3名です。' \
  '名前は高橋です。' \
  '電話番号は080-5555-6666です。' \
  'はい、お願いします。'

call ja-clinic ja clinic 2026-11-03T11:00 \
  'booked 2026-11-05 15:00 party 1 name 鈴木 phone 09024681357' \
  '明後日の午後3時に診察の予約をしたいです。鈴木と申します。電話番号は090-2468-1357です。' \
  'はい、それでお願いします。'

call en-restaurant en restaurant 2027-01-04T11:15 \
  'booked 2027-01-05 19:00 party 4 name John Smith phone 09012345678' \
  "Hi, I'd like to book a table for four tomorrow at 7pm. My name is John Smith and my number is 090-1234-5678." \
  "Yes, that's right."

call en-restaurant-slots en restaurant 2026-10-21T15:00 \
  'booked 2026-10-23 19:00 party 2 name David Miller phone 09055556666' \
  "Hi, I'd like to make a reservation." \
  "It's for Friday." \
  'At 7pm, please.' \
  'There will be two of us.' \
  'My name is David Miller.' \
  'My number is 090-5555-6666.' \
  "Yes, that's right."

call en-clinic en clinic 2026-06-16T08:50 \
  'booked 2026-06-19 15:00 party 1 name Lisa Wong phone 07012349876' \
  "Can I book an appointment on Friday at 3pm? I'm Lisa Wong and my number is 070-1234-9876." \
  'Yes.'

du -sh "$OUT" >&2
