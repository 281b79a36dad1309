//! Endpointing tests on the dev set's recordings and on synthetic silence and noise.

use std::path::{Path, PathBuf};
use yoyaku::audio::{
    has_speech, load_wav, split_utterances, trim_to_speech, EndpointConfig, Endpointer, Utterance,
    SAMPLE_RATE,
};

fn audio_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/devset/audio")
}

/// Every devset WAV of one condition, or none (with a note) when shared/ is absent.
fn devset(condition: &str) -> Vec<PathBuf> {
    let dir = audio_dir().join(condition);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} not found", dir.display());
        return vec![];
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    files.sort();
    files
}

fn load(name: &str) -> Option<Vec<f32>> {
    let p = audio_dir().join(name);
    p.exists().then(|| load_wav(&p).unwrap())
}

fn ms(n: usize) -> u64 {
    n as u64 * 1000 / SAMPLE_RATE as u64
}

fn silence(ms: u64) -> Vec<f32> {
    vec![0.0; (ms * SAMPLE_RATE as u64 / 1000) as usize]
}

/// Deterministic white noise with the given RMS.
fn noise(ms: u64, rms: f32) -> Vec<f32> {
    let mut seed = 0x9E3779B97F4A7C15u64;
    let n = (ms * SAMPLE_RATE as u64 / 1000) as usize;
    // Uniform in [-a, a] has RMS a / sqrt(3).
    let a = rms * 3f32.sqrt();
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            ((seed >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * a
        })
        .collect()
}

fn check_utterances(label: &str, samples: &[f32], utts: &[Utterance]) {
    let total = ms(samples.len());
    let mut prev_end = 0;
    for u in utts {
        assert!(
            u.start_ms < u.end_ms,
            "{label}: {}..{}",
            u.start_ms,
            u.end_ms
        );
        assert!(
            u.start_ms >= prev_end,
            "{label}: overlaps the previous utterance"
        );
        assert!(u.end_ms <= total, "{label}: ends after the recording");
        assert!(!u.samples.is_empty());
        // The samples are the stream's own, starting at first_sample.
        let from = u.first_sample as usize;
        assert_eq!(
            &samples[from..from + u.samples.len()],
            &u.samples[..],
            "{label}"
        );
        assert!(
            ms(from) <= u.start_ms && ms(from + u.samples.len()) >= u.end_ms,
            "{label}"
        );
        prev_end = u.end_ms;
    }
}

#[test]
fn every_devset_recording_has_speech() {
    let cfg = EndpointConfig::default();
    let files: Vec<PathBuf> = devset("clean16k")
        .into_iter()
        .chain(devset("tel8k"))
        .collect();
    for f in &files {
        let label = f.display().to_string();
        let samples = load_wav(f).unwrap();
        assert!(has_speech(&samples), "{label}: no speech found");
        let utts = split_utterances(&samples, &cfg);
        assert!(!utts.is_empty(), "{label}: no utterance");
        check_utterances(&label, &samples, &utts);
        // Recordings have 0.3 s of lead-in and 0.5 s of tail: speech lies inside them.
        let whole = trim_to_speech(&samples, &cfg).unwrap();
        assert!(
            whole.start_ms >= 250,
            "{label}: starts at {}",
            whole.start_ms
        );
        assert!(
            whole.end_ms + 450 <= ms(samples.len()),
            "{label}: ends at {}",
            whole.end_ms
        );
    }
}

#[test]
fn silence_and_quiet_noise_are_not_speech() {
    let cases: Vec<(&str, Vec<f32>)> = vec![
        ("empty", vec![]),
        ("one sample", vec![0.5]),
        ("digital silence", silence(3000)),
        ("noise -60 dBFS", noise(3000, 0.001)),
        ("noise -46 dBFS", noise(3000, 0.005)),
        ("noise -40 dBFS", noise(3000, 0.01)),
        ("noise -30 dBFS", noise(3000, 0.03)),
        ("noise -20 dBFS", noise(3000, 0.1)),
        ("dc offset", vec![0.2; 48_000]),
        (
            "nan and inf",
            [f32::NAN, f32::INFINITY, f32::NEG_INFINITY].repeat(16_000),
        ),
    ];
    for (label, samples) in cases {
        assert!(!has_speech(&samples), "{label}: speech found");
        assert!(
            split_utterances(&samples, &EndpointConfig::default()).is_empty(),
            "{label}"
        );
    }
}

