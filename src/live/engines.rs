//! The real speech engines behind the live traits: one whisper model shared by
//! every call, and the project's synthesisers.

use super::deps::{tts, Recognizer};
use super::{Speech, SpeechToText, TextToSpeech};
use anyhow::Result;
use std::sync::Arc;

/// Whisper, loaded once and shared in an Arc by all calls.
pub struct WhisperStt(pub Arc<Recognizer>);

impl SpeechToText for WhisperStt {
    fn transcribe(&self, samples_16k: &[f32], lang: &str) -> Result<String> {
        Ok(self.0.transcribe(samples_16k, lang, None)?.text)
    }
}

/// The project's TTS (`tts::for_lang`), created per reply so no engine state is
/// shared between calls.
pub struct EngineTts;

impl TextToSpeech for EngineTts {
    #[allow(unused_mut)]
    fn speak(&self, text: &str, lang: &str) -> Result<Speech> {
        let mut engine = tts::for_lang(lang)?;
        let a = engine.speak(text)?;
        Ok(Speech { samples: a.samples, sample_rate: a.sample_rate })
    }
}
