//! `yoyaku transcribe`: WAV files in, one line of text per file out, in order.

use crate::asr::Recognizer;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Language spoken: ja, en or auto (detect).
    #[arg(long, default_value = "auto", value_parser = ["ja", "en", "auto"])]
    pub lang: String,
    /// ggml model file (default: $YOYAKU_MODEL, else models/ggml-base-q8_0.bin, installed if missing).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// WAV files to transcribe.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    // Read every file first so a bad one fails fast, before the model loads.
    let audio = a
        .files
        .iter()
        .map(|f| crate::audio::load_wav(f).with_context(|| format!("cannot transcribe {}", f.display())))
        .collect::<Result<Vec<_>>>()?;
    let path = crate::model::resolve_model(a.model.as_deref())?;
    let rec = Recognizer::load(&path)?;
    let mut out = std::io::stdout().lock();
    for (samples, file) in audio.iter().zip(&a.files) {
        let t = rec.transcribe(samples, &a.lang, None).with_context(|| format!("cannot transcribe {}", file.display()))?;
        // One line per file, whatever whisper put in the text.
        let line = t.text.split_whitespace().collect::<Vec<_>>().join(" ");
        writeln!(out, "{line}")?;
    }
    Ok(())
}
