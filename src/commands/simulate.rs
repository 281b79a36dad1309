//! `yoyaku simulate`: runs a whole call from scripted caller turns and prints
//! the dialogue, the outcome and the stored reservation as one JSON object.

use super::common::{now_or, CallArgs};
use crate::asr::Recognizer;
use crate::extract::Source;
use crate::session::{Line, Session};
use crate::store::Store;
use anyhow::{Context, Result};
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    call: CallArgs,
    /// Reservation book (SQLite file); without it the call uses a fresh, empty book.
    #[arg(long)]
    store: Option<PathBuf>,
    /// Speech model for .wav turns (default: $YOYAKU_MODEL, else the installed base model,
    /// installed on first use).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Write each agent line as a WAV file here (00-agent.wav is the greeting).
    #[arg(long)]
    speak_dir: Option<PathBuf>,
    /// The caller's turns, in order: texts, or paths of .wav files.
    turns: Vec<String>,
}

pub fn run(a: Args) -> Result<()> {
    let (profile, lang) = a.call.profile_and_lang()?;
    let now = now_or(a.call.now.as_deref(), &profile)?;
    let mut store = match &a.store {
        Some(p) => Store::open(p)?,
        None => Store::open_in_memory()?,
    };
    // Every .wav turn is read before the model loads, so a bad file fails fast.
    let turns = read_turns(&a.turns)?;
    let (mut session, _) = Session::start(profile, &lang, a.call.caller_id.clone(), None, &store, now)?;
    let mut recognizer: Option<Recognizer> = None;
    for (i, turn) in turns.iter().enumerate() {
        let (text, source) = match turn {
            Turn::Text(t) => (t.clone(), Source::Typed),
            Turn::Audio(samples) => {
                if recognizer.is_none() {
                    recognizer = Some(Recognizer::load(&crate::model::resolve_model(a.model.as_deref())?)?);
                }
                let rec = recognizer.as_ref().expect("loaded above");
                let heard = rec.transcribe(samples, &lang, session.last_reply()).with_context(|| format!("turn {}", a.turns[i]))?;
                (heard.text.split_whitespace().collect::<Vec<_>>().join(" "), Source::Heard)
            }
        };
        let turn = session.turn(&text, source, now, &mut store)?;
        if turn.ended {
            break; // the agent has hung up; later turns go unheard
        }
    }
    let reservation = session.reservation().map(|r| {
        json!({"date": r.date, "time": r.time.format("%H:%M").to_string(), "party_size": r.party_size,
               "name": r.name, "phone": r.phone, "status": r.status})
    });
    let out = json!({
        "greeting": session.greeting,
        "turns": session.transcript.iter().map(|Line { user, agent }| json!({"user": user, "agent": agent})).collect::<Vec<_>>(),
        "outcome": session.outcome(),
        "reason": session.reason(),
        "reservation": reservation,
    });
    println!("{}", serde_json::to_string(&out)?);
    if let Some(dir) = &a.speak_dir {
        let agent: Vec<&str> = std::iter::once(session.greeting.as_str())
            .chain(session.transcript.iter().map(|l| l.agent.as_str()))
            .collect();
        speak(dir, &lang, &agent)?;
    }
    Ok(())
}

/// A caller turn: a text as typed, or the samples of a .wav file.
enum Turn {
    Text(String),
    Audio(Vec<f32>),
}

/// Texts stay as they are; .wav turns are loaded (silence becomes an empty turn:
/// the agent hears nothing and asks again).
fn read_turns(turns: &[String]) -> Result<Vec<Turn>> {
    turns
        .iter()
        .map(|turn| {
            if !turn.to_ascii_lowercase().ends_with(".wav") {
                return Ok(Turn::Text(turn.clone()));
            }
            let samples = crate::audio::load_wav(Path::new(turn)).with_context(|| format!("turn {turn}"))?;
            Ok(if crate::audio::has_speech(&samples) { Turn::Audio(samples) } else { Turn::Text(String::new()) })
        })
        .collect()
}

/// Every agent line as a WAV, read-backs included, for developers to listen to.
fn speak(dir: &Path, lang: &str, lines: &[&str]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tts = crate::tts::for_lang(lang)?;
    for (i, line) in lines.iter().enumerate() {
        let audio = tts.speak(line).with_context(|| format!("speaking agent line {i}"))?;
        crate::tts::write_wav(&dir.join(format!("{i:02}-agent.wav")), &audio)?;
    }
    Ok(())
}

