//! A first pass that copies the domain prompt. whisper reads the prompt as speech
//! heard just before, and for a turn it cannot make out it sometimes writes the
//! prompt's own sentence again ("Then Monday at 10 a.m." on the phone came out as
//! "I'd like a reservation for three tomorrow at 7 p.m.", the English prompt's
//! example). Callers say much the same as the prompt too ("I'd like to make a
//! reservation", 「明日の夜7時に予約したいんですが」), so a turn that is mostly the
//! prompt's tokens in its order is scored with and without the domain prompt before
//! it: a copy is far likelier with it, what was said only a little. A copy is
//! decoded again without the domain prompt. The prompt's example number written
//! again counts for the copy: it is left out of both.
//!
//! The agent's line before the turn is in the prompt too, and when it reads a
//! number back, a listen that must write a number copies it: "Yes, this number's
//! fine" came out as "Yes, the number 080-3159-6275", the read-back's number with a
//! digit changed. A number like the line's is scored with and without the line
//! before it, and a copy (far likelier with it) is dropped.

use super::{Decoded, Held, Recognizer};

/// Share of a transcript's tokens that, in order, are the prompt's, from which it is
/// taken for a copy. The copy above is 10 of its 12; a caller's own sentence shares
/// words with the prompt ("for two", "7 p.m.") but not most of them in its order.
const COPIED_SHARE: f64 = 0.75;
/// Transcripts of fewer tokens are not judged: "Yes." or "7 p.m." may well be in
/// a prompt and be what the caller said.
const MIN_TOKENS: usize = 6;

/// How much likelier a copy is after the domain prompt than without it, in nats per
/// token, at the least. Measured: the copy above 2.56; callers' own sentences like
/// the prompt 0.07 to 0.69 on the dev set's spoken turns, and up to 1.47 for the
/// prompt's very sentence said over the phone (espeak voices, scripts/bench-phone.py's
/// conditions).
pub const PROMPT_LEAN: f64 = 2.0;

/// Digits in which a number heard may differ from a run of the agent's line's and
/// still be taken for its copy: the copy above differs in one.
const LINE_DIGITS_APART: usize = 2;

/// How much likelier a number is after the agent's line than without it, in nats
/// per token, above which it is taken for a copy of the line's number.
const LINE_LEAN: f64 = 1.0;

/// Whether `text` (a transcript's tokens) is mostly `prompt`'s tokens in `prompt`'s
/// order, or holds most of the prompt in its order: a copy may run on past the
/// prompt into the agent's line and round again (1.9 s of "That's correct." on the
/// phone came out as the prompt, "What day would you like", and the prompt again).
pub fn copies(text: &[i32], prompt: &[i32]) -> bool {
    let common = common_subsequence(text, prompt) as f64;
    text.len() >= MIN_TOKENS && (common >= COPIED_SHARE * text.len() as f64 || common >= COPIED_SHARE * prompt.len() as f64)
}

/// The ids of the tokens wholly before or wholly after bytes `run` of their joined
/// text (a token across either edge is left out with the run).
pub fn outside(tokens: &[(i32, Vec<u8>)], run: std::ops::Range<usize>) -> Vec<i32> {
    let mut start = 0;
    let mut out = Vec::new();
    for (id, bytes) in tokens {
        let end = start + bytes.len();
        if end <= run.start || start >= run.end {
            out.push(*id);
        }
        start = end;
    }
    out
}

/// Whether `digits` are a run of `line`'s digits, but for at most `LINE_DIGITS_APART`.
fn near_run_of(digits: &str, line: &str) -> bool {
    let (d, l) = (digits.as_bytes(), line.as_bytes());
    !d.is_empty()
        && l.len() >= d.len()
        && l.windows(d.len()).any(|w| w.iter().zip(d).filter(|(a, b)| a != b).count() <= LINE_DIGITS_APART)
}

