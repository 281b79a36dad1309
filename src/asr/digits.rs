//! A second listen for phone numbers (`grammars/<lang>/asr_digits.toml`). whisper
//! writes spoken digits as words that sound alike ("oh nine oh" → "all I know") and
//! miscounts runs of one digit, and the dialogue cannot undo either. When a first
//! transcript has a phone cue, or a long run of digits, and no well-formed number
//! follows, the utterance is decoded again with the tokens up to the cue forced and
//! only digit tokens allowed until the number has the length the numbering plan wants,
//! written in one of the plan's ways of grouping it (090-5555-6666).

use crate::extract::phone;
use crate::grammar::Grammar;
use anyhow::{Context, Result};
use std::sync::Arc;

/// Where a language announces a phone number (`asr_digits.toml`) and what a
/// number is (the grammar's numbering plan, which the extractor also reads by).
pub struct NumberCheck {
    cues: Vec<String>,
    /// A number unlike the domain prompt's example, to tell a number heard from
    /// one copied from the prompt (`Recognizer::drop_copied_example`).
    pub second_example: Option<String>,
    /// Digits the recogniser takes one for the other (see `readings`).
    alike: Vec<(char, char)>,
    /// Numbers are heard again in digit words (see `words`).
    pub in_words: bool,
    grammar: Arc<Grammar>,
}

#[derive(serde::Deserialize)]
struct CueFile {
    cues: Vec<String>,
    #[serde(default)]
    second_example: Option<String>,
    #[serde(default)]
    alike: Vec<String>,
    #[serde(default)]
    in_words: bool,
}

/// Runs of digits shorter than this, with no cue before them, are not phone numbers.
const MIN_RUN_WITHOUT_CUE: usize = 7;
/// A run that starts with the trunk prefix and is written digit by digit
/// ("0-8-0-9-8-6") is a number said digit by digit, half heard, from this length.
const MIN_SPELLED_RUN: usize = 5;

impl NumberCheck {
    /// `grammars/<lang>/asr_digits.toml` and the language's grammar (the one every
    /// call shares, compiled once per process).
    pub fn load(lang: &str) -> Result<NumberCheck> {
        let (file, path): (CueFile, _) = super::grammar_file(lang, "asr_digits.toml")?;
        let cues = file.cues.iter().map(|c| c.to_lowercase()).collect();
        let alike = alike_pairs(&file.alike).with_context(|| path.display().to_string())?;
        let grammar = crate::session::grammar(lang)?;
        Ok(NumberCheck { cues, second_example: file.second_example, alike, in_words: file.in_words, grammar })
    }

    /// How many digits a number starting with `digits` must have.
    fn wanted(&self, digits: &str) -> usize {
        phone::wanted_digits(&self.grammar, digits)
    }

    /// The most digits any number has.
    pub fn wanted_at_most(&self) -> usize {
        self.wanted("")
    }

    /// Whether digits written in `groups` so far can still become a number
    /// written as the plan writes it.
    fn may_grow(&self, groups: &[&str]) -> bool {
        phone::may_grow(&self.grammar, groups)
    }

    /// The byte range of the phone number the extractor reads in `text`, if any.
    pub fn number_at(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let g = &self.grammar;
        g.phone.run.find_iter(text).find(|m| phone::number(g, m.as_str()).is_some()).map(|m| m.range())
    }

    /// The byte range and digits of the phone number the extractor reads in `text`.
    pub fn digits_at(&self, text: &str) -> Option<(std::ops::Range<usize>, String)> {
        let run = self.number_at(text)?;
        phone::number(&self.grammar, &text[run.clone()]).map(|d| (run, d))
    }

    /// Every digit `line` says, in numerals or words ("zero eight zero, …").
    pub fn digits_said(&self, line: &str) -> String {
        crate::extract::digits_said(&self.grammar, line)
    }

    /// The byte range of a run of numerals in `text` one digit too long to be a
    /// number, with its readings with one digit left out (`phone::with_a_digit_dropped`).
    pub fn overlong_at(&self, text: &str) -> Option<(std::ops::Range<usize>, Vec<String>)> {
        let g = &self.grammar;
        g.phone.run.find_iter(text).find_map(|m| {
            let readings = phone::with_a_digit_dropped(g, m.as_str());
            (!readings.is_empty()).then(|| (m.range(), readings))
        })
    }

    /// The words callers say digits with (the grammar's phone digit list), each
    /// with its digit.
    pub fn digit_words(&self) -> Vec<(&str, char)> {
        let list = self.grammar.lists.get(&self.grammar.phone.list);
        list.into_iter().flatten().filter_map(|(w, d)| Some((w.as_str(), d.chars().next()?))).collect()
    }

