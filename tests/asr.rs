//! Real speech recognition with the installed model on devset recordings. Skips (with a
//! message) only when the model file is absent; CI installs it with `yoyaku model install`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use yoyaku::asr::{Options, Recognizer};

fn model() -> Option<PathBuf> {
    let p = std::env::var_os("YOYAKU_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ggml-base-q8_0.bin"));
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("SKIPPED: speech model {} is not installed (run `yoyaku model install`)", p.display());
        None
    }
}

/// How many tests cargo runs at once: one per core.
fn side_by_side() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The model with the cores shared between the tests running side by side: ggml's
/// worker threads spin while they wait, and two tests each decoding on every core
/// took ten minutes instead of ten seconds.
fn load(path: &Path) -> Recognizer {
    Recognizer::load_with(path, Options::shared_by(side_by_side())).unwrap()
}

fn devset(file: &str) -> Option<Vec<f32>> {
    devset_in("clean16k", file)
}

/// A devset recording under `condition` (clean16k, or tel8k: 8 kHz mu-law, resampled here).
fn devset_in(condition: &str, file: &str) -> Option<Vec<f32>> {
    let base = std::env::var_os("YOYAKU_DEVSET").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/devset"));
    let p = base.join("audio").join(condition).join(file);
    if !p.is_file() {
        eprintln!("SKIPPED: devset audio {} not found (set YOYAKU_DEVSET)", p.display());
        return None;
    }
    Some(yoyaku::audio::load_wav(&p).expect("devset WAV loads"))
}

