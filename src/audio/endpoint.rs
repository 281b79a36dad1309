//! Endpointing: cuts a stream of 16 kHz samples into the caller's utterances.
//!
//! A turn starts when 3 of the last 5 VAD frames (16 ms each) are speech, so speech
//! start is known ~50 ms after onset (barge-in). It ends after `end_silence_ms` of
//! non-speech; `end_ms` is the end of the last speech frame, i.e. when the caller
//! stopped talking, which is where reply latency is measured from.

use super::vad::{FrameVad, FRAME_LEN, FRAME_MS, SPEECH_THRESHOLD};
use super::SAMPLE_RATE;
use std::collections::VecDeque;

/// Frames looked at to decide that speech has started.
const START_WINDOW: usize = 5;
/// Speech frames within `START_WINDOW` that start an utterance.
const START_FRAMES: usize = 3;
/// VAD score from which a frame counts toward `min_speech_ms` (but neither starts
/// nor prolongs a turn). earshot's score ramps up over a word: a short "はい" on the
/// phone reached 0.7 in only 5 frames (80 ms), and was dropped as a click.
const WEAK_SPEECH: f32 = 0.5;

/// How the endpointer decides where utterances begin and end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointConfig {
    /// Silence after speech that ends the turn.
    pub end_silence_ms: u32,
    /// Utterances with less speech than this (coughs, clicks) are dropped; frames
    /// the VAD is only half sure of count too.
    pub min_speech_ms: u32,
    /// Audio kept before the detected onset, so soft first syllables reach ASR. The
    /// VAD notices phone audio (nothing above 3.4 kHz) up to 250 ms after it starts.
    pub pre_roll_ms: u32,
    /// Audio kept after the end of speech (ASR likes a little trailing silence).
    pub post_roll_ms: u32,
    /// An utterance is cut here even if the caller keeps talking (whisper sees 30 s).
    pub max_utterance_ms: u32,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        EndpointConfig {
            end_silence_ms: 500,
            min_speech_ms: 100,
            pre_roll_ms: 300,
            post_roll_ms: 200,
            max_utterance_ms: 30_000,
        }
    }
}

/// One stretch of caller speech.
///
/// `start_ms`/`end_ms` bound the detected speech, counted from the start of the stream;
/// `samples` (16 kHz) also hold up to `pre_roll_ms` before and `post_roll_ms` after it;
/// `first_sample` is where `samples[0]` sits in the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Utterance {
    pub samples: Vec<f32>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub first_sample: u64,
}

impl Utterance {
    /// Length of the detected speech in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.end_ms.saturating_sub(self.start_ms)
    }
}

/// The utterance being collected.
struct Current {
    /// Stream sample index of `samples[0]`.
    first_sample: u64,
    /// Stream sample index of the first speech frame.
    onset: u64,
    samples: Vec<f32>,
    /// Stream sample index just after the last speech frame.
    last_speech_end: u64,
    speech_frames: u64,
    silence_frames: u64,
}

/// Streaming endpointer: feed samples as they arrive, get utterances as turns end.
pub struct Endpointer {
    cfg: EndpointConfig,
    vad: FrameVad,
    /// Samples not yet making up a whole frame.
    pending: Vec<f32>,
    /// Samples classified so far: the stream clock.
    pos: u64,
    /// The most recent samples, for pre-roll; its last sample is at `pos - 1`.
    history: VecDeque<f32>,
    history_cap: usize,
    /// VAD scores of the last frames while idle.
    recent: VecDeque<f32>,
    /// No utterance may start before this sample (the end of the previous one).
    floor: u64,
    current: Option<Current>,
}

fn ms_to_samples(ms: u32) -> u64 {
    ms as u64 * SAMPLE_RATE as u64 / 1000
}

fn samples_to_ms(samples: u64) -> u64 {
    samples * 1000 / SAMPLE_RATE as u64
}

impl Endpointer {
    pub fn new(cfg: EndpointConfig) -> Self {
        let history_cap = ms_to_samples(cfg.pre_roll_ms) as usize + (START_WINDOW + 1) * FRAME_LEN;
        Endpointer {
            cfg,
            vad: FrameVad::new(),
            pending: Vec::with_capacity(FRAME_LEN),
            pos: 0,
            history: VecDeque::with_capacity(history_cap),
            history_cap,
            recent: VecDeque::with_capacity(START_WINDOW + 1),
            floor: 0,
            current: None,
        }
    }

