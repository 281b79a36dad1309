//! Clock times heard again (`grammars/<lang>/asr_times.toml`). whisper writes the
//! wrong half of the day ("11 p.m." for "11am") with next to no doubt between the
//! two; a half it did hear is far likelier than the other (6–7 nats on the dev set,
//! 0.2–1.6 where it misheard). Each time the file's pattern finds is weighed again
//! on the audio already encoded, as each reading, with what follows it: a clear
//! winner is written, and a close call is written without its half of the day, so
//! that the business's hours decide it as they decide a bare hour.
//!
//! A time heard on the hour in a half of the day it is sure of is weighed against
//! the same hour at the quarters too (`[left_out]`): whisper leaves minutes out
//! ("seven thirty pm" as "7 p.m.") far more often than it makes them up.
//!
//! A time heard between the quarter hours ("1113", "12.34") is also weighed again
//! (`[off_grid]`): bookings start on the quarter hour, and whisper writes "eleven
//! thirty" as 11:13 or "twelve thirty for six" as 12.34 more often than callers ask
//! for such a time. The same hour at each quarter, given a prior, is weighed against
//! the time as heard, which stays when the audio fits it clearly better.

use super::names::same_place;
use super::{debugging, Decoded, Held, Recognizer, Spot};
use anyhow::{Context, Result};
use regex::Regex;
use std::ops::Range;

/// Characters after the time scored with it: enough for "in the morning".
const TIME_CONTEXT_CHARS: usize = 24;

/// A language's clock-time pattern and the readings a time is weighed against.
pub struct TimeCheck {
    time: Regex,
    readings: Vec<String>,
    unsure: String,
    doubt: f64,
    left_out: Option<LeftOut>,
    off_grid: Option<OffGrid>,
}

/// Minutes a time heard on the hour may have had: each is written into the reading
/// the time was heard as, and weighed against it with `prior` added.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LeftOut {
    minutes: Vec<String>,
    /// The time with its minutes written in place of its half of the day: whisper
    /// also writes "p.m." where "thirty" was said ("six thirty in the evening" as "6
    /// p.m. in the evening").
    #[serde(default)]
    in_place: Option<String>,
    prior: f64,
}

