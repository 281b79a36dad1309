//! Speech out: turns a reply line into mono 16-bit audio with an offline synthesiser.
//!
//! Japanese goes to Open JTalk, English to espeak-ng; both run as child programs (one
//! call per line, temp files from `tempfile`, so many calls may speak at once). Text is
//! normalised first (`normalize`) so phone numbers are read digit by digit and clock
//! times sound natural. For a short time to first audio, `speak_sentences` /
//! `speak_ahead` hand out one sentence at a time. `Audio::at_rate` makes telephone audio.

mod espeak;
mod normalize;
mod openjtalk;
mod program;
mod resample;
mod split;
mod trim;
mod wav;

use anyhow::{bail, Result};
use std::sync::{mpsc, Arc};

pub use espeak::Espeak;
pub use normalize::normalize;
pub use openjtalk::OpenJtalk;
pub use resample::resample_i16;
pub use split::{split_phrases, split_sentences};
pub use trim::trim_silence;
pub use wav::{read_wav, write_wav};

/// Silence kept before and after each engine output (ms): enough not to clip a soft
/// onset, short enough that joined phrases sound like one reply.
pub const LEAD_MS: u32 = 50;
pub const TAIL_MS: u32 = 200;

/// The install script named in every "engine missing" error.
pub const INSTALL_HINT: &str = "scripts/install-tts.sh";

/// Mono 16-bit PCM at `sample_rate` Hz.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audio {
    pub samples: Vec<i16>,
    pub sample_rate: u32,
}

impl Audio {
    /// Length in seconds (0 for an unusable rate).
    pub fn duration_secs(&self) -> f64 {
        if self.sample_rate == 0 {
            return 0.0;
        }
        self.samples.len() as f64 / self.sample_rate as f64
    }

    /// Appends `other`, which must have the same rate (engines never change rate mid-line).
    pub fn append(&mut self, other: &Audio) -> Result<()> {
        if other.sample_rate != self.sample_rate {
            bail!(
                "cannot join audio at {} Hz and {} Hz; resample one first",
                self.sample_rate,
                other.sample_rate
            );
        }
        self.samples.extend_from_slice(&other.samples);
        Ok(())
    }
}

/// A speech synthesiser. Implementations hold only configuration, so one instance may be
/// shared between threads and calls.
pub trait Tts: Send + Sync {
    /// Speaks `text` (a whole reply; may hold several sentences). Empty or unspeakable
    /// text is an error, never silence.
    fn speak(&self, text: &str) -> Result<Audio>;
}

/// The synthesiser for a language code: "ja" → Open JTalk, "en" → espeak-ng.
///
/// Checks up front that the program, dictionary and voice are installed; paths can be
/// overridden with the environment variables listed on `OpenJtalk::from_env` and
/// `Espeak::from_env`.
pub fn for_lang(lang: &str) -> Result<Box<dyn Tts>> {
    match lang {
        "ja" => Ok(Box::new(OpenJtalk::from_env()?)),
        "en" => Ok(Box::new(Espeak::from_env()?)),
        other => bail!("no speech synthesiser for language {other:?}; use \"ja\" or \"en\""),
    }
}

/// Speaks `text` one sentence at a time, lazily: the caller can play the first sentence
/// before the next one is made. Long Japanese sentences are also cut after '、'
/// (`split_phrases`). Yields nothing for text with nothing to read.
pub fn speak_sentences<'a>(
    tts: &'a dyn Tts,
    text: &str,
) -> impl Iterator<Item = Result<Audio>> + 'a {
    split_phrases(text).into_iter().map(move |s| tts.speak(&s))
}

/// Like `speak_sentences`, but synthesises on a background thread, up to `ahead`
/// sentences ahead of the reader, so synthesis of sentence n+1 overlaps playback of n.
/// Dropping the receiver stops the thread after its current sentence.
pub fn speak_ahead(tts: Arc<dyn Tts>, text: &str, ahead: usize) -> mpsc::Receiver<Result<Audio>> {
    let sentences = split_phrases(text);
    let (tx, rx) = mpsc::sync_channel(ahead.max(1));
    std::thread::spawn(move || {
        for s in sentences {
            let r = tts.speak(&s);
            let failed = r.is_err();
            if tx.send(r).is_err() || failed {
                break; // reader gone, or an error already reported
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests;