#[test]
fn speech_in_quiet_noise_is_still_found() {
    let Some(speech) = load("clean16k/en-d01_t1.wav") else {
        return;
    };
    let bed = noise(ms(speech.len()), 0.005);
    let mixed: Vec<f32> = speech.iter().zip(&bed).map(|(s, n)| s + n).collect();
    let utts = split_utterances(&mixed, &EndpointConfig::default());
    assert_eq!(
        utts.len(),
        1,
        "{:?}",
        utts.iter()
            .map(|u| (u.start_ms, u.end_ms))
            .collect::<Vec<_>>()
    );
}

#[test]
fn two_utterances_one_second_apart_are_two() {
    // Single-utterance English recordings, and Japanese ones that pause mid-sentence:
    // joining two with 1 s of silence adds up their utterances.
    let pairs = [
        ("clean16k/en-d01_t1.wav", "clean16k/en-d05_t0.wav"),
        ("tel8k/en-d01_t1.wav", "tel8k/en-d05_t0.wav"),
        ("clean16k/ja-d01_t1.wav", "clean16k/ja-d08_t2.wav"),
        ("tel8k/ja-d01_t1.wav", "tel8k/ja-d08_t2.wav"),
    ];
    let cfg = EndpointConfig::default();
    for (a, b) in pairs {
        let (Some(sa), Some(sb)) = (load(a), load(b)) else {
            return;
        };
        let (na, nb) = (split_utterances(&sa, &cfg), split_utterances(&sb, &cfg));
        let mut joined = sa.clone();
        joined.extend(silence(1000));
        joined.extend(&sb);
        let utts = split_utterances(&joined, &cfg);
        let label = format!("{a} + {b}");
        assert_eq!(utts.len(), na.len() + nb.len(), "{label}");
        check_utterances(&label, &joined, &utts);
        // The second recording's speech starts where it did alone, shifted (give or take
        // a few frames: the VAD starts cold on a lone file, warm after the first one).
        let shift = ms(sa.len()) + 1000;
        let second = &utts[na.len()];
        assert!(
            second.start_ms.abs_diff(nb[0].start_ms + shift) <= 150,
            "{label}: {} vs {}",
            second.start_ms,
            nb[0].start_ms + shift
        );
        if a.contains("/en-") {
            assert_eq!(utts.len(), 2, "{label}");
        }
    }
}

#[test]
fn streaming_gives_the_same_result_for_any_chunk_size() {
    let Some(a) = load("clean16k/ja-d08_t2.wav") else {
        return;
    };
    let Some(b) = load("tel8k/en-d05_t0.wav") else {
        return;
    };
    let mut stream = a;
    stream.extend(silence(700));
    stream.extend(b);
    let cfg = EndpointConfig::default();
    let whole = split_utterances(&stream, &cfg);
    for chunk in [1, 100, 256, 320, 1000, 4096] {
        let mut ep = Endpointer::new(cfg.clone());
        let mut got = Vec::new();
        for c in stream.chunks(chunk) {
            got.extend(ep.push(c));
        }
        got.extend(ep.finish());
        assert_eq!(got, whole, "chunk {chunk}");
    }
}

