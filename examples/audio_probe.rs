//! Prints, for each WAV given (or the devset), its decode time and the utterances found.
//!
//!     cargo run --release --example audio_probe [-- FILE.wav ...]

use std::path::PathBuf;
use std::time::Instant;
use yoyaku::audio::{has_speech, load_wav, split_utterances, EndpointConfig, SAMPLE_RATE};

fn main() -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/devset/audio");
        for cond in ["clean16k", "tel8k"] {
            let mut v: Vec<_> = std::fs::read_dir(root.join(cond))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            v.sort();
            files.extend(v);
        }
    }
    let cfg = EndpointConfig::default();
    let (mut audio_s, mut decode_s, mut vad_s) = (0.0, 0.0, 0.0);
    for f in &files {
        let t = Instant::now();
        let samples = load_wav(f)?;
        let dt = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let utts = split_utterances(&samples, &cfg);
        let speech = has_speech(&samples);
        let vt = t.elapsed().as_secs_f64() / 2.0;
        let secs = samples.len() as f64 / SAMPLE_RATE as f64;
        audio_s += secs;
        decode_s += dt;
        vad_s += vt;
        let spans: Vec<String> = utts
            .iter()
            .map(|u| format!("{}-{}", u.start_ms, u.end_ms))
            .collect();
        println!(
            "{} {:.2}s decode {:.2}ms vad {:.2}ms speech={} utts={} [{}]",
            f.display(),
            secs,
            dt * 1e3,
            vt * 1e3,
            speech,
            utts.len(),
            spans.join(" ")
        );
    }
    println!(
        "total {} files, {:.1} s audio: decode+resample {:.1} ms ({:.2} ms per 10 s), endpointing {:.1} ms ({:.2} ms per 10 s)",
        files.len(),
        audio_s,
        decode_s * 1e3,
        decode_s * 1e3 / audio_s * 10.0,
        vad_s * 1e3,
        vad_s * 1e3 / audio_s * 10.0
    );
    Ok(())
}
