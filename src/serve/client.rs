//! The caller's side of an AudioSocket call, as Asterisk would play it: used by
//! the tests and by `yoyaku loadtest`. Sends 20 ms frames at real-time pace and
//! collects the agent's reply frames with their arrival times.

use super::frame::{self, Frame, SAMPLES_PER_FRAME_8K};
use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use uuid::Uuid;

pub struct CallClient {
    pub uuid: Uuid,
    w: OwnedWriteHalf,
    rx: mpsc::UnboundedReceiver<(Instant, Result<Option<Frame>>)>,
    tick: tokio::time::Interval,
    /// Set once the server hung up or closed.
    pub ended: bool,
}

/// What the agent said after one caller turn.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Arrival of the first audio frame.
    pub first_frame: Option<Instant>,
    /// 8 kHz samples of the reply.
    pub samples: Vec<i16>,
    /// The server sent a hang-up or closed the connection.
    pub hung_up: bool,
    /// The server sent an error message.
    pub error: bool,
}

impl CallClient {
    /// Connect and send the call UUID.
    pub async fn connect(addr: SocketAddr, uuid: Uuid) -> Result<CallClient> {
        let s = TcpStream::connect(addr).await.with_context(|| format!("cannot connect to {addr}"))?;
        let _ = s.set_nodelay(true);
        let (mut r, mut w) = s.into_split();
        w.write_all(&frame::encode(&Frame::Uuid(*uuid.as_bytes()))).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let f = frame::read_frame(&mut r).await;
                let last = !matches!(f, Ok(Some(_)));
                if tx.send((Instant::now(), f)).is_err() || last {
                    return;
                }
            }
        });
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ok(CallClient { uuid, w, rx, tick, ended: false })
    }

    /// Raw bytes, for fault tests.
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.w.write_all(bytes).await?;
        Ok(())
    }

    pub async fn send(&mut self, f: &Frame) -> Result<()> {
        self.send_raw(&frame::encode(f)).await
    }

    /// Play 8 kHz audio at real-time pace; returns when the last frame is sent.
    /// Reply frames that arrive meanwhile go into `heard`.
    pub async fn play(&mut self, samples: &[i16], heard: &mut Reply) -> Result<Instant> {
        for chunk in samples.chunks(SAMPLES_PER_FRAME_8K) {
            self.tick.tick().await;
            let mut c = chunk.to_vec();
            c.resize(SAMPLES_PER_FRAME_8K, 0);
            self.send_raw(&frame::audio8k(&c)).await?;
            self.drain(heard)?;
        }
        Ok(Instant::now())
    }

    /// Keep the line open with silence until the agent has answered and gone
    /// quiet for `gap`, or hung up, or `max_wait` passed without an answer.
    pub async fn await_reply(&mut self, max_wait: Duration, gap: Duration) -> Result<Reply> {
        let mut reply = Reply { first_frame: None, samples: Vec::new(), hung_up: false, error: false };
        let start = Instant::now();
        let mut last_audio = Instant::now();
        let silence = frame::audio8k(&[0; SAMPLES_PER_FRAME_8K]);
        loop {
            self.tick.tick().await;
            let before = reply.samples.len();
            self.drain(&mut reply)?;
            if reply.samples.len() > before {
                last_audio = Instant::now();
            }
            if reply.hung_up || reply.error {
                return Ok(reply);
            }
            if reply.first_frame.is_some() && last_audio.elapsed() >= gap {
                return Ok(reply);
            }
            if reply.first_frame.is_none() && start.elapsed() >= max_wait {
                return Ok(reply);
            }
            if self.w.write_all(&silence).await.is_err() {
                reply.hung_up = true;
                self.ended = true;
                return Ok(reply);
            }
        }
    }

    fn drain(&mut self, reply: &mut Reply) -> Result<()> {
        while let Ok((at, f)) = self.rx.try_recv() {
            match f {
                Ok(Some(Frame::Audio { samples, .. })) => {
                    reply.first_frame.get_or_insert(at);
                    reply.samples.extend(samples);
                }
                Ok(Some(Frame::Hangup)) | Ok(None) => {
                    reply.hung_up = true;
                    self.ended = true;
                }
                Ok(Some(Frame::Error(_))) => reply.error = true,
                Ok(Some(other)) => bail!("unexpected message from the server: {other:?}"),
                Err(e) => return Err(e.context("bad message from the server")),
            }
        }
        Ok(())
    }

    /// Hang up like Asterisk does: a hang-up message, then close.
    pub async fn hangup(mut self) -> Result<()> {
        let _ = self.w.write_all(&frame::encode(&Frame::Hangup)).await;
        let _ = self.w.shutdown().await;
        Ok(())
    }
}

pub use crate::live::fakes::speechlike;
