//! Decoding tests: every WAV flavour we accept, and one-line errors for what we don't.

use std::io::Cursor;
use yoyaku::audio::{decode_wav, decode_wav_limited, g711, load_wav, SAMPLE_RATE};

const TONE_HZ: f32 = 440.0;

fn tone(rate: u32, secs: f32) -> Vec<f32> {
    let n = (rate as f32 * secs) as usize;
    (0..n)
        .map(|i| 0.5 * (2.0 * std::f32::consts::PI * TONE_HZ * i as f32 / rate as f32).sin())
        .collect()
}

fn wav_spec(rate: u32, channels: u16, bits: u16, float: bool) -> hound::WavSpec {
    let sample_format = if float { hound::SampleFormat::Float } else { hound::SampleFormat::Int };
    hound::WavSpec { channels, sample_rate: rate, bits_per_sample: bits, sample_format }
}

/// A hound-written WAV of `tone`, in the given layout. Stereo carries the tone on both channels.
fn hound_wav(rate: u32, channels: u16, bits: u16, float: bool) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut buf, wav_spec(rate, channels, bits, float)).unwrap();
    for x in tone(rate, 1.0) {
        for _ in 0..channels {
            if float {
                w.write_sample(x).unwrap();
            } else {
                let full = ((1i64 << (bits - 1)) - 1) as f32;
                w.write_sample((x * full).round() as i32).unwrap();
            }
        }
    }
    w.finalize().unwrap();
    buf.into_inner()
}

/// A hand-built G.711 WAV (format tag 6 = A-law, 7 = mu-law), 8 kHz mono.
fn g711_wav(tag: u16, rate: u32, data: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(b"RIFF");
    v.extend_from_slice(&(4 + 26 + 8 + data.len() as u32).to_le_bytes());
    v.extend_from_slice(b"WAVE");
    v.extend_from_slice(b"fmt ");
    v.extend_from_slice(&18u32.to_le_bytes());
    v.extend_from_slice(&tag.to_le_bytes());
    v.extend_from_slice(&1u16.to_le_bytes()); // channels
    v.extend_from_slice(&rate.to_le_bytes());
    v.extend_from_slice(&rate.to_le_bytes()); // byte rate
    v.extend_from_slice(&1u16.to_le_bytes()); // block align
    v.extend_from_slice(&8u16.to_le_bytes()); // bits
    v.extend_from_slice(&0u16.to_le_bytes()); // cbSize
                                              // An unknown chunk before the data must be skipped.
    v.extend_from_slice(b"LIST");
    v.extend_from_slice(&3u32.to_le_bytes());
    v.extend_from_slice(b"abc\0"); // 3 bytes + pad
    v.extend_from_slice(b"data");
    v.extend_from_slice(&(data.len() as u32).to_le_bytes());
    v.extend_from_slice(data);
    // Fix the RIFF size for the padded LIST chunk.
    let riff = (v.len() - 8) as u32;
    v[4..8].copy_from_slice(&riff.to_le_bytes());
    v
}

fn zero_crossing_hz(samples: &[f32], rate: u32) -> f32 {
    let mid = &samples[samples.len() / 10..samples.len() * 9 / 10];
    let crossings = mid
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    crossings as f32 / 2.0 / (mid.len() as f32 / rate as f32)
}

fn rms(samples: &[f32]) -> f32 {
    let mid = &samples[samples.len() / 10..samples.len() * 9 / 10];
    (mid.iter().map(|x| x * x).sum::<f32>() / mid.len() as f32).sqrt()
}

/// One second of tone must come back as one second at 16 kHz, same pitch, same level.
fn assert_tone(label: &str, out: &[f32]) {
    assert!(
        out.len().abs_diff(SAMPLE_RATE as usize) <= 2,
        "{label}: {} samples",
        out.len()
    );
    assert!(
        out.iter().all(|x| (-1.0..=1.0).contains(x)),
        "{label}: out of range"
    );
    let hz = zero_crossing_hz(out, SAMPLE_RATE);
    assert!((hz - TONE_HZ).abs() < 5.0, "{label}: {hz} Hz");
    let level = rms(out);
    assert!((level - 0.3536).abs() < 0.02, "{label}: rms {level}");
}

#[test]
fn decodes_every_pcm_and_float_layout() {
    // (rate, channels, bits, float)
    let cases = [
        (16_000, 1, 16, false),
        (16_000, 1, 8, false),
        (16_000, 1, 24, false),
        (16_000, 1, 32, false),
        (16_000, 1, 32, true),
        (16_000, 2, 16, false),
        (8_000, 1, 16, false),
        (22_050, 1, 16, false),
        (44_100, 2, 16, false),
        (48_000, 1, 24, false),
        (48_000, 2, 32, true),
        (11_025, 1, 8, false),
    ];
    for (rate, channels, bits, float) in cases {
        let label = format!(
            "{rate} Hz {channels} ch {bits}-bit{}",
            if float { " float" } else { "" }
        );
        let out = decode_wav(&hound_wav(rate, channels, bits, float)).expect(&label);
        assert_tone(&label, &out);
    }
}

