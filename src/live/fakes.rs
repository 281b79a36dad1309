//! Stand-in speech engines for tests and model-free demos: a recogniser that
//! knows utterances by their length, and a synthesiser that answers with a tone.

use super::{Speech, SpeechToText, TextToSpeech};
use anyhow::{bail, Result};
use std::sync::Mutex;

/// Recognises an utterance as the text whose expected duration is nearest.
/// Tests send tone bursts (or WAVs) of distinct lengths and list them here.
pub struct DurationTableStt {
    table: Vec<(f32, String)>,
    /// Every (seconds, text) it answered, for assertions.
    pub heard: Mutex<Vec<(f32, String)>>,
}

impl DurationTableStt {
    pub fn new(table: Vec<(f32, String)>) -> Self {
        DurationTableStt { table, heard: Mutex::new(Vec::new()) }
    }
}

impl SpeechToText for DurationTableStt {
    fn transcribe(&self, samples_16k: &[f32], _lang: &str) -> Result<String> {
        let secs = samples_16k.len() as f32 / 16_000.0;
        let Some((_, text)) = self
            .table
            .iter()
            .min_by(|a, b| (a.0 - secs).abs().total_cmp(&(b.0 - secs).abs()))
        else {
            bail!("the fake recogniser has an empty table");
        };
        self.heard.lock().unwrap().push((secs, text.clone()));
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
    fn speak(&self, text: &str, _lang: &str) -> Result<Speech> {
        let ms = (text.chars().count() * self.ms_per_char).max(200);
        Ok(Speech { samples: tone(440.0, ms, 8000, 8000.0), sample_rate: 8000 })
    }
}

/// A sine tone of `ms` milliseconds.
pub fn tone(freq: f32, ms: usize, rate: u32, amplitude: f32) -> Vec<i16> {
    let n = ms * rate as usize / 1000;
    (0..n)
        .map(|i| ((i as f32 * freq * std::f32::consts::TAU / rate as f32).sin() * amplitude) as i16)
        .collect()
}

/// A speech-like test signal: a 120 Hz voice with vowel-ish harmonics, in
/// syllables of 200 ms with short dips, at 8 kHz. A voice activity detector
/// takes it for speech, unlike a pure tone.
pub fn speechlike(ms: usize) -> Vec<i16> {
    speechlike_at(ms, 8000)
}

pub fn speechlike_at(ms: usize, rate: u32) -> Vec<i16> {
    let n = ms * rate as usize / 1000;
    (0..n)
        .map(|i| {
            let t = i as f32 / rate as f32;
            let syl = (t * 5.0 * std::f32::consts::PI).sin().abs().powf(0.5);
            let f0 = 120.0 + 15.0 * (t * 3.0).sin();
            let mut v = 0.0;
            for (h, a) in [(1.0, 1.0), (2.0, 0.6), (3.0, 0.5), (5.0, 0.35), (7.0, 0.2), (11.0, 0.12), (17.0, 0.08)] {
                v += a * (std::f32::consts::TAU * f0 * h * t).sin();
            }
            (v * syl * 4000.0) as i16
        })
        .collect()
}

/// Answers with speech-like sound, `ms_per_char` per character, at 16 kHz: its
/// echo looks like speech to the endpointer, which is what barge-in must ignore.
pub struct SpeechlikeTts {
    pub ms_per_char: usize,
}

impl TextToSpeech for SpeechlikeTts {
    fn speak(&self, text: &str, _lang: &str) -> Result<Speech> {
        let ms = (text.chars().count() * self.ms_per_char).max(300);
        Ok(Speech { samples: speechlike_at(ms, 16_000), sample_rate: 16_000 })
    }
}
