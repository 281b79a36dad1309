//! `yoyaku kiosk`: one conversation at a microphone and speaker. The audio
//! source and sink are traits (cpal devices in `device`, WAV files and a
//! recording sink in `wavio` for tests and machines without a sound card).
//! Without echo cancellation the microphone hears the agent, so barge-in needs
//! the caller to be clearly louder than the learned echo of what is playing,
//! for a while, and utterances heard while the agent talks are otherwise dropped.

#[cfg(feature = "mic")]
pub mod device;
pub mod wavio;

use crate::live::deps::{CallRecord, EndpointConfig, Endpointer, Session, Store};
use crate::audio::StreamResampler;
use crate::live::{reprompt, silence_goodbye, Clock, SilencePolicy, SpeechToText, TextToSpeech};
use crate::profile::Profile;
use anyhow::{Context, Result};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the caller's voice comes from.
pub trait AudioSource {
    fn sample_rate(&self) -> u32;
    /// The next chunk of mono samples in [-1, 1], waiting for it in real time;
    /// `None` when the input has ended.
    fn read(&mut self) -> Result<Option<Vec<f32>>>;
}

/// Where the agent's voice goes.
pub trait AudioSink {
    fn sample_rate(&self) -> u32;
    /// Queue mono samples after what is already playing.
    fn play(&mut self, samples: &[f32]) -> Result<()>;
    /// Drop everything not yet played (barge-in).
    fn stop(&mut self);
    fn is_playing(&self) -> bool;
    /// RMS of what the speaker is putting out right now (0 when quiet).
    fn level(&self) -> f32;
}

#[derive(Debug, Clone, Copy)]
pub struct BargeIn {
    /// The caller must be louder than the echo for this long.
    pub min_ms: u32,
    /// How much louder than the expected echo (4 = 12 dB).
    pub over_echo: f32,
    /// And at least this loud (RMS).
    pub min_rms: f32,
}

impl Default for BargeIn {
    fn default() -> Self {
        BargeIn { min_ms: 300, over_echo: 4.0, min_rms: 0.02 }
    }
}

#[derive(Debug, Clone)]
pub struct KioskConfig {
    pub lang: String,
    pub silence: SilencePolicy,
    pub barge_in: BargeIn,
}

#[derive(Debug, Clone, Default)]
pub struct KioskReport {
    /// ("caller" | "agent", text) in order.
    pub transcript: Vec<(String, String)>,
    pub outcome: String,
    pub reason: String,
    pub barge_ins: u32,
    /// "dialogue", "silence" or "input".
    pub ended_by: &'static str,
}

