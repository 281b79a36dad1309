//! Temporary stand-ins for pieces being written on other branches (session,
//! store, audio, asr, tts), with the same signatures, so the live paths build and
//! test before those land. `live::deps` picks these or the real ones; delete this
//! file once every branch is merged.

pub mod session {
    use super::store::{Reservation, Store};
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
        outcome: Outcome,
        reason: &'static str,
    }

    impl Session {
        pub fn start(
            _profile: Arc<Profile>,
            lang: &str,
            caller_id: Option<String>,
            _call_id: Option<String>,
            _store: &Store,
            _now: NaiveDateTime,
        ) -> Result<(Session, String)> {
            let greeting = if lang == "ja" { "お電話ありがとうございます。" } else { "Thank you for calling." };
            Ok((Session { caller_id, outcome: Outcome::Incomplete, reason: "incomplete" }, greeting.into()))
        }

        pub fn turn(&mut self, text: &str, _now: NaiveDateTime, store: &mut Store) -> Result<Turn> {
            let words: Vec<&str> = text.split_whitespace().collect();
            let t = |reply: &str, ended, transferred| Turn { reply: reply.into(), ended, transferred };
            Ok(match words.as_slice() {
                ["BOOK", date, time, n, name] => {
                    store.insert(Reservation {
                        id: 0,
                        date: date.to_string(),
                        time: time.to_string(),
                        party_size: n.parse().unwrap_or(1),
                        name: name.to_string(),
                        phone: self.caller_id.clone().unwrap_or_default(),
                        status: "booked".into(),
                    })?;
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

pub mod store {
    use anyhow::{Context, Result};
    use rusqlite::{params, Connection};
    use std::path::Path;

    #[derive(Debug, Clone, serde::Serialize)]
    pub struct Reservation {
        pub id: i64,
        pub date: String,
        pub time: String,
        pub party_size: u32,
        pub name: String,
        pub phone: String,
        pub status: String,
    }

    #[derive(Debug, Clone, Default, serde::Serialize)]
    pub struct CallRecord {
        pub call_id: String,
        pub caller_id: Option<String>,
        pub lang: String,
        pub started_at: String,
        pub ended_at: String,
        pub outcome: String,
        pub reason: String,
        /// JSON array of {"who":"caller"|"agent","text":…}.
        pub transcript: String,
        pub recording: Option<String>,
    }

    pub struct Store {
        db: Connection,
    }

    impl Store {
        pub fn open(path: &Path) -> Result<Store> {
            let db = Connection::open(path).with_context(|| format!("cannot open store {}", path.display()))?;
            db.pragma_update(None, "journal_mode", "WAL")?;
            db.execute_batch(
                "CREATE TABLE IF NOT EXISTS reservations(id INTEGER PRIMARY KEY, date TEXT, time TEXT,
                   party_size INTEGER, name TEXT, phone TEXT, status TEXT);
                 CREATE TABLE IF NOT EXISTS calls(call_id TEXT, caller_id TEXT, lang TEXT, started_at TEXT,
                   ended_at TEXT, outcome TEXT, reason TEXT, transcript TEXT, recording TEXT);",
            )?;
            Ok(Store { db })
        }

        pub fn insert(&mut self, r: Reservation) -> Result<()> {
            self.db.execute(
                "INSERT INTO reservations(date,time,party_size,name,phone,status) VALUES(?,?,?,?,?,?)",
                params![r.date, r.time, r.party_size, r.name, r.phone, r.status],
            )?;
            Ok(())
        }

        pub fn all(&self) -> Result<Vec<Reservation>> {
            let mut st = self.db.prepare("SELECT id,date,time,party_size,name,phone,status FROM reservations ORDER BY date,time,id")?;
            let rows = st.query_map([], |r| {
                Ok(Reservation {
                    id: r.get(0)?,
                    date: r.get(1)?,
                    time: r.get(2)?,
                    party_size: r.get(3)?,
                    name: r.get(4)?,
                    phone: r.get(5)?,
                    status: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        }

        pub fn record_call(&mut self, c: &CallRecord) -> Result<()> {
            self.db.execute(
                "INSERT INTO calls VALUES(?,?,?,?,?,?,?,?,?)",
                params![c.call_id, c.caller_id, c.lang, c.started_at, c.ended_at, c.outcome, c.reason, c.transcript, c.recording],
            )?;
            Ok(())
        }

        pub fn calls(&self, limit: usize) -> Result<Vec<CallRecord>> {
            let mut st = self.db.prepare("SELECT * FROM calls ORDER BY started_at DESC LIMIT ?")?;
            let rows = st.query_map([limit as i64], |r| {
                Ok(CallRecord {
                    call_id: r.get(0)?,
                    caller_id: r.get(1)?,
                    lang: r.get(2)?,
                    started_at: r.get(3)?,
                    ended_at: r.get(4)?,
                    outcome: r.get(5)?,
                    reason: r.get(6)?,
                    transcript: r.get(7)?,
                    recording: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        }
    }
}

pub mod audio {
    /// Linear-interpolation resampler (the audio branch has the real one).
    pub fn resample(x: &[f32], from: u32, to: u32) -> Vec<f32> {
        if from == to || x.is_empty() {
            return x.to_vec();
        }
        let n = (x.len() as u64 * to as u64 / from as u64) as usize;
        (0..n)
            .map(|i| {
                let p = i as f64 * from as f64 / to as f64;
                let j = p as usize;
                let f = (p - j as f64) as f32;
                let a = x[j.min(x.len() - 1)];
                let b = x[(j + 1).min(x.len() - 1)];
                a + (b - a) * f
            })
            .collect()
    }

    #[derive(Debug, Clone)]
    pub struct EndpointConfig {
        pub threshold: f32,
        pub hangover_ms: u32,
        pub min_speech_ms: u32,
    }

    impl Default for EndpointConfig {
        fn default() -> Self {
            EndpointConfig { threshold: 0.01, hangover_ms: 600, min_speech_ms: 150 }
        }
    }

    #[derive(Debug, Clone)]
    pub struct Utterance {
        pub samples: Vec<f32>,
        pub start_ms: u64,
        pub end_ms: u64,
    }

    /// Energy endpointer over 20 ms blocks of 16 kHz audio.
    pub struct Endpointer {
        cfg: EndpointConfig,
        pending: Vec<f32>,
        current: Vec<f32>,
        speaking: bool,
        silent_ms: u32,
        voiced_ms: u32,
        pos_ms: u64,
        start_ms: u64,
    }

    impl Endpointer {
        pub fn new(cfg: EndpointConfig) -> Self {
            Endpointer { cfg, pending: Vec::new(), current: Vec::new(), speaking: false, silent_ms: 0, voiced_ms: 0, pos_ms: 0, start_ms: 0 }
        }

        pub fn is_speaking(&self) -> bool {
            self.speaking
        }

        pub fn push(&mut self, x: &[f32]) -> Vec<Utterance> {
            self.pending.extend_from_slice(x);
            let mut out = Vec::new();
            while self.pending.len() >= 320 {
                let block: Vec<f32> = self.pending.drain(..320).collect();
                let rms = (block.iter().map(|s| s * s).sum::<f32>() / 320.0).sqrt();
                self.pos_ms += 20;
                let voiced = rms > self.cfg.threshold;
                if !self.speaking {
                    if voiced {
                        self.speaking = true;
                        self.start_ms = self.pos_ms - 20;
                        self.current = block;
                        self.silent_ms = 0;
                        self.voiced_ms = 20;
                    }
                    continue;
                }
                self.current.extend_from_slice(&block);
                if voiced {
                    self.silent_ms = 0;
                    self.voiced_ms += 20;
                } else {
                    self.silent_ms += 20;
                    if self.silent_ms >= self.cfg.hangover_ms {
                        self.speaking = false;
                        let samples = std::mem::take(&mut self.current);
                        if self.voiced_ms >= self.cfg.min_speech_ms {
                            out.push(Utterance { samples, start_ms: self.start_ms, end_ms: self.pos_ms - self.silent_ms as u64 });
                        }
                    }
                }
            }
            out
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

    pub fn to_8k_i16(a: &Audio) -> Vec<i16> {
        let x: Vec<f32> = a.samples.iter().map(|s| *s as f32).collect();
        super::audio::resample(&x, a.sample_rate, 8000).into_iter().map(|s| s as i16).collect()
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
