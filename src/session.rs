//! One call end to end at the text level: the dialogue plus its writes to the
//! book and its transcript. simulate, chat, serve and kiosk all run calls through it.

use crate::dialogue::{Call, Commit, Outcome, Reply};
use crate::extract::Source;
use crate::grammar::Grammar;
use crate::profile::Profile;
use crate::store::{Reservation, Store};
use anyhow::Result;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A loaded grammar per language, compiled once per process and shared by every call.
pub fn grammar(lang: &str) -> Result<Arc<Grammar>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Grammar>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(g) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(lang) {
        return Ok(g.clone());
    }
    let g = Arc::new(Grammar::load(lang)?);
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(lang.to_string(), g.clone());
    Ok(g)
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub user: String,
    pub agent: String,
}

pub struct Turn {
    pub reply: String,
    /// The agent has finished (booked, cancelled, transferred …): hang up after speaking.
    pub ended: bool,
    pub transferred: bool,
}

pub struct Session {
    call: Call,
    call_id: Option<String>,
    pub transcript: Vec<Line>,
    pub greeting: String,
    reservation: Option<Reservation>,
}

impl Session {
    pub fn start(
        profile: Arc<Profile>,
        lang: &str,
        caller_id: Option<String>,
        call_id: Option<String>,
        store: &Store,
        _now: NaiveDateTime,
    ) -> Result<(Session, String)> {
        let mut call = Call::new(profile, grammar(lang)?, caller_id);
        let greeting = call.greet(store).text;
        let s = Session { call, call_id, transcript: Vec::new(), greeting: greeting.clone(), reservation: None };
        Ok((s, greeting))
    }

    /// The agent's lines for this business, placeholders other than the
    /// business name unfilled (see `Say::stock_lines`).
    pub fn stock_lines(profile: &Profile, lang: &str) -> Result<Vec<String>> {
        let g = grammar(lang)?;
        Ok(crate::dialogue::Say::new(&g).stock_lines(profile.display_name(lang)))
    }

    /// The lines that speak a date, for the `days` days from `today` (see `Say::dated_lines`).
    pub fn dated_lines(profile: &Profile, lang: &str, today: NaiveDate, days: u32) -> Result<Vec<String>> {
        let g = grammar(lang)?;
        let days = today.iter_days().take(days as usize);
        Ok(crate::dialogue::Say::new(&g).dated_lines(profile.display_name(lang), days))
    }

    pub fn turn(&mut self, text: &str, source: Source, now: NaiveDateTime, store: &mut Store) -> Result<Turn> {
        let mut reply = self.call.hear(text, source, now, store);
        if let Some(commit) = reply.commit.take() {
            reply = self.write(commit, now, store)?;
        }
        self.transcript.push(Line { user: text.to_string(), agent: reply.text.clone() });
        Ok(Turn {
            reply: reply.text,
            ended: reply.end,
            transferred: self.call.outcome() == Outcome::Transferred,
        })
    }

    /// Carries out a commit in one transaction and tells the dialogue how it went.
    fn write(&mut self, commit: Commit, now: NaiveDateTime, store: &mut Store) -> Result<Reply> {
        let cap = self.call.capacity();
        let (result, id) = match commit {
            Commit::Book(mut r) => {
                r.call_id = self.call_id.clone();
                let res = store.book(&r, cap)?;
                (res, res.ok())
            }
            Commit::Change(id, r) => (store.change(id, &r, cap)?.map(|()| id), Some(id)),
            Commit::Cancel(id) => (store.cancel(id)?.map(|()| id), Some(id)),
        };
        if result.is_ok() {
            if let Some(id) = id {
                self.reservation = store.get(id)?;
            }
        }
        Ok(self.call.committed(result, now, store))
    }

    pub fn outcome(&self) -> Outcome {
        self.call.outcome()
    }

    pub fn reason(&self) -> &'static str {
        self.call.reason()
    }

    /// The agent's reply to the caller's last turn (None before the first one): what
    /// the caller is answering now, which the recogniser reads as context. The
    /// greeting is left out: measured on the dev set, a first turn is heard better
    /// after the domain prompt alone.
    pub fn last_reply(&self) -> Option<&str> {
        self.transcript.last().map(|l| l.agent.as_str())
    }

    /// What this call stored (booked, changed or cancelled), if anything.
    pub fn reservation(&self) -> Option<&Reservation> {
        self.reservation.as_ref()
    }
}
