//! `yoyaku kiosk`: one conversation at the default microphone and speaker
//! (or WAV files in and out, for machines without a sound card).

use crate::kiosk::wavio::{RecordingSink, WavSource};
use crate::kiosk::{self, AudioSink, AudioSource, BargeIn, KioskConfig};
use crate::live::deps::{Recognizer, Store};
use crate::live::engines::{EngineTts, WhisperStt};
use crate::live::fakes::{DurationTableStt, ToneTts};
use super::common::parse_now;
use crate::live::{Clock, SilencePolicy, SpeechToText, TextToSpeech};
use crate::profile::Profile;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub profile: PathBuf,
    /// Reservation book (default: $YOYAKU_STORE or ~/.local/share/yoyaku/reservations.db).
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Language of the conversation (default: the profile's).
    #[arg(long)]
    pub lang: Option<String>,
    /// Start the clock at this local time, e.g. 2026-11-27T10:00.
    #[arg(long)]
    pub now: Option<String>,
    /// Whisper model file (or YOYAKU_MODEL; default: the installed base model).
    #[arg(long, env = "YOYAKU_MODEL")]
    pub model: Option<PathBuf>,
    /// Read the caller from this WAV (in real time) instead of the microphone.
    #[arg(long)]
    pub input_wav: Option<PathBuf>,
    /// Write the agent's voice to this WAV instead of the speaker.
    #[arg(long)]
    pub output_wav: Option<PathBuf>,
    /// Seconds of silence before the agent asks again.
    #[arg(long, default_value_t = 8.0)]
    pub reprompt_secs: f32,
    /// Unanswered re-prompts before the agent gives up.
    #[arg(long, default_value_t = 2)]
    pub max_reprompts: u32,
    #[arg(long, hide = true)]
    pub fake_stt: Option<PathBuf>,
    #[arg(long, hide = true)]
    pub tone_tts: bool,
}

pub fn run(a: Args) -> Result<()> {
    let profile = Arc::new(Profile::load(&a.profile)?);
    let lang = a.lang.clone().unwrap_or_else(|| profile.language.clone());
    let clock = Clock::new(profile.tz(), a.now.as_deref().map(parse_now).transpose()?);
    let mut store = Store::open(&a.store.clone().unwrap_or_else(Store::default_path))?;
    let stt: Box<dyn SpeechToText> = match (&a.fake_stt, &a.model) {
        (Some(t), _) => {
            let text = std::fs::read_to_string(t).with_context(|| format!("cannot read {}", t.display()))?;
            Box::new(DurationTableStt::new(serde_json::from_str(&text).context("--fake-stt: expected [[seconds, text], …]")?))
        }
        (None, m) => {
            let path = crate::model::resolve_model(m.as_deref())?;
            Box::new(WhisperStt(Arc::new(Recognizer::load(&path)?)))
        }
    };
    let tts: Box<dyn TextToSpeech> = if a.tone_tts { Box::new(ToneTts::default()) } else { Box::new(EngineTts::default()) };
    let mut source: Box<dyn AudioSource> = match &a.input_wav {
        Some(p) => Box::new(WavSource::open(p, Duration::from_secs(4))?),
        None => open_mic()?,
    };
    let recording = RecordingSink::new();
    let mut sink: Box<dyn AudioSink> = match &a.output_wav {
        Some(_) => Box::new(recording.clone()),
        None => open_speaker()?,
    };
    let cfg = KioskConfig {
        lang,
        silence: SilencePolicy {
            reprompt_after: Duration::from_secs_f32(a.reprompt_secs.max(1.0)),
            max_reprompts: a.max_reprompts,
        },
        barge_in: BargeIn::default(),
    };
    let report = kiosk::run(source.as_mut(), sink.as_mut(), stt.as_ref(), tts.as_ref(), profile, &mut store, &clock, &cfg)?;
    if let Some(p) = &a.output_wav {
        recording.save(p)?;
    }
    let json = serde_json::json!({
        "outcome": report.outcome,
        "reason": report.reason,
        "ended_by": report.ended_by,
        "barge_ins": report.barge_ins,
        "turns": report.transcript.iter().map(|(w, t)| serde_json::json!({"who": w, "text": t})).collect::<Vec<_>>(),
    });
    println!("{json}");
    Ok(())
}

#[cfg(feature = "mic")]
fn open_mic() -> Result<Box<dyn AudioSource>> {
    Ok(Box::new(kiosk::device::Microphone::open_default()?))
}

#[cfg(feature = "mic")]
fn open_speaker() -> Result<Box<dyn AudioSink>> {
    Ok(Box::new(kiosk::device::Speaker::open_default()?))
}

#[cfg(not(feature = "mic"))]
fn open_mic() -> Result<Box<dyn AudioSource>> {
    anyhow::bail!("this build has no sound card support (feature \"mic\"); use --input-wav FILE")
}

#[cfg(not(feature = "mic"))]
fn open_speaker() -> Result<Box<dyn AudioSink>> {
    anyhow::bail!("this build has no sound card support (feature \"mic\"); use --output-wav FILE")
}
