//! What the live paths (phone server and kiosk) share: the speech traits a call
//! is built on, so tests can swap the real model and synthesiser for fakes; the
//! call clock; and the things the agent says when the caller stays silent.

pub mod deps;
pub mod engines;
pub mod fakes;

use crate::tts::Audio;
use anyhow::Result;
use chrono::NaiveDateTime;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Speech to text for one utterance of 16 kHz mono audio; `after` is the agent's
/// line the caller is answering (`Session::last_reply`), heard as context.
pub trait SpeechToText: Send + Sync {
    fn transcribe(&self, samples_16k: &[f32], lang: &str, after: Option<&str>) -> Result<String>;

    /// Like `transcribe`, for a transcription started before the turn is known to
    /// be over: None once `stop` is set (the caller went on talking), and an
    /// engine may give up early then.
    fn transcribe_unless(&self, samples_16k: &[f32], lang: &str, after: Option<&str>, stop: &AtomicBool) -> Result<Option<String>> {
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        self.transcribe(samples_16k, lang, after).map(Some)
    }
}

/// Text to speech, at whatever rate the engine produces (`Audio::at_rate` converts).
pub trait TextToSpeech: Send + Sync {
    fn speak(&self, text: &str, lang: &str) -> Result<Audio>;
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

/// Asked after the caller has been silent for a while (`reprompt` in prompts.toml).
pub fn reprompt(lang: &str) -> String {
    prompt(lang, "reprompt")
}

/// Said before hanging up after repeated silence (`silence_goodbye` in prompts.toml).
pub fn silence_goodbye(lang: &str) -> String {
    prompt(lang, "silence_goodbye")
}

/// A fixed line of the language's prompts; the grammar is already loaded for the call.
fn prompt(lang: &str, key: &str) -> String {
    crate::session::grammar(lang).map(|g| crate::dialogue::Say::new(&g).line(key, &[])).unwrap_or_default()
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
