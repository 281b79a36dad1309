//! Faults on the phone line each end only their own call, cleanly: hang-up
//! mid-sentence, truncated frame, unknown message kind, garbage, a peer that
//! stops reading, a duplicate UUID, and the server killed during a booking.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;
use yoyaku::serve::client::{speechlike, CallClient, Reply};
use yoyaku::serve::frame::{self, Frame};

const WAIT: Duration = Duration::from_secs(5);
const GAP: Duration = Duration::from_millis(300);

fn empty() -> Reply {
    Reply { first_frame: None, samples: vec![], hung_up: false, error: false }
}

/// A whole booking call that must succeed while something else goes wrong.
async fn good_call(addr: std::net::SocketAddr) -> bool {
    let mut c = CallClient::connect(addr, Uuid::new_v4()).await.unwrap();
    c.await_reply(WAIT, GAP).await.unwrap();
    c.play(&speechlike(turn_ms(BOOK_WITH_PHONE)), &mut empty()).await.unwrap();
    let readback = c.await_reply(WAIT, GAP).await.unwrap();
    c.play(&speechlike(turn_ms(YES)), &mut empty()).await.unwrap();
    let r = c.await_reply(WAIT, Duration::from_secs(2)).await.unwrap();
    readback.first_frame.is_some() && r.first_frame.is_some()
}

