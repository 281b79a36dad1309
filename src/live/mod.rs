//! What the live paths (phone server and kiosk) share: the speech traits a call
//! is built on, so tests can swap the real model and synthesiser for fakes; the
//! call clock; and the things the agent says when the caller stays silent.

pub mod deps;
pub mod engines;
pub mod fakes;
pub mod standin;

use anyhow::Result;
use chrono::NaiveDateTime;
use std::time::Instant;

/// Speech to text for one utterance of 16 kHz mono audio.
pub trait SpeechToText: Send + Sync {
    fn transcribe(&self, samples_16k: &[f32], lang: &str) -> Result<String>;
}

/// Text to speech, at whatever rate the engine produces.
pub trait TextToSpeech: Send + Sync {
    fn speak(&self, text: &str, lang: &str) -> Result<Speech>;
}

#[derive(Debug, Clone, PartialEq)]
pub struct Speech {
    pub samples: Vec<i16>,
    pub sample_rate: u32,
}

impl Speech {
    /// The same speech at another rate (8 kHz for phone lines, the device rate for the kiosk).
    pub fn at_rate(&self, rate: u32) -> Vec<i16> {
        if rate == self.sample_rate {
            return self.samples.clone();
        }
        let x: Vec<f32> = self.samples.iter().map(|s| *s as f32 / 32768.0).collect();
        deps::resample(&x, self.sample_rate, rate)
            .into_iter()
            .map(|s| (s.clamp(-1.0, 1.0) * 32767.0) as i16)
            .collect()
    }
}

/// Local wall-clock time in the profile's zone, or a fixed start (`--now`) that
/// runs on in real time, so tests and demos see a known date.
#[derive(Debug, Clone)]
pub struct Clock {
    start: Option<(NaiveDateTime, Instant)>,
    tz: chrono_tz::Tz,
}

impl Clock {
    pub fn new(tz: chrono_tz::Tz, start: Option<NaiveDateTime>) -> Clock {
        Clock { start: start.map(|s| (s, Instant::now())), tz }
    }

    pub fn now(&self) -> NaiveDateTime {
        match self.start {
            Some((at, t0)) => at + chrono::Duration::from_std(t0.elapsed()).unwrap_or_default(),
            None => chrono::Utc::now().with_timezone(&self.tz).naive_local(),
        }
    }
}

/// Parse `--now` as local time, "2026-11-27T10:00" (seconds optional).
pub fn parse_now(s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| anyhow::anyhow!("--now {s:?} is not a local time like 2026-11-27T10:00"))
}

/// Asked after the caller has been silent for a while.
pub fn reprompt(lang: &str) -> &'static str {
    if lang == "ja" {
        "もしもし、お電話聞こえておりますでしょうか。"
    } else {
        "Hello, are you still there?"
    }
}

/// Said before hanging up after repeated silence.
pub fn silence_goodbye(lang: &str) -> &'static str {
    if lang == "ja" {
        "お声が聞こえないため、いったん失礼いたします。またおかけ直しください。"
    } else {
        "I can't hear you, so I'll hang up now. Please call again."
    }
}

/// Silence handling shared by phone calls and the kiosk.
#[derive(Debug, Clone, Copy)]
pub struct SilencePolicy {
    /// Re-prompt after this long without caller speech (after the agent stopped talking).
    pub reprompt_after: std::time::Duration,
    /// End the call when this many re-prompts in a row went unanswered.
    pub max_reprompts: u32,
}

impl Default for SilencePolicy {
    fn default() -> Self {
        SilencePolicy { reprompt_after: std::time::Duration::from_secs(8), max_reprompts: 2 }
    }
}
