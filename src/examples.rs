//! The example tables beside each grammar (`grammars/<lang>/examples.toml`):
//! phrase → expected slots, as Duckling keeps a corpus per language. The tests
//! run every row; `yoyaku bench` times them.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    /// Local time of the utterance (default: the file's `now`).
    pub now: Option<String>,
    /// `restaurant` or `clinic` (default: the file's `profile`).
    pub profile: Option<String>,
    pub intent: Option<String>,
    pub date: Option<String>,
    pub time: Option<String>,
    pub party_size: Option<u32>,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// Minutes a time is moved by (`Slots::shift`): 60 for "an hour later".
    pub shift: Option<i64>,
    /// The text is a recogniser's transcript, whose names are spelled by sound
    /// (`extract::Source::Heard`); rows without it are typed.
    #[serde(default)]
    pub heard: bool,
    /// The slot the agent had just asked for (`extract::Context::expect`): "name",
    /// "time", "party_size", …
    pub asked: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    now: String,
    profile: String,
    example: Vec<Example>,
}

/// Every example of a language, with the file's defaults filled in.
pub fn load(root: &Path, lang: &str) -> Result<Vec<Example>> {
    let path = root.join(lang).join("examples.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let f: File = toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
    Ok(f.example
        .into_iter()
        .map(|mut e| {
            e.now.get_or_insert_with(|| f.now.clone());
            e.profile.get_or_insert_with(|| f.profile.clone());
            e
        })
        .collect())
}
