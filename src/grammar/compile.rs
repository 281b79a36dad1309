//! Turns the grammar files into regexes: `{list:capture}` placeholders become
//! alternations of the list's words, `{num}` the language's number pattern, and
//! each capture remembers how to turn its matched text into a value.

use super::files::{Numbers, PlanEntry, RawGrammar, RawRule};
use super::Grammar;
use anyhow::{bail, Context, Result};
use regex::Regex;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Date,
    Time,
    Party,
    Name,
    /// A time moved by an amount ("an hour later", 「30分早めて」), in minutes.
    Shift,
}

/// One compiled slot rule.
#[derive(Debug)]
pub struct Rule {
    pub slot: Slot,
    pub regex: Regex,
    pub set: BTreeMap<String, String>,
    pub not_before: Option<Regex>,
    pub not_after: Option<Regex>,
    pub after: Option<Regex>,
    pub alone: bool,
    pub listed: bool,
}

/// A capture's value, decoded from the text it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub name: String,
    pub value: String,
    /// The text it matched, as written: a list's word (たなか) before it became the
    /// list's value (田中).
    pub said: String,
}

impl Capture {
    /// A capture whose value is the text itself.
    pub fn new(name: &str, value: String) -> Capture {
        Capture { name: name.to_string(), said: value.clone(), value }
    }
}

#[derive(Debug)]
pub struct PhoneRule {
    /// A whole run of digits and separators.
    pub run: Regex,
    /// One digit (a numeral or a digit word).
    pub digit: Regex,
    pub list: String,
    /// Words that are digits only inside a number ("ate", "won").
    pub homophones: Option<String>,
    pub trunk_prefix: Option<String>,
    pub min_digits: usize,
    pub max_digits: usize,
    pub plan: Vec<PlanEntry>,
}

/// How a heard name is tidied (see `[names]` in grammars/README.md).
#[derive(Debug, Default)]
pub struct NameRules {
    pub rewrite: Vec<(Regex, String)>,
    pub spelling: Option<String>,
    pub stray_first: Option<Regex>,
    pub sounds_like: Vec<(Regex, String)>,
    pub one_sound_off: Option<Regex>,
    pub one_mark_off: Option<Regex>,
    pub kana_ending: Option<Regex>,
    /// The list of given names (see `NameSpec::given`).
    pub given: Option<String>,
}

/// The number reader: spelled-out numbers are read by adding word values and
/// multiplying by multipliers (二十四 = 2×10+4, "twenty four" = 20+4).
#[derive(Debug)]
pub struct NumberReader {
    token: Regex,
    words: BTreeMap<String, i64>,
    multipliers: BTreeMap<String, i64>,
}

impl NumberReader {
    pub fn read(&self, text: &str) -> Option<i64> {
        let t = text.trim();
        if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
            return t.parse().ok();
        }
        let (mut total, mut current, mut any) = (0i64, 0i64, false);
        for m in self.token.find_iter(t) {
            let w = m.as_str().to_lowercase();
            if let Some(v) = self.words.get(&w) {
                current += v;
            } else if let Some(m) = self.multipliers.get(&w) {
                total += current.max(1) * m;
                current = 0;
            }
            any = true;
        }
        any.then_some(total + current)
    }

    /// `text` read as a number when it is nothing else: "Four", "twenty-one", 「十二」, "11".
    pub fn read_whole(&self, text: &str) -> Option<i64> {
        let t = text.trim();
        // Numerals too, as long as a count or an hour ("11", not a phone number).
        if (1..=2).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit()) {
            return t.parse().ok();
        }
        let mut end = 0;
        for m in self.token.find_iter(t) {
            if !t[end..m.start()].chars().all(|c| c.is_whitespace() || c == '-') {
                return None;
            }
            end = m.end();
        }
        (end == t.len()).then(|| self.read(t)).flatten()
    }
}

pub(super) struct Compiler {
    word_boundaries: bool,
    kana: bool,
    lists: BTreeMap<String, BTreeMap<String, String>>,
    fragments: BTreeMap<String, String>,
    number_pattern: String,
}