/// Talk until the dialogue ends, the caller stays silent, or the input ends.
#[allow(clippy::too_many_arguments)]
pub fn run(
    source: &mut dyn AudioSource,
    sink: &mut dyn AudioSink,
    stt: &dyn SpeechToText,
    tts: &dyn TextToSpeech,
    profile: Arc<Profile>,
    store: &mut Store,
    clock: &Clock,
    cfg: &KioskConfig,
) -> Result<KioskReport> {
    let started = clock.now();
    let call_id = uuid::Uuid::new_v4().to_string();
    let (mut session, greeting) = Session::start(profile, &cfg.lang, None, Some(call_id.clone()), store, started)?;
    let mut report = KioskReport { ended_by: "input", ..KioskReport::default() };
    let say = |text: &str, sink: &mut dyn AudioSink, report: &mut KioskReport| -> Result<()> {
        report.transcript.push(("agent".into(), text.to_string()));
        let speech = tts.speak(text, &cfg.lang).context("speech synthesis failed")?;
        let out: Vec<f32> = speech.at_rate(sink.sample_rate()).iter().map(|s| *s as f32 / 32768.0).collect();
        sink.play(&out)
    };
    say(&greeting, sink, &mut report)?;

    let ep_cfg = EndpointConfig::default();
    let mut ep = Endpointer::new(ep_cfg.clone());
    let mut up = StreamResampler::new(source.sample_rate(), 16_000)
        .with_context(|| format!("cannot take the microphone's {} Hz audio", source.sample_rate()))?;
    // Mic level per unit of speaker level while only the agent talks.
    let mut echo_ratio = 0.3f32;
    // The last moments of input: a barge-in restarts the endpointer from here,
    // so the caller's first syllables are not lost with the echo before them.
    let keep = (cfg.barge_in.min_ms as usize + 400) * 16;
    let mut recent: std::collections::VecDeque<f32> = std::collections::VecDeque::with_capacity(keep + 640);
    let mut loud_ms = 0u32;
    let mut barged = false;
    let mut was_playing = true;
    let mut last_activity = Instant::now();
    let mut reprompts = 0;
    'talk: while let Some(chunk) = source.read()? {
        let x = up.push(&chunk)?;
        if x.is_empty() {
            continue;
        }
        recent.extend(x.iter().copied());
        while recent.len() > keep {
            recent.pop_front();
        }
        let playing = sink.is_playing();
        if playing {
            last_activity = Instant::now();
        } else if was_playing && !barged {
            // The agent just finished: whatever the endpointer collected was its echo.
            ep = Endpointer::new(ep_cfg.clone());
        }
        was_playing = playing;
        if playing && !barged {
            let (mic, out) = (rms(&x), sink.level());
            let expected = echo_ratio * out;
            if out > 0.005 && mic < expected * 1.5 {
                // Learn the echo only from frames that are not the caller talking over us.
                echo_ratio = 0.95 * echo_ratio + 0.05 * (mic / out);
            }
            let ms = (x.len() / 16) as u32;
            if mic > (expected * cfg.barge_in.over_echo).max(cfg.barge_in.min_rms) {
                loud_ms += ms;
            } else {
                // Speech dips between syllables: decay instead of starting over.
                loud_ms = loud_ms.saturating_sub(ms / 2);
            }
            if loud_ms >= cfg.barge_in.min_ms {
                sink.stop();
                barged = true;
                report.barge_ins += 1;
                ep = Endpointer::new(ep_cfg.clone());
                recent.make_contiguous();
                let _ = ep.push(recent.as_slices().0);
                last_activity = Instant::now();
                continue;
            }
        }
        let utterances = ep.push(&x);
        if ep.is_speaking() && (!playing || barged) {
            last_activity = Instant::now();
            reprompts = 0;
        }
        for u in utterances {
            if playing && !barged {
                continue; // our own voice
            }
            barged = false;
            let text = stt.transcribe(&u.samples, &cfg.lang, session.last_reply()).context("speech recognition failed")?;
            if text.trim().is_empty() {
                continue;
            }
            report.transcript.push(("caller".into(), text.clone()));
            let turn = session.turn(&text, crate::extract::Source::Heard, clock.now(), store)?;
            say(&turn.reply, sink, &mut report)?;
            last_activity = Instant::now();
            if turn.ended || turn.transferred {
                report.ended_by = "dialogue";
                break 'talk;
            }
        }
        if !playing && !ep.is_speaking() && last_activity.elapsed() >= cfg.silence.reprompt_after {
            reprompts += 1;
            last_activity = Instant::now();
            if reprompts > cfg.silence.max_reprompts {
                say(&silence_goodbye(&cfg.lang), sink, &mut report)?;
                report.ended_by = "silence";
                break;
            }
            say(&reprompt(&cfg.lang), sink, &mut report)?;
        }
    }
    // Let the last words play out (bounded, in case a device stalls).
    let deadline = Instant::now() + Duration::from_secs(60);
    while sink.is_playing() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    report.outcome = serde_json::to_value(session.outcome())
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| "incomplete".into());
    report.reason = session.reason().to_string();
    let record = CallRecord {
        id: call_id,
        started_at: started.format("%Y-%m-%dT%H:%M:%S").to_string(),
        ended_at: Some(clock.now().format("%Y-%m-%dT%H:%M:%S").to_string()),
        lang: cfg.lang.clone(),
        caller_id: None,
        outcome: report.outcome.clone(),
        reason: Some(report.reason.clone()),
        transcript: serde_json::Value::Array(
            report.transcript.iter().map(|(w, t)| serde_json::json!({"who": w, "text": t})).collect(),
        ),
        recording_path: None,
    };
    store.record_call(&record)?;
    Ok(report)
}

fn rms(x: &[f32]) -> f32 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|s| s * s).sum::<f32>() / x.len() as f32).sqrt()
}
