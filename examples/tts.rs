//! Speaks text with yoyaku's TTS, or times it on typical reply lines.
//!
//!   cargo run --release --example tts -- say ja "ご予約を承りました。" out.wav [--8k]
//!   cargo run --release --example tts -- bench [ROUNDS]

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::time::Instant;
use yoyaku::tts::{self, Audio};

const LINES: &[(&str, &str)] = &[
    ("ja", "お電話ありがとうございます。さくら食堂です。ご予約でしょうか。"),
    ("ja", "何名様でしょうか。"),
    ("ja", "11月28日土曜日の19時に4名様、田中様、お電話番号は090-1234-5678でよろしいでしょうか。"),
    ("ja", "ご予約を承りました。ご来店をお待ちしております。"),
    ("en", "Thank you for calling Sakura Dining. How can I help you?"),
    ("en", "How many people?"),
    ("en", "That's 4 people on Saturday, November 28 at 7:00 PM, under Smith, phone 415-555-0123. Shall I book it?"),
    ("en", "You're booked. See you then!"),
];

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tts: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("say") if args.len() >= 4 => {
            let audio = tts::for_lang(&args[1])?.speak(&args[2])?;
            let audio = if args.iter().any(|a| a == "--8k") {
                Audio { samples: audio.at_rate(8_000), sample_rate: 8_000 }
            } else {
                audio
            };
            tts::write_wav(Path::new(&args[3]), &audio)
        }
        Some("bench") => {
            let rounds: usize = args.get(1).map_or(Ok(3), |r| r.parse()).context("ROUNDS must be a number")?;
            bench(rounds.max(1))
        }
        _ => bail!("usage: tts say LANG TEXT OUT.wav [--8k] | tts bench [ROUNDS]"),
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Median over `rounds` of: whole line, first phrase only (what `speak_sentences` yields
/// first), and 8 kHz conversion.
fn bench(rounds: usize) -> Result<()> {
    println!("lang  whole_ms  first_phrase_ms  to_8k_ms  audio_s  chars  line");
    for &(lang, line) in LINES {
        let engine = tts::for_lang(lang)?;
        let (mut whole, mut first, mut conv) = (vec![], vec![], vec![]);
        let mut secs = 0.0;
        for _ in 0..rounds {
            let t = Instant::now();
            let audio = engine.speak(line)?;
            whole.push(ms(t));
            secs = audio.duration_secs();
            let t = Instant::now();
            tts::speak_sentences(engine.as_ref(), line).next().transpose()?;
            first.push(ms(t));
            let t = Instant::now();
            let _ = audio.at_rate(8_000);
            conv.push(ms(t));
        }
        println!(
            "{lang}  {:8.0}  {:15.0}  {:8.1}  {:7.2}  {:5}  {line}",
            median(&mut whole),
            median(&mut first),
            median(&mut conv),
            secs,
            line.chars().count()
        );
    }
    Ok(())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}