/// Times between the quarter hours, and how the quarter hours are written.
struct OffGrid {
    times: Vec<Regex>,
    /// What, right after a number, makes it no time ("412 people").
    not_before: Option<Regex>,
    on_grid: Vec<String>,
    reading: String,
    prior: f64,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OffGridFile {
    times: Vec<String>,
    #[serde(default)]
    not_before: Option<String>,
    on_grid: Vec<String>,
    reading: String,
    prior: f64,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeFile {
    time: String,
    readings: Vec<String>,
    unsure: String,
    doubt: f64,
    #[serde(default)]
    left_out: Option<LeftOut>,
    off_grid: Option<OffGridFile>,
}

impl TimeCheck {
    pub fn load(lang: &str) -> Result<TimeCheck> {
        let (file, path): (TimeFile, _) = super::grammar_file(lang, "asr_times.toml")?;
        let time = Regex::new(&file.time).with_context(|| format!("{}: time", path.display()))?;
        if time.capture_names().flatten().all(|n| n != "hour") {
            anyhow::bail!("{}: the time pattern needs an `hour` group", path.display());
        }
        let off_grid = match file.off_grid {
            None => None,
            Some(o) => {
                let mut times = Vec::new();
                for t in &o.times {
                    let time = Regex::new(t).with_context(|| format!("{}: off_grid.times", path.display()))?;
                    if ["hour", "minute"].iter().any(|g| time.capture_names().flatten().all(|n| n != *g)) {
                        anyhow::bail!("{}: each off_grid pattern needs `hour` and `minute` groups", path.display());
                    }
                    times.push(time);
                }
                let not_before = match &o.not_before {
                    Some(p) => Some(Regex::new(p).with_context(|| format!("{}: off_grid.not_before", path.display()))?),
                    None => None,
                };
                Some(OffGrid { times, not_before, on_grid: o.on_grid, reading: o.reading, prior: o.prior })
            }
        };
        Ok(TimeCheck { time, readings: file.readings, unsure: file.unsure, doubt: file.doubt, left_out: file.left_out, off_grid })
    }

    /// Each time in `text` between the quarter hours: where it is, then the same hour
    /// at each quarter. A time next to digits or dashes (spaces aside) is part of a
    /// phone number.
    fn off_grid_at(&self, text: &str) -> Vec<(Range<usize>, Vec<String>)> {
        let Some(grid) = &self.off_grid else { return Vec::new() };
        let in_number = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '-');
        let mut found: Vec<(Range<usize>, Vec<String>)> = grid
            .times
            .iter()
            .flat_map(|t| t.captures_iter(text))
            .filter_map(|c| {
                let whole = c.get(0)?;
                let (hour, minute) = (c.name("hour")?.as_str(), c.name("minute")?.as_str());
                let before = text[..whole.start()].trim_end().chars().next_back();
                let after = text[whole.end()..].trim_start().chars().next();
                let no_time = grid.not_before.as_ref().is_some_and(|re| re.is_match(&text[whole.end()..]));
                if grid.on_grid.iter().any(|m| m == minute) || in_number(before) || in_number(after) || no_time {
                    return None;
                }
                let quarters = grid.on_grid.iter().map(|m| grid.reading.replace("{hour}", hour).replace("{minute}", m));
                Some((whole.range(), quarters.collect()))
            })
            .collect();
        found.sort_by_key(|(at, _)| at.start);
        found.dedup_by(|b, a| b.0.start < a.0.end);
        found
    }

    /// Each time in `text`: where it is, its readings, how to write it unsure, and,
    /// heard on the hour, each reading at each of `left_out`'s minutes.
    fn readings_at(&self, text: &str) -> Vec<TimeHeard> {
        self.time
            .captures_iter(text)
            .filter_map(|c| {
                let whole = c.get(0)?;
                let hour = c.name("hour")?.as_str();
                let minute = c.name("minute").map(|m| format!(":{}", m.as_str()));
                let fill = |r: &str, minute: &str| r.replace("{hour}", hour).replace("{minute}", minute);
                let left_out = self.left_out.as_ref().filter(|_| minute.is_none()).map_or(&[][..], |l| &l.minutes[..]);
                let in_place = self.left_out.as_ref().and_then(|l| l.in_place.as_ref());
                let mut readings: Vec<String> = Vec::new();
                let mut with_minutes = Vec::new();
                for template in &self.readings {
                    let r = fill(template, minute.as_deref().unwrap_or_default());
                    if readings.contains(&r) {
                        continue;
                    }
                    readings.push(r);
                    let templates = std::iter::once(template).chain(in_place);
                    with_minutes.push(templates.flat_map(|t| left_out.iter().map(move |m| fill(t, m))).collect());
                }
                let unsure = fill(&self.unsure, minute.as_deref().unwrap_or_default());
                (readings.len() > 1).then(|| TimeHeard { at: whole.range(), readings, unsure, with_minutes })
            })
            .collect()
    }
}

/// A clock time found in a transcript, and how else it may be written.
#[derive(Debug, PartialEq)]
struct TimeHeard {
    at: Range<usize>,
    readings: Vec<String>,
    unsure: String,
    /// Each reading at each minute a time heard on the hour may have had.
    with_minutes: Vec<Vec<String>>,
}

impl Recognizer {
    /// `heard` with each clock time weighed again (see the module).
    pub(super) fn hear_times_again(&self, held: &mut Held, lang: &str, prompt: &str, heard: Decoded) -> Decoded {
        let check = self.times.iter().find(|(l, _)| l == lang).map(|(_, c)| c);
        let (Some(check), Some(joined)) = (check, heard.joined()) else { return heard };
        let mut text = heard.text.clone();
        // Right to left, so that a replaced time leaves the others' offsets alone.
        for TimeHeard { at, readings, unsure, with_minutes } in check.readings_at(&joined).into_iter().rev() {
            let spot = Spot { heard: &heard, joined: &joined, at: at.clone() };
            let Ok((tails, scores)) = self.weigh_in_place(held, lang, prompt, &spot, &readings, TIME_CONTEXT_CHARS) else { continue };
            let mut order: Vec<usize> = (0..tails.len()).collect();
            order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
            let sure = scores[order[0]] - scores[order[1]] >= check.doubt;
            let mut written = if sure { readings[order[0]].clone() } else { unsure };
            if debugging() {
                eprintln!("asr: time weighed again {:?}: {written:?}", tails.iter().zip(&scores).collect::<Vec<_>>());
            }
            // Heard on the hour, in a half of the day it is sure of: minutes left out?
            if let Some(left_out) = check.left_out.as_ref().filter(|_| sure && !with_minutes[order[0]].is_empty()) {
                let candidates: Vec<String> = std::iter::once(written.clone()).chain(with_minutes[order[0]].iter().cloned()).collect();
                if let Ok(Some(with_minute)) = self.likelier_than_heard(held, lang, prompt, &spot, &candidates, left_out.prior, TIME_CONTEXT_CHARS) {
                    written = with_minute;
                }
            }
            if let Some(in_text) = same_place(&joined, &text, at.clone()) {
                text.replace_range(in_text, &written);
            }
        }
        self.snap_to_quarters(held, lang, prompt, Decoded { text, ..heard }, check)
    }