#[test]
fn speech_start_is_reported_promptly_and_end_when_talking_stopped() {
    // Phone-sized 20 ms chunks; barge-in needs to know within ~100 ms of onset.
    for name in [
        "clean16k/en-d05_t0.wav",
        "tel8k/en-d05_t0.wav",
        "tel8k/ja-d01_t1.wav",
    ] {
        let Some(samples) = load(name) else { return };
        let cfg = EndpointConfig::default();
        let expected = split_utterances(&samples, &cfg);
        let mut ep = Endpointer::new(cfg.clone());
        let mut seen_at = None;
        let mut ended = Vec::new();
        for c in samples.chunks(320) {
            for u in ep.push(c) {
                // Reported end_silence_ms after the caller stopped, not later.
                assert!(
                    ep.position_ms() <= u.end_ms + cfg.end_silence_ms as u64 + 20,
                    "{name}"
                );
                ended.push(u);
            }
            if ep.is_speaking() && seen_at.is_none() {
                seen_at = Some(ep.position_ms());
                assert_eq!(ep.speech_start_ms(), Some(expected[0].start_ms), "{name}");
            }
        }
        let seen_at = seen_at.expect(name);
        assert!(
            seen_at <= expected[0].start_ms + 100,
            "{name}: onset {} seen at {seen_at}",
            expected[0].start_ms
        );
        // The recording's 0.5 s tail closes the last utterance before the stream ends.
        assert_eq!(ended, expected, "{name}");
        assert!(!ep.is_speaking());
        assert_eq!(ep.finish(), None);
    }
}

#[test]
fn finish_returns_the_utterance_cut_off_by_the_end_of_the_stream() {
    let Some(samples) = load("clean16k/en-d01_t0.wav") else {
        return;
    };
    let cut = &samples[..SAMPLE_RATE as usize * 2]; // 2 s: mid-sentence
    let mut ep = Endpointer::new(EndpointConfig::default());
    assert!(ep.push(cut).is_empty());
    assert!(ep.is_speaking());
    let u = ep.finish().expect("open utterance");
    assert!(u.end_ms > 1500 && u.end_ms <= 2000, "{}", u.end_ms);
    // finish resets: the endpointer is ready for a new stream.
    assert!(!ep.is_speaking());
    assert_eq!(ep.position_ms(), 0);
}

#[test]
fn long_speech_is_cut_at_max_utterance_ms() {
    let Some(samples) = load("clean16k/en-d01_t0.wav") else {
        return;
    }; // ~9 s of speech
    let cfg = EndpointConfig {
        max_utterance_ms: 2000,
        ..EndpointConfig::default()
    };
    let utts = split_utterances(&samples, &cfg);
    assert!(utts.len() >= 4, "{}", utts.len());
    for u in &utts {
        assert!(ms(u.samples.len()) <= 2000, "{} ms", ms(u.samples.len()));
    }
    check_utterances("max", &samples, &utts);
}

#[test]
fn end_silence_decides_whether_a_pause_splits() {
    // ja-d08_t2 has a pause of about half a second after its first words.
    let Some(samples) = load("clean16k/ja-d08_t2.wav") else {
        return;
    };
    let split = |end_silence_ms| {
        split_utterances(
            &samples,
            &EndpointConfig {
                end_silence_ms,
                ..EndpointConfig::default()
            },
        )
        .len()
    };
    assert_eq!(split(300), 2);
    assert_eq!(split(500), 2);
    assert_eq!(split(1000), 1);
}

#[test]
fn short_blips_are_dropped_by_min_speech_ms() {
    let Some(samples) = load("clean16k/en-d01_t1.wav") else {
        return;
    };
    let speech_ms = split_utterances(&samples, &EndpointConfig::default())[0].duration_ms() as u32;
    let cfg = EndpointConfig {
        min_speech_ms: speech_ms + 100,
        ..EndpointConfig::default()
    };
    assert!(split_utterances(&samples, &cfg).is_empty());
}

/// A short 「はい。」 on the phone (Open JTalk, 300–3400 Hz, 8 kHz mu-law, as the dev
/// set makes its telephone turns): the VAD's score rises over the word and passed 0.7
/// in only five frames, so the caller's yes was dropped as a click and never heard.
/// The frames on the way up count toward the minimum too.
#[test]
fn a_short_yes_on_the_phone_is_speech() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hai_tel8k.wav");
    let samples = load_wav(&p).unwrap();
    assert!(has_speech(&samples));
    let utts = split_utterances(&samples, &EndpointConfig::default());
    assert_eq!(utts.len(), 1);
    check_utterances("hai_tel8k", &samples, &utts);
}
