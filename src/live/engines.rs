//! The real speech engines behind the live traits: one whisper model shared by
//! every call, and the project's synthesisers.

use super::deps::{tts, Recognizer};
use super::{SpeechToText, TextToSpeech};
use anyhow::Result;
use lru::LruCache;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Whisper, loaded once and shared in an Arc by all calls.
pub struct WhisperStt(pub Arc<Recognizer>);

impl SpeechToText for WhisperStt {
    fn transcribe(&self, samples_16k: &[f32], lang: &str, after: Option<&str>) -> Result<String> {
        Ok(self.0.transcribe(samples_16k, lang, after)?.text)
    }

    fn transcribe_unless(&self, samples_16k: &[f32], lang: &str, after: Option<&str>, stop: &AtomicBool) -> Result<Option<String>> {
        let heard = self.0.transcribe_unless(samples_16k, lang, after, stop);
        // Stopped: whatever came of it (text or the abort's error) is not wanted.
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        Ok(Some(heard?.text))
    }
}

/// The project's TTS (`tts::for_lang`): one engine per language, made on first
/// use and shared by all calls (engines hold only configuration). Replies are
/// spoken phrase by phrase, and recent phrases are kept: the prompts recur in
/// every call, and a kept phrase plays at once instead of after an engine run
/// (Open JTalk takes 0.1–0.7 s a phrase).
pub struct EngineTts {
    engines: Mutex<HashMap<String, Arc<dyn tts::Tts>>>,
    /// (language, phrase) → speech; a phrase is a second of audio or two, so
    /// this holds at most a few tens of MB.
    phrases: Mutex<LruCache<(String, String), Arc<tts::Audio>>>,
}

/// Phrases kept: every stock prompt of both languages with room for the
/// dates, times and names of the day's calls.
const KEPT_PHRASES: usize = 256;

impl Default for EngineTts {
    fn default() -> Self {
        let cap = NonZeroUsize::new(KEPT_PHRASES).expect("KEPT_PHRASES is not zero");
        EngineTts { engines: Mutex::default(), phrases: Mutex::new(LruCache::new(cap)) }
    }
}

impl EngineTts {
    /// Synthesises ahead of the first call every phrase of `lines` that is said
    /// word for word (`Session::stock_lines`); phrases holding a `{placeholder}`
    /// vary per call and are skipped.
    pub fn warm(&self, lang: &str, lines: &[String]) -> Result<()> {
        for line in lines {
            for phrase in tts::split_phrases(line).iter().filter(|p| !p.contains('{')) {
                self.phrase(phrase, lang)?;
            }
        }
        Ok(())
    }

    fn phrase(&self, phrase: &str, lang: &str) -> Result<Arc<tts::Audio>> {
        let key = (lang.to_string(), phrase.to_string());
        if let Some(s) = self.phrases.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(s.clone());
        }
        let s = Arc::new(self.engine(lang)?.speak(phrase)?);
        self.phrases.lock().unwrap_or_else(|e| e.into_inner()).put(key, s.clone());
        Ok(s)
    }

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
    fn speak(&self, text: &str, lang: &str) -> Result<tts::Audio> {
        let mut out: Option<tts::Audio> = None;
        for phrase in tts::split_phrases(text) {
            let s = self.phrase(&phrase, lang)?;
            match out.as_mut() {
                None => out = Some((*s).clone()),
                Some(o) => o.append(&s)?,
            }
        }
        // The engine's own error for text with nothing to read.
        match out {
            Some(s) => Ok(s),
            None => self.engine(lang)?.speak(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_spoken_from_kept_phrases() {
        let tts = EngineTts::default();
        let lines = vec!["What time would you like?".to_string(), "See you on {date}. Thank you for calling.".to_string()];
        tts.warm("en", &lines).expect("espeak-ng installed (scripts/install-tts.sh)");
        let kept = |p: &str| tts.phrases.lock().unwrap().contains(&("en".to_string(), p.to_string()));
        assert!(kept("What time would you like?"));
        assert!(kept("Thank you for calling."));
        assert!(!kept("See you on {date}."), "a phrase with a placeholder varies per call");
        // A reply is its phrases joined, kept or not.
        let whole = tts.speak("See you on Friday. Thank you for calling.", "en").unwrap();
        let first = tts.speak("See you on Friday.", "en").unwrap();
        let second = tts.speak("Thank you for calling.", "en").unwrap();
        assert_eq!(whole.samples.len(), first.samples.len() + second.samples.len());
        assert!(tts.speak("...", "en").is_err(), "nothing to say is an error");
    }
}
