//! Language data for one language, loaded from `grammars/<lang>/`: word lists,
//! slot rules, intent phrases and the agent's prompts. The format is documented
//! for non-programmers in `grammars/README.md`; this module only reads and
//! compiles it, so adding a language means adding files, not code.

mod compile;
mod files;

pub use compile::{to_hiragana, to_katakana, Capture, NameRules, NumberReader, PhoneRule, Rule, Slot};
pub use files::PlanEntry;
pub use files::{Format, Prompts, Speech};

use anyhow::{Context, Result};
use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A compiled grammar: everything the extractor and the dialogue need to speak one language.
#[derive(Debug)]
pub struct Grammar {
    pub lang: String,
    /// Rewrites applied to every utterance before matching, in file order.
    pub normalize: Vec<(Regex, String)>,
    /// Word lists: list name → (surface form → value).
    pub lists: BTreeMap<String, BTreeMap<String, String>>,
    /// Slot rules (date, time, party, name), in file order.
    pub rules: Vec<Rule>,
    /// The part of the day said right after a date (anchored at the date's end).
    pub date_period: Option<Regex>,
    /// What joins two dates said as one (anchored at both ends).
    pub date_joiner: Option<Regex>,
    /// Intent phrases, highest priority first.
    pub intents: Vec<(String, Vec<Regex>)>,
    /// Intents the agent tells apart that the rulebook does not → what `extract`
    /// reports for them ("" for none): "keep" is a "no", "hello" none.
    pub reported: BTreeMap<String, String>,
    /// What a denial said alone means → phrases that deny an intent ("I don't want
    /// to cancel"), blanked before intents are looked for.
    pub unsaid: Vec<(String, Vec<Regex>)>,
    /// Inquiry topics (hours, address, …) → phrases, for FAQ answers.
    pub topics: Vec<(String, Vec<Regex>)>,
    /// Slot → phrases naming it, for the answer to "what should I change?".
    pub slot_named: Vec<(String, Vec<Regex>)>,
    /// Offer place (1, 2 …) → phrases choosing it ("the first one").
    pub offer_chosen: Vec<(String, Vec<Regex>)>,
    /// `first` / `last` → phrases giving that part of the phone number again.
    pub phone_part: Vec<(String, Vec<Regex>)>,
    /// Phone numbers spoken or written digit by digit.
    pub phone: PhoneRule,
    /// Reads spelled-out numbers (十九, twenty four).
    pub numbers: NumberReader,
    /// Words that look like names but are not (yes, hello, 大丈夫 …).
    pub not_names: Vec<String>,
    /// Honorifics removed from names (様, さん, Mr …).
    pub honorifics: Vec<String>,
    /// Words said before and after an answer that say nothing (the `answer_before`
    /// and `answer_after` lists), longest first.
    pub answer_fillers: (Vec<String>, Vec<String>),
    /// How a heard name is tidied: rewrites, usual spellings.
    pub names: NameRules,
    pub prompts: Prompts,
    /// Words are separated by spaces, so honorifics and list words stand alone.
    pub word_boundaries: bool,
}

impl Grammar {
    /// The folder holding the bundled grammars: `$YOYAKU_GRAMMARS`, else
    /// `grammars/` in the current directory, else the one in the source tree.
    pub fn root() -> PathBuf {
        if let Ok(p) = std::env::var("YOYAKU_GRAMMARS") {
            return PathBuf::from(p);
        }
        let here = PathBuf::from("grammars");
        if here.join("README.md").exists() {
            return here;
        }
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars"))
    }

    /// Loads `<root>/<lang>/` (lexicon.toml, rules.toml, prompts.toml).
    pub fn load(lang: &str) -> Result<Grammar> {
        Self::load_from(&Self::root(), lang)
    }

    pub fn load_from(root: &Path, lang: &str) -> Result<Grammar> {
        let dir = root.join(lang);
        if !dir.is_dir() {
            anyhow::bail!(
                "no grammar for language {lang:?}: {} does not exist (languages are folders under {})",
                dir.display(),
                root.display()
            );
        }
        let raw = files::RawGrammar::read(&dir)?;
        compile::compile(lang, raw).with_context(|| format!("grammar {}", dir.display()))
    }

    pub fn lang_has_spaces(&self) -> bool {
        self.word_boundaries
    }

    /// The value a list gives a surface form, if any.
    pub fn list_value(&self, list: &str, form: &str) -> Option<&str> {
        self.lists.get(list)?.get(&form.to_lowercase()).map(String::as_str)
    }

    /// Whether `word` is in a list, as one of its values or as a form of one.
    pub fn list_holds(&self, list: &str, word: &str) -> bool {
        let lower = word.to_lowercase();
        self.lists.get(list).is_some_and(|forms| forms.contains_key(&lower) || forms.values().any(|v| v.to_lowercase() == lower))
    }

    /// Whether `name` starts with a name as the `names.spelling` list writes it (中村さくら).
    pub fn starts_with_listed_name(&self, name: &str) -> bool {
        let Some(forms) = self.names.spelling.as_ref().and_then(|l| self.lists.get(l)) else { return false };
        forms.values().any(|v| name.starts_with(v.as_str()))
    }
}