impl Recognizer {
    /// `heard` without a number that copies the one `after` (the agent's line, the
    /// end of `prompt`) reads out (see the module): then `first`, the first pass
    /// before any listen for a number, stands, less the number if it wrote one too.
    pub(super) fn drop_number_from_line(&self, held: &mut Held, lang: &str, prompt: &str, after: Option<&str>, first: &Decoded, heard: Decoded) -> Decoded {
        let (Some(check), Some(after), Some(joined)) = (self.number_check(lang), after, heard.joined()) else { return heard };
        let Some((run, digits)) = check.digits_at(&heard.text) else { return heard };
        let Some(before_line) = prompt.strip_suffix(after.trim()) else { return heard };
        if !near_run_of(&digits, &check.digits_said(after)) || joined.get(..run.start) != heard.text.get(..run.start) {
            return heard;
        }
        let (prefix, between) = heard.lead_to(&joined, run.start);
        let Ok(between) = self.tokens_of(between) else { return heard };
        let written = &heard.text[run.clone()];
        let Ok(numerals) = self.tokens_of(written) else { return heard };
        let words = self.spoken(lang).map(|s| s.say(written, &[]));
        let mut leans = Vec::new();
        for number in std::iter::once(numerals).chain(words) {
            let tail: Vec<i32> = between.iter().chain(&number).copied().collect();
            let mut score = |prompt: &str| self.score_every_token(held, lang, prompt, &prefix, &tail, false);
            let (Ok(with), Ok(without)) = (score(prompt), score(before_line.trim_end())) else { return heard };
            leans.push((with - without) / tail.len() as f64);
        }
        // In numerals or in words, whichever the line leans to more (the read-back says
        // the number in words, the domain prompt's example is in numerals).
        let lean = leans.iter().copied().fold(f64::MIN, f64::max);
        if super::debugging() {
            eprintln!("asr: {digits} is like the agent's line's number, {leans:.2?} nats a token likelier after it");
        }
        if lean <= LINE_LEAN {
            return heard;
        }
        match check.number_at(&first.text) {
            None => first.clone(),
            Some(r) => Decoded { text: format!("{}{}", &first.text[..r.start], &first.text[r.end..]), ..first.clone() },
        }
    }
}

/// The length of the longest common subsequence of `a` and `b`.
fn common_subsequence(a: &[i32], b: &[i32]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { above.max(row[j]) };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_outside_a_run_are_kept() {
        let t = |id: i32, s: &str| (id, s.as_bytes().to_vec());
        // " is", " 090", "-12", "34", ".": the number 090-1234 is bytes 4..12
        let tokens = [t(1, " is"), t(2, " 090"), t(3, "-12"), t(4, "34"), t(5, ".")];
        assert_eq!(outside(&tokens, 4..12), vec![1, 5]);
        assert_eq!(outside(&tokens, 0..0), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_number_near_a_run_of_the_lines_digits_may_be_its_copy() {
        // the read-back's date and time, then its number
        let line = "1024508031596274";
        assert!(near_run_of("08031596275", line), "one digit changed");
        assert!(near_run_of("08031596274", line));
        assert!(!near_run_of("09012345678", line));
        assert!(!near_run_of("08031596274", "0803"), "the line says too few digits");
    }

    #[test]
    fn common_subsequences_are_counted_in_order() {
        assert_eq!(common_subsequence(&[1, 2, 3, 4], &[1, 9, 3, 4, 2]), 3);
        assert_eq!(common_subsequence(&[], &[1]), 0);
        assert_eq!(common_subsequence(&[5, 6], &[7]), 0);
    }

    #[test]
    fn a_turn_mostly_the_prompt_in_its_order_is_a_copy() {
        let prompt: Vec<i32> = (0..30).collect();
        // the prompt's sentence with one word changed
        let copy = [3, 4, 5, 6, 7, 99, 9, 10, 11, 12, 13, 14];
        assert!(copies(&copy, &prompt));
        // the same words out of order, or a few of them among others
        let shuffled = [14, 13, 12, 11, 10, 9, 99, 7, 6, 5, 4, 3];
        assert!(!copies(&shuffled, &prompt));
        assert!(!copies(&[3, 4, 50, 51, 52, 53, 12, 13], &prompt));
        // too short to judge
        assert!(!copies(&[3, 4, 5], &prompt));
    }

    #[test]
    fn a_turn_holding_the_whole_prompt_and_more_is_a_copy() {
        let prompt: Vec<i32> = (0..12).collect();
        // the prompt, the agent's line (70..76), the prompt again
        let copy: Vec<i32> = (0..12).chain(70..76).chain(0..12).collect();
        assert!(copies(&copy, &prompt));
        // a long turn that shares a few of the prompt's words
        let own: Vec<i32> = [40, 41, 2, 3, 42, 43, 44, 7, 45, 46, 47, 48].to_vec();
        assert!(!copies(&own, &prompt));
    }
}
