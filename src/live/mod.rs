//! What the live paths (phone server and kiosk) share: the speech traits a call
//! is built on, so tests can swap the real model and synthesiser for fakes; the
//! call clock; and the things the agent says when the caller stays silent.

pub mod deps;
pub mod engines;
pub mod fakes;

use anyhow::Result;
use chrono::NaiveDateTime;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Speech to text for one utterance of 16 kHz mono audio; `after` is the agent's
/// line the caller is answering (`Session::last_reply`), heard as context.
pub trait SpeechToText: Send + Sync {
    fn transcribe(&self, samples_16k: &[f32], lang: &str, after: Option<&str>) -> Result<String>;

    /// Like `transcribe`, for a transcription started before the turn is known to
    /// be over: None once `stop` is set (the caller went on talking), and an
    /// engine may give up early then.
    fn transcribe_unless(&self, samples_16k: &[f32], lang: &str, after: Option<&str>, stop: &AtomicBool) -> Result<Option<String>> {
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        self.transcribe(samples_16k, lang, after).map(Some)
    }
}

/// Text to speech, at whatever rate the engine produces.
pub trait TextToSpeech: Send + Sync {
    fn speak(&self, text: &str, lang: &str) -> Result<Speech>;
}

#[derive(Debug, Clone, PartialEq)]
pub struct Speech {
    pub samples: Vec<i16>,
    pub sample_rate: u32,
}

impl Speech {
    /// The same speech at another rate (8 kHz for phone lines, the device rate for the kiosk).
    pub fn at_rate(&self, rate: u32) -> Vec<i16> {
        if rate == self.sample_rate {
            return self.samples.clone();
        }
        let x: Vec<f32> = self.samples.iter().map(|s| *s as f32 / 32768.0).collect();
        let y = deps::resample(&x, self.sample_rate, rate).unwrap_or_else(|_| linear(&x, self.sample_rate, rate));
        y.into_iter().map(|s| (s.clamp(-1.0, 1.0) * 32767.0) as i16).collect()
    }
}

/// Streaming resampler by linear interpolation: keeps its phase across chunks,
/// so 20 ms frames join without clicks (a per-chunk FFT resampler would not).
/// Good enough for speech into whisper, which looks below 8 kHz anyway.
#[derive(Debug, Clone)]
pub struct StreamResampler {
    from: u32,
    to: u32,
    /// Position of the next output sample, in input samples, relative to `prev`.
    pos: f64,
    prev: Option<f32>,
}

impl StreamResampler {
    pub fn new(from: u32, to: u32) -> Self {
        StreamResampler { from, to, pos: 0.0, prev: None }
    }

    pub fn rates(&self) -> (u32, u32) {
        (self.from, self.to)
    }

    pub fn push(&mut self, x: &[f32]) -> Vec<f32> {
        if self.from == self.to {
            return x.to_vec();
        }
        let step = self.from as f64 / self.to as f64;
        // Input with the last sample of the previous chunk in front (index 0).
        let prev = self.prev.unwrap_or(x.first().copied().unwrap_or(0.0));
        let at = |i: usize| if i == 0 { prev } else { x[i - 1] };
        let mut out = Vec::with_capacity(x.len() * self.to as usize / self.from as usize + 1);
        while self.pos + 1.0 <= x.len() as f64 {
            let i = self.pos as usize;
            let f = (self.pos - i as f64) as f32;
            out.push(at(i) + (at(i + 1) - at(i)) * f);
            self.pos += step;
        }
        self.pos -= x.len() as f64;
        if let Some(l) = x.last() {
            self.prev = Some(*l);
        }
        out
    }
}

/// Whole-buffer linear resampling (fallback when the FFT resampler refuses).
pub fn linear(x: &[f32], from: u32, to: u32) -> Vec<f32> {
    StreamResampler::new(from, to).push(x)
}

/// Local wall-clock time in the profile's zone, or a fixed start (`--now`) that
/// runs on in real time, so tests and demos see a known date.
#[derive(Debug, Clone)]
pub struct Clock {
    start: Option<(NaiveDateTime, Instant)>,
    tz: chrono_tz::Tz,
}

impl Clock {
    pub fn new(tz: chrono_tz::Tz, start: Option<NaiveDateTime>) -> Clock {
        Clock { start: start.map(|s| (s, Instant::now())), tz }
    }

    pub fn now(&self) -> NaiveDateTime {
        match self.start {
            Some((at, t0)) => at + chrono::Duration::from_std(t0.elapsed()).unwrap_or_default(),
            None => chrono::Utc::now().with_timezone(&self.tz).naive_local(),
        }
    }
}

/// Asked after the caller has been silent for a while (`reprompt` in prompts.toml).
pub fn reprompt(lang: &str) -> String {
    prompt(lang, "reprompt")
}

/// Said before hanging up after repeated silence (`silence_goodbye` in prompts.toml).
pub fn silence_goodbye(lang: &str) -> String {
    prompt(lang, "silence_goodbye")
}

/// A fixed line of the language's prompts; the grammar is already loaded for the call.
fn prompt(lang: &str, key: &str) -> String {
    crate::session::grammar(lang).map(|g| crate::dialogue::Say::new(&g).line(key, &[])).unwrap_or_default()
}

/// Silence handling shared by phone calls and the kiosk.
#[derive(Debug, Clone, Copy)]
pub struct SilencePolicy {
    /// Re-prompt after this long without caller speech (after the agent stopped talking).
    pub reprompt_after: std::time::Duration,
    /// End the call when this many re-prompts in a row went unanswered.
    pub max_reprompts: u32,
}

impl Default for SilencePolicy {
    fn default() -> Self {
        SilencePolicy { reprompt_after: std::time::Duration::from_secs(8), max_reprompts: 2 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_resampler_lengths_and_continuity() {
        // (from, to, chunk): total length scales by to/from whatever the chunking.
        for (from, to, chunk) in [(8000, 16000, 160), (16000, 8000, 320), (48000, 16000, 960), (12000, 16000, 240)] {
            let x: Vec<f32> = (0..from as usize).map(|i| (i as f32 * 0.01).sin()).collect();
            let mut r = StreamResampler::new(from, to);
            let y: Vec<f32> = x.chunks(chunk).flat_map(|c| r.push(c)).collect();
            let want = to as usize;
            assert!((y.len() as i64 - want as i64).abs() <= 2, "{from}->{to}: {} vs {want}", y.len());
            // A smooth input stays smooth across chunk joins: no step larger than the
            // sine's own slope per output sample (0.01 rad per input sample × from/to).
            let slope = 0.01 * from as f32 / to as f32;
            let jump = y.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
            assert!(jump < slope * 1.2, "{from}->{to}: jump {jump} (slope {slope})");
        }
    }
}
