//! Argument helpers the commands share: `--now`, `--profile`, `--lang`.

use crate::profile::Profile;
use anyhow::{Context, Result};
use chrono::NaiveDateTime;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which business takes the call, in what language, when, and from which number:
/// the arguments of every command that runs a call from text.
#[derive(clap::Args)]
pub struct CallArgs {
    /// Business profile (default: samples/restaurant.toml).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Language of the call (default: the profile's).
    #[arg(long)]
    pub lang: Option<String>,
    /// Local time at the business when the call starts, e.g. 2026-11-27T10:00 (default: now).
    #[arg(long)]
    pub now: Option<String>,
    /// The caller's number, as the phone line reports it.
    #[arg(long)]
    pub caller_id: Option<String>,
}

impl CallArgs {
    /// The profile and the call's language.
    pub fn profile_and_lang(&self) -> Result<(Arc<Profile>, String)> {
        let profile = Arc::new(load_profile(self.profile.as_deref())?);
        let lang = self.lang.clone().unwrap_or_else(|| profile.language.clone());
        Ok((profile, lang))
    }
}

/// `--now` is local time at the business: 2026-11-27T10:00 (seconds optional).
pub fn parse_now(s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .with_context(|| format!("--now {s:?}: expected local time like 2026-11-27T10:00"))
}

/// The current local time in the profile's time zone, when `--now` is not given.
pub fn now_or(now: Option<&str>, profile: &Profile) -> Result<NaiveDateTime> {
    match now {
        Some(s) => parse_now(s),
        None => Ok(chrono::Utc::now().with_timezone(&profile.tz()).naive_local()),
    }
}

/// `--profile`, or the restaurant sample (looked up here, then in the source tree).
pub fn load_profile(path: Option<&Path>) -> Result<Profile> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => {
            let here = PathBuf::from("samples/restaurant.toml");
            if here.exists() {
                here
            } else {
                PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/restaurant.toml"))
            }
        }
    };
    Profile::load(&path)
}
