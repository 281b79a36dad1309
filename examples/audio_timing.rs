//! Times decode+resample of 10 s WAVs in the formats we meet, and endpointing of 10 s.
//!
//!     cargo run --release --example audio_timing

use std::io::Cursor;
use std::time::Instant;
use yoyaku::audio::{decode_wav, g711, split_utterances, EndpointConfig};

fn tone(rate: u32, secs: u32) -> Vec<f32> {
    (0..rate * secs)
        .map(|i| 0.3 * (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin())
        .collect()
}

fn pcm_wav(rate: u32, channels: u16) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut buf = Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut buf, spec).unwrap();
    for x in tone(rate, 10) {
        for _ in 0..channels {
            w.write_sample((x * 32767.0) as i16).unwrap();
        }
    }
    w.finalize().unwrap();
    buf.into_inner()
}

fn ulaw_wav() -> Vec<u8> {
    let data: Vec<u8> = tone(8000, 10)
        .iter()
        .map(|x| g711::linear_to_ulaw((x * 32767.0) as i16))
        .collect();
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&(4 + 24 + 8 + data.len() as u32).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    v.extend_from_slice(&16u32.to_le_bytes());
    for x in [7u16, 1] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.extend_from_slice(&8000u32.to_le_bytes());
    v.extend_from_slice(&8000u32.to_le_bytes());
    for x in [1u16, 8] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.extend_from_slice(b"data");
    v.extend_from_slice(&(data.len() as u32).to_le_bytes());
    v.extend(data);
    v
}

/// Best of 20 runs, in ms.
fn best(mut f: impl FnMut()) -> f64 {
    (0..20)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    resample_only();
    let cases = [
        ("16 kHz mono 16-bit", pcm_wav(16_000, 1)),
        ("8 kHz mu-law", ulaw_wav()),
        ("8 kHz mono 16-bit", pcm_wav(8_000, 1)),
        ("44.1 kHz stereo 16-bit", pcm_wav(44_100, 2)),
        ("48 kHz mono 16-bit", pcm_wav(48_000, 1)),
    ];
    for (label, bytes) in &cases {
        let ms = best(|| {
            decode_wav(bytes).unwrap();
        });
        println!("decode+resample 10 s {label:24} {ms:6.2} ms");
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/devset/audio/clean16k/en-d01_t0.wav");
    if let Ok(samples) = yoyaku::audio::load_wav(&path) {
        let secs = samples.len() as f64 / 16_000.0;
        let ms = best(|| {
            split_utterances(&samples, &EndpointConfig::default());
        });
        println!("endpoint {secs:.1} s of speech (en-d01_t0)        {ms:6.2} ms");
    }
}

#[allow(dead_code)]
fn resample_only() {
    for (from, to) in [
        (48_000, 16_000),
        (44_100, 16_000),
        (8_000, 16_000),
        (22_050, 8_000),
    ] {
        let x = tone(from, 10);
        let ms = best(|| {
            yoyaku::audio::resample(&x, from, to).unwrap();
        });
        println!("resample 10 s {from} -> {to}: {ms:6.2} ms");
    }
}