#[test]
fn stereo_is_averaged() {
    // Left carries the tone, right is silent: mono is the tone at half level.
    let mut buf = Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut buf, wav_spec(16_000, 2, 16, false)).unwrap();
    for x in tone(16_000, 1.0) {
        w.write_sample((x * 32767.0) as i16).unwrap();
        w.write_sample(0i16).unwrap();
    }
    w.finalize().unwrap();
    let out = decode_wav(&buf.into_inner()).unwrap();
    assert!((rms(&out) - 0.3536 / 2.0).abs() < 0.01, "rms {}", rms(&out));
}

#[test]
fn decodes_mu_law_and_a_law() {
    let pcm = tone(8_000, 1.0);
    let ulaw: Vec<u8> = pcm
        .iter()
        .map(|x| g711::linear_to_ulaw((x * 32767.0) as i16))
        .collect();
    let alaw: Vec<u8> = pcm
        .iter()
        .map(|x| g711::linear_to_alaw((x * 32767.0) as i16))
        .collect();
    assert_tone("mu-law", &decode_wav(&g711_wav(7, 8_000, &ulaw)).unwrap());
    assert_tone("A-law", &decode_wav(&g711_wav(6, 8_000, &alaw)).unwrap());
}

#[test]
fn mu_law_devset_file_matches_sox_pcm_copy() {
    // The devset's tel8k files are sox-written mu-law; decoding must give audible speech
    // at the length sox reports (83214 samples at 8 kHz → 166428 at 16 kHz).
    let path = shared().join("devset/audio/tel8k/en-d01_t0.wav");
    if !path.exists() {
        eprintln!("skipping: {} not found", path.display());
        return;
    }
    let out = load_wav(&path).unwrap();
    assert!(out.len().abs_diff(166_428) <= 2, "{} samples", out.len());
    let peak = out.iter().fold(0f32, |m, x| m.max(x.abs()));
    assert!(peak > 0.1, "peak {peak}");
}

fn shared() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn err(bytes: &[u8]) -> String {
    format!("{:#}", decode_wav(bytes).unwrap_err())
}

#[test]
fn bad_input_gives_one_clear_line() {
    let good = hound_wav(16_000, 1, 16, false);
    let mut adpcm = good.clone();
    adpcm[20..22].copy_from_slice(&2u16.to_le_bytes());
    let mut twelve_bit = good.clone();
    twelve_bit[34..36].copy_from_slice(&12u16.to_le_bytes());
    let mut no_channels = good.clone();
    no_channels[22..24].copy_from_slice(&0u16.to_le_bytes());
    let header_only = good[..44].to_vec();
    let silent = {
        let mut buf = Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut buf, wav_spec(8_000, 1, 16, false)).unwrap();
        for _ in 0..8000 {
            w.write_sample(0i16).unwrap();
        }
        w.finalize().unwrap();
        buf.into_inner()
    };

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("zero bytes", vec![], "empty file"),
        (
            "text",
            b"hello, this is not audio at all".to_vec(),
            "not a WAV file (no RIFF header)",
        ),
        (
            "riff avi",
            b"RIFF\x10\0\0\0AVI LIST".to_vec(),
            "not a WAV file (RIFF but not WAVE)",
        ),
        (
            "riff only",
            b"RIFF".to_vec(),
            "not a WAV file (no RIFF header)",
        ),
        (
            "no chunks",
            b"RIFF\x04\0\0\0WAVE".to_vec(),
            "corrupt WAV: no fmt chunk",
        ),
        (
            "short fmt",
            b"RIFF\x10\0\0\0WAVEfmt \x04\0\0\0\x01\0\x01\0".to_vec(),
            "corrupt WAV: fmt chunk is too short",
        ),
        (
            "truncated",
            good[..1000].to_vec(),
            "truncated WAV: data chunk says 32000 bytes but only 956 are present",
        ),
        ("header only", header_only, "truncated WAV"),
        ("no samples", hound_wav_empty(), "empty audio (no samples)"),
        ("adpcm", adpcm, "unsupported format: 16-bit MS ADPCM"),
        ("12-bit", twelve_bit, "unsupported format: 12-bit PCM"),
        ("0 channels", no_channels, "unsupported WAV: 0 channels"),
        ("silent", silent, "silent audio (every sample is zero)"),
    ];
    for (label, bytes, want) in cases {
        let got = err(&bytes);
        assert!(got.contains(want), "{label}: got {got:?}, want {want:?}");
        assert!(!got.contains('\n'), "{label}: multi-line error {got:?}");
    }
}

