//! A second listen for phone numbers (`grammars/<lang>/asr_digits.toml`). whisper
//! writes spoken digits as words that sound alike ("oh nine oh" → "all I know") and
//! miscounts runs of one digit, and the dialogue cannot undo either. When a first
//! transcript has a phone cue, or a long run of digits, and no well-formed number
//! follows, the utterance is decoded again with the tokens up to the cue forced and
//! only digit tokens allowed until the number has the length the numbering plan wants.

/// Where numbers are announced and how long they are, per language.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Plan {
    cues: Vec<String>,
    /// What every number starts with (a regular expression, anchored at the start).
    starts: String,
    #[serde(skip)]
    starts_re: Option<regex::Regex>,
    short_digits: usize,
    long_digits: usize,
    long_prefixes: Vec<String>,
}

/// Runs of digits shorter than this, with no cue before them, are not phone numbers.
const MIN_RUN_WITHOUT_CUE: usize = 7;

impl Plan {
    /// `grammars/<lang>/asr_digits.toml`, else the built-in copy.
    pub fn load(lang: &str) -> Plan {
        let builtin = match lang {
            "ja" => include_str!("../../grammars/ja/asr_digits.toml"),
            _ => include_str!("../../grammars/en/asr_digits.toml"),
        };
        let text = std::fs::read_to_string(crate::grammar::Grammar::root().join(lang).join("asr_digits.toml"))
            .unwrap_or_else(|_| builtin.to_string());
        // A broken edit falls back to the built-in plan rather than failing recognition.
        let mut plan: Plan = toml::from_str(&text).or_else(|_| toml::from_str(builtin)).expect("built-in asr_digits.toml parses");
        plan.cues.iter_mut().for_each(|c| *c = c.to_lowercase());
        plan.starts_re = regex::Regex::new(&format!("^(?:{})", plan.starts)).ok();
        plan
    }

    /// How many digits a number that starts with `digits` must have: once the prefix
    /// is known, exactly; before that, at most the long length.
    fn wanted(&self, digits: &str) -> usize {
        let longest_prefix = self.long_prefixes.iter().map(String::len).max().unwrap_or(0);
        if self.long_prefixes.iter().any(|p| digits.starts_with(p.as_str())) || digits.len() < longest_prefix {
            self.long_digits
        } else {
            self.short_digits
        }
    }

    pub fn is_complete(&self, digits: &str) -> bool {
        digits.len() == self.wanted(digits) && self.starts_re.as_ref().is_none_or(|r| r.is_match(digits))
    }

    /// The byte offset in `text` where a phone number should start but no well-formed
    /// one does: right after a cue, or at a long run of digits. None when the number is
    /// fine or none was announced.
    pub fn missing_number_at(&self, text: &str) -> Option<usize> {
        let lower = text.to_lowercase();
        if lower.len() == text.len() {
            if let Some(end) = self.cues.iter().find_map(|c| lower.find(c.as_str()).map(|i| i + c.len())) {
                return (!self.is_complete(&first_run(&text[end..]).1)).then_some(end);
            }
        }
        let mut from = 0;
        while let Some(i) = text[from..].find(|c: char| c.is_ascii_digit()).map(|i| i + from) {
            let (len, digits) = first_run(&text[i..]);
            if digits.len() >= MIN_RUN_WITHOUT_CUE {
                return (!self.is_complete(&digits)).then_some(i);
            }
            from = i + len.max(1);
        }
        None
    }
}

/// The first run of digits in `text` (digits joined by spaces, hyphens or commas):
/// its end offset and its digits.
fn first_run(text: &str) -> (usize, String) {
    let Some(start) = text.find(|c: char| c.is_ascii_digit()) else { return (text.len(), String::new()) };
    let mut digits = String::new();
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        if c.is_ascii_digit() {
            digits.push(c);
            end = start + i + 1;
        } else if !is_separator(c) {
            break;
        }
    }
    (end, digits)
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | ',' | '、' | '‐' | '−')
}

/// What a vocabulary token can be inside a phone number.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Digits(String),
    Separator,
    Other,
}

impl Kind {
    pub fn of(bytes: &[u8]) -> Kind {
        let Ok(s) = std::str::from_utf8(bytes) else { return Kind::Other };
        let t = s.trim_matches(' ');
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            Kind::Digits(t.to_string())
        } else if !s.is_empty() && s.chars().all(is_separator) {
            Kind::Separator
        } else {
            Kind::Other
        }
    }
}

