//! Rewrites a reply line into what the synthesiser should read: phone numbers digit by
//! digit (in the words of `[format]` in grammars/<lang>/prompts.toml, as the read-back
//! says them), clock times and ISO dates the way people say them. Engines read the
//! rest well.

use regex::{Captures, Regex};
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?-u:\b)").unwrap());
/// A run of digits with hyphens, parentheses or dots between groups (or none). Only runs with at least 7 digits are read as phone numbers (see `phone`).
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?(?:\([0-9]+\) ?|[0-9]+)(?:[-.]?[0-9]+)*").unwrap());
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([0-9]{1,2}):([0-9]{2})(?-u:\b)(\s*[aApP]\.?[mM](?-u:\b)\.?)?").unwrap()
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(January|February|March|April|May|June|July|August|September|October|November|December) ([0-9]{1,2})(?-u:\b)([^:0-9]|$)").unwrap()
});

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// The text to hand to the engine for `lang` ("ja" or "en"; anything else only gets NFKC).
pub fn normalize(lang: &str, text: &str) -> String {
    // NFKC: full-width digits and colons become ASCII so one set of patterns serves.
    let text: String = text.nfkc().collect();
    match lang {
        "ja" => ja(&text),
        "en" => en(&text),
        _ => text,
    }
}

fn ja(text: &str) -> String {
    let t = ISO_DATE.replace_all(text, |c: &Captures| {
        format!("{}年{}月{}日", &c[1], num(&c[2]), num(&c[3]))
    });
    let t = phone("ja", &t);
    CLOCK
        .replace_all(&t, |c: &Captures| {
            let (h, m) = (num(&c[1]), num(&c[2]));
            let suffix = c.get(3).map_or("", |m| m.as_str());
            match m {
                0 => format!("{h}時{suffix}"),
                _ => format!("{h}時{m}分{suffix}"),
            }
        })
        .into_owned()
}

fn en(text: &str) -> String {
    let t = ISO_DATE.replace_all(text, |c: &Captures| {
        let month = num(&c[2]) as usize;
        match MONTHS.get(month.wrapping_sub(1)) {
            Some(name) => format!("{name} {}, {}", num(&c[3]), &c[1]),
            None => c[0].to_string(),
        }
    });
    let t = phone("en", &t);
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        let (h, m) = (num(&c[1]), num(&c[2]));
        let ampm = c
            .get(3)
            .map(|x| x.as_str().replace('.', "").trim().to_lowercase());
        let clock = match m {
            0 if ampm.is_none() => format!("{h} o'clock"),
            0 => h.to_string(),
            1..=9 => format!("{h} oh {m}"),
            _ => format!("{h} {m}"),
        };
        match ampm {
            Some(p) => format!("{clock} {}", p.to_uppercase()),
            None => clock,
        }
    });
    MONTH_DAY
        .replace_all(&t, |c: &Captures| {
            format!("{} {}{}", &c[1], ordinal(num(&c[2])), &c[3])
        })
        .into_owned()
}

/// Spells every phone-like digit run (7+ digits) digit by digit in the words of
/// `lang`'s grammar; without a grammar the digits stay as they are.
fn phone(lang: &str, text: &str) -> String {
    let Ok(grammar) = crate::session::grammar(lang) else { return text.to_string() };
    let f = &grammar.prompts.format;
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

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
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
