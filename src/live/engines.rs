//! The real speech engines behind the live traits: one whisper model shared by
//! every call, and the project's synthesisers.

use super::deps::{tts, Recognizer};
use super::{Speech, SpeechToText, TextToSpeech};
use anyhow::Result;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Whisper, loaded once and shared in an Arc by all calls.
pub struct WhisperStt(pub Arc<Recognizer>);

impl SpeechToText for WhisperStt {
    fn transcribe(&self, samples_16k: &[f32], lang: &str) -> Result<String> {
        Ok(self.0.transcribe(samples_16k, lang, None)?.text)
    }
}

/// The project's TTS (`tts::for_lang`): one engine per language, made on first
/// use and shared by all calls (engines hold only configuration).
#[derive(Default)]
pub struct EngineTts {
    engines: Mutex<HashMap<String, Arc<dyn tts::Tts>>>,
}

impl EngineTts {
    /// Check that the engine for `lang` is installed now, not on the first call.
    pub fn preload(&self, lang: &str) -> Result<()> {
        self.engine(lang).map(|_| ())
    }

    fn engine(&self, lang: &str) -> Result<Arc<dyn tts::Tts>> {
        let mut g = self.engines.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = g.get(lang) {
            return Ok(e.clone());
        }
        let e: Arc<dyn tts::Tts> = Arc::from(tts::for_lang(lang)?);
        g.insert(lang.to_string(), e.clone());
        Ok(e)
    }
}

impl TextToSpeech for EngineTts {
    fn speak(&self, text: &str, lang: &str) -> Result<Speech> {
        let a = self.engine(lang)?.speak(text)?;
        Ok(Speech { samples: a.samples, sample_rate: a.sample_rate })
    }
}
