//! Temporary stand-ins for pieces being written on other branches (session,
//! asr, tts), with the same signatures, so the live paths build and
//! test before those land. `live::deps` picks these or the real ones; delete this
//! file once every branch is merged.

pub mod session {
    use crate::store::{Capacity, NewReservation, Store};
    use crate::profile::Profile;
    use anyhow::Result;
    use chrono::NaiveDateTime;
    use std::sync::Arc;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Outcome {
        Booked,
        Changed,
        Cancelled,
        Transferred,
        Incomplete,
    }

    pub struct Turn {
        pub reply: String,
        pub ended: bool,
        pub transferred: bool,
    }

    /// A scripted dialogue: "BOOK 2026-12-04 19:00 4 Name" books, "STAFF"
    /// transfers, "BYE" hangs up; anything else is asked again.
    pub struct Session {
        caller_id: Option<String>,
        call_id: Option<String>,
        outcome: Outcome,
        reason: &'static str,
    }

    impl Session {
        pub fn start(
            _profile: Arc<Profile>,
            lang: &str,
            caller_id: Option<String>,
            call_id: Option<String>,
            _store: &Store,
            _now: NaiveDateTime,
        ) -> Result<(Session, String)> {
            let greeting = if lang == "ja" { "お電話ありがとうございます。" } else { "Thank you for calling." };
            Ok((Session { caller_id, call_id, outcome: Outcome::Incomplete, reason: "incomplete" }, greeting.into()))
        }

        pub fn turn(&mut self, text: &str, _now: NaiveDateTime, store: &mut Store) -> Result<Turn> {
            let words: Vec<&str> = text.split_whitespace().collect();
            let t = |reply: &str, ended, transferred| Turn { reply: reply.into(), ended, transferred };
            Ok(match words.as_slice() {
                ["BOOK", date, time, n, name] => {
                    let r = NewReservation {
                        date: date.parse()?,
                        time: chrono::NaiveTime::parse_from_str(time, "%H:%M")?,
                        party_size: n.parse().unwrap_or(1),
                        name: name.to_string(),
                        phone: self.caller_id.clone().unwrap_or_default(),
                        call_id: self.call_id.clone(),
                    };
                    if store.book(&r, Capacity { units: 10, hold_minutes: 120 })?.is_err() {
                        return Ok(t("That time is full.", false, false));
                    }
                    self.outcome = Outcome::Booked;
                    self.reason = "book";
                    t("Booked. Goodbye.", true, false)
                }
                ["STAFF"] => {
                    self.outcome = Outcome::Transferred;
                    self.reason = "transferred";
                    t("Transferring you.", true, true)
                }
                ["BYE"] => t("Goodbye.", true, false),
                _ => t("Sorry, could you say that again?", false, false),
            })
        }

        pub fn outcome(&self) -> Outcome {
            self.outcome
        }

        pub fn reason(&self) -> &'static str {
            self.reason
        }
    }
}

pub mod tts {
    use anyhow::{bail, Result};

    pub struct Audio {
        pub samples: Vec<i16>,
        pub sample_rate: u32,
    }

    pub trait Tts: Send {
        fn speak(&mut self, text: &str) -> Result<Audio>;
    }

    pub fn for_lang(lang: &str) -> Result<Box<dyn Tts>> {
        bail!("no speech synthesiser for {lang:?} yet (the tts branch is not merged)")
    }

}

pub mod asr {
    use anyhow::{bail, Result};
    use std::path::Path;

    pub struct Transcript {
        pub text: String,
    }

    pub struct Recognizer;

    impl Recognizer {
        pub fn load(path: &Path) -> Result<Recognizer> {
            bail!("cannot load {}: speech recognition is not merged yet (asr branch)", path.display())
        }

        pub fn transcribe(&self, _samples: &[f32], _lang: &str, _prompt: Option<&str>) -> Result<Transcript> {
            bail!("speech recognition is not merged yet")
        }
    }
}
