//! Whole phone calls over AudioSocket against an in-process server with fake
//! speech engines: booking with a registered caller ID, transfer, DTMF entry,
//! barge-in, silence re-prompts, the HTTP token and concurrent calls.

mod support;

use std::time::{Duration, Instant};
use support::*;
use uuid::Uuid;
use yoyaku::serve::client::{speechlike, CallClient, Reply};
use yoyaku::serve::frame::Frame;

const WAIT: Duration = Duration::from_secs(5);
const GAP: Duration = Duration::from_millis(300);

fn empty() -> Reply {
    Reply { first_frame: None, samples: vec![], hung_up: false, error: false }
}

/// Say `text` (as its speech-like burst) and wait for the agent's answer.
async fn say(c: &mut CallClient, text: &str) -> (Reply, Duration) {
    let end = c.play(&speechlike(turn_ms(text)), &mut empty()).await.unwrap();
    let r = c.await_reply(WAIT, GAP).await.unwrap();
    let latency = r.first_frame.map(|f| f - end).unwrap_or(Duration::MAX);
    (r, latency)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_call_with_caller_id_is_stored() {
    let s = TestServer::start(quick(), true).await;
    let uuid = Uuid::new_v4();
    s.register(uuid, "090-1234-5678").await;
    let mut c = CallClient::connect(s.running.audiosocket, uuid).await.unwrap();
    let greeting = c.await_reply(WAIT, GAP).await.unwrap();
    assert!(greeting.samples.len() > 1000, "the agent greets first");
    assert_eq!(s.action(uuid).await, "wait");

    let (readback, latency) = say(&mut c, BOOK).await;
    assert!(readback.samples.len() > 8000, "the agent reads the booking back");
    assert!(latency < Duration::from_secs(2), "reply latency {latency:?}");
    let (reply, _) = say(&mut c, YES).await;
    assert!(!reply.samples.is_empty(), "the agent confirms");
    // The confirmation ends the call: the server hangs up after speaking.
    let rest = if reply.hung_up { reply } else { c.await_reply(WAIT, Duration::from_secs(3)).await.unwrap() };
    assert!(rest.hung_up, "the server hangs up after the goodbye");
    s.idle().await;

    let all = s.reservations().await;
    assert_eq!(
        all,
        serde_json::json!([{"id":1,"date":"2026-11-28","time":"19:00","party_size":4,"name":"田中",
                            "phone":"09012345678","status":"booked"}])
    );
    assert_eq!(s.action(uuid).await, "hangup");
    let calls = s.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].outcome, "booked");
    assert_eq!(calls[0].caller_id.as_deref(), Some("09012345678"));
    assert_eq!(calls[0].transcript[1]["text"], BOOK);
    // Each turn is heard after the agent line it answers: the first after none
    // (not the greeting), the yes after the read-back.
    let heard = s.stt.heard.lock().unwrap().clone();
    assert_eq!(heard.first().map(|h| (h.1.as_str(), h.2.as_deref())), Some((BOOK, None)));
    assert_eq!(heard.last().map(|h| (h.1.as_str(), h.2.as_deref())), Some((YES, calls[0].transcript[2]["text"].as_str())));
    let wav = calls[0].recording_path.as_ref().expect("recorded (profile opted in)");
    let r = hound::WavReader::open(wav).unwrap();
    assert_eq!(r.spec().sample_rate, 8000);
    assert!(r.duration() > 8000, "the recording holds the call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_for_staff_is_signalled_to_the_dialplan() {
    let s = TestServer::start(quick(), false).await;
    let uuid = Uuid::new_v4();
    let mut c = CallClient::connect(s.running.audiosocket, uuid).await.unwrap();
    c.await_reply(WAIT, GAP).await.unwrap();
    let (mut r, _) = say(&mut c, STAFF).await;
    if !r.hung_up {
        r = c.await_reply(WAIT, Duration::from_secs(3)).await.unwrap();
    }
    assert!(r.hung_up);
    s.idle().await;
    assert_eq!(s.action(uuid).await, "transfer");
    let state: serde_json::Value =
        s.http.get(s.url(&format!("/api/calls/{uuid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["transferred"], true);
    assert_eq!(state["reason"], "transferred");
    assert!(s.calls()[0].recording_path.is_none(), "no recording unless the profile opts in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_inside_a_sentence_keeps_it_one_turn() {
    // The recognition that starts at the pause hears 1.4 s ("staff, please");
    // the caller goes on, and the whole 3.1 s is the booking with a phone number.
    let s = TestServer::start(quick(), false).await;
    let mut c = CallClient::connect(s.running.audiosocket, Uuid::new_v4()).await.unwrap();
    c.await_reply(WAIT, GAP).await.unwrap();
    let mut heard = empty();
    c.play(&speechlike(1000), &mut heard).await.unwrap();
    c.play(&[0; 8 * 500], &mut heard).await.unwrap();
    c.play(&speechlike(1300), &mut heard).await.unwrap();
    assert!(heard.first_frame.is_none(), "the agent waited for the end of the sentence");
    let r = c.await_reply(WAIT, GAP).await.unwrap();
    assert!(r.first_frame.is_some());
    c.hangup().await.unwrap();
    s.idle().await;
    let call = &s.calls()[0];
    let said: Vec<&serde_json::Value> = call.transcript.as_array().unwrap().iter().filter(|l| l["who"] == "caller").collect();
    assert_eq!(said.len(), 1, "{:?}", call.transcript);
    assert_eq!(said[0]["text"], BOOK_WITH_PHONE);
    assert_ne!(call.outcome, "transferred");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dtmf_digits_are_one_turn_ended_by_hash_or_a_pause() {
    let s = TestServer::start(quick(), false).await;
    let mut c = CallClient::connect(s.running.audiosocket, Uuid::new_v4()).await.unwrap();
    c.await_reply(WAIT, GAP).await.unwrap();
    for d in "0901234#".chars() {
        c.send(&Frame::Dtmf(d)).await.unwrap();
    }
    let r = c.await_reply(WAIT, GAP).await.unwrap();
    assert!(r.first_frame.is_some(), "the digits got an answer");
    for d in "5678".chars() {
        c.send(&Frame::Dtmf(d)).await.unwrap();
    }
    let r = c.await_reply(WAIT, GAP).await.unwrap();
    assert!(r.first_frame.is_some(), "a pause also ends the digits");
    c.hangup().await.unwrap();
    s.idle().await;
    let t = &s.calls()[0].transcript;
    assert_eq!(t[1]["text"], "0901234");
    assert_eq!(t[3]["text"], "5678");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caller_talking_stops_the_agent() {
    // 100 ms a character: the greeting "Thank you for calling." takes 2.2 s.
    let s = TestServer::start_with(quick(), false, 100).await;
    let mut c = CallClient::connect(s.running.audiosocket, Uuid::new_v4()).await.unwrap();
    let mut heard = empty();
    // Wait for the greeting to start, then talk over it.
    while heard.first_frame.is_none() {
        c.play(&[0; 160], &mut heard).await.unwrap();
    }
    let started = Instant::now();
    c.play(&speechlike(700), &mut heard).await.unwrap();
    let greeting_ms = heard.samples.len() / 8;
    assert!(greeting_ms < 1500, "the agent stopped after {greeting_ms} ms of its 2200 ms greeting");
    assert!(started.elapsed() < Duration::from_secs(2));
    c.hangup().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silence_gets_reprompts_then_a_goodbye() {
    let mut t = quick();
    t.silence.reprompt_after = Duration::from_millis(700);
    t.silence.max_reprompts = 2;
    let s = TestServer::start(t, false).await;
    let mut c = CallClient::connect(s.running.audiosocket, Uuid::new_v4()).await.unwrap();
    let mut replies = 0;
    let began = Instant::now();
    loop {
        let r = c.await_reply(Duration::from_secs(3), GAP).await.unwrap();
        if r.first_frame.is_some() {
            replies += 1;
        }
        if r.hung_up || began.elapsed() > Duration::from_secs(15) {
            break;
        }
    }
    // Greeting, two re-prompts, goodbye.
    assert_eq!(replies, 4);
    s.idle().await;
    let calls = s.calls();
    assert_eq!(calls[0].outcome, "incomplete");
    assert_eq!(calls[0].transcript.as_array().unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reservations_need_the_token() {
    let s = TestServer::start(quick(), false).await;
    let url = s.url("/api/reservations");
    assert_eq!(s.http.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(s.http.get(&url).bearer_auth("wrong").send().await.unwrap().status(), 401);
    assert_eq!(s.http.get(&url).bearer_auth(TOKEN).send().await.unwrap().status(), 200);
    assert_eq!(s.http.get(s.url("/")).send().await.unwrap().status(), 401);
    assert_eq!(s.http.get(s.url("/?token=nope")).send().await.unwrap().status(), 401);
    // ?token= sets a cookie and sends the browser back to /, where the cookie lets it in.
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = plain.get(s.url(&format!("/?token={TOKEN}"))).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let page = plain.get(s.url("/")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Reservations"));
    // Caller IDs come as JSON or as a form (Asterisk CURL() without headers).
    let table = [("not json", 400), ("{\"uuid\":\"nope\"}", 400), ("uuid=nope", 400)];
    for (body, want) in table {
        let r = s.http.post(s.url("/api/calls")).body(body).send().await.unwrap();
        assert_eq!(r.status(), want, "{body}");
    }
    let uuid = Uuid::new_v4();
    let form = format!("uuid={uuid}&caller_id=%2B81-90-1234-5678");
    let r = s.http.post(s.url("/api/calls")).body(form).send().await.unwrap();
    assert!(r.status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_calls_at_once_each_get_their_own_booking() {
    let s = TestServer::start(quick(), false).await;
    let mut tasks = Vec::new();
    for i in 0..4 {
        let uuid = Uuid::new_v4();
        s.register(uuid, &format!("0900000000{i}")).await;
        let addr = s.running.audiosocket;
        tasks.push(tokio::spawn(async move {
            let mut c = CallClient::connect(addr, uuid).await.unwrap();
            c.await_reply(WAIT, GAP).await.unwrap();
            let (r, latency) = say(&mut c, BOOK).await;
            assert!(r.first_frame.is_some());
            let (r, latency2) = say(&mut c, YES).await;
            assert!(r.first_frame.is_some());
            latency.max(latency2)
        }));
    }
    for t in tasks {
        let latency = t.await.unwrap();
        assert!(latency < Duration::from_secs(2), "{latency:?}");
    }
    s.idle().await;
    let all = s.reservations().await;
    let mut phones: Vec<String> = all.as_array().unwrap().iter().map(|r| r["phone"].as_str().unwrap().to_string()).collect();
    phones.sort();
    assert_eq!(phones, ["09000000000", "09000000001", "09000000002", "09000000003"]);
}
