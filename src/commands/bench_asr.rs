//! `yoyaku bench-asr`: speed and rough accuracy of speech recognition on the devset
//! audio (`audio/index.jsonl`): load time, per-utterance latency, real-time factor,
//! and character (ja) / word (en) error rates against the scripted text.

use crate::asr::{Options, Recognizer};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Instant;
use unicode_normalization::UnicodeNormalization;

#[derive(clap::Args)]
pub struct Args {
    /// The devset audio index (its `file` fields are relative to --root).
    #[arg(long, default_value = "../shared/devset/audio/index.jsonl")]
    pub index: PathBuf,
    /// Directory the files are under (default: the index's directory).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Only this condition (clean16k or tel8k).
    #[arg(long)]
    pub condition: Option<String>,
    /// Only this language (ja or en).
    #[arg(long)]
    pub lang: Option<String>,
    /// Recognise with --lang auto instead of the file's language.
    #[arg(long)]
    pub auto: bool,
    /// At most this many files.
    #[arg(long)]
    pub limit: Option<usize>,
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Decode with the full 30 s encoder window.
    #[arg(long)]
    pub full_ctx: bool,
    /// No domain prompt.
    #[arg(long)]
    pub no_prompt: bool,
    /// Decoding threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Smallest encoder window (positions; 50 per second).
    #[arg(long)]
    pub min_ctx: Option<usize>,
    /// Print every transcript.
    #[arg(long)]
    pub show: bool,
}

#[derive(serde::Deserialize)]
struct Entry {
    file: String,
    condition: String,
    lang: String,
    text: String,
}

/// Lowercase, NFKC, no punctuation or spaces (ja) / split into words (en).
fn units(text: &str, lang: &str) -> Vec<String> {
    let t: String = text.nfkc().collect::<String>().to_lowercase();
    let keep = |c: char| c.is_alphanumeric() || c == '\'' || c.is_whitespace();
    let t: String = t.chars().map(|c| if keep(c) { c } else { ' ' }).collect();
    if lang == "ja" {
        t.chars().filter(|c| !c.is_whitespace()).map(String::from).collect()
    } else {
        t.split_whitespace().map(String::from).collect()
    }
}

fn edit_distance(a: &[String], b: &[String]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// CPU seconds this process has used (Linux /proc; 0 elsewhere). Unlike wall time it
/// does not grow when other processes compete for the cores.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // After the parenthesised command name come state, ppid, …; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (field(11) + field(12)) / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub fn run(a: Args) -> Result<()> {
    let text = std::fs::read_to_string(&a.index).with_context(|| format!("cannot read {}: pass --index", a.index.display()))?;
    let root = a.root.clone().unwrap_or_else(|| a.index.parent().map(PathBuf::from).unwrap_or_default());
    let mut entries: Vec<Entry> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .context("bad line in the index")?;
    entries.retain(|e| a.condition.as_ref().is_none_or(|c| &e.condition == c) && a.lang.as_ref().is_none_or(|l| &e.lang == l));
    if let Some(n) = a.limit {
        entries.truncate(n);
    }

    let path = crate::model::resolve_model(a.model.as_deref())?;
    let t0 = Instant::now();
    let mut opts = Options { fit_audio_ctx: !a.full_ctx, domain_prompt: !a.no_prompt, ..Options::default() };
    if let Some(m) = a.min_ctx {
        opts.min_audio_ctx = m;
    }
    if let Some(t) = a.threads {
        opts.threads = t.max(1);
    }
    let rec_threads = opts.threads;
    let rec = Recognizer::load_with(&path, opts)?;
    let load_s = t0.elapsed().as_secs_f64();

    let mut lat = Vec::new();
    let mut cpu = Vec::new();
    let (mut max_nosp, mut dropped) = (0f32, 0usize);
    let (mut audio_s, mut busy_s) = (0.0, 0.0);
    // (errors, reference length) per language
    let mut err: std::collections::BTreeMap<String, (usize, usize, usize)> = Default::default();
    for e in &entries {
        let samples = crate::audio::load_wav(&root.join(&e.file)).with_context(|| format!("cannot load {}", e.file))?;
        let lang = if a.auto { "auto" } else { e.lang.as_str() };
        let (t, c) = (Instant::now(), cpu_seconds());
        let tr = rec.transcribe(&samples, lang, None)?;
        let dt = t.elapsed().as_secs_f64();
        lat.push(dt);
        cpu.push(cpu_seconds() - c);
        audio_s += samples.len() as f64 / crate::audio::SAMPLE_RATE as f64;
        busy_s += dt;
        let (r, h) = (units(&e.text, &e.lang), units(&tr.text, &e.lang));
        let d = edit_distance(&r, &h);
        let s = err.entry(e.lang.clone()).or_default();
        s.0 += d;
        s.1 += r.len();
        s.2 += usize::from(d == 0);
        max_nosp = max_nosp.max(tr.no_speech_prob);
        dropped += usize::from(tr.text.is_empty());
        if a.show {
            println!("{:.0} ms  {}  [{}] no_speech {:.3} logprob {:.2}\n   ref: {}\n   got: {}", dt * 1000.0, e.file, d, tr.no_speech_prob, tr.avg_logprob, e.text, tr.text);
        }
    }
    lat.sort_by(|x, y| x.total_cmp(y));
    cpu.sort_by(|x, y| x.total_cmp(y));
    println!("model {}  load {:.2} s  files {}  audio {:.1} s", path.display(), load_s, entries.len(), audio_s);
    println!(
        "latency p50 {:.0} ms  p95 {:.0} ms  max {:.0} ms  RTF {:.3}",
        percentile(&lat, 0.5) * 1000.0,
        percentile(&lat, 0.95) * 1000.0,
        lat.last().copied().unwrap_or(0.0) * 1000.0,
        if audio_s > 0.0 { busy_s / audio_s } else { 0.0 }
    );
    println!(
        "cpu per utterance p50 {:.0} ms  p95 {:.0} ms  (threads {}, load average {})",
        percentile(&cpu, 0.5) * 1000.0,
        percentile(&cpu, 0.95) * 1000.0,
        rec_threads,
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().next().unwrap_or("?")
    );
    println!("empty transcripts {dropped}  highest P(no speech) {max_nosp:.3}");
    for (lang, (e, n, exact)) in &err {
        let unit = if lang == "ja" { "CER" } else { "WER" };
        let files = entries.iter().filter(|x| &x.lang == lang).count();
        println!("{lang}: {unit} {:.1}%  exact {exact}/{files}", 100.0 * *e as f64 / (*n).max(1) as f64);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rate_units() {
        assert_eq!(units("Hello, World!", "en"), vec!["hello", "world"]);
        assert_eq!(units("予約、２名", "ja"), vec!["予", "約", "2", "名"]);
        let (a, b) = (units("a b c", "en"), units("a x c d", "en"));
        assert_eq!(edit_distance(&a, &b), 2);
    }
}
