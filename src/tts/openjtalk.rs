//! Japanese speech with the open_jtalk program, the NAIST dictionary and the
//! nitech m001 HTS voice (Debian: open-jtalk, open-jtalk-mecab-naist-jdic,
//! hts-voice-nitech-jp-atr503-m001 from contrib).

use super::{normalize, program, split_sentences, Audio, Tts};
use anyhow::{Context, Result};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// open_jtalk run as a child program; output is 48 kHz mono with the nitech voice.
#[derive(Debug, Clone)]
pub struct OpenJtalk {
    program: PathBuf,
    dictionary: PathBuf,
    voice: PathBuf,
}

/// open_jtalk reads its input with a 1024-byte line buffer; longer text is cut up first.
const MAX_CHUNK_BYTES: usize = 900;

impl OpenJtalk {
    pub const PACKAGE: &'static str = "open-jtalk";
    pub const DICTIONARY_PACKAGE: &'static str = "open-jtalk-mecab-naist-jdic";
    pub const VOICE_PACKAGE: &'static str = "hts-voice-nitech-jp-atr503-m001 (Debian contrib)";
    pub const DEFAULT_DICTIONARY: &'static str = "/var/lib/mecab/dic/open-jtalk/naist-jdic";
    pub const DEFAULT_VOICE: &'static str =
        "/usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice";

    /// Checks that the program, dictionary folder and voice file exist; each missing
    /// piece is reported with the package that provides it.
    pub fn new(program: impl AsRef<OsStr>, dictionary: &Path, voice: &Path) -> Result<Self> {
        let program = program::locate(program.as_ref(), Self::PACKAGE)?;
        program::require(
            dictionary,
            "Open JTalk dictionary",
            Self::DICTIONARY_PACKAGE,
        )?;
        program::require(voice, "Open JTalk voice", Self::VOICE_PACKAGE)?;
        Ok(OpenJtalk {
            program,
            dictionary: dictionary.into(),
            voice: voice.into(),
        })
    }

    /// Reads `YOYAKU_OPEN_JTALK` (program, default `open_jtalk`), `OPENJTALK_DIC` and
    /// `OPENJTALK_VOICE` (the same names as the devset's make_audio.sh).
    pub fn from_env() -> Result<Self> {
        let program =
            std::env::var_os("YOYAKU_OPEN_JTALK").unwrap_or_else(|| OsString::from("open_jtalk"));
        let dic =
            std::env::var_os("OPENJTALK_DIC").unwrap_or_else(|| Self::DEFAULT_DICTIONARY.into());
        let voice =
            std::env::var_os("OPENJTALK_VOICE").unwrap_or_else(|| Self::DEFAULT_VOICE.into());
        Self::new(program, Path::new(&dic), Path::new(&voice))
    }

    fn speak_chunk(&self, chunk: &str) -> Result<Audio> {
        let out = tempfile::Builder::new()
            .prefix("yoyaku-jtalk-")
            .suffix(".wav")
            .tempfile()
            .context("cannot create a temporary WAV file for open_jtalk")?;
        let args: [&OsStr; 6] = [
            "-x".as_ref(),
            self.dictionary.as_os_str(),
            "-m".as_ref(),
            self.voice.as_os_str(),
            "-ow".as_ref(),
            out.path().as_os_str(),
        ];
        program::run(&self.program, &args, chunk)?;
        program::checked(super::read_wav(out.path())?, chunk)
    }
}

impl Tts for OpenJtalk {
    fn speak(&self, text: &str) -> Result<Audio> {
        // One process per chunk; a typical reply is a single chunk.
        let mut audio: Option<Audio> = None;
        for chunk in chunks(&normalize("ja", text)) {
            let part = self.speak_chunk(&chunk)?;
            match audio.as_mut() {
                None => audio = Some(part),
                Some(a) => a.append(&part)?,
            }
        }
        audio.with_context(|| format!("nothing to say: {:?} has no words", program::short(text)))
    }
}

/// Packs sentences into single-line chunks open_jtalk reads whole. A sentence that is
/// itself too long is cut at a character boundary (rare: a reply is a few sentences).
fn chunks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for sentence in split_sentences(text) {
        let mut pieces = Vec::new();
        let mut piece = String::new();
        for c in sentence.chars() {
            if piece.len() + c.len_utf8() > MAX_CHUNK_BYTES {
                pieces.push(std::mem::take(&mut piece));
            }
            piece.push(c);
        }
        pieces.push(piece);
        for p in pieces {
            if !cur.is_empty() && cur.len() + p.len() > MAX_CHUNK_BYTES {
                out.push(std::mem::take(&mut cur));
            }
            cur.push_str(&p);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_stay_under_the_line_buffer() {
        let long = "明日の夜7時に4名で予約したいです。".repeat(100);
        let cs = chunks(&long);
        assert!(cs.len() > 1);
        assert!(cs
            .iter()
            .all(|c| c.len() <= MAX_CHUNK_BYTES && !c.contains('\n')));
        assert_eq!(cs.concat(), long);
        let one_sentence = "あ".repeat(1000);
        assert_eq!(chunks(&one_sentence).concat(), one_sentence);
        assert_eq!(chunks("はい。"), vec!["はい。".to_string()]);
        assert!(chunks("").is_empty());
    }
}
