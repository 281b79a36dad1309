//! `yoyaku bench`: times the extractor per utterance over a file of utterances
//! (one per line), or over the grammars' own example tables.

use super::common::{load_profile, parse_now};
use crate::extract::{extract, Context, Source};
use crate::grammar::Grammar;
use anyhow::{bail, Context as _, Result};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Language of the utterances.
    #[arg(long, default_value = "ja")]
    lang: String,
    /// Utterances, one per line (default: the phrases of grammars/<lang>/examples.toml).
    #[arg(long)]
    input: Option<PathBuf>,
    /// Passes over the input.
    #[arg(long, default_value_t = 200)]
    rounds: usize,
}

pub fn run(a: Args) -> Result<()> {
    let g = Grammar::load(&a.lang)?;
    let profile = load_profile(None)?;
    let texts: Vec<String> = match &a.input {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("cannot read {}", p.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(String::from)
            .collect(),
        None => crate::examples::load(&Grammar::root(), &a.lang)?.into_iter().map(|e| e.text).collect(),
    };
    if texts.is_empty() {
        bail!("no utterances to time");
    }
    let ctx = Context { source: Source::Typed, now: parse_now("2026-11-27T10:00")?, profile: &profile, call_date: None, expect: None };
    // One untimed pass: the regexes build their caches on first use.
    for t in &texts {
        std::hint::black_box(extract(&g, t, &ctx));
    }
    let mut times = Vec::with_capacity(texts.len() * a.rounds);
    for _ in 0..a.rounds.max(1) {
        for t in &texts {
            let start = Instant::now();
            std::hint::black_box(extract(&g, t, &ctx));
            times.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "extract [{}]: {} utterances x {} rounds: mean {:.1} µs, p50 {:.1} µs, p95 {:.1} µs, max {:.1} µs",
        a.lang, texts.len(), a.rounds, mean, pct(0.5), pct(0.95), pct(1.0)
    );
    Ok(())
}
