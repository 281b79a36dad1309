//! Shared by the serve tests: an in-process server with fake speech engines
//! (no model, no synthesiser) and helpers to call its HTTP API.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use yoyaku::audio::{Endpointer, StreamResampler};
use yoyaku::live::fakes::{speechlike, DurationTableStt, ToneTts};
use yoyaku::commands::common::parse_now;
use yoyaku::live::Clock;
use yoyaku::profile::Profile;
use yoyaku::serve::{self, CallTuning, Running};

pub const TOKEN: &str = "test-token";

/// Caller turns by length: a `speechlike(ms)` burst is heard as its text.
pub const TURNS: &[(usize, &str)] = &[
    (600, YES),
    (1000, STAFF),
    (1500, BOOK),
    (2100, "えーと"),
    (2700, BOOK_WITH_PHONE),
];

/// With the server clock at Friday 2026-11-27 10:00: Saturday 28th, 19:00, 4 people.
pub const BOOK: &str = "明日の夜7時に4名で予約したいです。名前は田中です。";
/// The same booking with a phone number, for calls without a caller ID.
pub const BOOK_WITH_PHONE: &str = "明日の夜7時に4名で予約したいです。名前は田中、電話番号は090-1234-5678です。";
pub const YES: &str = "はい、お願いします。";
pub const STAFF: &str = "担当の方と話したいのですが。";

pub fn turn_ms(text: &str) -> usize {
    TURNS.iter().find(|(_, t)| *t == text).expect("a known turn").0
}

/// What the server's front end (8 kHz → 16 kHz, then the endpointer) keeps of a
/// `speechlike` burst beyond its length, in seconds: its pre- and post-roll, less
/// what the VAD misses at the onset. The fake recogniser knows turns by length.
fn kept_around_a_burst(tuning: &CallTuning) -> f32 {
    let silence = vec![0i16; 4_000];
    let call: Vec<f32> = [&silence[..], &speechlike(1500), &silence[..]].concat().iter().map(|s| *s as f32 / 32768.0).collect();
    let mut up = StreamResampler::new(8_000, 16_000).unwrap();
    let mut ep = Endpointer::new(tuning.endpoint_config());
    let kept: usize = call.chunks(160).flat_map(|c| ep.push(&up.push(c).unwrap())).map(|u| u.samples.len()).sum();
    kept as f32 / 16_000.0 - 1.5
}

pub struct TestServer {
    pub running: Running,
    /// The fake recogniser, for what it was asked.
    pub stt: Arc<DurationTableStt>,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

impl TestServer {
    pub async fn start(tuning: CallTuning, record: bool) -> TestServer {
        Self::start_with(tuning, record, 30).await
    }

    /// `ms_per_char`: how long the fake synthesiser talks per character.
    pub async fn start_with(tuning: CallTuning, record: bool, ms_per_char: usize) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut profile = Profile::load(&root.join("samples/restaurant.toml")).unwrap();
        profile.record_calls = record;
        let profile = Arc::new(profile);
        let margin = kept_around_a_burst(&tuning);
        let table = TURNS.iter().map(|(ms, t)| (*ms as f32 / 1000.0 + margin, t.to_string())).collect();
        let stt = Arc::new(DurationTableStt::new(table));
        let running = serve::start(serve::Options {
            clock: Clock::new(profile.tz(), Some(parse_now("2026-11-27T10:00").unwrap())),
            profile,
            store_path: dir.path().join("book.db"),
            stt: stt.clone(),
            tts: Arc::new(ToneTts { ms_per_char }),
            token: TOKEN.into(),
            audiosocket: "127.0.0.1:0".parse().unwrap(),
            http: "127.0.0.1:0".parse().unwrap(),
            tuning,
            asr_parallel: 2,
        })
        .await
        .unwrap();
        TestServer { running, stt, dir, http: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.running.http, path)
    }

    pub async fn reservations(&self) -> serde_json::Value {
        let r = self.http.get(self.url("/api/reservations")).bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    pub async fn register(&self, uuid: uuid::Uuid, caller_id: &str) {
        let r = self
            .http
            .post(self.url("/api/calls"))
            .json(&serde_json::json!({"uuid": uuid.to_string(), "caller_id": caller_id}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }

    pub async fn action(&self, uuid: uuid::Uuid) -> String {
        self.http.get(self.url(&format!("/api/calls/{uuid}/action"))).send().await.unwrap().text().await.unwrap()
    }

    /// Wait until no call is live (each call's record is written as it ends).
    pub async fn idle(&self) {
        for _ in 0..200 {
            if self.running.shared.calls.active_count() == 0 {
                // The record is saved just after the call leaves the live set.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("calls did not end");
    }

    pub fn calls(&self) -> Vec<yoyaku::store::CallRecord> {
        self.running.shared.store.lock().unwrap().calls(100).unwrap()
    }
}

/// Short silences so the tests run in seconds.
pub fn quick() -> CallTuning {
    CallTuning {
        idle_timeout: Duration::from_secs(5),
        write_timeout: Duration::from_secs(1),
        dtmf_pause: Duration::from_millis(800),
        ..CallTuning::default()
    }
}
