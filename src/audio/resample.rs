//! Sample-rate conversion with rubato's FFT resampler (fixed ratio, good quality).
//!
//! Used for whole files (any rate → 16 kHz) and for live chunks (8 kHz phone audio in,
//! 22.05/48 kHz speech → 8 kHz out).

use anyhow::{anyhow, bail, Result};
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Lowest sample rate accepted anywhere in `audio`.
pub const MIN_RATE_HZ: u32 = 1_000;
/// Highest sample rate accepted anywhere in `audio`.
pub const MAX_RATE_HZ: u32 = 384_000;

/// Resamples mono `samples` from `from_hz` to `to_hz`.
///
/// The output has `ceil(len * to / from)` samples (rubato trims its filter delay, so the
/// output lines up with the input). Each call stands alone: for a live stream, chunks
/// of a few hundred milliseconds keep the edge effects inaudible.
pub fn resample(samples: &[f32], from_hz: u32, to_hz: u32) -> Result<Vec<f32>> {
    for rate in [from_hz, to_hz] {
        if !(MIN_RATE_HZ..=MAX_RATE_HZ).contains(&rate) {
            bail!("unsupported sample rate {rate} Hz (expected {MIN_RATE_HZ}..={MAX_RATE_HZ})");
        }
    }
    if from_hz == to_hz || samples.is_empty() {
        return Ok(samples.to_vec());
    }
    let mut resampler = Fft::<f32>::new(from_hz as usize, to_hz as usize, 1024, 1, FixedSync::Both)
        .map_err(|e| anyhow!("cannot resample {from_hz} Hz to {to_hz} Hz: {e}"))?;
    let input = InterleavedSlice::new(samples, 1, samples.len())
        .map_err(|e| anyhow!("cannot resample: {e}"))?;
    let output = resampler
        .process_all(&input, samples.len(), None)
        .map_err(|e| anyhow!("resampling {from_hz} Hz to {to_hz} Hz failed: {e}"))?;
    Ok(output.take_data())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f32, rate: u32, secs: f32) -> Vec<f32> {
        let n = (rate as f32 * secs) as usize;
        (0..n)
            .map(|i| 0.5 * (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin())
            .collect()
    }

    /// Frequency estimate from zero crossings over the middle of the signal (skips edges).
    pub(crate) fn zero_crossing_hz(samples: &[f32], rate: u32) -> f32 {
        let mid = &samples[samples.len() / 10..samples.len() * 9 / 10];
        let crossings = mid
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        crossings as f32 / 2.0 / (mid.len() as f32 / rate as f32)
    }

    #[test]
    fn lengths_and_frequency_survive() {
        // (from, to, tone)
        let cases = [
            (8_000, 16_000, 440.0),
            (22_050, 16_000, 1000.0),
            (44_100, 16_000, 440.0),
            (48_000, 16_000, 3000.0),
            (16_000, 8_000, 440.0),
            (22_050, 8_000, 1000.0),
            (48_000, 8_000, 2000.0),
            (11_025, 16_000, 700.0),
        ];
        for (from, to, tone) in cases {
            let input = sine(tone, from, 1.0);
            let out = resample(&input, from, to).unwrap();
            let expected = (input.len() as u64 * to as u64).div_ceil(from as u64) as usize;
            assert!(
                out.len().abs_diff(expected) <= 1,
                "{from}->{to}: {} vs {expected}",
                out.len()
            );
            let hz = zero_crossing_hz(&out, to);
            assert!(
                (hz - tone).abs() < tone * 0.02,
                "{from}->{to}: tone {tone} came out {hz}"
            );
            // RMS rather than peak: a tone near the new Nyquist may never be sampled at its crest.
            let mid = &out[out.len() / 10..out.len() * 9 / 10];
            let rms = (mid.iter().map(|x| x * x).sum::<f32>() / mid.len() as f32).sqrt();
            assert!(
                (rms - 0.5 / 2f32.sqrt()).abs() < 0.02,
                "{from}->{to}: rms {rms}"
            );
        }
    }

    #[test]
    fn same_rate_and_empty_pass_through() {
        assert_eq!(
            resample(&[0.1, 0.2], 16_000, 16_000).unwrap(),
            vec![0.1, 0.2]
        );
        assert!(resample(&[], 8_000, 16_000).unwrap().is_empty());
    }

    #[test]
    fn bad_rates_are_errors() {
        for (from, to) in [(0, 16_000), (16_000, 0), (500, 16_000), (1_000_000, 16_000)] {
            let err = resample(&[0.0; 10], from, to).unwrap_err().to_string();
            assert!(err.contains("unsupported sample rate"), "{err}");
        }
    }

    #[test]
    fn short_input_works() {
        for n in [1, 2, 7, 100] {
            let out = resample(&vec![0.1; n], 8_000, 16_000).unwrap();
            assert!(out.len().abs_diff(2 * n) <= 1, "{n} -> {}", out.len());
        }
    }
}
