//! The slot extractor: one utterance in, intent/date/time/party/name/phone out.
//!
//! Every rule comes from the grammar; this engine only finds the matches, lets
//! the longest of overlapping matches win (明後日 over 明日, a phone number over
//! the numbers inside it), lets the last mention of a slot win (「7時、いや8時」),
//! and resolves the captured values against `now` and the business's hours.

mod matches;
pub mod phone;
mod resolve;

use crate::grammar::{Grammar, Slot};
use crate::profile::Profile;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Serialize, Serializer};
use unicode_normalization::UnicodeNormalization;

/// What one utterance said. A slot the caller did not state is `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Slots {
    pub intent: Option<String>,
    pub date: Option<NaiveDate>,
    #[serde(serialize_with = "hh_mm")]
    pub time: Option<NaiveTime>,
    pub party_size: Option<u32>,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// Minutes a time is moved by ("an hour later": 60, 「30分早めて」: -30). Not a
    /// rulebook slot: the dialogue moves the time it already has.
    #[serde(skip)]
    pub shift: Option<i64>,
    /// Digits that look like a phone number with a digit too many or too few.
    #[serde(skip)]
    pub phone_heard: Option<String>,
    /// The weekday of a date said with one it does not fall on ("Saturday, November
    /// 18"): no date is taken, but where days were offered, the one on that weekday
    /// is likely meant (one of the two words was misheard).
    #[serde(skip)]
    pub weekday_of_no_date: Option<chrono::Weekday>,
}

impl Slots {
    /// Does the utterance carry any booking detail (not counting the intent)?
    pub fn has_details(&self) -> bool {
        self.date.is_some() || self.time.is_some() || self.party_size.is_some() || self.shift.is_some()
    }
}

fn hh_mm<S: Serializer>(t: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.format("%H:%M").to_string()),
        None => s.serialize_none(),
    }
}

/// Where the words come from. A recogniser writes a name by its sound (たなか,
/// サトー for 佐藤, "Games" for James), so a heard name is spelled as the grammar's
/// name lists spell it; typed words are the caller's own spelling and stay as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Typed,
    Heard,
}

/// What the extractor needs to know besides the words.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub source: Source,
    /// Local time at the business.
    pub now: NaiveDateTime,
    /// Decides whether a bare hour is a.m. or p.m.
    pub profile: &'a Profile,
    /// A date said earlier in the call, for bare hours.
    pub call_date: Option<NaiveDate>,
    /// The slot the agent just asked for: an answer that is only a number gives it
    /// ("Four." to "How many people?", 「7時」 needs no more, "Seven." does).
    pub expect: Option<&'a str>,
}

/// NFKC (full-width digits become ASCII), then the grammar's own rewrites.
pub fn normalize(g: &Grammar, text: &str) -> String {
    let mut s: String = text.nfkc().collect();
    for (re, with) in &g.normalize {
        s = re.replace_all(&s, with.as_str()).into_owned();
    }
    s.trim().to_string()
}

pub fn extract(g: &Grammar, text: &str, ctx: &Context) -> Slots {
    let norm = normalize(g, text);
    let found = matches::find(g, &norm);
    let mut slots = Slots::default();

    // Last mention wins: a correction inside one utterance replaces what came before.
    // A date and a weekday said as one ("Friday the 5th", 「明日の金曜日」) are one day:
    // the date, if it falls on that weekday; if not, neither, and the agent asks.
    let mut last: Option<(usize, Option<NaiveDate>, bool)> = None;
    for m in found.iter().filter(|m| m.slot == Some(Slot::Date)) {
        let d = resolve::date(&m.caps, ctx.now.date());
        let weekday = m.caps.iter().any(|c| c.name == "weekday");
        let joined = |end: usize| g.date_joiner.as_ref().is_some_and(|re| norm.get(end..m.start).is_some_and(|gap| re.is_match(gap)));
        slots.date = match (last, d) {
            (Some((end, Some(before), was_weekday)), Some(d)) if was_weekday != weekday && joined(end) => {
                let date = if weekday { before } else { d };
                (before.weekday() == d.weekday()).then_some(date)
            }
            (_, Some(d)) => Some(d),
            (_, None) => slots.date,
        };
        last = Some((m.end, d, weekday));
    }
    if slots.date.is_none() {
        slots.weekday_of_no_date = found.iter().rev().filter(|m| m.slot == Some(Slot::Date)).find_map(|m| resolve::weekday_said(&m.caps));
    }
    let day = slots.date.or(ctx.call_date).unwrap_or(ctx.now.date());
    // "tomorrow morning at 10": the date's part of the day is the period of a time said without one.
    let day_period = found.iter().rev().find(|m| m.slot == Some(Slot::Date)).and_then(|m| matches::period_after(g, &norm, m.end));
    for m in found.iter().filter(|m| m.slot == Some(Slot::Time)) {
        let mut caps = m.caps.clone();
        if let Some(p) = day_period.as_ref().filter(|_| !caps.iter().any(|c| c.name == "period")) {
            caps.push(p.clone());
        }
        if let Some(t) = resolve::time(&caps, day, ctx.profile) {
            slots.time = Some(t);
        }
    }
    for m in found.iter().filter(|m| m.slot == Some(Slot::Shift)) {
        if let Some(n) = resolve::shift(&m.caps) {
            slots.shift = Some(n);
        }
    }
    for m in found.iter().filter(|m| m.slot == Some(Slot::Party)) {
        if let Some(n) = resolve::party(&m.caps) {
            slots.party_size = Some(n);
        }
    }
    let said_intent = intent_outside_names(g, &norm, &found);
    slots.name = said_name(g, &found, said_intent.is_some(), ctx.source).map(|(_, n)| n);
    if slots.name.is_none() && ctx.expect == Some("name") && ctx.source == Source::Heard && said_intent.is_none() {
        slots.name = resolve::listed_name_alone(g, &bare_answer(g, &norm));
    }
    // An answer that is only a number ("Four.", "11 then") is no name; it answers the question asked.
    if let Some(n) = g.numbers.read_whole(&bare_answer(g, &norm)) {
        slots.name = None;
        let hour = [crate::grammar::Capture::new("hour", n.to_string())];
        match ctx.expect {
            Some("party_size") if slots.party_size.is_none() => slots.party_size = u32::try_from(n).ok().filter(|&n| n > 0),
            Some("time") if slots.time.is_none() => slots.time = resolve::time(&hour, day, ctx.profile),
            _ => {}
        }
    }
    for m in found.iter().filter(|m| m.slot.is_none()) {
        slots.phone = m.caps.first().map(|c| c.value.clone());
    }
    if slots.phone.is_none() {
        slots.phone_heard = matches::misheard_phone(g, &norm);
    }
    slots.intent = said_intent.or_else(|| slots.has_details().then(|| "book".to_string()));
    slots
}

