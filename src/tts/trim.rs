//! Trims the long silences engines put around speech (Open JTalk: ~0.4 s before and
//! ~0.6 s after), which delay the first audible word and make joined phrases halting.

use super::Audio;

/// Samples quieter than this (about -40 dBFS) count as silence.
const SILENCE: u16 = 300;

/// Keeps at most `lead_ms` of silence before the first loud sample and `tail_ms` after
/// the last. Audio with no loud sample is returned unchanged.
pub fn trim_silence(mut audio: Audio, lead_ms: u32, tail_ms: u32) -> Audio {
    let loud = |s: &i16| s.unsigned_abs() > SILENCE;
    let (Some(first), Some(last)) = (
        audio.samples.iter().position(loud),
        audio.samples.iter().rposition(loud),
    ) else {
        return audio;
    };
    let per_ms = audio.sample_rate as usize / 1000;
    let start = first.saturating_sub(lead_ms as usize * per_ms);
    let end = (last + 1 + tail_ms as usize * per_ms).min(audio.samples.len());
    audio.samples.truncate(end);
    audio.samples.drain(..start);
    audio
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_to_the_requested_margins() {
        // 1 kHz rate: 1 sample per ms. (lead zeros, loud, tail zeros, keep lead, keep tail) → len
        let cases = [
            (400, 100, 600, 50, 200, 350),
            (10, 100, 10, 50, 200, 120),
            (0, 5, 0, 50, 200, 5),
            (400, 100, 600, 0, 0, 100),
        ];
        for (lead, loud, tail, keep_lead, keep_tail, want) in cases {
            let mut samples = vec![0i16; lead];
            samples.extend(std::iter::repeat_n(5000i16, loud));
            samples.extend(vec![0i16; tail]);
            let out = trim_silence(
                Audio {
                    samples,
                    sample_rate: 1000,
                },
                keep_lead,
                keep_tail,
            );
            assert_eq!(out.samples.len(), want, "{lead}/{loud}/{tail}");
            assert_eq!(out.samples.iter().filter(|&&s| s == 5000).count(), loud);
        }
        let silent = Audio {
            samples: vec![0; 10],
            sample_rate: 1000,
        };
        assert_eq!(trim_silence(silent.clone(), 0, 0), silent);
        let empty = Audio {
            samples: vec![],
            sample_rate: 0,
        };
        assert_eq!(trim_silence(empty.clone(), 10, 10), empty);
    }
}