/// Wait until the server closes `s` (reads to EOF, ignoring what it sends).
async fn closed_by_server(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline.into(), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

async fn raw_call(addr: std::net::SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(&frame::encode(&Frame::Uuid(*Uuid::new_v4().as_bytes()))).await.unwrap();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_peers_end_alone_and_good_calls_go_on() {
    let s = TestServer::start(quick(), false).await;
    let addr = s.running.audiosocket;
    let good = tokio::spawn(good_call(addr));

    // (what the bad peer sends after its UUID, or instead of it)
    let truncated = [&frame::audio8k(&[0; 160])[..], &[0x10, 0x01, 0x40, 1, 2, 3]].concat();
    let cases: Vec<(&str, bool, Vec<u8>)> = vec![
        ("truncated frame", true, truncated),
        ("unknown kind", true, vec![0x42, 0, 2, 9, 9]),
        ("garbage after uuid", true, b"\x10\x00\x03abc".to_vec()),
        ("garbage instead of uuid", false, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        ("odd-length audio", true, vec![0x10, 0, 1, 7]),
    ];
    for (name, with_uuid, bytes) in cases {
        let mut st = if with_uuid { raw_call(addr).await } else { TcpStream::connect(addr).await.unwrap() };
        st.write_all(&bytes).await.unwrap();
        if name == "truncated frame" {
            st.shutdown().await.unwrap();
        }
        assert!(closed_by_server(&mut st, Duration::from_secs(5)).await, "{name}: the server ends the call");
    }
    assert!(good.await.unwrap(), "the good call was answered throughout");
    s.idle().await;
    let calls = s.calls();
    assert!(calls.iter().filter(|c| c.outcome == "incomplete").count() >= 4, "bad calls are logged as incomplete");
    assert_eq!(s.reservations().await.as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_up_mid_sentence_books_nothing() {
    let s = TestServer::start(quick(), false).await;
    let addr = s.running.audiosocket;
    let good = tokio::spawn(good_call(addr));
    let mut c = CallClient::connect(addr, Uuid::new_v4()).await.unwrap();
    c.await_reply(WAIT, GAP).await.unwrap();
    // Half of the booking sentence, then the line drops (no hang-up message).
    c.play(&speechlike(700), &mut empty()).await.unwrap();
    drop(c);
    assert!(good.await.unwrap());
    s.idle().await;
    let calls = s.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(s.reservations().await.as_array().unwrap().len(), 1, "only the good call booked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_connection_with_a_live_uuid_is_refused() {
    let s = TestServer::start(quick(), false).await;
    let addr = s.running.audiosocket;
    let uuid = Uuid::new_v4();
    let mut first = CallClient::connect(addr, uuid).await.unwrap();
    first.await_reply(WAIT, GAP).await.unwrap();
    let mut second = CallClient::connect(addr, uuid).await.unwrap();
    let r = second.await_reply(WAIT, GAP).await.unwrap();
    assert!(r.error && r.samples.is_empty(), "the duplicate gets an error, no dialogue");
    // The first call is untouched.
    first.play(&speechlike(turn_ms(BOOK_WITH_PHONE)), &mut empty()).await.unwrap();
    assert!(first.await_reply(WAIT, GAP).await.unwrap().first_frame.is_some());
    first.play(&speechlike(turn_ms(YES)), &mut empty()).await.unwrap();
    assert!(first.await_reply(WAIT, GAP).await.unwrap().first_frame.is_some());
    s.idle().await;
    assert_eq!(s.reservations().await.as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_stops_reading_is_dropped() {
    // A 40 s greeting that the peer never reads.
    let s = TestServer::start_with(quick(), false, 2000).await;
    let addr = s.running.audiosocket;
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let mut st = sock.connect(addr).await.unwrap();
    st.write_all(&frame::encode(&Frame::Uuid(*Uuid::new_v4().as_bytes()))).await.unwrap();
    let began = Instant::now();
    // Keep sending silence (a live line) but never read.
    let silence = frame::audio8k(&[0; 160]);
    while s.running.shared.calls.active_count() > 0 || began.elapsed() < Duration::from_millis(200) {
        assert!(began.elapsed() < Duration::from_secs(30), "the stuck call was never dropped");
        if st.write_all(&silence).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(began.elapsed() < Duration::from_secs(15), "dropped after {:?}", began.elapsed());
    // Other calls still get their (long) greeting.
    let mut c = CallClient::connect(addr, Uuid::new_v4()).await.unwrap();
    let mut heard = empty();
    while heard.first_frame.is_none() {
        assert!(began.elapsed() < Duration::from_secs(30));
        c.play(&[0; 160], &mut heard).await.unwrap();
    }
}

// The server as a separate process, killed with SIGKILL during bookings.

fn spawn_server(store: &std::path::Path, table: &std::path::Path, port_file: &std::path::Path) -> Child {
    let _ = std::fs::remove_file(port_file);
    Command::new(env!("CARGO_BIN_EXE_yoyaku"))
        .args(["serve", "--profile", concat!(env!("CARGO_MANIFEST_DIR"), "/samples/restaurant.toml")])
        .arg("--store")
        .arg(store)
        .args(["--audiosocket", "127.0.0.1:0", "--http", "127.0.0.1:0", "--now", "2026-11-27T10:00", "--tone-tts"])
        .arg("--fake-stt")
        .arg(table)
        .arg("--ports-file")
        .arg(port_file)
        .env("YOYAKU_TOKEN", TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the yoyaku binary runs")
}

/// The addresses the server wrote once it listened: "audiosocket http".
fn ports(port_file: &std::path::Path) -> (std::net::SocketAddr, std::net::SocketAddr) {
    for _ in 0..200 {
        if let Ok(t) = std::fs::read_to_string(port_file) {
            let mut it = t.split_whitespace().map(|a| a.parse().unwrap());
            if let (Some(a), Some(h)) = (it.next(), it.next()) {
                return (a, h);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not start");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_mid_booking_leaves_no_half_reservation() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("book.db");
    let table = dir.path().join("stt.json");
    let port_file = dir.path().join("ports");
    let rows: Vec<(f32, &str)> = TURNS.iter().map(|(ms, t)| ((*ms as f32 + 400.0) / 1000.0, *t)).collect();
    std::fs::write(&table, serde_json::to_string(&rows).unwrap()).unwrap();

    // Kill at several points around the end of the booking sentence.
    for kill_after_ms in [0u64, 250, 500, 900] {
        let mut child = spawn_server(&store, &table, &port_file);
        let (addr, _) = ports(&port_file);
        let mut c = CallClient::connect(addr, Uuid::new_v4()).await.unwrap();
        c.await_reply(WAIT, GAP).await.unwrap();
        c.play(&speechlike(turn_ms(BOOK_WITH_PHONE)), &mut empty()).await.unwrap();
        c.await_reply(WAIT, GAP).await.unwrap();
        c.play(&speechlike(turn_ms(YES)), &mut empty()).await.unwrap();
        let t0 = Instant::now();
        // Keep the line live until the kill.
        while t0.elapsed() < Duration::from_millis(kill_after_ms) {
            // The agent may already have said goodbye and hung up.
            if c.play(&[0; 160], &mut empty()).await.is_err() {
                break;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
    }

    // After a restart, every stored reservation is whole and the book still works.
    let mut child = spawn_server(&store, &table, &port_file);
    let (addr, http) = ports(&port_file);
    let all: serde_json::Value = reqwest::Client::new()
        .get(format!("http://{http}/api/reservations"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for r in all.as_array().unwrap() {
        for k in ["date", "time", "party_size", "name", "status"] {
            assert!(!r[k].is_null(), "reservation {r} lacks {k}");
        }
    }
    assert!(good_call(addr).await, "calls work after the restart");
    child.kill().unwrap();
    child.wait().unwrap();
    let db = rusqlite::Connection::open(&store).unwrap();
    let ok: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let mode: String = db.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}
