//! The default microphone and speaker through cpal (ALSA on Linux: build needs
//! libasound2-dev). Audio callbacks only move samples through channels and a
//! shared queue; everything else happens on the kiosk thread.

use super::{AudioSink, AudioSource};
use anyhow::{anyhow, bail, Context, Result};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, Stream, StreamConfig};
use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Microphone {
    _stream: Stream,
    rx: mpsc::Receiver<Vec<f32>>,
    rate: u32,
}

impl Microphone {
    pub fn open_default() -> Result<Microphone> {
        let host = cpal::default_host();
        let dev = host
            .default_input_device()
            .context("no microphone found: plug one in, or use --input-wav FILE")?;
        let sup = dev.default_input_config().map_err(|e| anyhow!("cannot query the microphone: {e}"))?;
        let cfg: StreamConfig = sup.config();
        let (tx, rx) = mpsc::channel();
        let ch = cfg.channels.max(1) as usize;
        let stream = match sup.sample_format() {
            SampleFormat::F32 => input::<f32>(&dev, &cfg, ch, tx)?,
            SampleFormat::I16 => input::<i16>(&dev, &cfg, ch, tx)?,
            SampleFormat::U16 => input::<u16>(&dev, &cfg, ch, tx)?,
            SampleFormat::I32 => input::<i32>(&dev, &cfg, ch, tx)?,
            f => bail!("the microphone's sample format {f:?} is not supported"),
        };
        stream.play().map_err(|e| anyhow!("cannot start the microphone: {e}"))?;
        Ok(Microphone { _stream: stream, rx, rate: cfg.sample_rate })
    }
}

fn input<T>(dev: &cpal::Device, cfg: &StreamConfig, ch: usize, tx: mpsc::Sender<Vec<f32>>) -> Result<Stream>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    dev.build_input_stream::<T, _, _>(
        *cfg,
        move |data: &[T], _| {
            // Mix down to mono.
            let mono = data.chunks(ch).map(|f| f.iter().map(|s| <f32 as FromSample<T>>::from_sample_(*s)).sum::<f32>() / ch as f32).collect();
            let _ = tx.send(mono);
        },
        |e| eprintln!("yoyaku: microphone: {e}"),
        None,
    )
    .map_err(|e| anyhow!("cannot open the microphone: {e}"))
}

impl AudioSource for Microphone {
    fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn read(&mut self) -> Result<Option<Vec<f32>>> {
        match self.rx.recv_timeout(Duration::from_secs(5)) {
            Ok(x) => Ok(Some(x)),
            Err(_) => bail!("the microphone stopped delivering audio"),
        }
    }
}

#[derive(Default)]
struct Queue {
    samples: VecDeque<f32>,
    /// RMS of the last callback's output.
    level: f32,
}

pub struct Speaker {
    _stream: Stream,
    queue: Arc<Mutex<Queue>>,
    rate: u32,
}

impl Speaker {
    pub fn open_default() -> Result<Speaker> {
        let host = cpal::default_host();
        let dev = host
            .default_output_device()
            .context("no speaker found: connect one, or use --output-wav FILE")?;
        let sup = dev.default_output_config().map_err(|e| anyhow!("cannot query the speaker: {e}"))?;
        let cfg: StreamConfig = sup.config();
        let queue = Arc::new(Mutex::new(Queue::default()));
        let ch = cfg.channels.max(1) as usize;
        let stream = match sup.sample_format() {
            SampleFormat::F32 => output::<f32>(&dev, &cfg, ch, queue.clone())?,
            SampleFormat::I16 => output::<i16>(&dev, &cfg, ch, queue.clone())?,
            SampleFormat::U16 => output::<u16>(&dev, &cfg, ch, queue.clone())?,
            SampleFormat::I32 => output::<i32>(&dev, &cfg, ch, queue.clone())?,
            f => bail!("the speaker's sample format {f:?} is not supported"),
        };
        stream.play().map_err(|e| anyhow!("cannot start the speaker: {e}"))?;
        Ok(Speaker { _stream: stream, queue, rate: cfg.sample_rate })
    }
}

fn output<T>(dev: &cpal::Device, cfg: &StreamConfig, ch: usize, q: Arc<Mutex<Queue>>) -> Result<Stream>
where
    T: SizedSample + FromSample<f32>,
{
    dev.build_output_stream::<T, _, _>(
        *cfg,
        move |out: &mut [T], _| {
            let mut q = q.lock().unwrap_or_else(|e| e.into_inner());
            let mut energy = 0.0;
            let frames = out.len() / ch;
            for frame in out.chunks_mut(ch) {
                let v = q.samples.pop_front().unwrap_or(0.0);
                energy += v * v;
                for s in frame {
                    *s = T::from_sample(v);
                }
            }
            q.level = (energy / frames.max(1) as f32).sqrt();
        },
        |e| eprintln!("yoyaku: speaker: {e}"),
        None,
    )
    .map_err(|e| anyhow!("cannot open the speaker: {e}"))
}

impl AudioSink for Speaker {
    fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn play(&mut self, samples: &[f32]) -> Result<()> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).samples.extend(samples);
        Ok(())
    }

    fn stop(&mut self) {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).samples.clear();
    }

    fn is_playing(&self) -> bool {
        !self.queue.lock().unwrap_or_else(|e| e.into_inner()).samples.is_empty()
    }

    fn level(&self) -> f32 {
        let q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if q.samples.is_empty() { 0.0 } else { q.level }
    }
}
