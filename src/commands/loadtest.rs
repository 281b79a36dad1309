//! `yoyaku loadtest`: many phone calls at once against a running `yoyaku serve`.
//! Each line plays devset dialogue turns (WAV) over AudioSocket in real time,
//! with the caller ID registered first, waits for the agent's answer after each
//! turn, and measures reply latency: end of caller speech → first reply frame.
//! At the end it checks each call's outcome and what got booked.

use crate::audio::{load_wav, resample, split_utterances, EndpointConfig};
use crate::serve::client::CallClient;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = "127.0.0.1:9092")]
    pub audiosocket: SocketAddr,
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub http: SocketAddr,
    #[arg(long, env = "YOYAKU_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Calls in progress at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Calls each line makes, one after another.
    #[arg(long, default_value_t = 2)]
    pub calls_per_line: usize,
    /// The devset folder (with audio/index.jsonl and dialogues.jsonl).
    #[arg(long, default_value = "../shared/devset")]
    pub devset: PathBuf,
    /// Audio condition: tel8k (8 kHz mu-law) or clean16k.
    #[arg(long, default_value = "tel8k")]
    pub condition: String,
    /// Only dialogues in this language and for this profile (the server's).
    #[arg(long, default_value = "ja")]
    pub lang: String,
    #[arg(long, default_value = "restaurant")]
    pub profile_name: String,
    /// How long the agent may stay silent after a turn before we call it lost.
    #[arg(long, default_value_t = 15.0)]
    pub max_wait_secs: f32,
    /// Write the full result as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// One devset dialogue, ready to play.
struct Dialogue {
    id: String,
    caller_id: Option<String>,
    /// Each turn at 8 kHz, and where its speech ends (ms).
    turns: Vec<(Vec<i16>, u64)>,
    expect_outcome: String,
    expect: Option<serde_json::Value>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct CallResult {
    dialogue: String,
    uuid: String,
    latencies_ms: Vec<u64>,
    /// Turns the agent did not answer within max_wait.
    unanswered: usize,
    /// Replies that started before the caller finished the turn.
    early_replies: usize,
    outcome: Option<String>,
    expect_outcome: String,
    error: Option<String>,
}

pub fn run(a: Args) -> Result<()> {
    let dialogues = Arc::new(load_dialogues(&a)?);
    if dialogues.is_empty() {
        bail!("no {} {} dialogues with {} audio in {}", a.lang, a.profile_name, a.condition, a.devset.display());
    }
    eprintln!(
        "yoyaku: {} lines × {} calls from {} dialogues ({})",
        a.concurrency,
        a.calls_per_line,
        dialogues.len(),
        dialogues.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(" ")
    );
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let http = reqwest::Client::new();
        let t0 = Instant::now();
        let mut lines = Vec::new();
        for line in 0..a.concurrency {
            let (d, http, addr, hurl) = (dialogues.clone(), http.clone(), a.audiosocket, a.http);
            let (per, wait) = (a.calls_per_line, Duration::from_secs_f32(a.max_wait_secs));
            lines.push(tokio::spawn(async move {
                // Stagger the lines so their turns do not all end at the same instant.
                tokio::time::sleep(Duration::from_millis(700 * line as u64)).await;
                let mut out = Vec::new();
                for k in 0..per {
                    let dia = &d[(line + k * 3) % d.len()];
                    out.push(one_call(dia, addr, hurl, &http, wait).await);
                }
                out
            }));
        }
        let mut results = Vec::new();
        for l in lines {
            results.extend(l.await?);
        }
        let elapsed = t0.elapsed();
        // Outcomes as the server recorded them.
        for r in &mut results {
            let url = format!("http://{}/api/calls/{}", a.http, r.uuid);
            if let Ok(resp) = http.get(&url).send().await {
                if let Ok(v) = resp.json::<serde_json::Value>().await {
                    r.outcome = v["outcome"].as_str().map(String::from);
                }
            }
        }
        let booked: serde_json::Value = http
            .get(format!("http://{}/api/reservations", a.http))
            .bearer_auth(&a.token)
            .send()
            .await?
            .error_for_status()
            .context("GET /api/reservations (is the token right?)")?
            .json()
            .await?;
        report(&a, &dialogues, &results, &booked, elapsed)
    })
}

