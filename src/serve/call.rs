//! One phone call: AudioSocket frames in → 16 kHz → endpointer → recogniser (on
//! a blocking thread, one shared model) → `Session::turn` → synthesiser → 8 kHz
//! 20 ms frames out. Also DTMF entry, barge-in, silence re-prompts, the
//! transcript and the optional recording. Any fault ends only this call.

use super::frame::{self, Frame};
use super::registry::{ActiveCall, Registry};
use super::writer::{self, Out, PlayState};
use super::Shared;
use crate::live::deps::{CallRecord, Endpointer, Session, Turn};
use crate::audio::StreamResampler;
use crate::live::{reprompt, silence_goodbye};
use anyhow::{bail, Context, Result};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

/// The caller must be heard this long over our own reply before we stop talking,
/// so a click or line echo does not cut the agent off.
const BARGE_IN_AFTER: Duration = Duration::from_millis(200);

const SEND_BUFFER: usize = 32 * 1024;

enum In {
    Frame(Frame),
    Closed,
    Bad(anyhow::Error),
}

pub async fn handle(stream: TcpStream, shared: Arc<Shared>) -> Result<()> {
    let _ = stream.set_nodelay(true);
    // We pace audio in real time, so a big kernel buffer only hides a peer that
    // stopped reading (and holds memory); keep it to a few seconds of audio.
    let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER);
    let (mut rd, mut wr) = stream.into_split();
    let first = tokio::time::timeout(Duration::from_secs(5), frame::read_frame(&mut rd))
        .await
        .context("no call UUID within 5 s")??;
    let uuid = match first {
        Some(Frame::Uuid(b)) => Uuid::from_bytes(b),
        Some(other) => bail!("the first message must be the call UUID, got {other:?}"),
        None => return Ok(()),
    };
    let active = match Registry::claim(&shared, uuid) {
        Ok(a) => a,
        Err(e) => {
            use tokio::io::AsyncWriteExt;
            let _ = wr.write_all(&frame::encode(&Frame::Error(vec![]))).await;
            let _ = wr.write_all(&frame::encode(&Frame::Hangup)).await;
            return Err(e);
        }
    };

    let (in_tx, in_rx) = mpsc::channel(1000);
    let reader = tokio::spawn(async move {
        loop {
            let ev = match frame::read_frame(&mut rd).await {
                Ok(Some(f)) => In::Frame(f),
                Ok(None) => In::Closed,
                Err(e) => In::Bad(e),
            };
            let last = !matches!(ev, In::Frame(Frame::Audio { .. } | Frame::Dtmf(_) | Frame::Uuid(_)));
            if in_tx.send(ev).await.is_err() || last {
                return;
            }
        }
    });

    let recorder = shared.recordings.as_ref().map(|_| Arc::new(Mutex::new(Recorder::new())));
    let tap: Option<writer::Tap> = recorder.clone().map(|r| {
        Box::new(move |s: &[i16]| r.lock().unwrap_or_else(|e| e.into_inner()).add(s)) as writer::Tap
    });
    let (out_tx, out_rx) = mpsc::unbounded_channel();
    let (play_tx, play_rx) = watch::channel(PlayState::default());
    let write_timeout = shared.tuning.write_timeout;
    let writer = tokio::spawn(writer::run(wr, out_rx, play_tx, write_timeout, tap));

    let mut call = Call {
        shared: shared.clone(),
        session: None,
        active,
        out: out_tx,
        play: play_rx,
        transcript: Vec::new(),
        recorder,
        started: shared.clock.now(),
    };
    let result = call.converse(in_rx).await;
    reader.abort();
    // Let the goodbye play out (the writer ends itself on Close or a dead peer).
    let _ = call.out.send(Out::Close);
    let drain = tokio::time::timeout(Duration::from_secs(60), writer).await;
    call.finish(result.as_ref().err()).await;
    match (result, drain) {
        (Err(e), _) => Err(e),
        (Ok(()), Ok(Ok(Err(e)))) => Err(e),
        _ => Ok(()),
    }
}

/// A transcription in progress of the first `len` samples of a turn. Dropping
/// it stops the work: the caller went on, or the call ended.
struct Early {
    len: usize,
    stop: Arc<AtomicBool>,
    /// Set when the turn has ended: the caller now waits for this text.
    ended: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Result<Option<String>>>,
}

