#!/usr/bin/env python3
"""Phone-number benchmark: how often a number said on its own comes out right.

The dev set has few phone turns, and most use the same numbers, so this makes its
own: seeded, synthetic calls ("It's oh eight oh, two two two two, six six six six."),
with the dev set's voices (espeak-ng for English, Open JTalk for Japanese) and its two
conditions (clean 16 kHz; 300-3400 Hz, 8 kHz mu-law), half with runs of one digit,
half random. Each is transcribed (`yoyaku transcribe`), read (`yoyaku extract --heard`) and
compared digit for digit.

    python3 scripts/bench-phone.py [--lang en|ja] [--count N] [--show]

Needs espeak-ng, open-jtalk (scripts/install-tts.sh) and sox; writes under
target/bench-phone/. Run and reported in BENCHMARKS.md, not a test.
"""
import argparse, json, os, random, shutil, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("YOYAKU", os.path.join(ROOT, "target/release/yoyaku"))
EN_VOICES = [("en-us", 160), ("en-gb", 150), ("en-us+f3", 170), ("en-gb-x-rp+m3", 145),
             ("en-us+f4", 155), ("en-gb-scotland", 165)]
JA_STYLES = [(1.0, 0.0), (0.9, -1.0), (1.1, 1.5), (0.95, 0.5)]
JA_DIC = "/var/lib/mecab/dic/open-jtalk/naist-jdic"
JA_VOICE = "/usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice"
WORDS = "zero one two three four five six seven eight nine".split()
CARRIERS = {
    "en": ["My number is {}.", "It's {}.", "You can reach me at {}.", "The number is {}, thanks.",
           "My phone number is {}."],
    "ja": ["電話番号は{}です。", "番号は{}です。", "{}です。", "電話番号は{}でお願いします。"],
}


def number(rng, i):
    groups = [rng.choice(["090", "080", "070"])]
    if i % 2 == 0:
        a, b = rng.sample("0123456789", 2)
        return groups + [a * 4, b * 4]
    return groups + ["".join(rng.choice("0123456789") for _ in range(4)) for _ in range(2)]


def spoken(lang, groups, i):
    if lang == "ja":
        return "-".join(groups)
    zero = "zero" if i % 3 == 0 else "oh"
    return ", ".join(" ".join(zero if c == "0" else WORDS[int(c)] for c in g) for g in groups)


def synth(lang, text, i, raw):
    if lang == "en":
        voice, rate = EN_VOICES[i % len(EN_VOICES)]
        cmd = ["espeak-ng", "-v", voice, "-s", str(rate), "-w", raw, text]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    else:
        speed, fm = JA_STYLES[i % len(JA_STYLES)]
        cmd = ["open_jtalk", "-x", JA_DIC, "-m", JA_VOICE, "-r", str(speed), "-fm", str(fm), "-ow", raw]
        subprocess.run(cmd, input=text.encode(), check=True, stdout=subprocess.DEVNULL)


def conditions(raw, clean, tel):
    """`raw` as the dev set's make_audio.sh makes its two conditions."""
    subprocess.run(["sox", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", clean,
                    "gain", "-n", "-3", "pad", "0.3", "0.5"], check=True)
    subprocess.run(["sox", clean, "-r", "8000", "-c", "1", "-e", "u-law", "-b", "8", tel,
                    "sinc", "300-3400", "gain", "-n", "-6"], check=True)


def ready(name):
    """Exits with what to do when a tool or the binary is missing."""
    for tool in ("sox", "espeak-ng", "open_jtalk"):
        if shutil.which(tool) is None:
            sys.exit("%s: %s is missing: install sox, and run scripts/install-tts.sh" % (name, tool))
    if not os.path.isfile(BIN):
        sys.exit("%s: %s is missing: run `cargo build --release`" % (name, BIN))


def folders(name, lang):
    """target/<name>/<lang>/{raw,clean16k,tel8k}, made if missing."""
    out = os.path.join(ROOT, "target", name, lang)
    for d in ("raw", "clean16k", "tel8k"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    return out


def make(lang, count, out):
    rng = random.Random(7)
    calls = []
    for i in range(count):
        groups = number(rng, i)
        text = rng.choice(CARRIERS[lang]).format(spoken(lang, groups, i))
        raw, clean, tel = (os.path.join(out, d, "%02d.wav" % i) for d in ("raw", "clean16k", "tel8k"))
        synth(lang, text, i, raw)
        conditions(raw, clean, tel)
        calls.append({"text": text, "phone": "".join(groups), "runs": i % 2 == 0})
    return calls


def score(lang, calls, out, show):
    for cond in ("clean16k", "tel8k"):
        files = [os.path.join(out, cond, "%02d.wav" % i) for i in range(len(calls))]
        heard = subprocess.run([BIN, "transcribe", "--lang", lang] + files, capture_output=True, text=True,
                               check=True, cwd=ROOT).stdout.splitlines()
        read = subprocess.run([BIN, "extract", "--heard", "--lang", lang, "--jsonl"], input="\n".join(heard) + "\n",
                              capture_output=True, text=True, check=True, cwd=ROOT).stdout.splitlines()
        right = {True: 0, False: 0}
        for call, text, slots in zip(calls, heard, read):
            got = json.loads(slots).get("phone")
            right[call["runs"]] += got == call["phone"]
            if show and got != call["phone"]:
                print("  %s %s heard %r, read %s" % (cond, call["phone"], text, got))
        n_runs = sum(c["runs"] for c in calls)
        print("%s %s: %d/%d right (runs of one digit %d/%d, other %d/%d)" % (
            lang, cond, right[True] + right[False], len(calls), right[True], n_runs, right[False],
            len(calls) - n_runs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", choices=["en", "ja"], action="append")
    ap.add_argument("--count", type=int, default=60, help="calls per language (default 60)")
    ap.add_argument("--show", action="store_true", help="print every number read wrong")
    a = ap.parse_args()
    ready("bench-phone")
    for lang in a.lang or ["en", "ja"]:
        out = folders("bench-phone", lang)
        score(lang, make(lang, a.count, out), out, a.show)


if __name__ == "__main__":
    main()
