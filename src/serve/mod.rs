//! `yoyaku serve`: Asterisk AudioSocket calls in, one dialogue per call, plus the
//! staff HTTP API and page. Everything a call needs is in `Shared`, built once;
//! `start` binds both listeners and returns their addresses (tests use port 0).

pub mod call;
pub mod client;
pub mod frame;
pub mod http;
pub mod page;
pub mod registry;
pub mod turns;
pub mod writer;

use crate::live::deps::{EndpointConfig, Store};
use crate::live::{Clock, SilencePolicy, SpeechToText, TextToSpeech};
use crate::profile::Profile;
use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// Tunables of the phone path; defaults suit real calls, tests shorten them.
#[derive(Debug, Clone)]
pub struct CallTuning {
    pub silence: SilencePolicy,
    /// DTMF digits are handed over on '#' or after this pause.
    pub dtmf_pause: Duration,
    /// A caller that sends nothing (not even silence) for this long is gone.
    pub idle_timeout: Duration,
    /// A peer that does not take our audio for this long is gone.
    pub write_timeout: Duration,
    /// End of speech is declared after this much silence, and recognition starts.
    pub hangover_ms: u32,
    /// After end of speech, the turn waits this long (of the caller's audio) for
    /// the caller to go on; speech resumed within it joins the same turn and
    /// stops the recognition already started (pauses up to hangover +
    /// merge_window stay inside one turn). A short hangover and a long window
    /// hide most of the recognition inside the pause.
    pub merge_window: Duration,
}

impl CallTuning {
    /// How a call's endpointer is set: end of speech after `hangover_ms`.
    pub fn endpoint_config(&self) -> EndpointConfig {
        EndpointConfig { end_silence_ms: self.hangover_ms, ..EndpointConfig::default() }
    }
}

impl Default for CallTuning {
    fn default() -> Self {
        CallTuning {
            silence: SilencePolicy::default(),
            dtmf_pause: Duration::from_secs(3),
            idle_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(5),
            hangover_ms: 250,
            merge_window: Duration::from_millis(650),
        }
    }
}

/// What every call and HTTP request shares.
pub struct Shared {
    pub profile: Arc<Profile>,
    pub lang: String,
    /// One SQLite connection; callers lock it on a blocking thread.
    pub store: Mutex<Store>,
    pub stt: Arc<dyn SpeechToText>,
    pub tts: Arc<dyn TextToSpeech>,
    /// Transcriptions at once: more than the cores only adds latency to all.
    pub asr_slots: turns::TurnQueue,
    pub clock: Clock,
    pub token: String,
    pub calls: registry::Registry,
    /// Where call recordings go, when the profile opts in.
    pub recordings: Option<PathBuf>,
    pub tuning: CallTuning,
}

pub struct Options {
    pub profile: Arc<Profile>,
    pub store_path: PathBuf,
    pub stt: Arc<dyn SpeechToText>,
    pub tts: Arc<dyn TextToSpeech>,
    pub clock: Clock,
    pub token: String,
    pub audiosocket: SocketAddr,
    pub http: SocketAddr,
    pub tuning: CallTuning,
    pub asr_parallel: usize,
}

pub struct Running {
    pub audiosocket: SocketAddr,
    pub http: SocketAddr,
    pub shared: Arc<Shared>,
}

/// Open the store, bind both listeners and serve in the background.
pub async fn start(o: Options) -> Result<Running> {
    let store = Store::open(&o.store_path)?;
    let recordings = o.profile.record_calls.then(|| {
        let mut p = o.store_path.clone().into_os_string();
        p.push(".recordings");
        PathBuf::from(p)
    });
    if let Some(dir) = &recordings {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let shared = Arc::new(Shared {
        lang: o.profile.language.clone(),
        profile: o.profile,
        store: Mutex::new(store),
        stt: o.stt,
        tts: o.tts,
        asr_slots: turns::TurnQueue::new(o.asr_parallel),
        clock: o.clock,
        token: o.token,
        calls: registry::Registry::default(),
        recordings,
        tuning: o.tuning,
    });
    let calls = TcpListener::bind(o.audiosocket)
        .await
        .with_context(|| format!("cannot listen for AudioSocket on {} (in use?)", o.audiosocket))?;
    let web = TcpListener::bind(o.http)
        .await
        .with_context(|| format!("cannot listen for HTTP on {} (in use?)", o.http))?;
    let running = Running { audiosocket: calls.local_addr()?, http: web.local_addr()?, shared: shared.clone() };

    let s = shared.clone();
    tokio::spawn(async move {
        loop {
            match calls.accept().await {
                Ok((stream, peer)) => {
                    let s = s.clone();
                    tokio::spawn(async move {
                        if let Err(e) = call::handle(stream, s).await {
                            eprintln!("yoyaku: call from {peer}: {e:#}");
                        }
                    });
                }
                // Out of file descriptors and the like: wait, keep serving the others.
                Err(e) => {
                    eprintln!("yoyaku: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    });
    let app = http::router(shared);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(web, app).await {
            eprintln!("yoyaku: http server stopped: {e}");
        }
    });
    Ok(running)
}
