//! Sample-rate conversion for speech out: engine rate (22.05/48 kHz) → 8 kHz telephone
//! audio or 16 kHz files.

use super::Audio;
use anyhow::Result;

impl Audio {
    /// The same speech at `rate` (8 kHz for phone lines, the device rate for the
    /// kiosk); speech already at that rate is copied as it is. A conversion to or from
    /// an unusable rate (0 Hz or beyond 384 kHz), which no engine produces, yields no
    /// samples rather than a panic; `resample_i16` says why.
    pub fn at_rate(&self, rate: u32) -> Vec<i16> {
        if rate == self.sample_rate {
            return self.samples.clone();
        }
        resample_i16(self, rate).unwrap_or_default()
    }
}

/// `audio` resampled to `to_hz`; output length is about `len * to / from`.
/// The conversion itself is the audio module's (rubato's FFT resampler).
pub fn resample_i16(audio: &Audio, to_hz: u32) -> Result<Vec<i16>> {
    let input: Vec<f32> = audio.samples.iter().map(|&s| s as f32 / 32768.0).collect();
    let output = crate::audio::resample(&input, audio.sample_rate, to_hz)?;
    Ok(output.into_iter().map(|x| (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freq: f32, rate: u32, secs: f32) -> Audio {
        let n = (rate as f32 * secs) as usize;
        let samples = (0..n)
            .map(|i| {
                (8000.0 * (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin()) as i16
            })
            .collect();
        Audio {
            samples,
            sample_rate: rate,
        }
    }

    fn zero_crossing_hz(s: &[i16], rate: u32) -> f32 {
        let mid = &s[s.len() / 10..s.len() * 9 / 10];
        let n = mid.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count();
        n as f32 / 2.0 / (mid.len() as f32 / rate as f32)
    }

    #[test]
    fn engine_rates_to_8k_keep_length_and_pitch() {
        // (engine rate, tone in the telephone band)
        for (rate, freq) in [
            (22_050, 440.0),
            (48_000, 1000.0),
            (16_000, 3000.0),
            (8_000, 300.0),
        ] {
            let a = tone(freq, rate, 1.0);
            let out = a.at_rate(8_000);
            assert!(
                out.len().abs_diff(8_000) <= 2,
                "{rate}: {} samples",
                out.len()
            );
            let hz = zero_crossing_hz(&out, 8_000);
            assert!(
                (hz - freq).abs() < freq * 0.02,
                "{rate}: {freq} Hz came out {hz} Hz"
            );
            let peak = out.iter().map(|s| s.unsigned_abs()).max().unwrap();
            assert!((7_000..9_000).contains(&peak), "{rate}: peak {peak}");
        }
    }

    #[test]
    fn bad_input_never_panics() {
        assert!(Audio { samples: vec![1, 2, 3], sample_rate: 0 }.at_rate(8_000).is_empty());
        assert!(Audio { samples: vec![], sample_rate: 48_000 }.at_rate(8_000).is_empty());
        assert!(resample_i16(
            &Audio {
                samples: vec![1],
                sample_rate: 0
            },
            8_000
        )
        .is_err());
        let short = Audio { samples: vec![100; 7], sample_rate: 48_000 }.at_rate(8_000);
        assert!(short.len() <= 2);
        // Full-scale input must clamp, not wrap.
        let loud = Audio {
            samples: [i16::MAX, i16::MIN].repeat(4800),
            sample_rate: 48_000,
        };
        assert_eq!(loud.at_rate(8_000).len().abs_diff(1600), 0);
    }
}