pub fn compile(lang: &str, raw: RawGrammar) -> Result<Grammar> {
    let lex = raw.lexicon;
    let mut c = Compiler {
        word_boundaries: lex.settings.word_boundaries,
        kana: lex.settings.kana_insensitive,
        lists: BTreeMap::new(),
        fragments: lex.fragments.clone(),
        number_pattern: String::new(),
    };
    for (name, values) in &lex.lists {
        let mut forms = BTreeMap::new();
        for (value, words) in values {
            // An entry with no other forms is heard as written (a given name).
            let own = [value.clone()];
            let words = if words.is_empty() { &own[..] } else { &words[..] };
            for w in words {
                for v in c.variants(w) {
                    forms.insert(v.to_lowercase(), value.clone());
                }
            }
        }
        c.lists.insert(name.clone(), forms);
    }
    let numbers = number_reader(&mut c, &lex.numbers)?;

    let normalize = lex
        .normalize
        .iter()
        .map(|(p, r)| {
            // The recogniser writes a word in katakana as often as in hiragana (シチジ).
            let p = if c.kana { kana_either(p) } else { p.clone() };
            Ok((c.regex(&p).with_context(|| format!("normalize {p:?}"))?, r.clone()))
        })
        .collect::<Result<_>>()?;

    let rules_file = raw.rules;
    let mut rules = Vec::new();
    for (slot, list) in [
        (Slot::Date, &rules_file.date),
        (Slot::Time, &rules_file.time),
        (Slot::Party, &rules_file.party),
        (Slot::Name, &rules_file.name),
        (Slot::Shift, &rules_file.shift),
    ] {
        for r in list {
            rules.push(c.rule(slot, r).with_context(|| format!("{slot:?} rule {:?}", r.pattern))?);
        }
    }

    let mut intents = Vec::new();
    for name in &rules_file.intent_order {
        let phrases = rules_file
            .intents
            .get(name)
            .with_context(|| format!("intent_order names {name:?}, which has no phrases"))?;
        intents.push((name.clone(), c.regexes(phrases)?));
    }
    for name in rules_file.intents.keys() {
        if !rules_file.intent_order.contains(name) {
            bail!("intent {name:?} is missing from intent_order");
        }
    }
    let phrase_map = |map: &BTreeMap<String, Vec<String>>| -> Result<Vec<(String, Vec<Regex>)>> {
        map.iter().map(|(k, v)| Ok((k.clone(), c.regexes(v)?))).collect()
    };
    let date_period = rules_file.date_period.as_deref().map(|p| c.regex(&format!("^(?:{p})"))).transpose().context("date_period")?;
    let date_joiner = rules_file.date_joiner.as_deref().map(|p| c.regex(&format!("^(?:{p})$"))).transpose().context("date_joiner")?;
    let unsaid = phrase_map(&rules_file.unsaid)?;
    if let Some(k) = rules_file.reported.keys().find(|k| !rules_file.intent_order.contains(k)) {
        bail!("reported: {k:?} is no intent of intent_order");
    }
    if let Some(k) = rules_file.unsaid.keys().find(|k| !rules_file.intent_order.contains(k)) {
        bail!("unsaid: {k:?} is no intent of intent_order");
    }
    let topics = phrase_map(&rules_file.topics)?;
    let slot_named = phrase_map(&rules_file.slot_named)?;
    for slot in rules_file.slot_named.keys() {
        if !crate::profile::SLOTS.contains(&slot.as_str()) {
            bail!("slot_named: {slot:?} is no slot (date, time, party_size, name, phone)");
        }
    }
    let offer_chosen = phrase_map(&rules_file.offer_chosen)?;
    let phone_part = phrase_map(&rules_file.phone_part)?;
    if let Some(k) = rules_file.phone_part.keys().find(|k| !matches!(k.as_str(), "first" | "last")) {
        bail!("phone_part: {k:?} is neither first nor last");
    }
    let chosen = |k: &str| matches!(k, "earliest" | "latest") || k.parse::<usize>().is_ok_and(|n| n >= 1);
    if let Some(k) = rules_file.offer_chosen.keys().find(|k| !chosen(k)) {
        bail!("offer_chosen: {k:?} is neither an offer's place (1, 2 …) nor earliest or latest");
    }

    let spec = &rules_file.phone;
    if !c.lists.contains_key(&spec.digit_list) {
        bail!("phone.digit_list names {:?}, which is not a list", spec.digit_list);
    }
    let mut words: Vec<String> = c.lists[&spec.digit_list].keys().cloned().collect();
    if let Some(h) = &spec.homophone_list {
        words.extend(c.lists.get(h).with_context(|| format!("phone.homophone_list: no list {h:?}"))?.keys().cloned());
    }
    let digit = format!("(?:[0-9]|{})", c.words_regex(words));
    if let Some(t) = spec.trunk_prefix.as_deref().filter(|t| t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit())) {
        bail!("phone.trunk_prefix is digits (\"0\"), not {t:?}");
    }
    let phone = PhoneRule {
        run: c.regex(&format!("{digit}(?:(?:{})*{digit})*", spec.separator))?,
        digit: c.regex(&digit)?,
        list: spec.digit_list.clone(),
        homophones: spec.homophone_list.clone(),
        trunk_prefix: spec.trunk_prefix.clone(),
        min_digits: spec.min_digits,
        max_digits: spec.max_digits,
        plan: spec.plan.clone(),
    };
    let rewrites = |key: &str, pairs: &[(String, String)]| -> Result<Vec<(Regex, String)>> {
        pairs.iter().map(|(p, r)| Ok((c.regex(p).with_context(|| format!("names.{key} {p:?}"))?, r.clone()))).collect()
    };
    let names = NameRules {
        rewrite: rewrites("rewrite", &lex.names.rewrite)?,
        spelling: lex.names.spelling.clone(),
        stray_first: lex.names.stray_first.as_deref().map(|p| c.regex(p)).transpose()?,
        sounds_like: rewrites("sounds_like", &lex.names.sounds_like)?,
        one_sound_off: lex.names.one_sound_off.as_deref().map(|p| c.regex(p)).transpose()?,
        one_mark_off: lex.names.one_mark_off.as_deref().map(|p| c.regex(p)).transpose()?,
        kana_ending: lex.names.kana_ending.as_deref().map(|p| c.regex(p)).transpose()?,
        given: lex.names.given.clone(),
    };
    for (key, list) in [("spelling", &names.spelling), ("given", &names.given)] {
        if let Some(l) = list.as_ref().filter(|l| !c.lists.contains_key(*l)) {
            bail!("names.{key} names {l:?}, which is not a list");
        }
    }

    let mut honorifics: Vec<String> = lex.honorifics.clone();
    honorifics.sort_by_key(|h| std::cmp::Reverse(h.chars().count()));
    // The words of the answer_before / answer_after lists, longest first.
    let fillers = |name: &str| -> Vec<String> {
        let mut words: Vec<String> = c.lists.get(name).into_iter().flat_map(|l| l.keys().cloned()).collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        words
    };
    let answer_fillers = (fillers("answer_before"), fillers("answer_after"));
    Ok(Grammar {
        lang: lang.to_string(),
        normalize,
        lists: c.lists,
        rules,
        date_period,
        date_joiner,
        intents,
        unsaid,
        reported: rules_file.reported.clone(),
        topics,
        slot_named,
        phone_part,
        offer_chosen,
        phone,
        numbers,
        not_names: lex.not_names.iter().map(|s| s.to_lowercase()).collect(),
        honorifics,
        answer_fillers,
        names,
        prompts: raw.prompts,
        word_boundaries: c.word_boundaries,
    })
}

