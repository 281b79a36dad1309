//! The outgoing half of a call: queues the agent's 8 kHz audio and sends it as
//! 20 ms AudioSocket frames at real-time pace, so Asterisk's jitter buffer never
//! overflows and a barge-in can drop what has not been played yet.

use super::frame::{self, Frame, SAMPLES_PER_FRAME_8K};
use anyhow::{Context, Result};
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, watch};

pub enum Out {
    /// Append 8 kHz samples to what is being said.
    Play(Vec<i16>),
    /// Barge-in: drop everything not yet sent.
    Flush,
    /// Finish what is queued, then send a hang-up and close.
    Close,
}

/// What the call loop may ask of the writer while it runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlayState {
    /// Audio is queued or being sent.
    pub playing: bool,
    /// When the last frame of a reply went out.
    pub finished_at: Option<Instant>,
}

/// Called with each frame as it is sent (recordings).
pub type Tap = Box<dyn FnMut(&[i16]) + Send>;

pub async fn run<W: AsyncWrite + Unpin>(
    mut w: W,
    mut rx: mpsc::UnboundedReceiver<Out>,
    state: watch::Sender<PlayState>,
    write_timeout: Duration,
    mut tap: Option<Tap>,
) -> Result<()> {
    let mut queue: VecDeque<i16> = VecDeque::new();
    let mut closing = false;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // Take every pending command before the next frame goes out.
        loop {
            match rx.try_recv() {
                Ok(Out::Play(s)) => {
                    queue.extend(s);
                    state.send_modify(|p| p.playing = true);
                }
                Ok(Out::Flush) => {
                    queue.clear();
                    state.send_modify(|p| {
                        p.playing = false;
                        p.finished_at = Some(Instant::now());
                    });
                }
                Ok(Out::Close) | Err(mpsc::error::TryRecvError::Disconnected) => closing = true,
                Err(mpsc::error::TryRecvError::Empty) => break,
            }
        }
        if queue.is_empty() {
            if closing {
                let _ = tokio::time::timeout(write_timeout, w.write_all(&frame::encode(&Frame::Hangup))).await;
                let _ = tokio::time::timeout(write_timeout, w.shutdown()).await;
                return Ok(());
            }
            // Nothing to say: sleep until told something (no silence frames needed).
            match rx.recv().await {
                Some(Out::Play(s)) => {
                    queue.extend(s);
                    state.send_modify(|p| p.playing = true);
                    tick.reset_immediately();
                }
                Some(Out::Flush) => {}
                Some(Out::Close) | None => closing = true,
            }
            continue;
        }
        tick.tick().await;
        let n = queue.len().min(SAMPLES_PER_FRAME_8K);
        let mut chunk: Vec<i16> = queue.drain(..n).collect();
        chunk.resize(SAMPLES_PER_FRAME_8K, 0);
        tokio::time::timeout(write_timeout, w.write_all(&frame::audio8k(&chunk)))
            .await
            .context("the caller stopped taking audio")?
            .context("cannot send audio to the caller")?;
        if let Some(t) = tap.as_mut() {
            t(&chunk);
        }
        if queue.is_empty() {
            state.send_modify(|p| {
                p.playing = false;
                p.finished_at = Some(Instant::now());
            });
        }
    }
}
