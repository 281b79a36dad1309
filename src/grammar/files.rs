//! The on-disk shape of a grammar folder, exactly as the TOML files spell it.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    #[serde(default)]
    pub settings: Settings,
    /// Ordered [pattern, replacement] rewrites.
    #[serde(default)]
    pub normalize: Vec<(String, String)>,
    /// list name → value → surface forms.
    #[serde(default)]
    pub lists: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Named regex fragments usable as `{name}` in rules.
    #[serde(default)]
    pub fragments: BTreeMap<String, String>,
    pub numbers: Numbers,
    #[serde(default)]
    pub not_names: Vec<String>,
    #[serde(default)]
    pub honorifics: Vec<String>,
    /// Files beside this one holding more `[lists.*]` (a long list of surnames).
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub names: NameSpec,
}

/// More word lists, from a file named in `include`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFile {
    pub lists: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// How a heard name is tidied after its honorifics are removed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameSpec {
    /// Ordered [pattern, replacement] rewrites of the name.
    #[serde(default)]
    pub rewrite: Vec<(String, String)>,
    /// A list giving each name's usual spelling (たなか → 田中).
    #[serde(default)]
    pub spelling: Option<String>,
    /// A name matching this that the spelling list lacks may start with one stray letter.
    #[serde(default)]
    pub stray_first: Option<String>,
    /// [pattern, replacement] rewrites of a name the spelling list lacks, each tried
    /// alone: one whose result the list holds gives its spelling (ごと → ごとう → 後藤).
    #[serde(default)]
    pub sounds_like: Vec<(String, String)>,
    /// A name matching this that the spelling list lacks, one character away from
    /// the forms of exactly one listed name, is that name (わたなめ → 渡辺).
    #[serde(default)]
    pub one_sound_off: Option<String>,
    /// A name matching this that the spelling list lacks, one sound's marks away
    /// from the forms of exactly one listed name, is that name (わた → わだ → 和田).
    #[serde(default)]
    pub one_mark_off: Option<String>,
    /// A name matching this, its first `kanji` group written as a listed name starts
    /// and its `kana` group as that name's reading ends, is that name (上だ → 上田).
    #[serde(default)]
    pub kana_ending: Option<String>,
    /// A list of given names: a first word one letter away from exactly one of
    /// them, and not in it, is that name misheard.
    #[serde(default)]
    pub given: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Words are separated by spaces (English) so list entries match whole words only.
    #[serde(default)]
    pub word_boundaries: bool,
    /// Match hiragana and katakana spellings of list entries alike.
    #[serde(default)]
    pub kana_insensitive: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Numbers {
    /// What a spelled-out number looks like, using `{words}` and `{multipliers}`.
    pub pattern: String,
    /// Words that add their value (one, twenty, 三 …).
    pub words: BTreeMap<String, Vec<String>>,
    /// Words that multiply what came before (十, hundred …).
    #[serde(default)]
    pub multipliers: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub pattern: String,
    /// Fixed captures this rule sets when it matches (e.g. week = "1").
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// The match is dropped when the text right after it matches this.
    #[serde(default)]
    pub not_before: Option<String>,
    /// The match is dropped when the text right before it matches this.
    #[serde(default)]
    pub not_after: Option<String>,
    /// The match counts only when the text right before it matches this.
    #[serde(default)]
    pub after: Option<String>,
    /// The match counts only when the utterance says nothing else (no intent):
    /// a bare "Nakamura." is a name, a bare "Nope." is not.
    #[serde(default)]
    pub alone: bool,
    /// A name match counts only when the name starts with one written in the
    /// `names.spelling` list (中村): for cues too weak to take any word (予約は中村で).
    #[serde(default)]
    pub listed: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub date: Vec<RawRule>,
    #[serde(default)]
    pub time: Vec<RawRule>,
    #[serde(default)]
    pub party: Vec<RawRule>,
    #[serde(default)]
    pub name: Vec<RawRule>,
    #[serde(default)]
    pub shift: Vec<RawRule>,
    pub phone: PhoneSpec,
    /// What may follow a date to name the part of the day ("tomorrow morning",
    /// 「明日の朝」); its `period` capture is the period of a time said without one.
    #[serde(default)]
    pub date_period: Option<String>,
    /// What may stand between two dates said as one ("Friday the 5th", 「12月5日の金曜日」):
    /// when they name different days, the utterance names none.
    #[serde(default)]
    pub date_joiner: Option<String>,
    /// intent → phrases; priority is the order of `intent_order`.
    pub intents: BTreeMap<String, Vec<String>>,
    pub intent_order: Vec<String>,
    /// Intents the agent tells apart that the rulebook does not → what `extract`
    /// reports for them ("" for none).
    #[serde(default)]
    pub reported: BTreeMap<String, String>,
    /// What a denial said alone means → phrases that deny an intent ("I don't want
    /// to cancel"), which are not looked in for intents.
    #[serde(default)]
    pub unsaid: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub topics: BTreeMap<String, Vec<String>>,
    /// Slot → phrases that name it ("the time"), for the answer to "what should I change?".
    #[serde(default)]
    pub slot_named: BTreeMap<String, Vec<String>>,
    /// Which offered time (1, 2 …) → phrases that choose it ("the first one").
    #[serde(default)]
    pub offer_chosen: BTreeMap<String, Vec<String>>,
    /// `first` or `last` → phrases that give part of the phone number again ("the
    /// last four digits are"), the digits after them.
    #[serde(default)]
    pub phone_part: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneSpec {
    /// The list whose values are the digits 0–9.
    pub digit_list: String,
    /// What may stand between digits (a regex character class or alternation).
    pub separator: String,
    pub min_digits: usize,
    pub max_digits: usize,
    /// A list of words that sound like digits ("ate", "won"): digits only inside a number.
    #[serde(default)]
    pub homophone_list: Option<String>,
    /// What every domestic number starts with ("0"): a number heard without it
    /// is read with it, never without.
    #[serde(default)]
    pub trunk_prefix: Option<String>,
    /// The numbering plan: how many digits a number has, by how it starts.
    #[serde(default)]
    pub plan: Vec<PlanEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanEntry {
    pub prefixes: Vec<String>,
    pub digits: usize,
    /// The ways the digits are grouped when written ([3, 4, 4] for 090-1234-5678).
    #[serde(default)]
    pub groups: Vec<Vec<usize>>,
}

/// The agent's words: prompts, answers and read-back formats.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prompts {
    /// Message key → template with {placeholders}.
    pub say: BTreeMap<String, String>,
    pub format: Format,
    /// How the synthesiser is told what a reply writes in figures.
    #[serde(default)]
    pub speech: Speech,
}

/// `[speech]` in prompts.toml: clock times and dates written in figures ("7:30 p.m.",
/// "2026-11-28", "December 31"), as the synthesiser should say them. Each template
/// has {hour} {minute}, or {year} {month} {day} {month_name}; an empty one leaves the
/// figures to the engine.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Speech {
    /// A time with no minutes and no a.m./p.m. ("7:00").
    pub on_the_hour: String,
    /// A time with no minutes before a.m./p.m. ("7:00 p.m.").
    pub hour: String,
    /// A time with minutes ("7:30"), and with fewer than ten ("9:05").
    pub hour_minute: String,
    pub hour_minute_under_10: String,
    /// Adds a.m./p.m. ({time} {am_pm}); `am_pm` holds the two words.
    pub with_am_pm: String,
    pub am_pm: Vec<String>,
    /// An ISO date (2026-11-28).
    pub date: String,
    /// The day after a month name of `[format]` ("December 31" → "December 31st"),
    /// 1st to 31st; empty when the language says the day as written.
    pub day_after_month: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub date: String,
    pub weekdays: Vec<String>,
    pub months: Vec<String>,
    pub time_am: String,
    pub time_pm: String,
    /// The hour from 12:00 to 12:59, where "p.m." would mislead (午後12時 reads as midnight).
    #[serde(default)]
    pub time_noon: Option<String>,
    pub minutes: String,
    pub party: String,
    /// A party of one, where the language says it otherwise ("for 1 person").
    #[serde(default)]
    pub party_one: Option<String>,
    pub digits: Vec<String>,
    pub digit_separator: String,
    pub group_separator: String,
    pub list_separator: String,
    pub list_last_separator: String,
    /// Between the sentences of one reply ("" in Japanese, " " in English).
    pub sentence_separator: String,
    /// Slot name → how the agent calls it in a question ("the time", "お時間").
    pub slot_names: BTreeMap<String, String>,
}

pub struct RawGrammar {
    pub lexicon: Lexicon,
    pub rules: Rules,
    pub prompts: Prompts,
}

impl RawGrammar {
    pub fn read(dir: &Path) -> Result<RawGrammar> {
        let mut lexicon: Lexicon = read_toml(&dir.join("lexicon.toml"))?;
        for file in lexicon.include.clone() {
            let more: ListFile = read_toml(&dir.join(&file))?;
            for (name, values) in more.lists {
                let list = lexicon.lists.entry(name).or_default();
                for (value, words) in values {
                    list.entry(value).or_default().extend(words);
                }
            }
        }
        Ok(RawGrammar {
            lexicon,
            rules: read_toml(&dir.join("rules.toml"))?,
            prompts: read_toml(&dir.join("prompts.toml"))?,
        })
    }
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
}