fn hound_wav_empty() -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    hound::WavWriter::new(&mut buf, wav_spec(16_000, 1, 16, false))
        .unwrap()
        .finalize()
        .unwrap();
    buf.into_inner()
}

#[test]
fn over_long_audio_is_refused_before_decoding() {
    let wav = hound_wav(16_000, 1, 16, false); // 1 s
    assert!(decode_wav_limited(&wav, 1).is_ok());
    // A 0-second limit refuses it; the message says why.
    let e = format!("{:#}", decode_wav_limited(&wav, 0).unwrap_err());
    assert!(e.contains("audio too long"), "{e}");
    // A header claiming 20 minutes is refused from the header alone (data present).
    let n = 16_000 * 60 * 20;
    let mut big = wav[..44].to_vec();
    big[40..44].copy_from_slice(&((n * 2) as u32).to_le_bytes());
    big.resize(44 + n * 2, 1);
    let e = format!("{:#}", decode_wav(&big).unwrap_err());
    assert!(
        e.contains("audio too long (20.0 minutes; limit 10.0)"),
        "{e}"
    );
}

#[test]
fn load_wav_prefixes_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.wav");
    std::fs::write(&p, b"not audio").unwrap();
    let e = load_wav(&p).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("{}: not a WAV file (no RIFF header)", p.display())
    );
    let missing = dir.path().join("missing.wav");
    let e = load_wav(&missing).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("{}: cannot read file", missing.display())),
        "{e}"
    );
    std::fs::write(&p, hound_wav(48_000, 2, 16, false)).unwrap();
    assert_tone("file", &load_wav(&p).unwrap());
}

/// Never panic: random bytes, random corruption of good files, every truncation of a header.
#[test]
fn garbage_never_panics() {
    let mut seed = 0x2545F4914F6CDD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let goods = [
        hound_wav(16_000, 1, 16, false),
        hound_wav(44_100, 2, 24, false),
        hound_wav(8_000, 1, 32, true),
        g711_wav(7, 8_000, &[0x12; 800]),
    ];
    for good in &goods {
        for cut in 0..100.min(good.len()) {
            let _ = decode_wav(&good[..cut]);
        }
        for _ in 0..300 {
            let mut bad = good[..good.len().min(4000)].to_vec();
            for _ in 0..(next() % 6 + 1) {
                let i = (next() % 60) as usize % bad.len();
                bad[i] = next() as u8;
            }
            let _ = decode_wav(&bad);
        }
    }
    for len in [1usize, 3, 12, 44, 100, 1000] {
        for _ in 0..50 {
            let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let _ = decode_wav(&bytes);
            if len >= 12 {
                bytes[..4].copy_from_slice(b"RIFF");
                bytes[8..12].copy_from_slice(b"WAVE");
                let _ = decode_wav(&bytes);
            }
        }
    }
}

/// Our decoder against hound's, sample for sample, on full-scale noise (extremes included).
#[test]
fn matches_hound_sample_for_sample() {
    let mut seed = 0xD1B54A32D192ED03u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (channels, bits, float) in [
        (1u16, 8u16, false),
        (1, 16, false),
        (2, 16, false),
        (1, 24, false),
        (3, 24, false),
        (1, 32, false),
        (1, 32, true),
        (2, 32, true),
    ] {
        let mut buf = Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut buf, wav_spec(16_000, channels, bits, float)).unwrap();
        let n = 4000 * channels as usize;
        for i in 0..n {
            if float {
                w.write_sample((next() as u32 as f32 / u32::MAX as f32) * 2.0 - 1.0)
                    .unwrap();
            } else {
                // Start with the extremes, then random values of the full width.
                let min = -(1i64 << (bits - 1));
                let max = (1i64 << (bits - 1)) - 1;
                let v = match i {
                    0 => min,
                    1 => max,
                    _ => min + (next() % (1u64 << bits)) as i64,
                };
                w.write_sample(v as i32).unwrap();
            }
        }
        w.finalize().unwrap();
        let bytes = buf.into_inner();

        let mut r = hound::WavReader::new(Cursor::new(&bytes)).unwrap();
        let interleaved: Vec<f32> = if float {
            r.samples::<f32>().map(|s| s.unwrap()).collect()
        } else {
            let scale = (1u64 << (bits - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.unwrap() as f32 / scale)
                .collect()
        };
        let want: Vec<f32> = interleaved
            .chunks_exact(channels as usize)
            .map(|f| f.iter().sum::<f32>() / channels as f32)
            .collect();
        let got = decode_wav(&bytes).unwrap();
        assert_eq!(got.len(), want.len(), "{channels} ch {bits}-bit");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() < 1e-6,
                "{channels} ch {bits}-bit float={float} sample {i}: {g} vs {w}"
            );
        }
    }
}
