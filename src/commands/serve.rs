//! `yoyaku serve`: answer Asterisk AudioSocket calls and serve the staff API/page.

use crate::live::deps::Recognizer;
use crate::live::engines::{EngineTts, WhisperStt};
use crate::live::fakes::{DurationTableStt, ToneTts};
use super::common::parse_now;
use crate::live::{Clock, SpeechToText, TextToSpeech};
use crate::profile::Profile;
use crate::serve::{self, CallTuning};
use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Days ahead whose dates are synthesised at start: most bookings fall within them.
const WARM_DAYS: u32 = 14;

#[derive(clap::Args)]
pub struct Args {
    /// Business profile (TOML).
    #[arg(long)]
    pub profile: PathBuf,
    /// Reservation book (SQLite file, created when missing).
    #[arg(long)]
    pub store: PathBuf,
    /// Where Asterisk's AudioSocket() connects.
    #[arg(long, default_value = "127.0.0.1:9092")]
    pub audiosocket: SocketAddr,
    /// Staff page and API.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub http: SocketAddr,
    /// Staff token (or YOYAKU_TOKEN); a random one is made and printed when neither is set.
    #[arg(long, env = "YOYAKU_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Start the server clock at this local time (it runs on from there), e.g. 2026-11-27T10:00.
    #[arg(long)]
    pub now: Option<String>,
    /// Whisper model file (or YOYAKU_MODEL; default: the installed base model).
    #[arg(long, env = "YOYAKU_MODEL")]
    pub model: Option<PathBuf>,
    /// Transcriptions run at once (default 1); each decodes on its share of the
    /// cores (YOYAKU_ASR_THREADS overrides). One at a time on every core measured
    /// best: 4 calls on 2 cores, reply p95 2.5 s against 3.1 s with two at once.
    #[arg(long)]
    pub asr_parallel: Option<usize>,
    /// Seconds of silence before the agent asks again.
    #[arg(long, default_value_t = 8.0)]
    pub reprompt_secs: f32,
    /// Testing without a model: a JSON table [[seconds, "text"], …]; an utterance
    /// is recognised as the text of the nearest duration.
    #[arg(long, hide = true)]
    pub fake_stt: Option<PathBuf>,
    /// Write "AUDIOSOCKET_ADDR HTTP_ADDR" to this file once listening (for port 0).
    #[arg(long, hide = true)]
    pub ports_file: Option<PathBuf>,
    /// Testing without a synthesiser: replies are tones.
    #[arg(long, hide = true)]
    pub tone_tts: bool,
}

pub fn run(a: Args) -> Result<()> {
    let profile = Arc::new(Profile::load(&a.profile)?);
    let start = a.now.as_deref().map(parse_now).transpose()?;
    let clock = Clock::new(profile.tz(), start);
    let asr_parallel = a.asr_parallel.unwrap_or(1).max(1);
    let stt: Arc<dyn SpeechToText> = match (&a.fake_stt, &a.model) {
        (Some(table), _) => {
            let text = std::fs::read_to_string(table).with_context(|| format!("cannot read {}", table.display()))?;
            let t: Vec<(f32, String)> = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a JSON list of [seconds, text]", table.display()))?;
            Arc::new(DurationTableStt::new(t))
        }
        (None, model) => {
            let path = crate::model::resolve_model(model.as_deref())?;
            let opts = crate::asr::Options::shared_by(asr_parallel);
            Arc::new(WhisperStt(Arc::new(Recognizer::load_with(&path, opts)?)))
        }
    };
    let tts: Arc<dyn TextToSpeech> = if a.tone_tts {
        Arc::new(ToneTts::default())
    } else {
        let e = Arc::new(EngineTts::default());
        let lang = profile.language.clone();
        e.preload(&lang)?;
        // The stock prompts, synthesised now, play at once in every call; so does
        // the start of a read-back for the coming days, synthesised while the
        // first calls come in.
        let stock = crate::session::Session::stock_lines(&profile, &lang)?;
        e.warm(&lang, &stock).context("cannot synthesise the agent's prompts")?;
        let dated = crate::session::Session::dated_lines(&profile, &lang, clock.now().date(), WARM_DAYS)?;
        let warming = e.clone();
        std::thread::spawn(move || {
            if let Err(err) = warming.warm(&lang, &dated) {
                eprintln!("yoyaku: cannot synthesise the read-back dates ahead: {err:#}");
            }
        });
        e
    };
    let token = match a.token.filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => {
            let t = uuid::Uuid::new_v4().simple().to_string();
            eprintln!("yoyaku: no --token or YOYAKU_TOKEN; this run's staff token is {t}");
            t
        }
    };
    let mut tuning = CallTuning::default();
    tuning.silence.reprompt_after = std::time::Duration::from_secs_f32(a.reprompt_secs.max(1.0));
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async move {
        let running = serve::start(serve::Options {
            profile,
            store_path: a.store,
            stt,
            tts,
            clock,
            token,
            audiosocket: a.audiosocket,
            http: a.http,
            tuning,
            asr_parallel,
        })
        .await?;
        if let Some(p) = &a.ports_file {
            std::fs::write(p, format!("{} {}\n", running.audiosocket, running.http))
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        eprintln!(
            "yoyaku: AudioSocket on {}, staff page on http://{}/?token=…",
            running.audiosocket, running.http
        );
        tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
        eprintln!("yoyaku: stopping");
        Ok(())
    })
}
