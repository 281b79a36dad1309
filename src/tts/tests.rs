//! Engine tests: real synthesis with the installed programs (scripts/install-tts.sh),
//! plus the errors for missing engines and unspeakable text.

use super::*;
use std::path::Path;

/// Reply lines with digits, a date, a time and a phone number read digit by digit.
const JA_LINE: &str =
    "11月28日19時に4名様、田中様のお名前でお取りしました。お電話番号は090-1234-5678ですね。";
const EN_LINE: &str = "You're booked for 4 people on November 28 at 7:00 PM, under Smith. Your number is 415-555-0123.";

fn rms(samples: &[i16]) -> f64 {
    (samples.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / samples.len().max(1) as f64).sqrt()
}

fn assert_speech(a: &Audio, rate: u32, min_secs: f64) {
    assert_eq!(a.sample_rate, rate);
    assert!(
        a.duration_secs() > min_secs,
        "only {:.2} s",
        a.duration_secs()
    );
    assert!(
        rms(&a.samples) > 300.0,
        "near-silent: rms {}",
        rms(&a.samples)
    );
}

#[test]
fn japanese_line_is_spoken_at_48k() {
    let tts = for_lang("ja").expect("Open JTalk installed (scripts/install-tts.sh)");
    let a = tts.speak(JA_LINE).unwrap();
    // 11 phone digits alone take over 2 s; the whole line well over 5 s.
    assert_speech(&a, 48_000, 5.0);
}

#[test]
fn english_line_is_spoken_at_22k() {
    let tts = for_lang("en").expect("espeak-ng installed (scripts/install-tts.sh)");
    let a = tts.speak(EN_LINE).unwrap();
    assert_speech(&a, 22_050, 5.0);
}

#[test]
fn phone_digits_make_the_line_longer() {
    // Read digit by digit, "4155550123" takes far longer than "four billion…" would not;
    // compare against the same line without the number to see the digits are spoken.
    let tts = for_lang("en").unwrap();
    let with = tts.speak("Your number is 415-555-0123.").unwrap();
    let without = tts.speak("Your number is noted.").unwrap();
    assert!(with.duration_secs() > without.duration_secs() + 2.0);
}

#[test]
fn unspeakable_text_is_an_error() {
    for lang in ["ja", "en"] {
        let tts = for_lang(lang).unwrap();
        for text in ["", "   ", "。！", "😀"] {
            let err = tts.speak(text).expect_err(text);
            let msg = format!("{err:#}");
            assert!(
                msg.contains("nothing to say")
                    || msg.contains("could not speak")
                    || msg.contains("no sound"),
                "{lang} {text:?}: {msg}"
            );
        }
    }
}

#[test]
fn missing_engines_name_their_package() {
    let bogus = "/nonexistent/yoyaku-test/bin";
    let dic = Path::new(OpenJtalk::DEFAULT_DICTIONARY);
    let voice = Path::new(OpenJtalk::DEFAULT_VOICE);
    let cases: Vec<(anyhow::Error, &str)> = vec![
        (Espeak::new(bogus, "en-us", 160).unwrap_err(), "espeak-ng"),
        (
            Espeak::new("yoyaku-no-such-espeak", "en-us", 160).unwrap_err(),
            "espeak-ng",
        ),
        (OpenJtalk::new(bogus, dic, voice).unwrap_err(), "open-jtalk"),
        (
            OpenJtalk::new("open_jtalk", Path::new(bogus), voice).unwrap_err(),
            "open-jtalk-mecab-naist-jdic",
        ),
        (
            OpenJtalk::new("open_jtalk", dic, Path::new(bogus)).unwrap_err(),
            "hts-voice-nitech-jp-atr503-m001",
        ),
    ];
    for (err, package) in cases {
        let msg = format!("{err:#}");
        assert!(msg.contains(package) && msg.contains(INSTALL_HINT), "{msg}");
        assert!(!msg.contains('\n'), "one line: {msg}");
    }
    let err = for_lang("fr").err().unwrap().to_string();
    assert!(err.contains("\"fr\""), "{err}");
}

#[test]
fn engine_that_fails_reports_why() {
    // `false` exists but exits 1: the error names the program and the text.
    let tts = Espeak::new("false", "en-us", 160).unwrap();
    let msg = format!("{:#}", tts.speak("hello").unwrap_err());
    assert!(
        msg.contains("could not speak") && msg.contains("hello"),
        "{msg}"
    );
    // `true` exits 0 without writing audio: still an error, not silence.
    let tts = Espeak::new("true", "en-us", 160).unwrap();
    assert!(tts.speak("hello").is_err());
}

#[test]
fn sentences_stream_one_by_one() {
    let tts: Arc<dyn Tts> = Arc::from(for_lang("ja").unwrap());
    let parts: Vec<Audio> = speak_sentences(tts.as_ref(), JA_LINE)
        .collect::<Result<_>>()
        .unwrap();
    // "11月28日19時に4名様、" | "田中様のお名前でお取りしました。" | "お電話番号は…ですね。"
    assert_eq!(parts.len(), 3);
    let ahead: Vec<Audio> = speak_ahead(tts.clone(), JA_LINE, 1)
        .into_iter()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(ahead, parts, "same audio whether made ahead or on demand");
    let err: Vec<Result<Audio>> = speak_ahead(tts, "はい。한국어。いいえ。", 1)
        .into_iter()
        .collect();
    assert_eq!(err.len(), 2, "stops at the first failure");
    assert!(err[0].is_ok() && err[1].is_err());
}

#[test]
fn concurrent_calls_do_not_collide() {
    let tts: Arc<dyn Tts> = Arc::from(for_lang("en").unwrap());
    let lines = [
        "One.",
        "Two people.",
        "Three o'clock tomorrow, please.",
        "Four.",
    ];
    let handles: Vec<_> = lines
        .iter()
        .map(|&l| {
            let tts = tts.clone();
            std::thread::spawn(move || tts.speak(l).unwrap().samples.len())
        })
        .collect();
    let lens: Vec<usize> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let serial: Vec<usize> = lines
        .iter()
        .map(|l| tts.speak(l).unwrap().samples.len())
        .collect();
    assert_eq!(lens, serial);
}

#[test]
fn wav_round_trips_with_hound() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        Audio {
            samples: vec![0, 1, -1, i16::MAX, i16::MIN, 1234],
            sample_rate: 16_000,
        },
        Audio {
            samples: vec![],
            sample_rate: 8_000,
        },
        Audio {
            samples: (0..48_000).map(|i| (i % 2000) as i16 - 1000).collect(),
            sample_rate: 48_000,
        },
    ];
    for (i, a) in cases.iter().enumerate() {
        let path = dir.path().join(format!("{i}.wav"));
        write_wav(&path, a).unwrap();
        let spec = hound::WavReader::open(&path).unwrap().spec();
        assert_eq!(
            (spec.channels, spec.bits_per_sample, spec.sample_rate),
            (1, 16, a.sample_rate)
        );
        assert_eq!(&read_wav(&path).unwrap(), a);
    }
    assert!(write_wav(
        &dir.path().join("zero.wav"),
        &Audio {
            samples: vec![1],
            sample_rate: 0
        }
    )
    .is_err());
    let garbage = dir.path().join("garbage.wav");
    std::fs::write(&garbage, b"RIFF nonsense").unwrap();
    assert!(read_wav(&garbage).is_err());
    assert!(read_wav(&dir.path().join("missing.wav")).is_err());
    assert!(write_wav(&dir.path().join("no/such/dir.wav"), &cases[0]).is_err());
}