async fn one_call(
    d: &Dialogue,
    addr: SocketAddr,
    http_addr: SocketAddr,
    http: &reqwest::Client,
    max_wait: Duration,
) -> CallResult {
    let uuid = uuid::Uuid::new_v4();
    let mut r = CallResult {
        dialogue: d.id.clone(),
        uuid: uuid.to_string(),
        latencies_ms: vec![],
        unanswered: 0,
        early_replies: 0,
        outcome: None,
        expect_outcome: d.expect_outcome.clone(),
        error: None,
    };
    let res: Result<()> = async {
        if let Some(cid) = &d.caller_id {
            http.post(format!("http://{http_addr}/api/calls"))
                .json(&serde_json::json!({"uuid": uuid.to_string(), "caller_id": cid}))
                .send()
                .await?
                .error_for_status()?;
        }
        let mut c = CallClient::connect(addr, uuid).await?;
        let gap = Duration::from_millis(900);
        c.await_reply(max_wait, gap).await?;
        for (samples, speech_end_ms) in &d.turns {
            if c.ended {
                break;
            }
            let mut heard = crate::serve::client::Reply { first_frame: None, samples: vec![], hung_up: false, error: false };
            // Play up to the end of speech; await_reply goes on with silence.
            let end = ((*speech_end_ms as usize) * 8).min(samples.len());
            c.play(&samples[..end], &mut heard).await?;
            let speech_end = Instant::now();
            if heard.first_frame.is_some() {
                r.early_replies += 1; // the agent answered a pause inside the turn
            }
            let reply = c.await_reply(max_wait, gap).await?;
            match reply.first_frame {
                Some(f) => r.latencies_ms.push(f.saturating_duration_since(speech_end).as_millis() as u64),
                None => r.unanswered += 1,
            }
            // Let the rest of the answer play before the next turn.
            if !reply.hung_up && reply.first_frame.is_some() {
                c.await_reply(Duration::from_millis(10), gap).await?;
            }
        }
        if !c.ended {
            // The agent may still be saying goodbye; then hang up like a caller.
            c.await_reply(Duration::from_secs(3), gap).await?;
            c.hangup().await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = res {
        r.error = Some(format!("{e:#}"));
    }
    // Give the server a moment to write the call's record.
    tokio::time::sleep(Duration::from_millis(300)).await;
    r
}

fn load_dialogues(a: &Args) -> Result<Vec<Dialogue>> {
    let audio = a.devset.join("audio");
    let index = std::fs::read_to_string(audio.join("index.jsonl"))
        .with_context(|| format!("cannot read {}/index.jsonl (pass --devset)", audio.display()))?;
    let mut files: BTreeMap<String, BTreeMap<u64, PathBuf>> = BTreeMap::new();
    for line in index.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).context("audio/index.jsonl: bad line")?;
        if v["kind"] == "dialogue" && v["condition"] == a.condition.as_str() {
            let id = v["dialogue_id"].as_str().unwrap_or_default().to_string();
            let turn = v["turn"].as_u64().unwrap_or(0);
            files.entry(id).or_default().insert(turn, audio.join(v["file"].as_str().unwrap_or_default()));
        }
    }
    let text = std::fs::read_to_string(a.devset.join("dialogues.jsonl"))
        .with_context(|| format!("cannot read {}/dialogues.jsonl", a.devset.display()))?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).context("dialogues.jsonl: bad line")?;
        let id = v["id"].as_str().unwrap_or_default();
        if v["lang"] != a.lang.as_str() || v["profile"] != a.profile_name.as_str() {
            continue;
        }
        let Some(turn_files) = files.get(id) else { continue };
        let mut turns = Vec::new();
        for path in turn_files.values() {
            let x16 = load_wav(path)?;
            let end_ms = split_utterances(&x16, &EndpointConfig::default())
                .last()
                .map(|u| u.end_ms)
                .unwrap_or((x16.len() / 16) as u64);
            let x8 = resample(&x16, 16_000, 8_000)?;
            turns.push((x8.iter().map(|s| (s.clamp(-1.0, 1.0) * 32767.0) as i16).collect(), end_ms));
        }
        out.push(Dialogue {
            id: id.to_string(),
            caller_id: v["caller_id"].as_str().map(String::from),
            turns,
            expect_outcome: v["expect"]["outcome"].as_str().unwrap_or_default().to_string(),
            expect: v["expect"].get("reservation").filter(|r| !r.is_null()).cloned(),
        });
    }
    Ok(out)
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn report(a: &Args, dialogues: &[Dialogue], results: &[CallResult], booked: &serde_json::Value, elapsed: Duration) -> Result<()> {
    let mut lat: Vec<u64> = results.iter().flat_map(|r| r.latencies_ms.iter().copied()).collect();
    lat.sort_unstable();
    let right = results.iter().filter(|r| r.outcome.as_deref() == Some(r.expect_outcome.as_str())).count();
    let errors = results.iter().filter(|r| r.error.is_some()).count();
    let unanswered: usize = results.iter().map(|r| r.unanswered).sum();
    // Bookings as expected, ignoring the date (the server runs on one clock,
    // the devset dialogues each on their own).
    let rows = booked.as_array().cloned().unwrap_or_default();
    let mut found = 0;
    let mut wanted = 0;
    for d in dialogues.iter().filter(|d| results.iter().any(|r| r.dialogue == d.id)) {
        if let Some(e) = &d.expect {
            wanted += 1;
            let hit = rows.iter().any(|r| {
                ["time", "party_size", "name", "phone"].iter().all(|k| r[*k] == e[*k] || (k == &"name" && norm(&r[*k]) == norm(&e[*k])))
            });
            found += hit as usize;
        }
    }
    let summary = serde_json::json!({
        "concurrency": a.concurrency,
        "calls": results.len(),
        "turns_answered": lat.len(),
        "turns_unanswered": unanswered,
        "early_replies": results.iter().map(|r| r.early_replies).sum::<usize>(),
        "latency_ms": {"p50": percentile(&lat, 0.5), "p95": percentile(&lat, 0.95), "max": lat.last().copied().unwrap_or(0)},
        "outcome_as_expected": right,
        "errors": errors,
        "bookings_found": format!("{found}/{wanted}"),
        "wall_secs": elapsed.as_secs_f32(),
    });
    for r in results {
        eprintln!(
            "  {} {} latency {:?} ms, outcome {} (expected {}){}",
            r.dialogue,
            &r.uuid[..8],
            r.latencies_ms,
            r.outcome.as_deref().unwrap_or("?"),
            r.expect_outcome,
            r.error.as_deref().map(|e| format!(", error: {e}")).unwrap_or_default()
        );
    }
    println!("{summary}");
    if let Some(p) = &a.json {
        let full = serde_json::json!({"summary": summary, "calls": results, "reservations": booked});
        std::fs::write(p, serde_json::to_string_pretty(&full)?).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

fn norm(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}
