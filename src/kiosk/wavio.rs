//! Device-free kiosk audio: a source that plays a WAV file (or samples) in real
//! time, a sink that "plays" on a wall-clock timeline and records what was
//! heard, and an echo source that leaks the sink's output into the microphone
//! like a laptop speaker does.

use super::{AudioSink, AudioSource};
use anyhow::{Context, Result};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CHUNK_MS: u64 = 20;

/// Samples at 16 kHz, handed out 20 ms at a time, paced in real time.
pub struct WavSource {
    samples: Vec<f32>,
    pos: usize,
    start: Option<Instant>,
    paced: bool,
}

impl WavSource {
    /// Any WAV the project decodes, followed by `tail` of silence (so the agent
    /// can answer the last turn before the input ends).
    pub fn open(path: &Path, tail: Duration) -> Result<WavSource> {
        let mut samples = crate::audio::load_wav(path).with_context(|| format!("cannot read {}", path.display()))?;
        samples.resize(samples.len() + (tail.as_millis() as usize) * 16, 0.0);
        Ok(WavSource::from_samples(samples))
    }

    /// 16 kHz mono samples.
    pub fn from_samples(samples: Vec<f32>) -> WavSource {
        WavSource { samples, pos: 0, start: None, paced: true }
    }
}

impl AudioSource for WavSource {
    fn sample_rate(&self) -> u32 {
        16_000
    }

    fn read(&mut self) -> Result<Option<Vec<f32>>> {
        if self.pos >= self.samples.len() {
            return Ok(None);
        }
        let start = *self.start.get_or_insert_with(Instant::now);
        let n = (CHUNK_MS as usize * 16).min(self.samples.len() - self.pos);
        let chunk = self.samples[self.pos..self.pos + n].to_vec();
        self.pos += n;
        if self.paced {
            // A microphone hands over a chunk once it has been spoken.
            let due = start + Duration::from_micros(self.pos as u64 * 1_000_000 / 16_000);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        Ok(Some(chunk))
    }
}

/// The shared timeline of a `RecordingSink`.
#[derive(Debug, Default)]
pub struct Timeline {
    /// What is queued, starting at `started`.
    current: Vec<f32>,
    started: Option<Instant>,
    /// Everything actually played: (start offset from the first play, samples).
    pub played: Vec<(Duration, Vec<f32>)>,
    first: Option<Instant>,
}

impl Timeline {
    fn pos(&self, at: Instant) -> usize {
        self.started.map(|s| (at.saturating_duration_since(s).as_micros() as usize) * 16 / 1000).unwrap_or(0)
    }

    /// What the speaker put out during [at - len/16 kHz, at).
    pub fn output_before(&self, at: Instant, len: usize) -> Vec<f32> {
        let end = self.pos(at);
        (end.saturating_sub(len)..end).map(|i| self.current.get(i).copied().unwrap_or(0.0)).collect()
    }

    /// Move what has finished playing into `played`.
    fn settle(&mut self, now: Instant, cut: bool) {
        let Some(s) = self.started else { return };
        let pos = self.pos(now);
        if pos >= self.current.len() || cut {
            let end = pos.min(self.current.len());
            let first = *self.first.get_or_insert(s);
            let seg: Vec<f32> = self.current[..end].to_vec();
            if !seg.is_empty() {
                self.played.push((s - first, seg));
            }
            self.current.clear();
            self.started = None;
        }
    }

    /// Milliseconds of agent audio that reached the speaker.
    pub fn played_ms(&self) -> usize {
        self.played.iter().map(|(_, s)| s.len()).sum::<usize>() / 16
    }
}

/// A speaker that plays at 16 kHz on the wall clock and remembers what it played.
#[derive(Clone, Default)]
pub struct RecordingSink {
    pub timeline: Arc<Mutex<Timeline>>,
}

impl RecordingSink {
    pub fn new() -> Self {
        Self::default()
    }

    fn tl(&self) -> std::sync::MutexGuard<'_, Timeline> {
        self.timeline.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Write everything played so far to a 16 kHz WAV, on its timeline.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut tl = self.tl();
        tl.settle(Instant::now(), false);
        let spec = hound::WavSpec { channels: 1, sample_rate: 16_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
        let mut w = hound::WavWriter::create(path, spec).with_context(|| format!("cannot write {}", path.display()))?;
        let mut at = 0usize;
        for (start, seg) in &tl.played {
            let s = start.as_micros() as usize * 16 / 1000;
            for _ in at..s {
                w.write_sample(0i16)?;
            }
            for v in seg {
                w.write_sample((v.clamp(-1.0, 1.0) * 32767.0) as i16)?;
            }
            at = at.max(s) + seg.len();
        }
        w.finalize()?;
        Ok(())
    }
}

impl AudioSink for RecordingSink {
    fn sample_rate(&self) -> u32 {
        16_000
    }

    fn play(&mut self, samples: &[f32]) -> Result<()> {
        let now = Instant::now();
        let mut tl = self.tl();
        tl.settle(now, false);
        if tl.started.is_none() {
            tl.started = Some(now);
            tl.first.get_or_insert(now);
        }
        tl.current.extend_from_slice(samples);
        Ok(())
    }

    fn stop(&mut self) {
        self.tl().settle(Instant::now(), true);
    }

    fn is_playing(&self) -> bool {
        let tl = self.tl();
        tl.started.is_some() && tl.pos(Instant::now()) < tl.current.len()
    }

    fn level(&self) -> f32 {
        let x = self.tl().output_before(Instant::now(), 320);
        (x.iter().map(|s| s * s).sum::<f32>() / x.len().max(1) as f32).sqrt()
    }
}

/// A microphone that also hears the sink, `coupling` times as loud.
pub struct EchoSource<S: AudioSource> {
    pub inner: S,
    pub sink: Arc<Mutex<Timeline>>,
    pub coupling: f32,
}

impl<S: AudioSource> AudioSource for EchoSource<S> {
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate()
    }

    fn read(&mut self) -> Result<Option<Vec<f32>>> {
        let Some(mut x) = self.inner.read()? else { return Ok(None) };
        let echo = self.sink.lock().unwrap_or_else(|e| e.into_inner()).output_before(Instant::now(), x.len());
        for (a, e) in x.iter_mut().zip(echo) {
            *a += e * self.coupling;
        }
        Ok(Some(x))
    }
}