    /// Feeds 16 kHz mono samples; returns the utterances that ended within them.
    pub fn push(&mut self, samples: &[f32]) -> Vec<Utterance> {
        let mut out = Vec::new();
        let mut rest = samples;
        // Complete a frame started by an earlier call.
        if !self.pending.is_empty() {
            let take = (FRAME_LEN - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == FRAME_LEN {
                let frame = std::mem::take(&mut self.pending);
                out.extend(self.process_frame(&frame));
                self.pending = frame;
                self.pending.clear();
            }
        }
        let mut frames = rest.chunks_exact(FRAME_LEN);
        for frame in &mut frames {
            out.extend(self.process_frame(frame));
        }
        self.pending.extend_from_slice(frames.remainder());
        out
    }

    /// Ends the stream: returns the utterance still open, if any, and resets for a new stream.
    pub fn finish(&mut self) -> Option<Utterance> {
        let mut last = None;
        if !self.pending.is_empty() {
            let frame = std::mem::take(&mut self.pending);
            last = self.process_frame(&frame);
        }
        if last.is_none() && self.current.is_some() {
            last = self.close(false);
        }
        *self = Endpointer::new(self.cfg.clone());
        last
    }

    /// True from the moment speech is detected until its utterance ends (for barge-in).
    pub fn is_speaking(&self) -> bool {
        self.current.is_some()
    }

    /// Onset of the utterance in progress, in ms from the start of the stream.
    pub fn speech_start_ms(&self) -> Option<u64> {
        self.current.as_ref().map(|c| samples_to_ms(c.onset))
    }

    /// Stream time consumed so far, in ms (whole frames only).
    pub fn position_ms(&self) -> u64 {
        samples_to_ms(self.pos)
    }

    pub fn config(&self) -> &EndpointConfig {
        &self.cfg
    }

    /// Classifies one frame (`FRAME_LEN` samples, or fewer at the end of a stream).
    fn process_frame(&mut self, frame: &[f32]) -> Option<Utterance> {
        let score = self.vad.score(frame);
        let speech = score >= SPEECH_THRESHOLD;
        self.pos += frame.len() as u64;
        self.history.extend(frame.iter().copied());
        let excess = self.history.len().saturating_sub(self.history_cap);
        self.history.drain(..excess);

        if let Some(cur) = self.current.as_mut() {
            cur.samples.extend_from_slice(frame);
            if speech {
                cur.last_speech_end = self.pos;
                cur.silence_frames = 0;
            } else {
                cur.silence_frames += 1;
            }
            if score >= WEAK_SPEECH {
                cur.speech_frames += 1;
            }
            if cur.silence_frames * FRAME_MS >= self.cfg.end_silence_ms as u64 {
                return self.close(false);
            }
            if cur.samples.len() as u64 >= ms_to_samples(self.cfg.max_utterance_ms) {
                return self.close(true);
            }
            return None;
        }

        self.recent.push_back(score);
        if self.recent.len() > START_WINDOW {
            self.recent.pop_front();
        }
        if self.recent.iter().filter(|&&s| s >= SPEECH_THRESHOLD).count() >= START_FRAMES {
            self.open();
        }
        None
    }

    /// Starts an utterance at the first speech frame of the start window.
    fn open(&mut self) {
        let first = self.recent.iter().position(|&s| s >= SPEECH_THRESHOLD).unwrap_or(0);
        let frames_back = (self.recent.len() - first) as u64;
        // The last frame may be short only at finish, so whole frames are exact here.
        let onset = self.pos.saturating_sub(frames_back * FRAME_LEN as u64);
        let history_start = self.pos - self.history.len() as u64;
        let first_sample = onset
            .saturating_sub(ms_to_samples(self.cfg.pre_roll_ms))
            .max(self.floor)
            .max(history_start);
        let skip = (first_sample - history_start) as usize;
        let samples: Vec<f32> = self.history.iter().skip(skip).copied().collect();
        // The rising frames before the onset are speech too, if not sure enough to start a turn.
        let speech_frames = self.recent.iter().filter(|&&s| s >= WEAK_SPEECH).count() as u64;
        self.recent.clear();
        self.current = Some(Current {
            first_sample,
            onset: onset.max(first_sample),
            samples,
            last_speech_end: self.pos,
            speech_frames,
            silence_frames: 0,
        });
    }

    /// Ends the utterance in progress; `None` if it held too little speech.
    /// `forced` (length limit) ends it now rather than at the last speech frame.
    fn close(&mut self, forced: bool) -> Option<Utterance> {
        let mut cur = self.current.take()?;
        self.recent.clear();
        // A forced cut lands exactly on the length limit; the overshoot (under one frame)
        // is still in `history` and starts the next utterance.
        let limit = cur.first_sample + ms_to_samples(self.cfg.max_utterance_ms).max(1);
        let end = if forced {
            limit.min(self.pos)
        } else {
            cur.last_speech_end.min(self.pos)
        };
        let cut = if forced {
            end
        } else {
            (end + ms_to_samples(self.cfg.post_roll_ms)).min(self.pos)
        };
        self.floor = cut;
        if cur.speech_frames * FRAME_MS < self.cfg.min_speech_ms as u64 {
            return None;
        }
        cur.samples.truncate((cut - cur.first_sample) as usize);
        Some(Utterance {
            samples: cur.samples,
            start_ms: samples_to_ms(cur.onset),
            end_ms: samples_to_ms(end),
            first_sample: cur.first_sample,
        })
    }
}

/// Splits a whole 16 kHz recording into utterances.
pub fn split_utterances(samples: &[f32], cfg: &EndpointConfig) -> Vec<Utterance> {
    let mut ep = Endpointer::new(cfg.clone());
    let mut out = ep.push(samples);
    out.extend(ep.finish());
    out
}

/// Whether 16 kHz `samples` contain any speech (the gate in front of whisper).
pub fn has_speech(samples: &[f32]) -> bool {
    !split_utterances(samples, &EndpointConfig::default()).is_empty()
}

/// The part of a whole recording from its first to its last utterance (with pre/post-roll),
/// pauses in between kept; `None` if it holds no speech. For one-turn files sent to ASR,
/// where splitting at a mid-sentence pause would lose context.
pub fn trim_to_speech(samples: &[f32], cfg: &EndpointConfig) -> Option<Utterance> {
    let utts = split_utterances(samples, cfg);
    let (first, last) = (utts.first()?, utts.last()?);
    let from = first.first_sample as usize;
    let to = (last.first_sample as usize + last.samples.len()).min(samples.len());
    Some(Utterance {
        samples: samples[from..to].to_vec(),
        start_ms: first.start_ms,
        end_ms: last.end_ms,
        first_sample: first.first_sample,
    })
}