impl Drop for Early {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

struct Call {
    shared: Arc<Shared>,
    session: Option<Arc<Mutex<Session>>>,
    active: ActiveCall,
    out: mpsc::UnboundedSender<Out>,
    play: watch::Receiver<PlayState>,
    transcript: Vec<(&'static str, String)>,
    recorder: Option<Arc<Mutex<Recorder>>>,
    started: chrono::NaiveDateTime,
}

impl Call {
    async fn converse(&mut self, mut rx: mpsc::Receiver<In>) -> Result<()> {
        let sh = self.shared.clone();
        let (profile, lang, caller_id) = (sh.profile.clone(), sh.lang.clone(), self.active.caller_id.clone());
        let call_id = Some(self.active.uuid.to_string());
        let now = sh.clock.now();
        let s2 = sh.clone();
        let (session, greeting) = tokio::task::spawn_blocking(move || {
            let store = s2.store.lock().unwrap_or_else(|e| e.into_inner());
            Session::start(profile, &lang, caller_id, call_id, &store, now)
        })
        .await??;
        self.session = Some(Arc::new(Mutex::new(session)));
        self.say(&greeting).await?;

        let t = &sh.tuning;
        let mut ep = Endpointer::new(t.endpoint_config());
        let mut up = StreamResampler::new(8_000, 16_000)?;
        let mut digits = String::new();
        let mut last_digit = Instant::now();
        let mut last_frame = Instant::now();
        let mut last_activity = Instant::now();
        let mut speaking_since: Option<Instant> = None;
        // Speech of the turn in progress (pieces split by pauses), 16 kHz.
        let mut pending: Vec<f32> = Vec::new();
        let mut commit_at: Option<Instant> = None;
        // The merge window counts the caller's audio, not the clock: a server
        // slowed by load must not close a turn before it has heard the pause out.
        let mut commit_after_ms: Option<u64> = None;
        // The transcription of `pending`, started when the caller paused.
        let mut early: Option<Early> = None;
        let mut reprompts = 0u32;
        loop {
            let play = *self.play.borrow();
            if play.playing {
                last_activity = Instant::now();
            } else if let Some(f) = play.finished_at {
                last_activity = last_activity.max(f);
            }
            let mut wake = last_frame + t.idle_timeout;
            if let Some(c) = commit_at {
                wake = wake.min(c);
            }
            if !digits.is_empty() {
                wake = wake.min(last_digit + t.dtmf_pause);
            } else if !play.playing && !ep.is_speaking() && pending.is_empty() {
                wake = wake.min(last_activity + t.silence.reprompt_after);
            }
            let ev = tokio::select! {
                ev = rx.recv() => ev.unwrap_or(In::Closed),
                // The writer is gone: the peer stopped taking audio or the line broke.
                changed = self.play.changed() => {
                    if changed.is_err() {
                        bail!("the caller stopped taking our audio");
                    }
                    continue;
                }
                _ = tokio::time::sleep_until(wake.into()) => {
                    let now = Instant::now();
                    if now >= last_frame + t.idle_timeout {
                        bail!("the caller sent nothing for {:?}", t.idle_timeout);
                    }
                    if commit_at.is_some_and(|c| now >= c) {
                        (commit_at, commit_after_ms) = (None, None);
                        // One transcription per turn: whisper's cost is mostly per call,
                        // so pieces of a sentence are cheaper together than apart.
                        let mut job = match early.take() {
                            Some(e) if e.len == pending.len() => e,
                            _ => self.start_transcribing(pending.clone()),
                        };
                        job.ended.store(true, Ordering::Relaxed);
                        pending.clear();
                        let text = (&mut job.task).await??.unwrap_or_default();
                        if !text.trim().is_empty() && self.turn(text.trim().to_string()).await? {
                            return Ok(());
                        }
                        last_activity = Instant::now();
                        continue;
                    }
                    if !digits.is_empty() && now >= last_digit + t.dtmf_pause {
                        let text = std::mem::take(&mut digits);
                        if self.turn(text).await? { return Ok(()); }
                        last_activity = Instant::now();
                    } else if pending.is_empty() && now >= last_activity + t.silence.reprompt_after {
                        reprompts += 1;
                        last_activity = Instant::now();
                        if reprompts > t.silence.max_reprompts {
                            self.say(&silence_goodbye(&sh.lang)).await?;
                            return Ok(());
                        }
                        self.say(&reprompt(&sh.lang)).await?;
                    }
                    continue;
                }
            };
            match ev {
                In::Frame(Frame::Audio { rate, samples }) => {
                    last_frame = Instant::now();
                    if let Some(r) = &self.recorder {
                        r.lock().unwrap_or_else(|e| e.into_inner()).add(&to_8k(&samples, rate));
                    }
                    let x: Vec<f32> = samples.iter().map(|s| *s as f32 / 32768.0).collect();
                    if up.rates().0 != rate {
                        up = StreamResampler::new(rate, 16_000)?;
                    }
                    let utterances = ep.push(&up.push(&x)?);
                    if ep.is_speaking() {
                        reprompts = 0;
                        last_activity = Instant::now();
                        let since = *speaking_since.get_or_insert_with(Instant::now);
                        if self.play.borrow().playing && since.elapsed() >= BARGE_IN_AFTER {
                            let _ = self.out.send(Out::Flush);
                        }
                    } else {
                        speaking_since = None;
                    }
                    // Hold the turn open a little: callers pause mid-sentence, and
                    // a sentence resumed within the window joins this turn. The
                    // transcription starts at once, inside the window, and is
                    // dropped (and stopped) if the caller goes on.
                    for u in utterances {
                        pending.extend_from_slice(&u.samples);
                        commit_after_ms = Some(ep.position_ms() + t.merge_window.as_millis() as u64);
                        // In case the audio stops coming: a line that fell silent.
                        commit_at = Some(Instant::now() + 2 * t.merge_window);
                        early = Some(self.start_transcribing(pending.clone()));
                    }
                    if ep.is_speaking() && !pending.is_empty() {
                        (commit_at, commit_after_ms, early) = (None, None, None);
                    } else if !pending.is_empty() && commit_at.is_none() {
                        // What started to sound like speech was not (too short to keep).
                        commit_at = Some(Instant::now());
                    } else if commit_after_ms.is_some_and(|c| ep.position_ms() >= c) {
                        commit_at = Some(Instant::now());
                    }
                }
                In::Frame(Frame::Dtmf(d)) => {
                    last_frame = Instant::now();
                    reprompts = 0;
                    last_digit = Instant::now();
                    if d == '#' {
                        if !digits.is_empty() {
                            let text = std::mem::take(&mut digits);
                            if self.turn(text).await? {
                                return Ok(());
                            }
                        }
                    } else if d.is_ascii_digit() {
                        digits.push(d);
                    }
                }
                In::Frame(Frame::Uuid(_)) => bail!("a second UUID message inside one call"),
                In::Frame(Frame::Hangup) | In::Closed => return Ok(()),
                In::Frame(Frame::Error(code)) => bail!("Asterisk reported error {code:02x?}"),
                In::Bad(e) => return Err(e),
            }
        }
    }