/// What the logits filter needs during the second listen.
pub struct Focus<'a> {
    /// Text tokens of the first transcript up to the cue, forced in order.
    pub prefix: &'a [i32],
    /// `Kind` of every vocabulary token.
    pub kinds: &'a [Kind],
    pub plan: &'a Plan,
}

impl Focus<'_> {
    /// Masks `logits` given the text tokens decoded so far.
    pub fn filter(&self, so_far: &[i32], logits: &mut [f32]) {
        if let Some(&next) = self.prefix.get(so_far.len()) {
            for (id, l) in logits.iter_mut().enumerate() {
                if id as i32 != next {
                    *l = f32::NEG_INFINITY;
                }
            }
            return;
        }
        let mut digits = String::new();
        let mut last_was_sep = true;
        for &t in &so_far[self.prefix.len()..] {
            match self.kinds.get(t as usize) {
                Some(Kind::Digits(d)) => {
                    digits.push_str(d);
                    last_was_sep = false;
                }
                Some(Kind::Separator) => last_was_sep = true,
                _ => return, // the number is over: decode freely
            }
        }
        let wanted = self.plan.wanted(&digits);
        for (id, l) in logits.iter_mut().enumerate() {
            let keep = match self.kinds.get(id) {
                // Once the number is whole, no digit may lengthen it.
                Some(Kind::Digits(d)) => digits.len() + d.len() <= wanted && digits.len() < wanted,
                Some(Kind::Separator) => digits.len() < wanted && !last_was_sep,
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

    fn plan() -> Plan {
        Plan::load("en")
    }

    #[test]
    fn numbering_plan_lengths() {
        let p = plan();
        assert!(p.is_complete("09012345678"));
        assert!(!p.is_complete("0901234567"));
        assert!(p.is_complete("0312345678"));
        assert!(!p.is_complete("03123456789"));
        assert!(!p.is_complete(""));
        assert!(!p.is_complete("0022223333"), "00 dials abroad");
    }

    #[test]
    fn finds_where_a_number_is_missing() {
        let p = plan();
        let t = "My number is all I know, fine, fine, 6666.";
        assert_eq!(p.missing_number_at(t), Some("My number is".len()));
        assert_eq!(p.missing_number_at("My number is 090-1234-5678."), None);
        assert_eq!(p.missing_number_at("It's 0-9-9-9-9-6666, thanks"), Some(5));
        assert_eq!(p.missing_number_at("A table for 4 at 7 pm."), None);
        let ja = Plan::load("ja");
        assert_eq!(ja.missing_number_at("電話番号は090-555566666です。"), Some("電話番号は".len()));
        assert_eq!(ja.missing_number_at("電話番号は090、4444、5555です。"), None);
    }

    #[test]
    fn classifies_tokens() {
        assert_eq!(Kind::of(b" 090"), Kind::Digits("090".into()));
        assert_eq!(Kind::of(b"-"), Kind::Separator);
        assert_eq!(Kind::of("、".as_bytes()), Kind::Separator);
        assert_eq!(Kind::of(b" nine"), Kind::Other);
        assert_eq!(Kind::of(&[0xe3, 0x81]), Kind::Other);
    }

    #[test]
    fn forces_the_prefix_then_allows_only_digits_up_to_the_length() {
        // Vocabulary: 0 "a", 1 " 0", 2 "90", 3 "-", 4 "5555", 5 "6", 6 "." ; eot 7
        let kinds: Vec<Kind> = [&b"a"[..], b" 0", b"90", b"-", b"5555", b"6", b"."].iter().map(|b| Kind::of(b)).collect();
        let p = plan();
        let f = Focus { prefix: &[0], kinds: &kinds, plan: &p };
        let allowed = |so_far: &[i32]| {
            let mut l = vec![0f32; 7];
            f.filter(so_far, &mut l);
            (0..7).filter(|&i| l[i].is_finite()).collect::<Vec<_>>()
        };
        assert_eq!(allowed(&[]), vec![0]);
        assert_eq!(allowed(&[0]), vec![1, 2, 4, 5]); // no separator first
        assert_eq!(allowed(&[0, 1, 2]), vec![1, 2, 3, 4, 5]);
        // 090-5555-666 + one more 6 makes 11: only digits that fit
        assert_eq!(allowed(&[0, 1, 2, 3, 4, 3, 5, 5, 5]), vec![1, 3, 5]);
        // whole: digits are barred, anything else goes
        assert_eq!(allowed(&[0, 1, 2, 3, 4, 3, 5, 5, 5, 5]), vec![0, 6]);
        // the number was left: no constraint
        assert_eq!(allowed(&[0, 1, 6]).len(), 7);
    }
}
