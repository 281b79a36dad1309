//! WAV in and out with hound: reads what the engines wrote, writes replies for players
//! and sample files.

use super::Audio;
use anyhow::{bail, Context, Result};
use std::path::Path;

/// Writes `audio` as 16-bit PCM mono WAV.
pub fn write_wav(path: &Path, audio: &Audio) -> Result<()> {
    if audio.sample_rate == 0 {
        bail!("cannot write {}: audio has sample rate 0", path.display());
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: audio.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let write = || -> Result<()> {
        let mut w = hound::WavWriter::create(path, spec)?;
        let mut i16w = w.get_i16_writer(audio.samples.len() as u32);
        for &s in &audio.samples {
            i16w.write_sample(s);
        }
        i16w.flush()?;
        w.finalize()?;
        Ok(())
    };
    write().with_context(|| format!("cannot write WAV file {}", path.display()))
}

/// Reads a 16-bit PCM WAV (any channel count; channels are averaged to mono).
pub fn read_wav(path: &Path) -> Result<Audio> {
    let read = || -> Result<Audio> {
        let mut r = hound::WavReader::open(path)?;
        let spec = r.spec();
        if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
            bail!(
                "expected 16-bit PCM, got {}-bit {:?}",
                spec.bits_per_sample,
                spec.sample_format
            );
        }
        let channels = spec.channels.max(1) as usize;
        let raw: Vec<i16> = r.samples::<i16>().collect::<Result<_, _>>()?;
        let samples = if channels == 1 {
            raw
        } else {
            raw.chunks(channels)
                .map(|f| (f.iter().map(|&s| s as i32).sum::<i32>() / f.len() as i32) as i16)
                .collect()
        };
        Ok(Audio {
            samples,
            sample_rate: spec.sample_rate,
        })
    };
    read().with_context(|| format!("cannot read WAV file {}", path.display()))
}
