#!/usr/bin/env python3
"""Name benchmark: how often a caller's name comes out right, for names the
grammar's lists hold and names they lack.

The dev set has few names, all of them common, so this makes its own: seeded,
synthetic turns ("名前は有吉です。", "My name is Karen Whitaker.") with the dev set's
voices and its two conditions (as scripts/bench-phone.py makes them). Half the names
are drawn from the lists the recogniser hears names again among
(grammars/<lang>/asr_names.toml), half are real names the lists lack, which the
second listen must leave alone. Each is transcribed, read as heard and compared.

    python3 scripts/bench-names.py [--lang en|ja] [--count N] [--show]

Needs espeak-ng, open-jtalk (scripts/install-tts.sh) and sox; writes under
target/bench-names/. Run and reported in BENCHMARKS.md, not a test.
"""
import argparse, importlib.util, json, os, random, subprocess, tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("bench_phone", os.path.join(ROOT, "scripts", "bench-phone.py"))
phone = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(phone)

CARRIERS = {
    "en": ["My name is {}.", "The name is {}, thanks.", "Hi, this is {}.", "It's under {}, please.",
           "I'm {}, my number is oh nine oh, one two three four, five six seven eight."],
    "ja": ["名前は{}です。", "{}と申します。", "名前は{}、電話番号は090-1234-5678です。", "{}です。"],
}
# Real family and given names the lists lack (checked against them below).
UNLISTED = {
    "ja": "有吉 海老原 宇佐美 長谷部 猪瀬 鬼塚 笹岡 芦田 梶原 柳沢 唐沢 神崎 相馬 米倉 赤坂 早瀬 二階堂 "
          "小野寺 栗田 東海林 真田 大河内 千葉 滝沢 北島 沢村 桐山 秋元 春日 堀江".split(),
    "en": "Kowalski Fitzgerald Whitaker Brennan Gallagher Novak Holloway Pritchard Dalton Whitfield Marsh "
          "Sutton Haskell Kendrick Okafor Brandt Forsythe Carmichael Winslow Lindgren".split(),
    "en_given": "Dane Idris Soren Rupert Clement Ingrid Maeve Thaddeus Greta Alma".split(),
}


def lists(lang):
    with open(os.path.join(ROOT, "grammars", lang, "asr_names.toml"), "rb") as f:
        spec = tomllib.load(f)
    found = {}
    for name in os.listdir(os.path.join(ROOT, "grammars", lang)):
        if name.endswith(".toml"):
            with open(os.path.join(ROOT, "grammars", lang, name), "rb") as f:
                found.update(tomllib.load(f).get("lists", {}))
    # English first names come from the extractor's given-name list when the
    # recogniser does not hear them again.
    first = spec.get("first", "given_name" if "given_name" in found else spec["last"])
    return [list(found[first]), list(found[spec["last"]])]


def names(lang, count, rng):
    first, last = lists(lang)
    listed_words = {w.lower() for w in first + last}
    out = []
    for i in range(count):
        unlisted = i % 2 == 1
        if lang == "ja":
            pool = [n for n in UNLISTED["ja"] if n not in listed_words] if unlisted else last
            out.append((rng.choice(pool), unlisted))
        else:
            given = rng.choice(first)
            family = rng.choice(last)
            if unlisted and i % 4 == 3:
                given = rng.choice([n for n in UNLISTED["en_given"] if n.lower() not in listed_words])
            elif unlisted:
                family = rng.choice([n for n in UNLISTED["en"] if n.lower() not in listed_words])
            out.append(("%s %s" % (given, family), unlisted))
    return out


def make(lang, count, out):
    rng = random.Random(11)
    calls = []
    for i, (name, unlisted) in enumerate(names(lang, count, rng)):
        text = rng.choice(CARRIERS[lang]).format(name)
        raw, clean, tel = (os.path.join(out, d, "%02d.wav" % i) for d in ("raw", "clean16k", "tel8k"))
        phone.synth(lang, text, i, raw)
        phone.conditions(raw, clean, tel)
        calls.append({"text": text, "name": name, "unlisted": unlisted})
    return calls


def score(lang, calls, out, show):
    for cond in ("clean16k", "tel8k"):
        files = [os.path.join(out, cond, "%02d.wav" % i) for i in range(len(calls))]
        heard = subprocess.run([phone.BIN, "transcribe", "--lang", lang] + files, capture_output=True, text=True,
                               check=True, cwd=ROOT).stdout.splitlines()
        read = subprocess.run([phone.BIN, "extract", "--heard", "--lang", lang, "--jsonl"], input="\n".join(heard) + "\n",
                              capture_output=True, text=True, check=True, cwd=ROOT).stdout.splitlines()
        right = {True: 0, False: 0}
        for call, text, slots in zip(calls, heard, read):
            got = json.loads(slots).get("name") or ""
            ok = got.lower() == call["name"].lower()
            right[call["unlisted"]] += ok
            if show and not ok:
                print("  %s %s%s heard %r, read %r" % (cond, call["name"], " (unlisted)" if call["unlisted"] else "",
                                                      text, got))
        n_un = sum(c["unlisted"] for c in calls)
        print("%s %s: %d/%d right (listed %d/%d, unlisted %d/%d)" % (
            lang, cond, right[True] + right[False], len(calls), right[False], len(calls) - n_un, right[True], n_un))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", choices=["en", "ja"], action="append")
    ap.add_argument("--count", type=int, default=60, help="turns per language (default 60)")
    ap.add_argument("--show", action="store_true", help="print every name read wrong")
    a = ap.parse_args()
    phone.ready("bench-names")
    for lang in a.lang or ["en", "ja"]:
        out = phone.folders("bench-names", lang)
        score(lang, make(lang, a.count, out), out, a.show)


if __name__ == "__main__":
    main()