fn squash(s: &str) -> String {
    s.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The numerals of `s`, in order.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[test]
fn transcribes_english_and_japanese_booking_requests() {
    let Some(path) = model() else { return };
    // Three decodes side by side share the cores, as `serve` shares them between calls.
    let rec = Arc::new(Recognizer::load_with(&path, Options::shared_by(3 * side_by_side())).unwrap());
    // (file, lang, fragments the transcript must contain after dropping punctuation/case):
    // the words the booking needs ("a table" itself is sometimes heard as "a timel")
    let cases: &[(&str, &str, &[&str])] = &[
        ("en-d01_t0.wav", "en", &["four", "tomorrow", "7pm", "johnsmith"]),
        ("ja-d01_t0.wav", "ja", &["明日", "予約", "電話番号"]),
        ("ja-d05_t4.wav", "ja", &["名前", "高橋"]),
    ];
    // Two threads share one model, each with its own state.
    let handles: Vec<_> = cases
        .iter()
        .filter_map(|(f, lang, want)| Some((devset(f)?, *f, *lang, *want)))
        .map(|(audio, f, lang, want)| {
            let rec = Arc::clone(&rec);
            std::thread::spawn(move || {
                let t = rec.transcribe(&audio, lang, None).unwrap();
                for w in want {
                    assert!(squash(&t.text).contains(w), "{f}: `{}` lacks `{w}`", t.text);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// "oh nine oh, seven seven seven seven, …": the greedy pass runs into a loop
/// ("0-1077778888888…"); the text before the loop is kept, not resampled (which lost
/// the first sentence), and the second listen, digits only after "my number is",
/// writes the whole number.
#[test]
fn listens_again_for_a_phone_number_said_as_words() {
    let Some(path) = model() else { return };
    let Some(audio) = devset("en-d08_t0.wav") else { return };
    let rec = load(&path);
    let t = rec.transcribe(&audio, "en", None).unwrap();
    assert!(digits(&t.text).ends_with("09077778888"), "{}", t.text);
    assert!(squash(&t.text).contains("tablefortwotomorrow"), "{}", t.text);
}

/// Greedy decoding writes "five five five five, six six six six" as 5666 6666 and
/// 「4444、5555」 as 4445-5555; scoring the count with the change on the group
/// boundary against the one heard picks the right one.
#[test]
fn recounts_runs_of_one_digit_against_the_audio() {
    let Some(path) = model() else { return };
    let rec = load(&path);
    for (file, lang, number) in [("en-d05_t5.wav", "en", "09055556666"), ("ja-d11_t0.wav", "ja", "09044445555")] {
        let Some(audio) = devset(file) else { return };
        let t = rec.transcribe(&audio, lang, None).unwrap();
        assert!(digits(&t.text).ends_with(number), "{file}: {}", t.text);
    }
}

/// "It's zero eight zero, nine eight seven six, five four three two" comes out of the
/// first pass as "It's 0-8-0-9-8-6. Time for 3-2.": no cue, six digits. A run written
/// digit by digit from the trunk prefix is a number half heard, so it is listened for
/// again in words, one token per spoken digit, and comes out whole.
#[test]
fn a_number_half_heard_digit_by_digit_is_heard_again_in_words() {
    let Some(path) = model() else { return };
    let Some(audio) = devset("en-x134.wav") else { return };
    let rec = load(&path);
    let t = rec.transcribe(&audio, "en", None).unwrap();
    let digits = digits(&t.text);
    assert!(digits.len() == 11 && digits.starts_with("0809876"), "{}", t.text);
}

/// 「電話番号は08012345678です」 came out as 08-1012-34567-8: twelve digits, a 1 heard
/// that was not said. Each reading with one digit left out that the plan takes is
/// weighed on the audio, and the one said wins.
#[test]
fn a_number_heard_one_digit_too_long_is_weighed_with_each_digit_left_out() {
    let Some(path) = model() else { return };
    let Some(audio) = devset("ja-x145.wav") else { return };
    let rec = load(&path);
    let t = rec.transcribe(&audio, "ja", None).unwrap();
    assert!(digits(&t.text).ends_with("08012345678"), "{}", t.text);
}

/// Over the phone whisper writes the domain prompt's example number (090-1234-5678)
/// for "oh nine oh, four four four four, five five five five"; heard again after
/// another example, it follows that one, so the number is dropped and the agent will
/// ask for it. A caller who says the example's number keeps it, clear or on the phone.
#[test]
fn a_number_copied_from_the_prompt_is_dropped_and_a_said_one_kept() {
    let Some(path) = model() else { return };
    let rec = load(&path);
    let Some(copied) = devset_in("tel8k", "en-d11_t0.wav") else { return };
    let t = rec.transcribe(&copied, "en", None).unwrap();
    assert!(!digits(&t.text).contains("12345678"), "{}", t.text);
    assert!(squash(&t.text).contains("fortwoonwednesday"), "the rest of the turn stays: {}", t.text);
    for condition in ["clean16k", "tel8k"] {
        let Some(said) = devset_in(condition, "en-d01_t0.wav") else { return };
        let t = rec.transcribe(&said, "en", None).unwrap();
        assert!(digits(&t.text).ends_with("09012345678"), "{condition}: {}", t.text);
    }
}

/// On the phone, "Then Monday at 10am, please." after "What day would you like?" came
/// out as the English domain prompt's own sentence ("I'd like a reservation for three
/// tomorrow at 7 p.m."), a booking nobody asked for. A turn that copies the prompt is
/// heard again without it; callers' own sentences much like the prompt stay as heard.
#[test]
fn a_turn_copied_from_the_domain_prompt_is_heard_again_without_it() {
    let Some(path) = model() else { return };
    let rec = load(&path);
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/then_monday_tel8k.wav");
    let audio = yoyaku::audio::load_wav(&p).unwrap();
    let t = rec.transcribe(&audio, "en", Some("What day would you like?")).unwrap();
    assert!(!squash(&t.text).contains("reservationfor"), "{}", t.text);
    let said = [
        ("clean16k", "en-d05_t0.wav", "en", "reservation"),
        ("tel8k", "en-d05_t2.wav", "en", "7"),
        ("clean16k", "ja-d01_t0.wav", "ja", "4名"),
    ];
    for (condition, file, lang, kept) in said {
        let Some(audio) = devset_in(condition, file) else { return };
        let t = rec.transcribe(&audio, lang, None).unwrap();
        assert!(t.text.contains(kept), "{condition} {file}: {}", t.text);
    }
}

/// A name the lists lack is heard again among listed names, and the audio decides:
/// on the phone 田中 came out as 頭か, and Wilson as Wilton; on clean audio 吉田 as
/// 有吉田. A name the lists hold is left as heard.
#[test]
fn a_misheard_name_is_heard_again_among_listed_names() {
    let Some(path) = model() else { return };
    let rec = load(&path);
    let cases = [
        ("tel8k", "ja-d01_t0.wav", "ja", &["田中", "たなか"][..]),
        ("tel8k", "en-d11_t0.wav", "en", &["James Wilson"][..]),
        ("clean16k", "ja-d11_t0.wav", "ja", &["名前は吉田", "名前はよしだ"][..]),
        ("clean16k", "en-d11_t0.wav", "en", &["James Wilson"][..]),
    ];
    for (condition, file, lang, any_of) in cases {
        let Some(audio) = devset_in(condition, file) else { return };
        let t = rec.transcribe(&audio, lang, None).unwrap();
        assert!(any_of.iter().any(|n| t.text.contains(n)), "{condition} {file}: {}", t.text);
    }
}

/// The agent's last line goes before the turn as context; a long one (a read-back
/// said again after a correction) is cut to its last tokens as whisper cuts it, so the
/// second listen and the recount still run on the same context as the first pass.
#[test]
fn a_long_agent_line_before_the_turn_still_lets_the_number_be_recounted() {
    let Some(path) = model() else { return };
    let Some(audio) = devset("ja-d11_t0.wav") else { return };
    let rec = load(&path);
    let readback = "ご予約内容を確認します。12月2日水曜日、午後7時、2名様、吉田様、お電話番号はゼロキューゼロ、ヨンヨンヨンヨン、ゴーゴーゴーゴー。よろしいですか？";
    let t = rec.transcribe(&audio, "ja", Some(&readback.repeat(4))).unwrap();
    assert!(digits(&t.text).ends_with("09044445555"), "{}", t.text);
}

#[test]
fn silence_and_noise_give_no_text() {
    let Some(path) = model() else { return };
    let rec = load(&path);
    let silence = vec![0.0f32; 16_000 * 2];
    // Faint noise: below the voice gate.
    let hiss: Vec<f32> = (0..32_000u32).map(|i| ((i.wrapping_mul(2_654_435_761) >> 16) as f32 / 65_536.0 - 0.5) * 0.004).collect();
    // Loud enough to pass an energy gate: whisper must not put words in them.
    let mut seed = 12_345u32;
    let noise: Vec<f32> = (0..32_000)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((seed >> 8) as f32 / 16_777_216.0 - 0.5) * 0.2
        })
        .collect();
    let hum: Vec<f32> = (0..32_000).map(|i| (i as f32 * 120.0 * std::f32::consts::TAU / 16_000.0).sin() * 0.2).collect();
    // A buzz: whisper wrote a whole booking request in it (P(no speech) 0.81).
    let buzz: Vec<f32> = (0..48_000).map(|i| if (i / 80) % 2 == 0 { 0.3 } else { -0.3 }).collect();
    // Brown noise (integrated white noise): "I'm going to the airport." (0.59).
    let mut level = 0f32;
    let brown: Vec<f32> = noise.iter().cycle().take(48_000).map(|n| {
        level = (level + n * 0.1).clamp(-0.3, 0.3);
        level
    }).collect();
    let cases = [
        ("silence", &silence),
        ("hiss", &hiss),
        ("empty", &Vec::new()),
        ("white noise", &noise),
        ("hum", &hum),
        ("buzz", &buzz),
        ("brown noise", &brown),
    ];
    for (name, audio) in cases {
        for lang in ["ja", "en"] {
            let t = rec.transcribe(audio, lang, None).unwrap();
            assert_eq!(t.text, "", "{name} ({lang}) gave `{}`", t.text);
        }
    }
}

#[test]
fn rejects_bad_language_and_bad_samples() {
    let Some(path) = model() else { return };
    let rec = load(&path);
    assert!(rec.transcribe(&[0.0; 16_000], "fr", None).is_err());
    assert!(rec.transcribe(&[f32::NAN; 16_000], "ja", None).is_err());
}

#[test]
fn missing_or_corrupt_model_is_an_error() {
    assert!(Recognizer::load(Path::new("/nonexistent/model.bin")).is_err());
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.bin");
    std::fs::write(&bad, b"not a model").unwrap();
    assert!(Recognizer::load(&bad).is_err());
}

#[test]
fn a_stopped_transcription_gives_up_and_the_model_goes_on() {
    use std::sync::atomic::AtomicBool;
    let Some(path) = model() else { return };
    let Some(audio) = devset("ja-d01_t0.wav") else { return };
    let rec = load(&path);
    // The caller went on talking before whisper started: nothing is decoded.
    let stopped = rec.transcribe_unless(&audio, "ja", None, &AtomicBool::new(true));
    assert!(stopped.is_err(), "{stopped:?}");
    // The same model transcribes the next turn as usual.
    let t = rec.transcribe_unless(&audio, "ja", None, &AtomicBool::new(false)).unwrap();
    assert!(squash(&t.text).contains("予約"), "{}", t.text);
}