fn number_reader(c: &mut Compiler, n: &Numbers) -> Result<NumberReader> {
    let flat = |m: &BTreeMap<String, Vec<String>>| -> Result<BTreeMap<String, i64>> {
        let mut out = BTreeMap::new();
        for (v, words) in m {
            let v: i64 = v.parse().with_context(|| format!("number value {v:?}"))?;
            for w in words {
                out.insert(w.to_lowercase(), v);
            }
        }
        Ok(out)
    };
    let words = flat(&n.words)?;
    let multipliers = flat(&n.multipliers)?;
    let alt = |m: &BTreeMap<String, i64>| c.words_regex(m.keys().cloned().collect());
    let (w, mu) = (alt(&words), alt(&multipliers));
    c.number_pattern = n.pattern.replace("{words}", &w).replace("{multipliers}", &mu);
    let all: Vec<String> = words.keys().chain(multipliers.keys()).cloned().collect();
    Ok(NumberReader { token: c.regex(&c.words_regex(all))?, words, multipliers })
}

impl Compiler {
    fn regex(&self, pattern: &str) -> Result<Regex> {
        let expanded = self.expand(pattern, &mut Vec::new())?;
        Regex::new(&format!("(?i){expanded}")).map_err(|e| anyhow::anyhow!("{e}"))
    }

    fn regexes(&self, patterns: &[String]) -> Result<Vec<Regex>> {
        patterns
            .iter()
            .map(|p| self.regex(p).with_context(|| format!("phrase {p:?}")))
            .collect()
    }

    fn rule(&self, slot: Slot, r: &RawRule) -> Result<Rule> {
        let anchored = |p: &Option<String>, start: bool| -> Result<Option<Regex>> {
            p.as_ref()
                .map(|p| {
                    let p = if start { format!("^(?:{p})") } else { format!("(?:{p})$") };
                    self.regex(&p)
                })
                .transpose()
        };
        Ok(Rule {
            slot,
            regex: self.regex(&r.pattern)?,
            set: r.set.clone(),
            not_before: anchored(&r.not_before, true)?,
            not_after: anchored(&r.not_after, false)?,
            after: anchored(&r.after, false)?,
            alone: r.alone,
            listed: r.listed,
        })
    }

