#!/usr/bin/env bash
# The main job on the bundled samples: runs a booking call end to end and prints
# the dialogue and the stored reservation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
store=$(mktemp -d)/demo.db
./target/release/yoyaku simulate --profile samples/restaurant.toml --lang ja --now 2026-11-27T10:00 --store "$store" \
  "明日の夜7時に4名で予約したいです。名前は田中、電話番号は090-1234-5678です。" "はい、お願いします。"
echo
./target/release/yoyaku simulate --profile samples/clinic.toml --lang en --now 2026-11-27T10:00 --store "$store" \
  "I'd like an appointment on Monday at 10am. My name is Tom Baker, my number is oh eight oh, one two three four, five six seven eight." "Yes, that's right."
