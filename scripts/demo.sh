#!/usr/bin/env bash
# The main job on the bundled samples: two recorded booking calls (samples/calls/)
# run end to end, speech in → dialogue → reservation book → speech out. Prints each
# call's dialogue and the stored reservation; the agent's spoken replies are written
# to target/demo/<call>/. The first run installs the speech model (progress on stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
store=target/demo/demo.db
rm -f "$store"*
mkdir -p target/demo
run_call() {  # folder, profile, lang, now
  local dir=samples/calls/$1
  echo "== $1 ($(sed -n 's/^expect: //p' "$dir/script.txt"))"
  ./target/release/yoyaku simulate --profile "samples/$2.toml" --lang "$3" --now "$4" \
    --store "$store" --speak-dir "target/demo/$1" "$dir"/[0-9]*.wav \
    | python3 -c 'import json,sys; d=json.load(sys.stdin)
print("agent:", d["greeting"])
for t in d["turns"]: print("caller:", t["user"]); print("agent:", t["agent"])
print("outcome:", d["outcome"]); print("stored:", json.dumps(d["reservation"], ensure_ascii=False))'
}
run_call ja-restaurant restaurant ja 2026-11-27T10:00
run_call en-clinic clinic en "$(sed -n 's/^now: //p' samples/calls/en-clinic/script.txt)"
