//! The reservation book on a real file: migrations, bad files, and many
//! processes-worth of connections racing for the last tables.

use chrono::{NaiveDate, NaiveTime};
use std::sync::{Arc, Barrier};
use yoyaku::store::{Capacity, NewReservation, Refusal, Status, Store};

fn slot(phone: &str) -> NewReservation {
    NewReservation {
        date: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
        time: NaiveTime::from_hms_opt(19, 0, 0).unwrap(),
        party_size: 2,
        name: "Smith".into(),
        phone: phone.into(),
        call_id: None,
    }
}

fn user_version(path: &std::path::Path) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

#[test]
fn open_creates_parent_dirs_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/reservations.db");
    let cap = Capacity {
        units: 5,
        hold_minutes: 120,
    };
    let id = {
        let mut s = Store::open(&path).unwrap();
        s.book(&slot("0901"), cap).unwrap().unwrap()
    };
    assert_eq!(user_version(&path), 2);
    let s = Store::open(&path).unwrap();
    let s2 = Store::open(&path).unwrap();
    assert_eq!(user_version(&path), 2);
    assert_eq!(s.get(id).unwrap().unwrap().status, Status::Booked);
    assert_eq!(s2.all().unwrap().len(), 1, "reopening keeps the data");
    let mode: String = rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn v1_database_migrates_to_v2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // What version 1 of the schema wrote, with one booking in it.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE reservations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                time TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),
                party_size INTEGER NOT NULL CHECK (party_size > 0),
                name TEXT NOT NULL, phone TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                call_id TEXT);
             CREATE INDEX reservations_date_time ON reservations (date, time);
             CREATE INDEX reservations_phone ON reservations (phone);
             INSERT INTO reservations (date, time, party_size, name, phone)
                 VALUES ('2026-12-04', '19:00', 4, '田中', '09012345678');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    assert_eq!(user_version(&path), 2);
    let all = s.all().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].party_size, all[0].name.as_str()), (4, "田中"));
    // The v2 table is there and usable.
    s.record_call(&yoyaku::store::CallRecord {
        id: "u1".into(),
        started_at: "2026-11-27T10:00:00".into(),
        ended_at: None,
        lang: "ja".into(),
        caller_id: None,
        outcome: "booked".into(),
        reason: None,
        transcript: serde_json::json!([]),
        recording_path: None,
    })
    .unwrap();
    assert_eq!(s.calls(5).unwrap().len(), 1);
}

#[test]
fn newer_database_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99;")
        .unwrap();
    let err = format!("{:#}", Store::open(&path).err().expect("must refuse"));
    assert!(err.contains("newer yoyaku"), "{err}");
    assert!(err.contains("99"), "{err}");
    assert!(err.contains("future.db"), "{err}");
    assert_eq!(user_version(&path), 99, "left untouched");
}

#[test]
fn non_database_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let table: &[(&str, &[u8])] = &[
        (
            "text.db",
            b"this is not a database, just some text that is long enough",
        ),
        ("zeros.db", &[0u8; 4096]),
    ];
    for (name, bytes) in table {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = format!("{:#}", Store::open(&path).err().expect("must refuse"));
        assert!(err.contains(name), "{name}: {err}");
    }
}

#[test]
fn racing_connections_take_exactly_the_free_units() {
    const THREADS: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let path = Arc::new(dir.path().join("race.db"));
    let cap = Capacity {
        units: 3,
        hold_minutes: 120,
    };
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let (path, start) = (path.clone(), start.clone());
            std::thread::spawn(move || {
                // Each thread opens the (possibly not yet created) file itself,
                // as separate processes would, then all book at once.
                // The open's result is looked at only after the barrier, so one
                // failed open fails the test instead of leaving the others waiting.
                let opened = Store::open(&path);
                start.wait();
                opened.unwrap().book(&slot(&format!("090{i}")), cap).unwrap()
            })
        })
        .collect();
    let results: Vec<Result<i64, Refusal>> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();
    let won = results.iter().filter(|r| r.is_ok()).count();
    let full = results.iter().filter(|r| **r == Err(Refusal::Full)).count();
    assert_eq!((won, full), (3, THREADS - 3), "{results:?}");
    let s = Store::open(&path).unwrap();
    let booked = s
        .all()
        .unwrap()
        .iter()
        .filter(|r| r.status == Status::Booked)
        .count();
    assert_eq!(booked, 3);
}