    /// Whether `written` (digits and separators) is a whole number of the plan as
    /// it stands, with no repair.
    pub fn is_whole(&self, written: &str) -> bool {
        let digits: String = written.chars().filter(char::is_ascii_digit).collect();
        phone::number(&self.grammar, written).is_some_and(|d| d == digits) && phone::written_as_planned(&self.grammar, written)
    }

    /// Other readings of the number written as `run`, for the acoustic model to weigh:
    /// other counts of its runs (`phone::recounts`), its first written group with one
    /// digit swapped for a digit that sounds alike ("050" for "oh nine oh"), and the
    /// number with a lost 0 put back (`phone::with_lost_zero`).
    /// The first group decides the kind of number, and is short, so few readings cost
    /// little to score.
    pub fn readings(&self, run: &str) -> Vec<String> {
        let swapped = |run: &str| -> Vec<String> {
            let first = run.find(|c: char| !c.is_ascii_digit()).unwrap_or(run.len());
            let swaps = run[..first].char_indices().flat_map(|(i, c)| {
                self.alike.iter().filter(move |(a, _)| *a == c).map(move |(_, b)| format!("{}{b}{}", &run[..i], &run[i + 1..]))
            });
            swaps.filter(|s| phone::number(&self.grammar, s).is_some()).collect()
        };
        // The number with a 0 the recogniser lost put back ("oh nine oh" heard as
        // "oh nine"), and its swaps, stand beside the number as heard.
        let lost = phone::with_lost_zero(&self.grammar, run);
        let heard: Vec<String> = std::iter::once(run.to_string())
            .chain(swapped(run))
            .chain(lost.iter().flat_map(|l| std::iter::once(l.clone()).chain(swapped(l))))
            .collect();
        let mut out: Vec<String> = Vec::new();
        for (k, h) in heard.iter().enumerate() {
            let counts = phone::recounts(&self.grammar, h);
            for r in (k > 0).then(|| h.clone()).into_iter().chain(counts) {
                if r != run && !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }

    /// The byte offset in `text` where a phone number should start but none the
    /// extractor can read does: right after a cue, or at a long run of digits. None
    /// when the number reads or none was announced.
    pub fn missing_number_at(&self, text: &str) -> Option<usize> {
        let g = &self.grammar;
        // A number the extractor reads, written in the plan's groups: a run
        // grouped otherwise ("0-44444-5555") is a miscount that happens to fit.
        let reads = |run: &str| phone::number(g, run).is_some() && phone::written_as_planned(g, run);
        let lower = text.to_lowercase();
        if lower.len() == text.len() {
            if let Some(end) = self.cues.iter().find_map(|c| lower.find(c.as_str()).map(|i| i + c.len())) {
                let number = g.phone.run.find(&text[end..]).is_some_and(|m| reads(m.as_str()));
                return (!number).then_some(end);
            }
        }
        g.phone
            .run
            .find_iter(text)
            .find(|m| {
                let run = m.as_str();
                let said = phone::digits_said(g, run);
                let digits = said.chars().count();
                let trunk = g.phone.trunk_prefix.as_deref().is_some_and(|t| said.starts_with(t));
                let spelled = !run.chars().zip(run.chars().skip(1)).any(|(a, b)| a.is_ascii_digit() && b.is_ascii_digit());
                digits >= MIN_RUN_WITHOUT_CUE || (trunk && spelled && digits >= MIN_SPELLED_RUN)
            })
            .and_then(|m| (!reads(m.as_str())).then_some(m.start()))
    }
}

/// `["59"]` → 5 for 9 and 9 for 5.
fn alike_pairs(list: &[String]) -> Result<Vec<(char, char)>> {
    let mut out = Vec::new();
    for pair in list {
        match pair.chars().collect::<Vec<_>>()[..] {
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => out.extend([(a, b), (b, a)]),
            _ => anyhow::bail!("`alike` holds pairs of digits such as \"59\", not {pair:?}"),
        }
    }
    Ok(out)
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | ',' | '、' | '‐' | '−')
}

/// What a vocabulary token can be inside a phone number.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Digits, and whether a space before them starts a new written group.
    Digits(String, bool),
    Separator,
    Other,
}

impl Kind {
    pub fn of(bytes: &[u8]) -> Kind {
        let Ok(s) = std::str::from_utf8(bytes) else { return Kind::Other };
        let t = s.trim_matches(' ');
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            Kind::Digits(t.to_string(), s.starts_with(' '))
        } else if !s.is_empty() && s.chars().all(is_separator) {
            Kind::Separator
        } else {
            Kind::Other
        }
    }
}