    /// Starts transcribing on the one shared model (at most `asr_slots` at once,
    /// ended turns first).
    fn start_transcribing(&self, samples: Vec<f32>) -> Early {
        let sh = self.shared.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let ended = Arc::new(AtomicBool::new(false));
        let len = samples.len();
        let flag = stop.clone();
        let after = self.session.as_ref().and_then(|s| s.lock().unwrap_or_else(|e| e.into_inner()).last_reply().map(str::to_string));
        let waiting = ended.clone();
        let task = tokio::spawn(async move {
            let queued = Instant::now();
            let _slot = sh.asr_slots.enter(waiting).await;
            if flag.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let (s2, started) = (sh.clone(), Instant::now());
            let text = tokio::task::spawn_blocking(move || s2.stt.transcribe_unless(&samples, &s2.lang, after.as_deref(), &flag))
                .await?
                .context("speech recognition failed");
            if std::env::var_os("YOYAKU_TIMING").is_some() {
                let done = if matches!(text, Ok(Some(_))) { "recognised" } else { "stopped" };
                eprintln!("timing: {:.1} s of speech waited {} ms, {done} in {} ms", len as f64 / 16_000.0, (started - queued).as_millis(), started.elapsed().as_millis());
            }
            text
        });
        Early { len, stop, ended, task }
    }

    /// One caller turn through the dialogue; true when the call should end.
    async fn turn(&mut self, text: String) -> Result<bool> {
        self.transcript.push(("caller", text.clone()));
        let sh = self.shared.clone();
        let session = self.session.clone().context("no session")?;
        let now = sh.clock.now();
        let turn: Turn = tokio::task::spawn_blocking(move || {
            let mut store = sh.store.lock().unwrap_or_else(|e| e.into_inner());
            session.lock().unwrap_or_else(|e| e.into_inner()).turn(&text, crate::extract::Source::Heard, now, &mut store)
        })
        .await??;
        self.say(&turn.reply).await?;
        Ok(turn.ended || turn.transferred)
    }

