//! English speech with the espeak-ng program (Debian package `espeak-ng`).

use super::{normalize, program, Audio, Tts};
use anyhow::{bail, Context, Result};
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// espeak-ng run as a child program; output is 22.05 kHz mono.
#[derive(Debug, Clone)]
pub struct Espeak {
    program: PathBuf,
    voice: String,
    words_per_minute: u32,
}

impl Espeak {
    /// Debian package that provides the program and its voices.
    pub const PACKAGE: &'static str = "espeak-ng";
    pub const DEFAULT_VOICE: &'static str = "en-us";
    /// A little slower than espeak's 175: callers hear it through a phone line.
    pub const DEFAULT_WPM: u32 = 160;

    /// `program` is a name on PATH or a path; fails with the package name if it is missing.
    pub fn new(program: impl AsRef<OsStr>, voice: &str, words_per_minute: u32) -> Result<Self> {
        let program = program::locate(program.as_ref(), Self::PACKAGE)?;
        if voice.is_empty() || voice.starts_with('-') {
            bail!("bad espeak-ng voice {voice:?}; use a name such as \"en-us\"");
        }
        Ok(Espeak {
            program,
            voice: voice.to_string(),
            words_per_minute,
        })
    }

    /// Reads `YOYAKU_ESPEAK_NG` (program, default `espeak-ng`), `YOYAKU_ESPEAK_VOICE`
    /// (default `en-us`) and `YOYAKU_ESPEAK_WPM` (default 160).
    pub fn from_env() -> Result<Self> {
        let program =
            std::env::var_os("YOYAKU_ESPEAK_NG").unwrap_or_else(|| OsString::from("espeak-ng"));
        let voice =
            std::env::var("YOYAKU_ESPEAK_VOICE").unwrap_or_else(|_| Self::DEFAULT_VOICE.into());
        let wpm = match std::env::var("YOYAKU_ESPEAK_WPM") {
            Ok(v) => v
                .parse()
                .ok()
                .filter(|w| (80..=450).contains(w))
                .with_context(|| {
                    format!("YOYAKU_ESPEAK_WPM={v:?} is not a speed in words per minute (80-450)")
                })?,
            Err(_) => Self::DEFAULT_WPM,
        };
        Self::new(program, &voice, wpm)
    }
}

impl Tts for Espeak {
    fn speak(&self, text: &str) -> Result<Audio> {
        let spoken = normalize("en", text);
        if !spoken.chars().any(char::is_alphanumeric) {
            bail!("nothing to say: {:?} has no words", program::short(text));
        }
        let out = tempfile::Builder::new()
            .prefix("yoyaku-espeak-")
            .suffix(".wav")
            .tempfile()
            .context("cannot create a temporary WAV file for espeak-ng")?;
        let wpm = self.words_per_minute.to_string();
        let args: [&OsStr; 7] = [
            "-v".as_ref(),
            self.voice.as_ref(),
            "-s".as_ref(),
            wpm.as_ref(),
            "-w".as_ref(),
            out.path().as_os_str(),
            "--stdin".as_ref(),
        ];
        program::run(&self.program, &args, &spoken)?;
        program::checked(super::read_wav(out.path())?, text)
    }
}
