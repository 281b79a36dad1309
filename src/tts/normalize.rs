//! Rewrites a reply line into what the synthesiser should read: phone numbers digit by
//! digit (in the words of `[format]` in grammars/<lang>/prompts.toml, as the read-back
//! says them), clock times and dates written in figures as `[speech]` there says them.
//! Engines read the rest well.

use crate::grammar::{Format, Speech};
use crate::dialogue::fill;
use regex::{Captures, Regex};
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?-u:\b)").unwrap());
/// A run of digits with hyphens, parentheses or dots between groups (or none). Only runs with at least 7 digits are read as phone numbers (see `phone`).
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?(?:\([0-9]+\) ?|[0-9]+)(?:[-.]?[0-9]+)*").unwrap());
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([0-9]{1,2}):([0-9]{2})(?-u:\b)(\s*([aApP])\.?[mM](?-u:\b)\.?)?").unwrap()
});
/// A word and a day number after it ("December 31"), not a clock time ("May 3:").
static WORD_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)(\p{L}+) ([0-9]{1,2})(?-u:\b)([^:0-9]|$)").unwrap());

/// The text to hand to the engine for `lang`; a language without a grammar only gets NFKC.
pub fn normalize(lang: &str, text: &str) -> String {
    // NFKC: full-width digits and colons become ASCII so one set of patterns serves.
    let text: String = text.nfkc().collect();
    let Ok(grammar) = crate::session::grammar(lang) else { return text };
    let (format, speech) = (&grammar.prompts.format, &grammar.prompts.speech);
    let t = dates(&text, format, speech);
    let t = phone(&t, format);
    let t = clocks(&t, speech);
    days_after_months(&t, format, speech)
}

/// 2026-11-28 as `speech.date` says it.
fn dates(text: &str, format: &Format, speech: &Speech) -> String {
    if speech.date.is_empty() {
        return text.to_string();
    }
    ISO_DATE
        .replace_all(text, |c: &Captures| {
            let (month, day) = (num(&c[2]), num(&c[3]));
            match format.months.get((month as usize).wrapping_sub(1)) {
                Some(name) if (1..=31).contains(&day) => fill(
                    &speech.date,
                    &[("year", c[1].to_string()), ("month", month.to_string()), ("day", day.to_string()), ("month_name", name.clone())],
                ),
                _ => c[0].to_string(),
            }
        })
        .into_owned()
}

/// 19:30, 7:00 p.m. as the `speech` clock templates say them.
fn clocks(text: &str, speech: &Speech) -> String {
    CLOCK
        .replace_all(text, |c: &Captures| {
            let (h, m) = (num(&c[1]), num(&c[2]));
            let am_pm = c.get(4).map(|x| usize::from(x.as_str().eq_ignore_ascii_case("p")));
            let template = match m {
                0 if am_pm.is_none() => &speech.on_the_hour,
                0 => &speech.hour,
                1..=9 => &speech.hour_minute_under_10,
                _ => &speech.hour_minute,
            };
            if template.is_empty() {
                return c[0].to_string();
            }
            let time = fill(template, &[("hour", h.to_string()), ("minute", m.to_string())]);
            match am_pm.and_then(|i| speech.am_pm.get(i)) {
                Some(word) if !speech.with_am_pm.is_empty() => fill(&speech.with_am_pm, &[("time", time), ("am_pm", word.clone())]),
                // No way to say it: the a.m./p.m. stays as written.
                _ => format!("{time}{}", c.get(3).map_or("", |x| x.as_str())),
            }
        })
        .into_owned()
}

/// "December 31" → "December 31st", for a month name of `[format]`.
fn days_after_months(text: &str, format: &Format, speech: &Speech) -> String {
    if speech.day_after_month.is_empty() {
        return text.to_string();
    }
    WORD_DAY
        .replace_all(text, |c: &Captures| {
            let day = speech.day_after_month.get((num(&c[2]) as usize).wrapping_sub(1));
            match day {
                Some(day) if format.months.iter().any(|m| m == &c[1]) => format!("{} {day}{}", &c[1], &c[3]),
                _ => c[0].to_string(),
            }
        })
        .into_owned()
}

/// Spells every phone-like digit run (7+ digits) digit by digit in the words of the
/// grammar's `[format]`.
fn phone(text: &str, f: &Format) -> String {
    let (digits, digit_sep, group_sep) = (&f.digits, &f.digit_separator, &f.group_separator);
    PHONE
        .replace_all(text, |c: &Captures| {
            let run = &c[0];
            let count = run.chars().filter(char::is_ascii_digit).count();
            // "19:00", "2026", "4名" stay numbers; "0312345678" or "090-1234-5678" are phones.
            if count < 7 {
                return run.to_string();
            }
            run.split(|ch: char| !ch.is_ascii_digit())
                .filter(|g| !g.is_empty())
                .map(|g| {
                    g.chars()
                        .map(|d| digits.get(d.to_digit(10).unwrap_or(0) as usize).map_or("", String::as_str))
                        .collect::<Vec<_>>()
                        .join(digit_sep)
                })
                .collect::<Vec<_>>()
                .join(group_sep)
        })
        .into_owned()
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_table() {
        let cases = [
            (
                "Your number is 090-1234-5678.",
                "Your number is zero nine zero, one two three four, five six seven eight.",
            ),
            (
                "Call (555) 123-4567 now",
                "Call five five five, one two three, four five six seven now",
            ),
            (
                "Phone 09012345678?",
                "Phone zero nine zero one two three four five six seven eight?",
            ),
            (
                "A table for 4 at 7:00 PM on November 28.",
                "A table for 4 at 7 PM on November 28th.",
            ),
            ("at 19:30 on 2026-11-28", "at 19 30 on November 28th, 2026"),
            ("at 7:00", "at 7 o'clock"),
            ("at 9:05 a.m.", "at 9 oh 5 AM"),
            (
                "on December 1 and March 22, and May 3:",
                "on December 1st and March 22nd, and May 3:",
            ),
            ("May 11, 12 or 13", "May 11th, 12 or 13"),
            ("in 2026 for 12 people", "in 2026 for 12 people"),
            ("１９：００に４名", "19 o'clockに4名"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize("en", input), want, "input {input:?}");
        }
    }

    #[test]
    fn japanese_table() {
        let cases = [
            (
                "電話番号は090-1234-5678ですね。",
                "電話番号はゼロキューゼロ、イチニーサンヨン、ゴーロクナナハチですね。",
            ),
            (
                "０９０１２３４５６７８",
                "ゼロキューゼロイチニーサンヨンゴーロクナナハチ",
            ),
            ("11月28日 19:00に4名様", "11月28日 19時に4名様"),
            ("19:30から", "19時30分から"),
            ("2026-11-28の10:05", "2026年11月28日の10時5分"),
            ("２名で１８時半", "2名で18時半"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize("ja", input), want, "input {input:?}");
        }
    }
}