    /// Replaces `{src}`, `{src:capture}` and `{a|b:capture}` with regex groups.
    /// A capture group is named `capture__src` so the matcher knows how to read it.
    fn expand(&self, pattern: &str, seen: &mut Vec<String>) -> Result<String> {
        let mut out = String::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|i| open + i);
            let Some(close) = close else { break };
            let inner = &rest[open + 1..close];
            // `{2}`, `{1,3}` (repetitions) and `\p{Han}` (classes) are regex, not placeholders.
            let is_class = rest[..open].ends_with("\\p") || rest[..open].ends_with("\\P");
            if is_class || inner.is_empty() || inner.chars().next().unwrap().is_ascii_digit() {
                out.push_str(&rest[..=close]);
                rest = &rest[close + 1..];
                continue;
            }
            out.push_str(&rest[..open]);
            let (sources, capture) = match inner.split_once(':') {
                Some((s, c)) => (s, Some(c)),
                None => (inner, None),
            };
            let mut alts = Vec::new();
            for src in sources.split('|') {
                let body = self.source(src, seen)?;
                let read_as = src.trim_start_matches('^');
                alts.push(match capture {
                    Some(cap) => format!("(?P<{cap}__{read_as}>{body})"),
                    None => format!("(?:{body})"),
                });
            }
            out.push_str(&format!("(?:{})", alts.join("|")));
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn source(&self, src: &str, seen: &mut Vec<String>) -> Result<String> {
        if src == "num" {
            return Ok(format!("[0-9]+|{}", self.number_pattern));
        }
        if self.lists.contains_key(src) {
            return self.alternation(src);
        }
        // `{^list}`: the list's words capitalised, and only so ("Garcia", not "garcia":
        // a name, not the word "rose" or "long").
        if let Some(list) = src.strip_prefix('^').filter(|l| self.lists.contains_key(*l)) {
            let capitalised = self.lists[list].keys().map(|w| w.chars().take(1).flat_map(char::to_uppercase).chain(w.chars().skip(1)).collect()).collect();
            return Ok(format!("(?-i:{})", self.words_regex(capitalised)));
        }
        if let Some(f) = self.fragments.get(src) {
            if seen.iter().any(|s| s == src) {
                bail!("fragment {src:?} refers to itself");
            }
            seen.push(src.to_string());
            let body = self.expand(f, seen)?;
            seen.pop();
            return Ok(body);
        }
        bail!("{{{src}}} is neither a list, a fragment nor num")
    }

    fn alternation(&self, list: &str) -> Result<String> {
        let forms = self.lists.get(list).with_context(|| format!("no list {list:?}"))?;
        Ok(self.words_regex(forms.keys().cloned().collect()))
    }

    /// Longest first, so 明後日 wins over 明日 at the same position.
    fn words_regex(&self, mut words: Vec<String>) -> String {
        words.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        words.dedup();
        let alts: Vec<String> = words
            .iter()
            .map(|w| {
                let mut s = regex::escape(w);
                if self.word_boundaries {
                    if w.chars().next().is_some_and(char::is_alphanumeric) {
                        s = format!(r"\b{s}");
                    }
                    if w.chars().last().is_some_and(char::is_alphanumeric) {
                        s = format!(r"{s}\b");
                    }
                }
                s
            })
            .collect();
        if alts.is_empty() {
            "[^\\s\\S]".to_string() // an empty list matches nothing
        } else {
            alts.join("|")
        }
    }

    fn variants(&self, word: &str) -> Vec<String> {
        let mut v = vec![word.to_string()];
        if self.kana {
            for alt in [to_katakana(word), to_hiragana(word)] {
                if !v.contains(&alt) {
                    v.push(alt);
                }
            }
        }
        v
    }
}

/// `pattern` with each hiragana letter matching its katakana too: しちじ → [しシ][ちチ][じジ],
/// [^ゅゃょ] → [^ゅュゃャょョ]. Escaped characters are left alone.
fn kana_either(pattern: &str) -> String {
    let mut out = String::new();
    let (mut in_class, mut escaped) = (false, false);
    for c in pattern.chars() {
        let kata = to_katakana(&c.to_string());
        if escaped {
            escaped = false;
            out.push(c);
        } else if c == '\\' {
            escaped = true;
            out.push(c);
        } else if kata != c.to_string() {
            if in_class { out.push(c); out.push_str(&kata) } else { out.push_str(&format!("[{c}{kata}]")) }
        } else {
            match c {
                '[' => in_class = true,
                ']' => in_class = false,
                _ => {}
            }
            out.push(c);
        }
    }
    out
}

/// Hiragana and katakana sit 0x60 code points apart.
pub fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

pub fn to_hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_in_hiragana_matches_katakana_too() {
        assert_eq!(kana_either("しちじ"), "[しシ][ちチ][じジ]");
        assert_eq!(kana_either("くじ([^ゅゃょ]|$)"), "[くク][じジ]([^ゅュゃャょョ]|$)");
        assert_eq!(kana_either("\\p{Hiragana}7時"), "\\p{Hiragana}7時");
    }
}