    /// `heard` with each time between the quarter hours weighed against the same hour
    /// at each quarter (see the module).
    fn snap_to_quarters(&self, held: &mut Held, lang: &str, prompt: &str, heard: Decoded, check: &TimeCheck) -> Decoded {
        let (Some(grid), Some(joined)) = (&check.off_grid, heard.joined()) else { return heard };
        let mut text = heard.text.clone();
        for (at, quarters) in check.off_grid_at(&joined).into_iter().rev() {
            let readings: Vec<String> = std::iter::once(joined[at.clone()].to_string()).chain(quarters).collect();
            let spot = Spot { heard: &heard, joined: &joined, at: at.clone() };
            let Ok(Some(quarter)) = self.likelier_than_heard(held, lang, prompt, &spot, &readings, grid.prior, TIME_CONTEXT_CHARS) else { continue };
            if let Some(in_text) = same_place(&joined, &text, at.clone()) {
                text.replace_range(in_text, &quarter);
            }
        }
        Decoded { text, ..heard }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_gets_its_other_readings() {
        let check = TimeCheck {
            time: Regex::new(r"\b(?P<hour>1[0-2]|[1-9])(?::(?P<minute>[0-5][0-9]))? ?[ap]\.m\.").unwrap(),
            readings: vec!["{hour}{minute} a.m.".into(), "{hour}{minute} p.m.".into()],
            unsure: "{hour}{minute} o'clock".into(),
            doubt: 2.0,
            left_out: Some(LeftOut { minutes: vec![":30".into()], in_place: Some("{hour}{minute}".into()), prior: 8.0 }),
            off_grid: None,
        };
        let found = check.readings_at("Saturday at 9 p.m. in the morning");
        let (readings, unsure) = (vec!["9 a.m.".to_string(), "9 p.m.".to_string()], "9 o'clock".to_string());
        let with_minutes = vec![vec!["9:30 a.m.".to_string(), "9:30".to_string()], vec!["9:30 p.m.".to_string(), "9:30".to_string()]];
        assert_eq!(found, vec![TimeHeard { at: 12..18, readings, unsure, with_minutes }]);
        let found = check.readings_at("at 10:30 a.m.");
        assert_eq!(found[0].unsure, "10:30 o'clock");
        assert_eq!(found[0].with_minutes, vec![Vec::<String>::new(); 2], "minutes heard are not left out");
        assert!(check.readings_at("on the 5th").is_empty());
    }

    #[test]
    fn a_time_between_the_quarters_gets_the_quarters_of_its_hour() {
        let check = TimeCheck::load("en").unwrap();
        let found = check.off_grid_at("could I change up to 1113 instead?");
        let quarters: Vec<String> = ["11:00", "11:15", "11:30", "11:45"].map(String::from).to_vec();
        assert_eq!(found, vec![(21..25, quarters)]);
        assert_eq!(check.off_grid_at("tomorrow at 12.34. I'm Helen")[0].0, 12..17);
        assert_eq!(check.off_grid_at("at 7:10 or 810")[1].1[2], "8:30");
        for on_grid_or_number in ["at 12:30", "at 1215", "080-9174-5362", "0912-12-1234", "090 1234 1113", "on the 5th", "at 7 p.m.", "January 22, 2026", "It's 412 people"] {
            assert!(check.off_grid_at(on_grid_or_number).is_empty(), "{on_grid_or_number}");
        }
    }
}