/// What the second listen masks the logits with.
pub struct Focus<'a> {
    /// Text tokens of the first transcript up to the cue, kept as they were.
    pub prefix: &'a [i32],
    /// `Kind` of every vocabulary token.
    pub kinds: &'a [Kind],
    pub check: &'a NumberCheck,
}

impl Focus<'_> {
    /// The number in `so_far` (which starts with `prefix`), in its written groups,
    /// the last one still open; None once a token other than a digit or a
    /// separator has ended it.
    fn groups(&self, so_far: &[i32]) -> Option<Vec<String>> {
        let mut groups = vec![String::new()];
        for &t in so_far.get(self.prefix.len()..).unwrap_or(&[]) {
            match self.kinds.get(t as usize) {
                Some(Kind::Digits(d, spaced)) => {
                    if *spaced && groups.last().is_some_and(|g| !g.is_empty()) {
                        groups.push(String::new());
                    }
                    groups.last_mut().expect("never empty").push_str(d)
                }
                Some(Kind::Separator) => groups.push(String::new()),
                _ => return None,
            }
        }
        Some(groups)
    }

    /// `filter`, for `Recognizer::redecode`: once the number is over, decoding goes
    /// on freely to the end of the turn.
    pub fn mask(&self, so_far: &[i32], logits: &mut [f32]) -> bool {
        self.filter(so_far, logits);
        true
    }

    /// Whether the number in `so_far` has all its digits.
    pub fn whole(&self, so_far: &[i32]) -> bool {
        self.groups(so_far).is_some_and(|g| {
            let digits = g.concat();
            digits.len() >= self.check.wanted(&digits)
        })
    }

    /// Masks `logits` given the text tokens decoded so far, which start with `prefix`
    /// (fed to the decoder as it is).
    pub fn filter(&self, so_far: &[i32], logits: &mut [f32]) {
        // The number so far; once it is over, decode freely.
        let Some(groups) = self.groups(so_far) else { return };
        let digits: String = groups.concat();
        let wanted = self.check.wanted(&digits);
        let mut written: Vec<&str> = groups.iter().map(String::as_str).collect();
        let open = written.pop().expect("never empty");
        let separator_fits = !open.is_empty() && digits.len() < wanted && {
            let with: Vec<&str> = written.iter().copied().chain([open, ""]).collect();
            self.check.may_grow(&with)
        };
        for (id, l) in logits.iter_mut().enumerate() {
            let keep = match self.kinds.get(id) {
                // Once the number is whole, no digit may lengthen it.
                Some(Kind::Digits(d, spaced)) => digits.len() < wanted && {
                    let longer = format!("{open}{d}");
                    let with: Vec<&str> = match *spaced && !open.is_empty() {
                        true => written.iter().copied().chain([open, d.as_str()]).collect(),
                        false => written.iter().copied().chain([longer.as_str()]).collect(),
                    };
                    digits.len() + d.len() <= wanted && self.check.may_grow(&with)
                },
                Some(Kind::Separator) => separator_fits,
                _ => digits.len() >= wanted,
            };
            if !keep {
                *l = f32::NEG_INFINITY;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lang: &str) -> NumberCheck {
        NumberCheck::load(lang).unwrap()
    }

    #[test]
    fn finds_where_a_number_is_missing() {
        let en = check("en");
        let t = "My number is all I know, fine, fine, 6666.";
        assert_eq!(en.missing_number_at(t), Some("My number is".len()));
        assert_eq!(en.missing_number_at("My number is 090-1234-5678."), None);
        assert_eq!(en.missing_number_at("It's 0-9-9-9-9-6666, thanks"), Some(5));
        assert_eq!(en.missing_number_at("A table for 4 at 7 pm."), None);
        // digit by digit from the trunk prefix, half heard, with no cue
        assert_eq!(en.missing_number_at("It's 0-8-0-9-8-6. Time for 3-2."), Some(5));
        assert_eq!(en.missing_number_at("At 7, 8, 9, 10 or 11."), None);
        assert_eq!(en.missing_number_at("Room 08 at 12:30."), None);
        // digits said in words and sound-alikes count too: "oh nine oh" on the phone
        let t = "Maria Garcia might have married Nero-I Nero. 7, 7, 7, 7, 7";
        assert_eq!(en.missing_number_at(t), t.find("Nero"));
        assert_eq!(en.missing_number_at("I'd like a table for two, I think at 7."), None);
        let ja = check("ja");
        // a run the extractor mends (one 6 too many) needs no second listen
        assert_eq!(ja.missing_number_at("電話番号は090-555566666です。"), None);
        assert_eq!(ja.missing_number_at("電話番号は090-444-555-555です。"), Some("電話番号は".len()));
        assert_eq!(ja.missing_number_at("電話番号は090、4444、5555です。"), None);
        assert_eq!(ja.missing_number_at("電話番号は00-2222-3333です。"), Some("電話番号は".len()));
    }

    #[test]
    fn readings_swap_alike_digits_in_the_first_group_and_recount() {
        let en = check("en");
        let r = en.readings("050-2221-1111");
        for want in ["050-2222-1111", "090-2221-1111", "090-2222-1111"] {
            assert!(r.iter().any(|x| x == want), "{want} not in {r:?}");
        }
        // only the first group: the 5s and 9s of the rest stay
        assert_eq!(en.readings("070-5959-1234"), Vec::<String>::new());
        // Japanese lists no alike digits
        assert_eq!(check("ja").readings("050-1234-5678"), Vec::<String>::new());
    }

    #[test]
    fn a_whole_number_is_valid_and_written_as_planned() {
        let en = check("en");
        assert!(en.is_whole("090-4444-5555"));
        assert!(en.is_whole("03-1234-5678"));
        assert!(!en.is_whole("090-4444-555"), "one digit short");
        assert!(!en.is_whole("0-90444-45555"), "grouped as no number is written");
        assert!(!en.is_whole("90-4444-5555"), "the trunk prefix lost: read only by repair");
    }

    #[test]
    fn knows_when_the_number_is_whole() {
        let kinds: Vec<Kind> = [&b"a"[..], b" 090", b"-", b"4444", b"5555"].iter().map(|b| Kind::of(b)).collect();
        let c = check("en");
        let f = Focus { prefix: &[0], kinds: &kinds, check: &c };
        assert!(!f.whole(&[0, 1, 2, 3, 2]));
        assert!(f.whole(&[0, 1, 2, 3, 2, 4]));
    }

    #[test]
    fn alike_digits_come_in_pairs() {
        assert_eq!(alike_pairs(&["59".into()]).unwrap(), vec![('5', '9'), ('9', '5')]);
        for bad in ["5", "5a", "591"] {
            let e = alike_pairs(&[bad.into()]).unwrap_err().to_string();
            assert!(e.contains("pairs of digits") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn wants_the_length_the_plan_gives() {
        let ja = check("ja");
        assert_eq!(ja.wanted("090"), 11);
        assert_eq!(ja.wanted("03"), 10);
        assert_eq!(ja.wanted("0"), 11, "undecided: the most a number starting so has");
    }

    #[test]
    fn classifies_tokens() {
        assert_eq!(Kind::of(b" 090"), Kind::Digits("090".into(), true));
        assert_eq!(Kind::of(b"090"), Kind::Digits("090".into(), false));
        assert_eq!(Kind::of(b"-"), Kind::Separator);
        assert_eq!(Kind::of("、".as_bytes()), Kind::Separator);
        assert_eq!(Kind::of(b" nine"), Kind::Other);
        assert_eq!(Kind::of(&[0xe3, 0x81]), Kind::Other);
    }

    #[test]
    fn after_the_prefix_allows_only_digits_up_to_the_length() {
        // Vocabulary: 0 "a", 1 " 0", 2 "90", 3 "-", 4 "5555", 5 "6", 6 "." ; eot 7
        let kinds: Vec<Kind> = [&b"a"[..], b" 0", b"90", b"-", b"5555", b"6", b"."].iter().map(|b| Kind::of(b)).collect();
        let c = check("en");
        let f = Focus { prefix: &[0], kinds: &kinds, check: &c };
        let allowed = |so_far: &[i32]| {
            let mut l = vec![0f32; 7];
            f.filter(so_far, &mut l);
            (0..7).filter(|&i| l[i].is_finite()).collect::<Vec<_>>()
        };
        // no separator first, and every number starts with the trunk prefix 0
        assert_eq!(allowed(&[0]), vec![1]);
        // 090 is a whole group (3-4-4): a separator or a spaced group comes next
        assert_eq!(allowed(&[0, 1, 2]), vec![1, 3]);
        // no way of writing a number starts with a one-digit group: 090 or 06 go on
        assert_eq!(allowed(&[0, 1]), vec![2, 5]);
        // 090-5555-666: only one more digit of the open group, no separator
        assert_eq!(allowed(&[0, 1, 2, 3, 4, 3, 5, 5, 5]), vec![5]);
        // whole: digits are barred, anything else goes
        assert_eq!(allowed(&[0, 1, 2, 3, 4, 3, 5, 5, 5, 5]), vec![0, 6]);
        // the number was left: no constraint
        assert_eq!(allowed(&[0, 1, 6]).len(), 7);
    }
}