/// `norm` without the punctuation and the words that say nothing before or after an
/// answer ("um, four please", 「じゃあ11で」: the grammar's `answer_before` and
/// `answer_after` lists).
fn bare_answer(g: &Grammar, norm: &str) -> String {
    let trim = |s: &str| s.trim_matches(|c: char| c.is_whitespace() || ".,!?。、！？".contains(c)).to_string();
    let (before, after) = &g.answer_fillers;
    // In a language with spaces a filler is whole words ("so" is not the start of "soon").
    let spaced = g.lang_has_spaces();
    let mut s = trim(norm);
    loop {
        let lower = s.to_lowercase();
        if lower.len() != s.len() {
            return s;
        }
        let leading = before.iter().find_map(|f| {
            let tail = s.get(f.len()..).unwrap_or("");
            (lower.starts_with(f.as_str()) && !(spaced && tail.starts_with(char::is_alphanumeric))).then(|| trim(tail))
        });
        let cut = leading.or_else(|| {
            after.iter().find_map(|f| {
                let head = s.get(..s.len().saturating_sub(f.len())).unwrap_or("");
                (lower.ends_with(f.as_str()) && !(spaced && head.ends_with(char::is_alphanumeric))).then(|| trim(head))
            })
        });
        match cut {
            Some(rest) if rest != s => s = rest,
            _ => return s,
        }
    }
}

/// The slots as the rulebook names them: an intent only the agent tells apart
/// ("keep", "hello") is reported as the grammar's `reported` table says.
pub fn reported(g: &Grammar, mut slots: Slots) -> Slots {
    if let Some(as_) = slots.intent.as_ref().and_then(|i| g.reported.get(i)) {
        slots.intent = Some(as_.clone()).filter(|i| !i.is_empty());
    }
    slots
}

/// The intent of `norm`, its phrases looked for outside the names found in it
/// ("Kevin Park" asks nothing about parking). A match that is no name (「大丈夫です」,
/// by `not_names`) was never found (`matches::find`), so it hides nothing.
fn intent_outside_names(g: &Grammar, norm: &str, found: &[matches::Match]) -> Option<String> {
    let mut unnamed = norm.to_string();
    let named = |m: &&matches::Match| m.slot == Some(Slot::Name) && !m.alone;
    for m in found.iter().filter(named) {
        // Only the name: the words around it may say what the caller wants (予約は中村で).
        let heard = m.caps.iter().find(|c| c.name == "name").map(|c| c.value.as_str()).unwrap_or_default();
        let at = norm[m.start..m.end].find(heard).filter(|_| !heard.is_empty()).map_or(m.start..m.end, |i| m.start + i..m.start + i + heard.len());
        unnamed.replace_range(at.clone(), &" ".repeat(at.len()));
    }
    intent(g, &unnamed)
}

/// The name the caller gave last, as the rule captured it and as the extractor
/// writes it. A name said alone ("David Miller.") counts only without an intent.
fn said_name<'m>(g: &Grammar, found: &'m [matches::Match], said_intent: bool, source: Source) -> Option<(&'m str, String)> {
    // The last one: a correction inside one utterance replaces what came before.
    let names = found.iter().rev().filter(|m| m.slot == Some(Slot::Name) && !(m.alone && said_intent));
    names
        .filter_map(|m| {
            let heard = m.caps.iter().find(|c| c.name == "name")?;
            Some((heard.value.as_str(), resolve::name(g, &m.caps, source)?))
        })
        .next()
}

