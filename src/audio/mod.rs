//! PLACEHOLDER audio loading and voice-activity gate, written only so the `asr` branch
//! builds and runs on its own; the real `crate::audio` module replaces it at merge.
//! Handles integer PCM WAV (mono or stereo, any rate) with linear resampling.

use anyhow::{bail, Context, Result};
use std::path::Path;

pub const SAMPLE_RATE: u32 = 16_000;

/// Any PCM WAV → 16 kHz mono f32 in [-1, 1].
pub fn load_wav(path: &Path) -> Result<Vec<f32>> {
    let reader = hound::WavReader::open(path).with_context(|| format!("cannot read {} as a WAV file", path.display()))?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        bail!("{}: WAV header has no channels or no sample rate", path.display());
    }
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader.into_samples::<i32>().map(|s| s.map(|v| v as f32 * scale)).collect::<Result<_, _>>()
        }
        hound::SampleFormat::Float => reader.into_samples::<f32>().collect::<Result<_, _>>(),
    }
    .with_context(|| format!("{}: corrupt WAV data", path.display()))?;
    let ch = spec.channels as usize;
    let mono: Vec<f32> = samples.chunks(ch).map(|f| f.iter().sum::<f32>() / ch as f32).collect();
    Ok(resample_linear(&mono, spec.sample_rate, SAMPLE_RATE))
}

fn resample_linear(x: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || x.is_empty() {
        return x.to_vec();
    }
    let n = (x.len() as u64 * to as u64 / from as u64) as usize;
    (0..n)
        .map(|i| {
            let pos = i as f64 * from as f64 / to as f64;
            let j = pos as usize;
            let frac = (pos - j as f64) as f32;
            let a = x[j.min(x.len() - 1)];
            let b = x[(j + 1).min(x.len() - 1)];
            a + (b - a) * frac
        })
        .collect()
}

/// True when at least 150 ms of 20 ms frames are louder than -45 dBFS.
pub fn has_speech(samples: &[f32]) -> bool {
    let frame = (SAMPLE_RATE / 50) as usize;
    let loud = samples
        .chunks(frame)
        .filter(|f| {
            let rms = (f.iter().map(|s| s * s).sum::<f32>() / f.len() as f32).sqrt();
            rms > 10f32.powf(-45.0 / 20.0)
        })
        .count();
    loud * 20 >= 150
}
