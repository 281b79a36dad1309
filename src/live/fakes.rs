//! Stand-in speech engines for tests and model-free demos: a recogniser that
//! knows utterances by their length, and a synthesiser that answers with a tone.

use super::{SpeechToText, TextToSpeech};
use crate::tts::Audio;
use anyhow::{bail, Result};
use crate::audio::{decode_wav, resample, FRAME_LEN};
use std::sync::{Mutex, OnceLock};

/// Recognises an utterance as the text whose expected duration is nearest.
/// Tests send `speechlike` bursts (or WAVs) of distinct lengths and list them here.
pub struct DurationTableStt {
    table: Vec<(f32, String)>,
    /// Every (seconds, text) it answered, and the agent's line the caller was
    /// answering, for assertions.
    pub heard: Mutex<Vec<(f32, String, Option<String>)>>,
}

impl DurationTableStt {
    pub fn new(table: Vec<(f32, String)>) -> Self {
        DurationTableStt { table, heard: Mutex::new(Vec::new()) }
    }
}

impl SpeechToText for DurationTableStt {
    fn transcribe(&self, samples_16k: &[f32], _lang: &str, after: Option<&str>) -> Result<String> {
        let secs = samples_16k.len() as f32 / 16_000.0;
        let Some((_, text)) = self
            .table
            .iter()
            .min_by(|a, b| (a.0 - secs).abs().total_cmp(&(b.0 - secs).abs()))
        else {
            bail!("the fake recogniser has an empty table");
        };
        self.heard.lock().unwrap().push((secs, text.clone(), after.map(String::from)));
        Ok(text.clone())
    }
}

/// A 440 Hz tone, `ms_per_char` per character of the reply (at least 200 ms), at 8 kHz.
pub struct ToneTts {
    pub ms_per_char: usize,
}

impl Default for ToneTts {
    fn default() -> Self {
        ToneTts { ms_per_char: 30 }
    }
}

impl TextToSpeech for ToneTts {
    fn speak(&self, text: &str, _lang: &str) -> Result<Audio> {
        let ms = (text.chars().count() * self.ms_per_char).max(200);
        Ok(Audio { samples: tone(440.0, ms, 8000, 8000.0), sample_rate: 8000 })
    }
}

/// A sine tone of `ms` milliseconds.
pub fn tone(freq: f32, ms: usize, rate: u32, amplitude: f32) -> Vec<i16> {
    let n = ms * rate as usize / 1000;
    (0..n)
        .map(|i| ((i as f32 * freq * std::f32::consts::TAU / rate as f32).sin() * amplitude) as i16)
        .collect()
}

/// Recorded speech behind `speechlike`: one caller turn of a sample call
/// (Open JTalk, 16 kHz 16-bit mono).
const VOICE_WAV: &[u8] = include_bytes!("../../samples/calls/ja-restaurant-slots/06.wav");

/// The voiced part of `VOICE_WAV` at 16 kHz: every 16 ms frame louder than about
/// -40 dBFS, back to back, so it has no pause anywhere (not even at a loop seam).
fn voice_16k() -> &'static [f32] {
    static VOICE: OnceLock<Vec<f32>> = OnceLock::new();
    VOICE.get_or_init(|| {
        let all = decode_wav(VOICE_WAV).expect("the embedded sample WAV decodes");
        let voiced: Vec<f32> = all
            .chunks(FRAME_LEN)
            .filter(|c| (c.iter().map(|x| x * x).sum::<f32>() / c.len() as f32).sqrt() >= 0.01)
            .flatten()
            .copied()
            .collect();
        assert!(!voiced.is_empty(), "the embedded sample WAV has speech");
        voiced
    })
}

/// A speech-like test signal of `ms` milliseconds at 8 kHz: real recorded speech
/// with its pauses cut out, repeated as needed. The voice activity detector takes
/// it for one continuous utterance from its first few frames, unlike a tone or a
/// synthetic buzz, so its length is what an endpointer measures.
pub fn speechlike(ms: usize) -> Vec<i16> {
    speechlike_at(ms, 8000)
}

/// `speechlike` at any supported sample rate.
pub fn speechlike_at(ms: usize, rate: u32) -> Vec<i16> {
    let n = ms * rate as usize / 1000;
    let voice = voice_16k();
    let resampled;
    let voice = if rate == 16_000 {
        voice
    } else {
        resampled = resample(voice, 16_000, rate).expect("a supported sample rate");
        &resampled[..]
    };
    voice.iter().cycle().take(n).map(|v| (v.clamp(-1.0, 1.0) * 32767.0) as i16).collect()
}

/// Answers with speech-like sound, `ms_per_char` per character, at 16 kHz: its
/// echo looks like speech to the endpointer, which is what barge-in must ignore.
pub struct SpeechlikeTts {
    pub ms_per_char: usize,
}

impl TextToSpeech for SpeechlikeTts {
    fn speak(&self, text: &str, _lang: &str) -> Result<Audio> {
        let ms = (text.chars().count() * self.ms_per_char).max(300);
        Ok(Audio { samples: speechlike_at(ms, 16_000), sample_rate: 16_000 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{split_utterances, EndpointConfig};

    /// The live-call tests rely on the endpointer measuring a burst's length:
    /// one utterance, detected from (nearly) its first frame, at 16 and 8 kHz.
    #[test]
    fn speechlike_is_one_utterance_from_its_onset() {
        for (rate, max_onset_ms) in [(16_000, 100), (8_000, 150)] {
            for ms in [600, 1000, 1500, 2700, 3000, 6000] {
                let s: Vec<f32> = speechlike_at(ms, rate).iter().map(|v| *v as f32 / 32768.0).collect();
                let s16 = resample(&s, rate, 16_000).unwrap();
                let u = split_utterances(&s16, &EndpointConfig::default());
                let spans: Vec<_> = u.iter().map(|u| (u.start_ms, u.end_ms)).collect();
                assert_eq!(u.len(), 1, "{ms} ms at {rate} Hz: {spans:?}");
                assert!(u[0].start_ms <= max_onset_ms, "{ms} ms at {rate} Hz: {spans:?}");
                assert!(u[0].end_ms + 50 >= ms as u64, "{ms} ms at {rate} Hz: {spans:?}");
            }
        }
    }
}