    /// Speak phrase by phrase so the first one plays while the rest is synthesised.
    async fn say(&mut self, text: &str) -> Result<()> {
        self.transcript.push(("agent", text.to_string()));
        for sentence in crate::tts::split_phrases(text) {
            let sh = self.shared.clone();
            let speech = tokio::task::spawn_blocking(move || sh.tts.speak(&sentence, &sh.lang))
                .await?
                .context("speech synthesis failed")?;
            if self.out.send(Out::Play(speech.at_rate(8_000))).is_err() {
                bail!("the caller's line is gone");
            }
        }
        Ok(())
    }

    /// Record the outcome for the dialplan, the staff page and the recording.
    async fn finish(&mut self, error: Option<&anyhow::Error>) {
        let (outcome, reason, transferred) = match &self.session {
            Some(s) => {
                let s = s.lock().unwrap_or_else(|e| e.into_inner());
                let outcome = serde_json::to_value(s.outcome())
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_else(|| "incomplete".into());
                let transferred = outcome == "transferred";
                (outcome, s.reason().to_string(), transferred)
            }
            None => ("incomplete".into(), "incomplete".into(), false),
        };
        self.active.finish(transferred, outcome.clone(), reason.clone());
        let call_id = self.active.uuid.to_string();
        let recording = match (&self.recorder, &self.shared.recordings) {
            (Some(r), Some(dir)) => {
                let path = dir.join(format!("{call_id}.wav"));
                let r = r.lock().unwrap_or_else(|e| e.into_inner());
                match r.write(&path) {
                    Ok(()) => Some(path.display().to_string()),
                    Err(e) => {
                        eprintln!("yoyaku: call {call_id}: cannot write recording: {e:#}");
                        None
                    }
                }
            }
            _ => None,
        };
        let transcript = serde_json::Value::Array(
            self.transcript.iter().map(|(w, t)| serde_json::json!({"who": w, "text": t})).collect(),
        );
        let record = CallRecord {
            id: call_id.clone(),
            caller_id: self.active.caller_id.clone(),
            lang: self.shared.lang.clone(),
            started_at: self.started.format("%Y-%m-%dT%H:%M:%S").to_string(),
            ended_at: Some(self.shared.clock.now().format("%Y-%m-%dT%H:%M:%S").to_string()),
            outcome,
            reason: Some(reason),
            transcript,
            recording_path: recording,
        };
        if let Some(e) = error {
            eprintln!("yoyaku: call {call_id} ended early: {e:#}");
        }
        let sh = self.shared.clone();
        let saved = tokio::task::spawn_blocking(move || {
            sh.store.lock().unwrap_or_else(|e| e.into_inner()).record_call(&record)
        })
        .await;
        if let Ok(Err(e)) = saved {
            eprintln!("yoyaku: call {call_id}: cannot save the call record: {e:#}");
        }
    }
}

/// A frame for the 8 kHz call recording. Phone lines are 8 kHz already, and their
/// frames are lent as they are: building an `Audio` to call `at_rate` would copy
/// every frame twice.
fn to_8k(samples: &[i16], rate: u32) -> std::borrow::Cow<'_, [i16]> {
    if rate == 8_000 {
        return std::borrow::Cow::Borrowed(samples);
    }
    std::borrow::Cow::Owned(crate::tts::Audio { samples: samples.to_vec(), sample_rate: rate }.at_rate(8_000))
}

/// Both sides of the call mixed onto one 8 kHz timeline by arrival time.
struct Recorder {
    t0: Instant,
    mix: Vec<i32>,
}

impl Recorder {
    fn new() -> Self {
        Recorder { t0: Instant::now(), mix: Vec::new() }
    }

    fn add(&mut self, s: &[i16]) {
        let end = (self.t0.elapsed().as_secs_f64() * 8000.0) as usize;
        let start = end.saturating_sub(s.len());
        if self.mix.len() < start + s.len() {
            self.mix.resize(start + s.len(), 0);
        }
        for (i, v) in s.iter().enumerate() {
            self.mix[start + i] += *v as i32;
        }
    }

    fn write(&self, path: &std::path::Path) -> Result<()> {
        let spec = hound::WavSpec { channels: 1, sample_rate: 8000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
        let mut w = hound::WavWriter::create(path, spec)?;
        for v in &self.mix {
            w.write_sample((*v).clamp(i16::MIN as i32, i16::MAX as i32) as i16)?;
        }
        w.finalize()?;
        Ok(())
    }
}
