//! The reservation book: a SQLite file holding reservations and the call log.
//!
//! Every capacity decision (book, change) is a read-check-write inside one
//! `BEGIN IMMEDIATE` transaction, so two calls answered at the same time by
//! different processes can never both take the last table. The schema is
//! versioned with `PRAGMA user_version` and migrated forward on open.

use anyhow::{anyhow, bail, Context, Result};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Serialize, Serializer};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Dates and times are stored as sortable text in these formats.
const DATE_FMT: &str = "%Y-%m-%d";
const TIME_FMT: &str = "%H:%M";

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Schema steps, in order; step `i` takes the database to `user_version` `i + 1`.
/// Append new steps; never edit a released one.
const MIGRATIONS: &[&str] = &[
    // 1: the reservation book.
    "CREATE TABLE reservations (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        date        TEXT NOT NULL
                    CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        time        TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),
        party_size  INTEGER NOT NULL CHECK (party_size > 0),
        name        TEXT NOT NULL,
        phone       TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        call_id     TEXT
     );
     CREATE INDEX reservations_date_time ON reservations (date, time);
     CREATE INDEX reservations_phone ON reservations (phone);",
    // 2: the call log shown on the staff page. No foreign key from
    // reservations.call_id: a call is logged when it ends, after its booking.
    "CREATE TABLE calls (
        id              TEXT PRIMARY KEY,
        started_at      TEXT NOT NULL,
        ended_at        TEXT,
        lang            TEXT NOT NULL,
        caller_id       TEXT,
        outcome         TEXT NOT NULL,
        reason          TEXT,
        transcript      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(transcript)),
        recording_path  TEXT
     );
     CREATE INDEX calls_started_at ON calls (started_at);",
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reservation {
    pub id: i64,
    pub date: NaiveDate,
    #[serde(serialize_with = "serialize_hhmm")]
    pub time: NaiveTime,
    pub party_size: u32,
    pub name: String,
    pub phone: String,
    pub status: Status,
    /// When the row was written, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
    /// The call that made the booking (kept when a later call changes it).
    pub call_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Booked,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Cancelled => "cancelled",
        }
    }
}

/// What the dialogue asks to book. Times are kept to the minute.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReservation {
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub party_size: u32,
    pub name: String,
    pub phone: String,
    pub call_id: Option<String>,
}

/// How many bookings may overlap (`units`), each holding its unit for `hold_minutes`.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    pub units: u32,
    pub hold_minutes: u32,
}

/// Expected outcomes the dialogue answers the caller about; not errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Every unit is taken for that time.
    Full,
    /// No booked reservation has that id.
    NotFound,
}

/// One answered call, for the staff page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    /// The call's UUID (AudioSocket's, or one made up for simulated calls).
    pub id: String,
    /// Local date-time text, e.g. `2026-11-27T10:00:00`.
    pub started_at: String,
    pub ended_at: Option<String>,
    pub lang: String,
    pub caller_id: Option<String>,
    /// `booked`, `changed`, `cancelled`, `transferred`, `incomplete`.
    pub outcome: String,
    /// Why a call was transferred or left incomplete.
    pub reason: Option<String>,
    /// The turns of the call, stored as JSON text.
    pub transcript: serde_json::Value,
    pub recording_path: Option<String>,
}

pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the book at `path` and migrates it to the current schema.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "cannot create the folder {} for the reservation book",
                    dir.display()
                )
            })?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the reservation book {}", path.display()))?;
        Self::setup(conn, true)
            .with_context(|| format!("cannot use the reservation book {}", path.display()))
    }

    /// A private, empty book that disappears when dropped (simulations, tests).
    pub fn open_in_memory() -> Result<Store> {
        let conn =
            Connection::open_in_memory().context("cannot open an in-memory reservation book")?;
        Self::setup(conn, false)
    }

    /// Where the book lives unless `--store` says otherwise: `$YOYAKU_STORE` if set,
    /// else `$XDG_DATA_HOME/yoyaku/reservations.db`, else
    /// `~/.local/share/yoyaku/reservations.db` (or `./reservations.db` without a home).
    pub fn default_path() -> PathBuf {
        default_path_from(|k| std::env::var_os(k))
    }

    fn setup(mut conn: Connection, wal: bool) -> Result<Store> {
        // The timeout first: everything after it may meet another process's lock.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Fails here, not midway through a call, when the file is not a database.
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .context("it is not a SQLite database (pick another file with --store)")?;
        if wal && !mode.eq_ignore_ascii_case("wal") {
            // WAL lets the staff page read while a call writes.
            switch_to_wal(&conn).context("cannot switch the database to WAL mode")?;
        }
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut conn, MIGRATIONS)?;
        Ok(Store { conn })
    }

    /// Capacity check and insert in ONE `BEGIN IMMEDIATE` transaction: two calls can never take the last unit twice.
    pub fn book(&mut self, r: &NewReservation, cap: Capacity) -> Result<Result<i64, Refusal>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("the reservation book is busy; try again")?;
        if count_overlapping(&tx, at(r), cap.hold_minutes, None)? >= cap.units {
            return Ok(Err(Refusal::Full));
        }
        tx.execute(
            "INSERT INTO reservations (date, time, party_size, name, phone, call_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                r.date.format(DATE_FMT).to_string(),
                r.time.format(TIME_FMT).to_string(),
                r.party_size,
                r.name,
                r.phone,
                r.call_id
            ],
        )
        .context("cannot save the reservation")?;
        let id = tx.last_insert_rowid();
        tx.commit().context("cannot save the reservation")?;
        Ok(Ok(id))
    }

    /// Move/resize an existing booked reservation, same atomic capacity check excluding itself.
    /// The reservation keeps the `call_id` of the call that made it.
    pub fn change(
        &mut self,
        id: i64,
        r: &NewReservation,
        cap: Capacity,
    ) -> Result<Result<(), Refusal>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("the reservation book is busy; try again")?;
        if !is_booked(&tx, id)? {
            return Ok(Err(Refusal::NotFound));
        }
        if count_overlapping(&tx, at(r), cap.hold_minutes, Some(id))? >= cap.units {
            return Ok(Err(Refusal::Full));
        }
        tx.execute(
            "UPDATE reservations SET date = ?2, time = ?3, party_size = ?4, name = ?5, phone = ?6
             WHERE id = ?1",
            params![
                id,
                r.date.format(DATE_FMT).to_string(),
                r.time.format(TIME_FMT).to_string(),
                r.party_size,
                r.name,
                r.phone
            ],
        )
        .with_context(|| format!("cannot change reservation {id}"))?;
        tx.commit()
            .with_context(|| format!("cannot change reservation {id}"))?;
        Ok(Ok(()))
    }

    /// Cancels a booked reservation; one already cancelled or unknown is `NotFound`.
    pub fn cancel(&mut self, id: i64) -> Result<Result<(), Refusal>> {
        let n = self
            .conn
            .execute(
                "UPDATE reservations SET status = 'cancelled' WHERE id = ?1 AND status = 'booked'",
                [id],
            )
            .with_context(|| format!("cannot cancel reservation {id}"))?;
        Ok(if n == 1 {
            Ok(())
        } else {
            Err(Refusal::NotFound)
        })
    }

    /// Booked reservations whose [start, start+hold) overlaps [at, at+hold), except `exclude`.
    pub fn overlapping(
        &self,
        at: NaiveDateTime,
        hold_minutes: u32,
        exclude: Option<i64>,
    ) -> Result<u32> {
        count_overlapping(&self.conn, at, hold_minutes, exclude)
    }

    /// Upcoming booked reservations for a phone number on or after `from`, soonest first.
    pub fn upcoming_by_phone(&self, phone: &str, from: NaiveDate) -> Result<Vec<Reservation>> {
        self.query(
            "WHERE phone = ?1 AND status = 'booked' AND date >= ?2 ORDER BY date, time, id",
            params![phone, from.format(DATE_FMT).to_string()],
        )
    }

    /// The most recent reservation (any status) for a phone number: greets returning callers.
    pub fn last_by_phone(&self, phone: &str) -> Result<Option<Reservation>> {
        // Ids grow with every insert, so the highest id is the latest booking
        // even when two share a created_at second.
        Ok(self
            .query("WHERE phone = ?1 ORDER BY id DESC LIMIT 1", [phone])?
            .pop())
    }

    pub fn get(&self, id: i64) -> Result<Option<Reservation>> {
        Ok(self.query("WHERE id = ?1", [id])?.pop())
    }

    /// Every reservation, by date, time.
    pub fn all(&self) -> Result<Vec<Reservation>> {
        self.query("ORDER BY date, time, id", [])
    }

    /// Logs a call, or updates it when the same id is recorded again (e.g. at hang-up).
    pub fn record_call(&mut self, c: &CallRecord) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO calls (id, started_at, ended_at, lang, caller_id, outcome, reason,
                                    transcript, recording_path)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET
                    started_at = excluded.started_at, ended_at = excluded.ended_at,
                    lang = excluded.lang, caller_id = excluded.caller_id,
                    outcome = excluded.outcome, reason = excluded.reason,
                    transcript = excluded.transcript, recording_path = excluded.recording_path",
                params![
                    c.id,
                    c.started_at,
                    c.ended_at,
                    c.lang,
                    c.caller_id,
                    c.outcome,
                    c.reason,
                    c.transcript.to_string(),
                    c.recording_path
                ],
            )
            .with_context(|| format!("cannot log call {}", c.id))?;
        Ok(())
    }

    /// The latest `limit` calls, newest first.
    pub fn calls(&self, limit: usize) -> Result<Vec<CallRecord>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare(
            "SELECT id, started_at, ended_at, lang, caller_id, outcome, reason, transcript,
                    recording_path
             FROM calls ORDER BY started_at DESC, id LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |row| {
                Ok((
                    CallRecord {
                        id: row.get(0)?,
                        started_at: row.get(1)?,
                        ended_at: row.get(2)?,
                        lang: row.get(3)?,
                        caller_id: row.get(4)?,
                        outcome: row.get(5)?,
                        reason: row.get(6)?,
                        transcript: serde_json::Value::Null,
                        recording_path: row.get(8)?,
                    },
                    row.get::<_, String>(7)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("cannot read the call log")?;
        rows.into_iter()
            .map(|(mut c, transcript)| {
                c.transcript = serde_json::from_str(&transcript)
                    .with_context(|| format!("call {} has a transcript that is not JSON", c.id))?;
                Ok(c)
            })
            .collect()
    }

    /// Reservations matching `tail` (a WHERE/ORDER BY clause over the reservations table).
    fn query(&self, tail: &str, params: impl rusqlite::Params) -> Result<Vec<Reservation>> {
        let sql = format!(
            "SELECT id, date, time, party_size, name, phone, status, created_at, call_id
             FROM reservations {tail}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params, |row| {
                Ok(RawReservation {
                    id: row.get(0)?,
                    date: row.get(1)?,
                    time: row.get(2)?,
                    party_size: row.get(3)?,
                    name: row.get(4)?,
                    phone: row.get(5)?,
                    status: row.get(6)?,
                    created_at: row.get(7)?,
                    call_id: row.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("cannot read the reservation book")?;
        rows.into_iter().map(RawReservation::parse).collect()
    }
}

/// A row as stored, before its text fields are checked.
struct RawReservation {
    id: i64,
    date: String,
    time: String,
    party_size: i64,
    name: String,
    phone: String,
    status: String,
    created_at: String,
    call_id: Option<String>,
}

impl RawReservation {
    fn parse(self) -> Result<Reservation> {
        let id = self.id;
        let bad =
            |what: &str, v: &str| anyhow!("reservation {id} has a bad {what} {v:?} in the book");
        Ok(Reservation {
            id,
            date: NaiveDate::parse_from_str(&self.date, DATE_FMT)
                .map_err(|_| bad("date", &self.date))?,
            time: NaiveTime::parse_from_str(&self.time, TIME_FMT)
                .map_err(|_| bad("time", &self.time))?,
            party_size: u32::try_from(self.party_size)
                .map_err(|_| bad("party size", &self.party_size.to_string()))?,
            status: match self.status.as_str() {
                s if s == Status::Booked.as_str() => Status::Booked,
                s if s == Status::Cancelled.as_str() => Status::Cancelled,
                s => return Err(bad("status", s)),
            },
            name: self.name,
            phone: self.phone,
            created_at: self.created_at,
            call_id: self.call_id,
        })
    }
}

/// The start as stored: to the minute, so the check matches the saved row.
fn at(r: &NewReservation) -> NaiveDateTime {
    let minute = NaiveTime::from_hms_opt(r.time.hour(), r.time.minute(), 0).unwrap_or(r.time);
    r.date.and_time(minute)
}

/// Counts booked rows whose start lies less than `hold` minutes from `at` on either
/// side, which is exactly when the two [start, start+hold) windows intersect.
/// Compared as full date-times (seconds since the epoch), so midnight is no edge.
fn count_overlapping(
    conn: &Connection,
    at: NaiveDateTime,
    hold_minutes: u32,
    exclude: Option<i64>,
) -> Result<u32> {
    let hold = Duration::minutes(i64::from(hold_minutes));
    // The date range only narrows the index scan; the exact test is on seconds.
    let lo = at
        .checked_sub_signed(hold)
        .unwrap_or(NaiveDateTime::MIN)
        .date();
    let hi = at
        .checked_add_signed(hold)
        .unwrap_or(NaiveDateTime::MAX)
        .date();
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM reservations
             WHERE status = 'booked' AND date BETWEEN ?1 AND ?2
               AND (?3 IS NULL OR id <> ?3)
               AND ABS(CAST(strftime('%s', date || ' ' || time) AS INTEGER) - ?4) < ?5",
            params![
                lo.format(DATE_FMT).to_string(),
                hi.format(DATE_FMT).to_string(),
                exclude,
                at.and_utc().timestamp(),
                i64::from(hold_minutes) * 60
            ],
            |r| r.get(0),
        )
        .context("cannot check the reservation book for free tables")?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

fn is_booked(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM reservations WHERE id = ?1 AND status = 'booked'",
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Switches a rollback-journal file to WAL. SQLite returns "locked" at once,
/// without its busy handler, when another connection opens or switches the same
/// new file at that moment, so the wait is done here, up to `BUSY_TIMEOUT`.
fn switch_to_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        let switched =
            conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get::<_, String>(0));
        match switched {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Brings the schema up to `steps.len()`, one transaction per step. Each step
/// re-reads the version inside its write lock, so processes opening a new file
/// together apply every step exactly once.
fn migrate(conn: &mut Connection, steps: &[&str]) -> Result<()> {
    let known = steps.len() as i64;
    for (i, sql) in steps.iter().enumerate() {
        let target = i as i64 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("cannot lock the database to update its schema")?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > known {
            bail!(
                "it was written by a newer yoyaku (schema version {version}, this one knows up to \
                 {known}); upgrade yoyaku or use another --store file"
            );
        }
        if version >= target {
            continue; // dropping tx rolls back an empty transaction
        }
        tx.execute_batch(sql).with_context(|| {
            format!("schema update {target} failed; the database was left at version {version}")
        })?;
        tx.pragma_update(None, "user_version", target)?;
        tx.commit()
            .with_context(|| format!("cannot save schema update {target}"))?;
    }
    Ok(())
}

/// `default_path` with the environment passed in, so it can be tested without
/// touching the process environment.
fn default_path_from(var: impl Fn(&str) -> Option<OsString>) -> PathBuf {
    let set = |k: &str| var(k).filter(|v| !v.is_empty());
    if let Some(p) = set("YOYAKU_STORE") {
        return PathBuf::from(p);
    }
    // The XDG spec says to ignore a relative XDG_DATA_HOME.
    if let Some(d) = set("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute())
    {
        return d.join("yoyaku").join("reservations.db");
    }
    match set("HOME") {
        Some(h) => PathBuf::from(h).join(".local/share/yoyaku/reservations.db"),
        None => PathBuf::from("reservations.db"),
    }
}

fn serialize_hhmm<S: Serializer>(t: &NaiveTime, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&t.format(TIME_FMT).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE_FMT).unwrap()
    }
    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, TIME_FMT).unwrap()
    }
    fn new(date: &str, time: &str, party: u32, phone: &str) -> NewReservation {
        NewReservation {
            date: d(date),
            time: t(time),
            party_size: party,
            name: "田中".into(),
            phone: phone.into(),
            call_id: Some("call-1".into()),
        }
    }
    const ONE: Capacity = Capacity {
        units: 1,
        hold_minutes: 120,
    };

    #[test]
    fn book_get_all_cancel() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .book(&new("2026-12-04", "19:00", 4, "0901"), ONE)
            .unwrap()
            .unwrap();
        let b = s
            .book(&new("2026-12-03", "12:00", 2, "0902"), ONE)
            .unwrap()
            .unwrap();
        let r = s.get(a).unwrap().unwrap();
        assert_eq!(
            (r.date, r.time, r.party_size),
            (d("2026-12-04"), t("19:00"), 4)
        );
        assert_eq!((r.name.as_str(), r.phone.as_str()), ("田中", "0901"));
        assert_eq!(
            (r.status, r.call_id.as_deref()),
            (Status::Booked, Some("call-1"))
        );
        assert_eq!(r.created_at.len(), "2026-11-27T10:00:00Z".len());
        let ids: Vec<i64> = s.all().unwrap().iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![b, a], "all() is ordered by date, time");
        assert_eq!(s.get(999).unwrap(), None);

        assert_eq!(s.cancel(a).unwrap(), Ok(()));
        assert_eq!(s.get(a).unwrap().unwrap().status, Status::Cancelled);
        assert_eq!(
            s.cancel(a).unwrap(),
            Err(Refusal::NotFound),
            "already cancelled"
        );
        assert_eq!(s.cancel(999).unwrap(), Err(Refusal::NotFound));
        assert_eq!(s.all().unwrap().len(), 2, "cancelling keeps the row");
    }

    #[test]
    fn serializes_time_as_hhmm_and_status_lowercase() {
        let mut s = Store::open_in_memory().unwrap();
        let id = s
            .book(&new("2026-12-04", "09:30", 2, "0901"), ONE)
            .unwrap()
            .unwrap();
        let v = serde_json::to_value(s.get(id).unwrap().unwrap()).unwrap();
        assert_eq!(v["date"], "2026-12-04");
        assert_eq!(v["time"], "09:30");
        assert_eq!(v["status"], "booked");
        assert_eq!(v["party_size"], 2);
    }

    #[test]
    fn capacity_refusals() {
        // (existing bookings, units, hold, new slot, accepted?)
        type Case<'a> = (&'a [(&'a str, &'a str)], u32, u32, (&'a str, &'a str), bool);
        let table: &[Case] = &[
            (
                &[("2026-12-04", "19:00")],
                1,
                120,
                ("2026-12-04", "19:00"),
                false,
            ),
            (
                &[("2026-12-04", "19:00")],
                2,
                120,
                ("2026-12-04", "19:00"),
                true,
            ),
            (
                &[("2026-12-04", "19:00")],
                1,
                120,
                ("2026-12-04", "20:59"),
                false,
            ),
            (
                &[("2026-12-04", "19:00")],
                1,
                120,
                ("2026-12-04", "21:00"),
                true,
            ),
            (
                &[("2026-12-04", "19:00")],
                1,
                120,
                ("2026-12-04", "17:01"),
                false,
            ),
            (
                &[("2026-12-04", "19:00")],
                1,
                120,
                ("2026-12-04", "17:00"),
                true,
            ),
            (
                &[("2026-12-04", "19:00")],
                1,
                120,
                ("2026-12-05", "19:00"),
                true,
            ),
            // Across midnight: 23:30 + 2 h holds until 01:30 next day.
            (
                &[("2026-12-04", "23:30")],
                1,
                120,
                ("2026-12-05", "01:00"),
                false,
            ),
            (
                &[("2026-12-04", "23:30")],
                1,
                120,
                ("2026-12-05", "01:30"),
                true,
            ),
            (
                &[("2026-12-05", "00:30")],
                1,
                120,
                ("2026-12-04", "23:00"),
                false,
            ),
            // Two partial overlaps with three units still leave one.
            (
                &[("2026-12-04", "18:00"), ("2026-12-04", "20:00")],
                3,
                120,
                ("2026-12-04", "19:00"),
                true,
            ),
            (
                &[("2026-12-04", "18:00"), ("2026-12-04", "20:00")],
                2,
                120,
                ("2026-12-04", "19:00"),
                false,
            ),
            (&[], 0, 120, ("2026-12-04", "19:00"), false),
        ];
        for (i, (existing, units, hold, (date, time), ok)) in table.iter().enumerate() {
            let mut s = Store::open_in_memory().unwrap();
            let big = Capacity {
                units: 100,
                hold_minutes: *hold,
            };
            for (ed, et) in existing.iter() {
                s.book(&new(ed, et, 2, "0900"), big).unwrap().unwrap();
            }
            let cap = Capacity {
                units: *units,
                hold_minutes: *hold,
            };
            let got = s.book(&new(date, time, 2, "0901"), cap).unwrap();
            assert_eq!(
                got.is_ok(),
                *ok,
                "case {i}: {existing:?} + {date} {time}: {got:?}"
            );
            if !ok {
                assert_eq!(got, Err(Refusal::Full), "case {i}");
            }
        }
    }

    #[test]
    fn cancelled_bookings_free_their_unit() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .book(&new("2026-12-04", "19:00", 2, "0901"), ONE)
            .unwrap()
            .unwrap();
        assert_eq!(
            s.book(&new("2026-12-04", "19:00", 2, "0902"), ONE).unwrap(),
            Err(Refusal::Full)
        );
        s.cancel(a).unwrap().unwrap();
        assert!(s
            .book(&new("2026-12-04", "19:00", 2, "0902"), ONE)
            .unwrap()
            .is_ok());
    }

    #[test]
    fn overlapping_counts_and_excludes() {
        let mut s = Store::open_in_memory().unwrap();
        let big = Capacity {
            units: 10,
            hold_minutes: 60,
        };
        let a = s
            .book(&new("2026-12-04", "19:00", 2, "0901"), big)
            .unwrap()
            .unwrap();
        s.book(&new("2026-12-04", "19:30", 2, "0902"), big)
            .unwrap()
            .unwrap();
        s.book(&new("2026-12-04", "21:00", 2, "0903"), big)
            .unwrap()
            .unwrap();
        let at = d("2026-12-04").and_time(t("19:15"));
        assert_eq!(s.overlapping(at, 60, None).unwrap(), 2);
        assert_eq!(s.overlapping(at, 60, Some(a)).unwrap(), 1);
        assert_eq!(
            s.overlapping(at, 0, None).unwrap(),
            0,
            "zero hold overlaps nothing"
        );
    }

    #[test]
    fn change_excludes_itself() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .book(&new("2026-12-04", "19:00", 2, "0901"), ONE)
            .unwrap()
            .unwrap();
        // Moving by 30 minutes overlaps only its own old slot: allowed.
        let mut moved = new("2026-12-04", "19:30", 5, "0901");
        moved.call_id = Some("call-2".into());
        assert_eq!(s.change(a, &moved, ONE).unwrap(), Ok(()));
        let r = s.get(a).unwrap().unwrap();
        assert_eq!((r.time, r.party_size), (t("19:30"), 5));
        assert_eq!(
            r.call_id.as_deref(),
            Some("call-1"),
            "keeps the booking call"
        );
        // Someone else at 22:00; moving onto them is refused and changes nothing.
        let b = s
            .book(&new("2026-12-04", "22:00", 2, "0902"), ONE)
            .unwrap()
            .unwrap();
        assert_eq!(
            s.change(a, &new("2026-12-04", "21:00", 2, "0901"), ONE)
                .unwrap(),
            Err(Refusal::Full)
        );
        assert_eq!(s.get(a).unwrap().unwrap().time, t("19:30"));
        assert_eq!(s.change(999, &moved, ONE).unwrap(), Err(Refusal::NotFound));
        s.cancel(b).unwrap().unwrap();
        assert_eq!(
            s.change(b, &moved, ONE).unwrap(),
            Err(Refusal::NotFound),
            "cancelled"
        );
    }

    #[test]
    fn upcoming_and_last_by_phone() {
        let mut s = Store::open_in_memory().unwrap();
        let big = Capacity {
            units: 10,
            hold_minutes: 60,
        };
        let late = s
            .book(&new("2026-12-10", "19:00", 2, "0901"), big)
            .unwrap()
            .unwrap();
        let past = s
            .book(&new("2026-11-20", "19:00", 2, "0901"), big)
            .unwrap()
            .unwrap();
        let soon = s
            .book(&new("2026-12-01", "12:00", 2, "0901"), big)
            .unwrap()
            .unwrap();
        let today = s
            .book(&new("2026-11-27", "18:00", 2, "0901"), big)
            .unwrap()
            .unwrap();
        let gone = s
            .book(&new("2026-11-30", "18:00", 2, "0901"), big)
            .unwrap()
            .unwrap();
        s.book(&new("2026-12-02", "18:00", 2, "0999"), big)
            .unwrap()
            .unwrap();
        s.cancel(gone).unwrap().unwrap();

        let ids: Vec<i64> = s
            .upcoming_by_phone("0901", d("2026-11-27"))
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, vec![today, soon, late]);
        assert!(s
            .upcoming_by_phone("0000", d("2026-11-27"))
            .unwrap()
            .is_empty());
        let _ = past;

        assert_eq!(
            s.last_by_phone("0901").unwrap().unwrap().id,
            gone,
            "any status, latest made"
        );
        assert_eq!(s.last_by_phone("0000").unwrap(), None);
    }

    #[test]
    fn calls_round_trip_and_upsert() {
        let mut s = Store::open_in_memory().unwrap();
        let mut c = CallRecord {
            id: "6f1c8a52-0000-4000-8000-000000000001".into(),
            started_at: "2026-11-27T10:00:00".into(),
            ended_at: None,
            lang: "ja".into(),
            caller_id: Some("09012345678".into()),
            outcome: "incomplete".into(),
            reason: None,
            transcript: serde_json::json!([{"user": "予約したい", "agent": "何名様ですか"}]),
            recording_path: None,
        };
        s.record_call(&c).unwrap();
        c.ended_at = Some("2026-11-27T10:02:00".into());
        c.outcome = "booked".into();
        s.record_call(&c).unwrap();
        let mut older = c.clone();
        older.id = "older".into();
        older.started_at = "2026-11-26T09:00:00".into();
        s.record_call(&older).unwrap();

        assert_eq!(s.calls(10).unwrap(), vec![c.clone(), older]);
        assert_eq!(s.calls(1).unwrap(), vec![c]);
        assert_eq!(s.calls(0).unwrap(), vec![]);
    }

    #[test]
    fn default_path_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        let table: &[(&'static [(&'static str, &'static str)], &str)] = &[
            (
                &[
                    ("YOYAKU_STORE", "/x/b.db"),
                    ("XDG_DATA_HOME", "/d"),
                    ("HOME", "/h"),
                ],
                "/x/b.db",
            ),
            (
                &[
                    ("YOYAKU_STORE", ""),
                    ("XDG_DATA_HOME", "/d"),
                    ("HOME", "/h"),
                ],
                "/d/yoyaku/reservations.db",
            ),
            (
                &[("XDG_DATA_HOME", "rel"), ("HOME", "/h")],
                "/h/.local/share/yoyaku/reservations.db",
            ),
            (&[("HOME", "/h")], "/h/.local/share/yoyaku/reservations.db"),
            (&[], "reservations.db"),
        ];
        for (vars, want) in table {
            assert_eq!(
                default_path_from(env(vars)),
                PathBuf::from(want),
                "{vars:?}"
            );
        }
    }

    #[test]
    fn failed_booking_leaves_no_row() {
        // The CHECK on party_size fails the insert inside the transaction.
        let mut s = Store::open_in_memory().unwrap();
        assert!(s.book(&new("2026-12-04", "19:00", 0, "0901"), ONE).is_err());
        assert!(s.all().unwrap().is_empty());
        // The book still works afterwards (no transaction left open).
        assert!(s
            .book(&new("2026-12-04", "19:00", 2, "0901"), ONE)
            .unwrap()
            .is_ok());
    }

    #[test]
    fn failed_migration_step_rolls_back_whole_step() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps = [
            "CREATE TABLE a (x);",
            "CREATE TABLE b (x); CREATE TABLE a (y);",
        ];
        let err = migrate(&mut conn, &steps).unwrap_err();
        assert!(
            format!("{err:#}").contains("schema update 2 failed"),
            "{err:#}"
        );
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1);
        let b: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(b, 0, "table b from the failed step must not exist");
    }

    #[test]
    fn corrupt_rows_are_errors_not_panics() {
        let s = Store::open_in_memory().unwrap();
        // Bypass the CHECKs the way an older tool or hand edit might.
        s.conn.execute_batch("PRAGMA ignore_check_constraints = ON;
            INSERT INTO reservations (date, time, party_size, name, phone) VALUES ('2026-13-45', '19:00', 2, 'x', 'y');").unwrap();
        let err = s.all().unwrap_err();
        assert!(format!("{err:#}").contains("bad date"), "{err:#}");
    }
}
