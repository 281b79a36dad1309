//! Finds every rule match in an utterance, decodes its captures, and keeps the
//! longest of any overlapping matches.

use super::phone;
use crate::grammar::{Capture, Grammar, Slot};

/// One accepted match: its slot (None = phone), where it was, what it captured.
#[derive(Debug, Clone)]
pub struct Match {
    pub slot: Option<Slot>,
    /// Counts only if the utterance has no intent (see `alone` in grammars/README.md).
    pub alone: bool,
    pub start: usize,
    pub end: usize,
    /// What must not overlap another match: the whole match, but for a name only
    /// the name itself, since the words that end it may be the next slot ("my name is
    /// kate tomorrow at 7", "my name is smith 090…").
    pub core: std::ops::Range<usize>,
    pub caps: Vec<Capture>,
}

pub fn find(g: &Grammar, text: &str) -> Vec<Match> {
    let mut all = Vec::new();
    for rule in &g.rules {
        for c in rule.regex.captures_iter(text) {
            let whole = c.get(0).expect("group 0 always exists");
            if whole.as_str().trim().is_empty() {
                continue;
            }
            if rule.not_before.as_ref().is_some_and(|re| re.is_match(&text[whole.end()..])) {
                continue;
            }
            if rule.not_after.as_ref().is_some_and(|re| re.is_match(&text[..whole.start()])) {
                continue;
            }
            if rule.after.as_ref().is_some_and(|re| !re.is_match(&text[..whole.start()])) {
                continue;
            }
            let mut caps = Vec::new();
            let mut ok = true;
            for name in rule.regex.capture_names().flatten() {
                let Some(m) = c.name(name) else { continue };
                match decode(g, name, m.as_str()) {
                    Some(cap) => caps.push(cap),
                    None => ok = false,
                }
            }
            if !ok {
                continue;
            }
            for (k, v) in &rule.set {
                caps.push(Capture::new(k, v.clone()));
            }
            // A name match that holds no name (「名前が違います。」) must not hide one
            // that follows it (「清水です。」) by overlapping it.
            if rule.slot == Slot::Name {
                match super::resolve::name(g, &caps, super::Source::Heard) {
                    None => continue,
                    Some(name) if rule.listed && !g.starts_with_listed_name(&name) => continue,
                    Some(_) => {}
                }
            }
            let core = match rule.slot {
                Slot::Name => name_span(&rule.regex, &c).unwrap_or(whole.range()),
                _ => whole.range(),
            };
            all.push(Match { slot: Some(rule.slot), alone: rule.alone, start: whole.start(), end: whole.end(), core, caps });
        }
    }
    for m in g.phone.run.find_iter(text) {
        if let Some((digits, used)) = phone::number_in(g, m.as_str()) {
            let caps = vec![Capture::new("phone", digits)];
            let (start, end) = (m.start() + used.start, m.start() + used.end);
            all.push(Match { slot: None, alone: false, start, end, core: start..end, caps });
        }
    }
    // A word inside a listed given name that a name holds is part of the name.
    let given = given_names_in_names(g, text, &all);
    all.retain(|m| m.slot == Some(Slot::Name) || !given.iter().any(|r| m.start >= r.start && m.end <= r.end));
    keep_longest(all)
}

/// Where a name match's name lies (its `name` and `name_rest` groups), without the
/// cue before it and the words that end it.
fn name_span(re: &regex::Regex, c: &regex::Captures) -> Option<std::ops::Range<usize>> {
    let parts: Vec<_> = re
        .capture_names()
        .flatten()
        .filter(|n| matches!(n.split("__").next(), Some("name" | "name_rest")))
        .filter_map(|n| c.name(n))
        .collect();
    Some(parts.iter().map(|m| m.start()).min()?..parts.iter().map(|m| m.end()).max()?)
}

/// Where a name match holds a listed given name (`names.given`): 今日 in 田中今日子 and
/// 明日 in 明日香 lie inside one, so they are part of the name, no date.
fn given_names_in_names(g: &Grammar, text: &str, all: &[Match]) -> Vec<std::ops::Range<usize>> {
    let Some(list) = g.names.given.as_ref().and_then(|l| g.lists.get(l)) else { return Vec::new() };
    let mut out = Vec::new();
    for name in all.iter().filter(|m| m.slot == Some(Slot::Name)) {
        let said = &text[name.start..name.end];
        for given in list.values() {
            out.extend(said.match_indices(given.as_str()).map(|(at, _)| name.start + at..name.start + at + given.len()));
        }
    }
    out
}

/// The part of the day said right after a date that ends at `at` ("tomorrow
/// morning"), as a `period` capture.
pub fn period_after(g: &Grammar, text: &str, at: usize) -> Option<Capture> {
    let re = g.date_period.as_ref()?;
    let c = re.captures(&text[at..])?;
    let group = re.capture_names().flatten().find(|n| n.split("__").next() == Some("period"))?;
    decode(g, group, c.name(group)?.as_str())
}

/// A run of digits that looks like a phone number said with a digit too many or too
/// few (as a recogniser mishears it) and could not be mended, so the agent can say what it heard.
pub fn misheard_phone(g: &Grammar, text: &str) -> Option<String> {
    g.phone.run.find_iter(text).find_map(|m| phone::misheard(g, m.as_str()))
}

/// A capture group named `cap__src` reads its text through `src` (a list, `num`, or a
/// fragment, whose text is kept as it is); a plain group keeps its text.
fn decode(g: &Grammar, group: &str, text: &str) -> Option<Capture> {
    let (name, src) = group.split_once("__").unwrap_or((group, ""));
    let value = if src == "num" {
        g.numbers.read(text)?.to_string()
    } else if g.lists.contains_key(src) {
        g.list_value(src, text)?.to_string()
    } else {
        text.to_string()
    };
    Some(Capture { name: name.to_string(), value, said: text.to_string() })
}

/// Longest first; a match that overlaps one already kept is dropped. Names go
/// last: they are the catch-all (「一人です」 is a party size, not a name).
fn keep_longest(mut all: Vec<Match>) -> Vec<Match> {
    let is_name = |m: &Match| m.slot == Some(Slot::Name);
    all.sort_by(|a, b| {
        is_name(a)
            .cmp(&is_name(b))
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Match> = Vec::new();
    for m in all {
        if kept.iter().all(|k| m.core.end <= k.core.start || m.core.start >= k.core.end) {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| m.start);
    kept
}
