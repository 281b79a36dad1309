//! `yoyaku extract`: text in, slots out, one JSON object per utterance.

use super::common::{load_profile, now_or};
use crate::extract::{extract, reported, Context, Source};
use crate::grammar::Grammar;
use anyhow::{bail, Context as _, Result};
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Language of the utterances (a folder under grammars/).
    #[arg(long, default_value = "ja")]
    lang: String,
    /// Local time at the business, e.g. 2026-11-27T10:00 (default: the current time).
    #[arg(long)]
    now: Option<String>,
    /// Business profile; decides bare hours (default: samples/restaurant.toml).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Read one utterance per line from stdin and write one JSON line each.
    #[arg(long)]
    jsonl: bool,
    /// The text is a recogniser's transcript (`yoyaku transcribe`): names are spelled
    /// as the grammar's lists spell them (たなか → 田中), as in a call.
    #[arg(long)]
    heard: bool,
    /// The utterance (when not --jsonl).
    text: Vec<String>,
}

pub fn run(a: Args) -> Result<()> {
    let grammar = Grammar::load(&a.lang)?;
    let profile = load_profile(a.profile.as_deref())?;
    let now = now_or(a.now.as_deref(), &profile)?;
    let source = if a.heard { Source::Heard } else { Source::Typed };
    let ctx = Context { source, now, profile: &profile, call_date: None, expect: None };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if a.jsonl {
        if !a.text.is_empty() {
            bail!("give the utterance either as an argument or on stdin with --jsonl, not both");
        }
        for line in std::io::stdin().lock().lines() {
            let line = line.context("stdin is not UTF-8 text")?;
            writeln!(out, "{}", serde_json::to_string(&reported(&grammar, extract(&grammar, &line, &ctx)))?)?;
        }
    } else {
        if a.text.is_empty() {
            bail!("no utterance given: yoyaku extract --lang ja \"明日の夜7時に4名で\" (or --jsonl < file)");
        }
        let text = a.text.join(" ");
        writeln!(out, "{}", serde_json::to_string(&reported(&grammar, extract(&grammar, &text, &ctx)))?)?;
    }
    Ok(())
}