/// The name `text` gives, as it was heard and as the extractor writes it, for a
/// recogniser that listens to the name again (`asr::names`).
pub fn name_heard(g: &Grammar, text: &str) -> Option<(String, String)> {
    let norm = normalize(g, text);
    let found = matches::find(g, &norm);
    let said_intent = intent_outside_names(g, &norm, &found).is_some();
    said_name(g, &found, said_intent, Source::Heard).map(|(heard, name)| (heard.to_string(), name))
}

/// Whether `text` says any value or intent the grammar knows, for a recogniser that
/// listens again to an answer that says nothing (`asr::answers`). A word taken for a
/// name only because it stands alone ("Informase", asked for the day) says nothing,
/// nor do digits that make no phone number ("10-15", asked for the time).
pub fn says_something(g: &Grammar, text: &str) -> bool {
    let norm = normalize(g, text);
    let found = matches::find(g, &norm);
    found.iter().any(|m| !(m.slot == Some(Slot::Name) && m.alone)) || intent(g, &norm).is_some()
}

/// The highest-priority intent whose phrase occurs in the (normalized) text, outside
/// the phrases that deny one ("not to cancel, just change it" is a change); a denial
/// with no other intent means what `[unsaid]` says ("I don't want to cancel": keep).
pub fn intent(g: &Grammar, norm: &str) -> Option<String> {
    let mut said = norm.to_string();
    let mut denial = None;
    for (meaning, phrases) in &g.unsaid {
        for re in phrases {
            if re.is_match(&said) {
                said = re.replace_all(&said, " ").into_owned();
                denial.get_or_insert(meaning);
            }
        }
    }
    g.intents
        .iter()
        .find(|(_, phrases)| phrases.iter().any(|re| re.is_match(&said)))
        .map(|(name, _)| name)
        .or(denial)
        .cloned()
}

/// Every digit `text` says, in order, in numerals or words ("090の" → 090), for a
/// number given in pieces.
pub fn digits_said(g: &Grammar, text: &str) -> String {
    digits_in(g, &normalize(g, text))
}

/// Every digit of the normalized `norm`, in order.
fn digits_in(g: &Grammar, norm: &str) -> String {
    g.phone.run.find_iter(norm).map(|m| phone::plain_digits(g, m.as_str())).collect()
}

/// Part of the phone number given again ("the last four digits are 0011"): whether it
/// is the last part, and its digits (those said after the phrase, so "four" is no digit).
pub fn phone_part(g: &Grammar, text: &str) -> Option<(bool, String)> {
    let norm = normalize(g, text);
    let (part, end) = g.phone_part.iter().find_map(|(part, phrases)| Some((part, phrases.iter().find_map(|re| re.find(&norm))?.end())))?;
    let digits = digits_in(g, &norm[end..]);
    (!digits.is_empty()).then(|| (part == "last", digits))
}

/// Which inquiry topic (hours, address, parking …) the text asks about, if any.
pub fn topic(g: &Grammar, text: &str) -> Option<String> {
    phrase_key(&g.topics, &normalize(g, text))
}

/// The slot the text names ("the time", 「電話番号です」), if any.
pub fn slot_named(g: &Grammar, text: &str) -> Option<String> {
    phrase_key(&g.slot_named, &normalize(g, text))
}

/// Which offered time the text chooses, from 0 ("the first one", 「最初の時間で」).
pub fn offer_chosen(g: &Grammar, text: &str) -> Option<Chosen> {
    match phrase_key(&g.offer_chosen, &normalize(g, text))?.as_str() {
        "earliest" => Some(Chosen::Earliest),
        "latest" => Some(Chosen::Latest),
        place => Some(Chosen::Place(place.parse::<usize>().ok()?.checked_sub(1)?)),
    }
}

/// Which of the offered times an answer picks: by its place in the offer ("the
/// second one"), or by the clock ("the earlier one": offers are said nearest first,
/// not in time order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chosen {
    Place(usize),
    Earliest,
    Latest,
}

/// The key of the first entry with a phrase that occurs in `norm`.
fn phrase_key(map: &[(String, Vec<regex::Regex>)], norm: &str) -> Option<String> {
    map.iter().find(|(_, phrases)| phrases.iter().any(|re| re.is_match(norm))).map(|(key, _)| key.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_read_without_the_words_around_it() {
        let en = Grammar::load_from(&Grammar::root(), "en").unwrap();
        for (said, bare) in [("11 then.", "11"), ("Um, four please", "four"), ("so", ""), ("soon", "soon"), ("okay then, 7", "7")] {
            assert_eq!(bare_answer(&en, &normalize(&en, said)), bare, "{said}");
        }
        let ja = Grammar::load_from(&Grammar::root(), "ja").unwrap();
        for (said, bare) in [("じゃあ11で", "11"), ("えーと、4でお願いします", "4"), ("では", ""), ("でんわ", "でんわ")] {
            assert_eq!(bare_answer(&ja, &normalize(&ja, said)), bare, "{said}");
        }
    }
}
