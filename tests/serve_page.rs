//! The staff page in a real browser: headless Chromium logs in with `/?token=`,
//! follows the redirect with its cookie, and must show the reservation, the
//! calls with transcripts, outcomes, reasons, counts and the recording. The
//! screenshot is kept in target/staff-page.png (copied to docs/ by hand).
//! Needs the Debian package `chromium`; set YOYAKU_SKIP_BROWSER=1 to skip.

mod support;

use std::process::Command;
use std::time::Duration;
use support::*;
use uuid::Uuid;
use yoyaku::serve::client::{speechlike, CallClient, Reply};

fn empty() -> Reply {
    Reply { first_frame: None, samples: vec![], hung_up: false, error: false }
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// Run headless Chromium on `url`; `extra` is --dump-dom or --screenshot=….
fn browse(browser: &str, url: &str, extra: &str, profile: &std::path::Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_page_in_headless_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var_os("YOYAKU_SKIP_BROWSER").is_some() {
            eprintln!("skipped: no chromium");
            return;
        }
        panic!("install chromium (apt-get install chromium) or set YOYAKU_SKIP_BROWSER=1");
    };
    let s = TestServer::start(quick(), true).await;
    let addr = s.running.audiosocket;

    // A booking by a known caller, and a caller who asks for staff.
    let uuid = Uuid::new_v4();
    s.register(uuid, "09012345678").await;
    let mut c = CallClient::connect(addr, uuid).await.unwrap();
    c.await_reply(Duration::from_secs(5), Duration::from_millis(300)).await.unwrap();
    for turn in [BOOK, YES] {
        c.play(&speechlike(turn_ms(turn)), &mut empty()).await.unwrap();
        c.await_reply(Duration::from_secs(5), Duration::from_millis(300)).await.unwrap();
    }
    let mut c = CallClient::connect(addr, Uuid::new_v4()).await.unwrap();
    c.await_reply(Duration::from_secs(5), Duration::from_millis(300)).await.unwrap();
    c.play(&speechlike(turn_ms(STAFF)), &mut empty()).await.unwrap();
    c.await_reply(Duration::from_secs(5), Duration::from_secs(2)).await.unwrap();
    s.idle().await;

    let base = format!("http://{}", s.running.http);
    let without = tempfile::tempdir().unwrap();
    let denied = browse(browser, &format!("{base}/"), "--dump-dom", without.path());
    assert!(denied.contains("missing or wrong token") && !denied.contains("田中"), "{denied}");

    let login = format!("{base}/?token={TOKEN}");
    let dom = browse(browser, &login, "--dump-dom", tempfile::tempdir().unwrap().path());
    for needle in ["2026-11-28", "19:00", "田中", "09012345678", "booked", "transferred", BOOK, STAFF, "/recordings/"] {
        assert!(dom.contains(needle), "the page lacks {needle:?}:\n{dom}");
    }
    // Counts by reason: one book, one transferred.
    assert!(dom.contains("<td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td>"), "{dom}");

    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("../staff-page.png");
    let _ = std::fs::remove_file(&shot);
    browse(browser, &login, &format!("--screenshot={}", shot.display()), tempfile::tempdir().unwrap().path());
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real screenshot");
}
