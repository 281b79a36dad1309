//! `yoyaku simulate`: runs a whole call from scripted caller turns and prints
//! the dialogue, the outcome and the stored reservation as one JSON object.

use super::common::{load_profile, now_or};
use crate::session::{Line, Session};
use crate::store::Store;
use anyhow::{Context, Result};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// Business profile (default: samples/restaurant.toml).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Language of the call (default: the profile's).
    #[arg(long)]
    lang: Option<String>,
    /// Local time at the business when the call starts, e.g. 2026-11-27T10:00.
    #[arg(long)]
    now: Option<String>,
    /// The caller's number, as the phone line reports it.
    #[arg(long)]
    caller_id: Option<String>,
    /// Reservation book (SQLite file); without it the call uses a fresh, empty book.
    #[arg(long)]
    store: Option<PathBuf>,
    /// The caller's turns, in order: texts, or paths of .wav files.
    turns: Vec<String>,
}

pub fn run(a: Args) -> Result<()> {
    let profile = Arc::new(load_profile(a.profile.as_deref())?);
    let lang = a.lang.clone().unwrap_or_else(|| profile.language.clone());
    let now = now_or(a.now.as_deref(), &profile)?;
    let mut store = match &a.store {
        Some(p) => Store::open(p)?,
        None => Store::open_in_memory()?,
    };
    let texts = a
        .turns
        .iter()
        .map(|t| turn_text(t, &lang))
        .collect::<Result<Vec<_>>>()?;
    let (mut session, _) = Session::start(profile, &lang, a.caller_id.clone(), None, &store, now)?;
    for text in &texts {
        let turn = session.turn(text, now, &mut store)?;
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
    Ok(())
}

/// A turn is text, or a recording of it.
fn turn_text(turn: &str, _lang: &str) -> Result<String> {
    if turn.to_ascii_lowercase().ends_with(".wav") {
        return Err(anyhow::anyhow!("{turn}: speech input is not available in this build"))
            .context("transcribing a .wav turn");
    }
    Ok(turn.to_string())
}
