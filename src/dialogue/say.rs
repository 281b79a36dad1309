//! The agent's words: fills the grammar's prompt templates and spells dates,
//! times, party sizes and phone numbers the way the language reads them back.

use crate::grammar::{Grammar, Prompts};
use crate::profile::Profile;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

pub struct Say<'a> {
    p: &'a Prompts,
}

impl<'a> Say<'a> {
    pub fn new(g: &'a Grammar) -> Say<'a> {
        Say { p: &g.prompts }
    }

    /// The template `key` with its `{placeholders}` filled; a missing key says so
    /// plainly rather than failing a call.
    pub fn line(&self, key: &str, vars: &[(&str, String)]) -> String {
        let Some(t) = self.p.say.get(key) else {
            return format!("[{key}]");
        };
        // "… 7 p.m.." when a time ends a sentence.
        fill(t, vars).replace("..", ".")
    }

    /// Every template with the business name filled in and the other
    /// placeholders left as they are: what a synthesiser can prepare before a call.
    pub fn stock_lines(&self, business: &str) -> Vec<String> {
        self.p.say.keys().map(|k| self.line(k, &[("business", business.to_string())])).collect()
    }

    /// Each template that speaks a date, once for every one of `days`, the other
    /// placeholders but the business name left: a read-back starts with its date.
    pub fn dated_lines(&self, business: &str, days: impl Iterator<Item = NaiveDate>) -> Vec<String> {
        let business = ("business", business.to_string());
        let mut lines = Vec::new();
        for day in days {
            let date = ("date", self.date(day));
            let dated = self.p.say.iter().filter(|(_, t)| t.contains("{date}"));
            lines.extend(dated.map(|(k, _)| self.line(k, &[business.clone(), date.clone()])));
        }
        lines
    }

    /// Sentences of one reply, joined as the language writes them.
    pub fn join(&self, parts: &[String]) -> String {
        parts.join(&self.p.format.sentence_separator)
    }

    pub fn date(&self, d: NaiveDate) -> String {
        let f = &self.p.format;
        fill(
            &f.date,
            &[
                ("year", d.year().to_string()),
                ("month", f.months[d.month0() as usize].clone()),
                ("day", d.day().to_string()),
                ("weekday", f.weekdays[d.weekday().num_days_from_monday() as usize].clone()),
            ],
        )
    }

    pub fn time(&self, t: NaiveTime) -> String {
        let f = &self.p.format;
        let (pm, h12) = t.hour12();
        let minutes = if t.minute() == 0 {
            String::new()
        } else {
            fill(
                &f.minutes,
                &[("minute", t.minute().to_string()), ("minute:02", format!("{:02}", t.minute()))],
            )
        };
        let template = match (pm, &f.time_noon) {
            (true, Some(noon)) if h12 == 12 => noon,
            (true, _) => &f.time_pm,
            _ => &f.time_am,
        };
        fill(template, &[("hour", h12.to_string()), ("minutes", minutes)])
    }

    pub fn when(&self, at: NaiveDateTime) -> String {
        format!("{}{}{}", self.date(at.date()), self.p.format.list_separator, self.time(at.time()))
    }

    pub fn party(&self, n: u32) -> String {
        let f = &self.p.format;
        let form = f.party_one.as_ref().filter(|_| n == 1).unwrap_or(&f.party);
        fill(form, &[("n", n.to_string())])
    }

    /// Digit by digit, in groups (090-1234-5678 → three groups), so the caller can check each.
    pub fn phone(&self, digits: &str) -> String {
        let f = &self.p.format;
        let n = digits.chars().count();
        let first = match n {
            11 => 3,
            10 => 2,
            _ => n.min(3),
        };
        let chars: Vec<char> = digits.chars().collect();
        let mut groups = vec![&chars[..first.min(n)]];
        let rest = &chars[first.min(n)..];
        groups.extend(rest.chunks(4));
        groups
            .iter()
            .filter(|g| !g.is_empty())
            .map(|g| {
                g.iter()
                    .map(|c| {
                        c.to_digit(10)
                            .and_then(|d| f.digits.get(d as usize).cloned())
                            .unwrap_or_else(|| c.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(&f.digit_separator)
            })
            .collect::<Vec<_>>()
            .join(&f.group_separator)
    }

    /// "A, B or C".
    pub fn list(&self, items: &[String]) -> String {
        let f = &self.p.format;
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{}{}{}", init.join(&f.list_separator), f.list_last_separator, last),
        }
    }

    pub fn slot_name(&self, slot: &str) -> String {
        self.p.format.slot_names.get(slot).cloned().unwrap_or_else(|| slot.to_string())
    }

    /// Opening hours of a day, e.g. "11 a.m. to 10 p.m.".
    pub fn hours(&self, profile: &Profile, d: NaiveDate) -> String {
        let ranges: Vec<String> = profile
            .intervals(d)
            .iter()
            .map(|i| {
                self.line("hours_range", &[("open", self.time(i.open)), ("close", self.time(i.close))])
            })
            .collect();
        self.list(&ranges)
    }
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_lines_hold_the_start_of_each_coming_days_read_back() {
        let g = crate::session::grammar("ja").expect("ja grammar");
        let say = Say::new(&g);
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        let phrases: Vec<String> =
            say.dated_lines("テスト", today.iter_days().take(3)).iter().flat_map(|l| crate::tts::split_phrases(l)).collect();
        let first_phrase = |day: NaiveDate| {
            let time = NaiveTime::from_hms_opt(19, 0, 0).expect("time");
            let vars = [("date", say.date(day)), ("time", say.time(time)), ("party", say.party(4)), ("name", "田中".into()), ("phone", say.phone("09012345678"))];
            crate::tts::split_phrases(&say.line("readback", &vars)).remove(0)
        };
        let tomorrow = today.succ_opt().expect("date");
        assert!(phrases.contains(&first_phrase(tomorrow)), "{:?} not among {phrases:?}", first_phrase(tomorrow));
        assert!(!phrases.contains(&first_phrase(today + chrono::Days::new(3))), "only the days asked for");
        assert!(say.stock_lines("テスト").iter().any(|p| p.contains("テスト")), "the business name is filled in");
    }
}
