//! Sample-rate conversion with rubato's FFT resampler (fixed ratio, good quality).
//!
//! Used for whole files (any rate → 16 kHz), for live streams (`StreamResampler`: phone and
//! microphone audio → 16 kHz as it arrives) and for speech out (22.05/48 kHz → 8 kHz).

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

/// Resamples a live stream as it arrives, in chunks of any size. rubato's FFT
/// resampler keeps its filter state from chunk to chunk, so the output is as clean as
/// a whole file's. (Linear interpolation mirrored 0–4 kHz phone speech into 4–8 kHz,
/// where whisper listens too, and let a 48 kHz microphone alias into speech.)
pub struct StreamResampler {
    from: u32,
    to: u32,
    /// None when the rates are the same.
    fft: Option<Fft<f32>>,
    /// Input not yet making up a whole chunk.
    pending: Vec<f32>,
    /// Output still to drop: the filter's delay, so that the stream starts in step.
    skip: usize,
}

impl StreamResampler {
    /// A stream from `from_hz` to `to_hz`, taking 20 ms of input at a time (the
    /// filter adds 3–10 ms of delay to that).
    pub fn new(from_hz: u32, to_hz: u32) -> Result<StreamResampler> {
        for rate in [from_hz, to_hz] {
            if !(MIN_RATE_HZ..=MAX_RATE_HZ).contains(&rate) {
                bail!("unsupported sample rate {rate} Hz (expected {MIN_RATE_HZ}..={MAX_RATE_HZ})");
            }
        }
        let fft = if from_hz == to_hz {
            None
        } else {
            let chunk = (from_hz as usize / 50).max(1);
            Some(
                Fft::<f32>::new(from_hz as usize, to_hz as usize, chunk, 1, FixedSync::Input)
                    .map_err(|e| anyhow!("cannot resample {from_hz} Hz to {to_hz} Hz: {e}"))?,
            )
        };
        let skip = fft.as_ref().map_or(0, |f| f.output_delay());
        Ok(StreamResampler { from: from_hz, to: to_hz, fft, pending: Vec::new(), skip })
    }

    /// (input, output) sample rates.
    pub fn rates(&self) -> (u32, u32) {
        (self.from, self.to)
    }

    /// Takes the next input samples; gives back the output they complete.
    pub fn push(&mut self, x: &[f32]) -> Result<Vec<f32>> {
        let Some(fft) = self.fft.as_mut() else { return Ok(x.to_vec()) };
        self.pending.extend_from_slice(x);
        let mut out = Vec::new();
        let mut used = 0;
        loop {
            let need = fft.input_frames_next();
            if self.pending.len() - used < need {
                break;
            }
            let chunk = &self.pending[used..used + need];
            let input = InterleavedSlice::new(chunk, 1, need).map_err(|e| anyhow!("cannot resample: {e}"))?;
            let y = fft.process(&input, None).map_err(|e| anyhow!("resampling {} Hz to {} Hz failed: {e}", self.from, self.to))?;
            out.extend_from_slice(&y.take_data());
            used += need;
        }
        self.pending.drain(..used);
        let dropped = self.skip.min(out.len());
        self.skip -= dropped;
        out.drain(..dropped);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Power of `samples` at `hz` relative to a full-scale sine's (Goertzel).
    fn power_at(samples: &[f32], rate: u32, hz: f32) -> f32 {
        let w = 2.0 * std::f32::consts::PI * hz / rate as f32;
        let (mut s1, mut s2) = (0f32, 0f32);
        for &x in samples {
            let s0 = x + 2.0 * w.cos() * s1 - s2;
            (s2, s1) = (s1, s0);
        }
        let n = samples.len() as f32;
        (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2) / (n * n / 4.0)
    }

    #[test]
    fn a_stream_in_frames_matches_the_rate_and_mirrors_nothing() {
        // (from, to, frame): phone lines (8 kHz, and a 16 kHz one), microphones.
        for (from, to, frame) in [(8_000, 16_000, 160), (16_000, 16_000, 320), (48_000, 16_000, 480), (44_100, 16_000, 441), (22_050, 16_000, 1000)] {
            let tone = 1_000.0;
            let x = sine(tone, from, 2.0);
            let mut s = StreamResampler::new(from, to).unwrap();
            let y: Vec<f32> = x.chunks(frame).flat_map(|c| s.push(c).unwrap()).collect();
            // All but the filter's last few tens of milliseconds come out.
            let want = 2 * to as usize;
            assert!(y.len() <= want && y.len() + to as usize / 20 >= want, "{from}->{to}: {} of {want}", y.len());
            let mid = &y[y.len() / 4..y.len() * 3 / 4];
            assert!((zero_crossing_hz(mid, to) - tone).abs() < 20.0, "{from}->{to}");
            assert!(power_at(mid, to, tone) > 0.2, "{from}->{to}: the tone is kept");
        }
        // A 3 kHz tone on a phone line: linear interpolation put an image at 5 kHz
        // only 13 dB down; the filter keeps it below -60 dB.
        let x = sine(3_000.0, 8_000, 1.0);
        let mut s = StreamResampler::new(8_000, 16_000).unwrap();
        let y: Vec<f32> = x.chunks(160).flat_map(|c| s.push(c).unwrap()).collect();
        let mid = &y[y.len() / 4..y.len() * 3 / 4];
        let (kept, image) = (power_at(mid, 16_000, 3_000.0), power_at(mid, 16_000, 5_000.0));
        assert!(image < kept * 1e-6, "image {image} against tone {kept}");
    }

    #[test]
    fn a_stream_starts_in_step_with_its_input() {
        // A click 100 ms in comes out 100 ms in, not a filter delay later.
        let mut x = vec![0f32; 8_000];
        x[800] = 1.0;
        let mut s = StreamResampler::new(8_000, 16_000).unwrap();
        let y: Vec<f32> = x.chunks(160).flat_map(|c| s.push(c).unwrap()).collect();
        let peak = (0..y.len()).max_by(|&a, &b| y[a].abs().total_cmp(&y[b].abs())).unwrap();
        assert!(peak.abs_diff(1_600) <= 2, "peak at {peak}");
        assert!(StreamResampler::new(0, 16_000).is_err());
    }

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
