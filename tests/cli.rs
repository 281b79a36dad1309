//! The commands as outside checks call them (../shared/spec/cli-contract.md):
//! JSON on stdout, one-line errors on stderr, non-zero exit on bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn yoyaku(args: &[&str], stdin: &str) -> Output {
    // Tests run side by side, one per core: each command decodes on one thread
    // (ggml's spinning worker threads would otherwise fight over the cores).
    let mut child = Command::new(env!("CARGO_BIN_EXE_yoyaku"))
        .args(args)
        .env("YOYAKU_ASR_THREADS", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn extract_prints_every_key() {
    let o = yoyaku(&["extract", "--lang", "ja", "--now", "2026-11-27T10:00", "来週の金曜日の夜7時に4名で"], "");
    assert_eq!(
        json(&o),
        serde_json::json!({"intent":"book","date":"2026-12-04","time":"19:00","party_size":4,"name":null,"phone":null})
    );
}

#[test]
fn extract_jsonl_is_one_line_out_per_line_in() {
    let o = yoyaku(
        &["extract", "--lang", "en", "--now", "2026-11-27T10:00", "--profile", "samples/clinic.toml", "--jsonl"],
        "I'd like an appointment on Monday at 3\n\nMy name is Tom Baker\n",
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!((first["date"].as_str(), first["time"].as_str()), (Some("2026-11-30"), Some("15:00")));
    let empty: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert!(empty["intent"].is_null());
}

#[test]
fn simulate_books_and_a_store_remembers_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("book.db");
    let store = store.to_str().unwrap();
    let o = yoyaku(
        &["simulate", "--profile", "samples/restaurant.toml", "--lang", "ja", "--now", "2026-11-27T10:00",
          "--store", store, "明日の夜7時に4名で予約したいです。名前は田中、電話番号は090-1234-5678です。", "はい、お願いします。"],
        "",
    );
    let d = json(&o);
    assert_eq!(d["outcome"], "booked");
    assert_eq!(d["reservation"]["phone"], "09012345678");
    assert_eq!(d["turns"].as_array().unwrap().len(), 2);
    // The same caller calls again: greeted by name, and can cancel by caller ID.
    let o = yoyaku(
        &["simulate", "--profile", "samples/restaurant.toml", "--lang", "ja", "--now", "2026-11-27T12:00",
          "--store", store, "--caller-id", "09012345678", "予約をキャンセルしたいです", "はい"],
        "",
    );
    let d = json(&o);
    assert!(d["greeting"].as_str().unwrap().contains("田中様"));
    assert_eq!(d["outcome"], "cancelled");
    assert_eq!(d["reservation"]["status"], "cancelled");
}

#[test]
fn chat_runs_a_call_over_typed_turns() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("chat.db");
    let o = yoyaku(
        &["chat", "--lang", "en", "--now", "2026-11-27T10:00", "--store", store.to_str().unwrap()],
        "A table for two tomorrow at 7pm\nMy name is Ann Lee\n09011112222\nyes\n",
    );
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(o.status.success());
    assert!(out.contains("Let me read that back") && out.contains("You're booked"), "{out}");
}

#[test]
fn bad_input_is_a_one_line_error_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.wav");
    std::fs::write(&junk, b"RIFF\x10\x00\x00\x00WAVEfmt garbage").unwrap();
    for args in [
        vec!["extract", "--lang", "xx", "hello"],
        vec!["extract", "--now", "tomorrow", "hello"],
        vec!["extract", "--profile", "/nonexistent.toml", "hello"],
        vec!["simulate", "--now", "2026-11-27T10:00", junk.to_str().unwrap()],
        vec!["transcribe", "--lang", "ja", junk.to_str().unwrap()],
    ] {
        let o = yoyaku(&args, "");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(o.stdout.is_empty(), "{args:?} printed to stdout");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
