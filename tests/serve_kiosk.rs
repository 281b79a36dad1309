//! The kiosk loop with device-free audio: the caller is a recording played in
//! real time, the speaker is a recording sink, and the microphone also hears the
//! speaker (echo), as on a laptop. The agent must not take its own echo for the
//! caller, must stop when the caller talks over it, and must give up on silence.

mod support;

use std::sync::Arc;
use std::time::Duration;
use support::*;
use yoyaku::kiosk::wavio::{EchoSource, RecordingSink, WavSource};
use yoyaku::kiosk::{self, BargeIn, KioskConfig, KioskReport};
use yoyaku::live::fakes::{speechlike_at, DurationTableStt, SpeechlikeTts};
use yoyaku::commands::common::parse_now;
use yoyaku::live::{Clock, SilencePolicy};
use yoyaku::profile::Profile;
use yoyaku::store::Store;

/// The caller's track: (silence ms before, turn text) …, then `tail_ms` of silence.
fn track(parts: &[(usize, &str)], tail_ms: usize) -> Vec<f32> {
    track_at(parts, tail_ms, 1.0)
}

/// `gain`: how loud the caller is at the microphone, relative to the speaker.
fn track_at(parts: &[(usize, &str)], tail_ms: usize, gain: f32) -> Vec<f32> {
    let mut x = Vec::new();
    for (pause, text) in parts {
        x.resize(x.len() + pause * 16, 0.0);
        x.extend(speechlike_at(turn_ms(text), 16_000).iter().map(|s| *s as f32 / 32768.0 * gain));
    }
    x.resize(x.len() + tail_ms * 16, 0.0);
    x
}

/// The call's report, what the speaker played, the book, and the agent line each
/// caller turn was heard after.
fn talk(caller: Vec<f32>, agent_ms_per_char: usize, reprompt_ms: u64) -> (KioskReport, RecordingSink, Store, Vec<Option<String>>) {
    let profile = Arc::new(Profile::load(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/restaurant.toml").as_ref()).unwrap());
    let clock = Clock::new(profile.tz(), Some(parse_now("2026-11-27T10:00").unwrap()));
    let mut store = Store::open_in_memory().unwrap();
    let table = TURNS.iter().map(|(ms, t)| ((*ms as f32 + 400.0) / 1000.0, t.to_string())).collect();
    let stt = DurationTableStt::new(table);
    let tts = SpeechlikeTts { ms_per_char: agent_ms_per_char };
    let mut sink = RecordingSink::new();
    // The microphone hears the speaker at a fifth of its level.
    let mut mic = EchoSource { inner: WavSource::from_samples(caller), sink: sink.timeline.clone(), coupling: 0.2 };
    let cfg = KioskConfig {
        lang: "ja".into(),
        silence: SilencePolicy { reprompt_after: Duration::from_millis(reprompt_ms), max_reprompts: 2 },
        barge_in: BargeIn::default(),
    };
    let report = kiosk::run(&mut mic, &mut sink, &stt, &tts, profile, &mut store, &clock, &cfg).unwrap();
    let after = stt.heard.lock().unwrap().iter().map(|(_, _, after)| after.clone()).collect();
    (report, sink, store, after)
}

fn caller_turns(r: &KioskReport) -> Vec<&str> {
    r.transcript.iter().filter(|(w, _)| w == "caller").map(|(_, t)| t.as_str()).collect()
}

#[test]
fn a_booking_at_the_kiosk_ignores_the_agents_own_echo() {
    // Greeting ≈ 1.4 s; the read-back ≈ 3 s plays before the caller says yes.
    let caller = track(&[(2000, BOOK_WITH_PHONE), (5000, YES)], 4000);
    let (report, sink, store, after) = talk(caller, 40, 8000);
    assert_eq!(caller_turns(&report), [BOOK_WITH_PHONE, YES], "{report:?}");
    // The yes is heard as the answer to the read-back; the first turn after no line
    // (the greeting is left out).
    let yes_at = report.transcript.iter().position(|(w, t)| w == "caller" && t == YES).unwrap();
    let readback = report.transcript[..yes_at].iter().rev().find(|(w, _)| w == "agent").map(|(_, t)| t.clone());
    assert!(readback.as_deref().is_some_and(|r| r.contains("ゼロキューゼロ")), "{readback:?}");
    assert_eq!(after, [None, readback]);
    assert_eq!(report.barge_ins, 0, "the echo never cut the agent off");
    assert_eq!(report.outcome, "booked");
    assert_eq!(report.ended_by, "dialogue");
    let all = store.all().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].phone, "09012345678");
    assert_eq!(store.calls(10).unwrap()[0].outcome, "booked");
    let played = sink.timeline.lock().unwrap().played_ms();
    assert!(played > 4000, "greeting, read-back and confirmation were played ({played} ms)");
}

#[test]
fn the_caller_talking_over_the_greeting_stops_it() {
    // A 5 s greeting; the caller starts after 1 s, close to the microphone
    // (twice the speaker's level there, ten times its echo).
    let caller = track_at(&[(1000, BOOK_WITH_PHONE)], 3000, 2.0);
    let (report, sink, _, _) = talk(caller, 150, 8000);
    assert_eq!(report.barge_ins, 1, "{report:?}");
    let tl = sink.timeline.lock().unwrap();
    let greeting_ms = tl.played[0].1.len() / 16;
    assert!(greeting_ms < 2500, "the greeting stopped after {greeting_ms} ms");
    // What the caller said after the barge-in reached the dialogue (its exact
    // length, which the fake recogniser goes by, depends on where the cut fell).
    assert!(!caller_turns(&report).is_empty(), "{report:?}");
    assert!(report.transcript.len() >= 3, "the agent answered the caller: {report:?}");
}

#[test]
fn silence_gets_two_reprompts_then_the_kiosk_gives_up() {
    let (report, _, store, _) = talk(track(&[], 15_000), 30, 1000);
    assert_eq!(report.ended_by, "silence");
    assert_eq!(report.outcome, "incomplete");
    let agent: Vec<_> = report.transcript.iter().filter(|(w, _)| w == "agent").collect();
    assert_eq!(agent.len(), 4, "greeting, two re-prompts, goodbye: {report:?}");
    assert!(caller_turns(&report).is_empty());
    assert_eq!(store.calls(10).unwrap()[0].reason.as_deref(), Some("incomplete"));
}
