//! Phone numbers heard again as digit words, for languages that opt in (`in_words`
//! in `grammars/<lang>/asr_digits.toml`). whisper writes a number said digit by digit
//! in numerals, and one numeral token stands for several spoken digits ("5555"):
//! that is where runs of one digit are miscounted and where "oh nine oh" becomes
//! 050. Written in words ("oh nine oh, five five five five"), every spoken digit is
//! one token, so the decoder has to account for each. The number is listened for in
//! the language's phone digit words, grouped as the numbering plan writes it; then
//! that reading, the first pass's number and the recounts of both are all said in
//! words, weighed on the audio already encoded, and the likeliest is kept.

use super::digits::{Focus, Kind, NumberCheck};
use super::{debugging, tokens_before, Decoded, Held, Recognizer, EXTRA_NUMBER_TOKENS};
use whisper_rs::WhisperContext;

/// How a number is said in one language's digit words, as whisper's tokens.
pub struct Spoken {
    /// Every vocabulary token's part in a number said in words: a digit word is a
    /// digit, a comma ends a group, anything else ends the number.
    kinds: Vec<Kind>,
    /// A token for each digit, for saying a number the listen did not write.
    say: [Option<i32>; 10],
}

impl Spoken {
    /// The tokens of `check`'s digit words, with and without a capital (" five",
    /// " Five"); a word that is more than one token is left out.
    pub fn of(ctx: &WhisperContext, check: &NumberCheck) -> Option<Spoken> {
        if !check.in_words {
            return None;
        }
        let mut kinds = vec![Kind::Other; ctx.n_vocab().max(0) as usize];
        let mut say = [None; 10];
        let single = |text: &str| ctx.tokenize(text, text.len() + 1).ok().filter(|t| t.len() == 1).map(|t| t[0]);
        // The longest word first: "zero" says 0 more plainly than "o".
        let mut words = check.digit_words();
        words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        for (word, digit) in words {
            let capital: String = word.chars().take(1).flat_map(char::to_uppercase).chain(word.chars().skip(1)).collect();
            for form in [format!(" {word}"), format!(" {capital}")] {
                let Some(id) = single(&form) else { continue };
                kinds[id as usize] = Kind::Digits(digit.to_string(), false);
                let d = digit.to_digit(10)? as usize;
                say[d] = say[d].or(Some(id));
            }
        }
        kinds[single(",")? as usize] = Kind::Separator;
        say.iter().all(Option::is_some).then_some(Spoken { kinds, say })
    }

    /// `tokens` said in words, written as numerals: groups joined by '-'.
    fn written(&self, tokens: &[i32]) -> String {
        let mut out = String::new();
        for &t in tokens {
            match &self.kinds[t as usize] {
                Kind::Digits(d, _) => out.push_str(d),
                Kind::Separator if !out.is_empty() && !out.ends_with('-') => out.push('-'),
                _ => {}
            }
        }
        out.trim_end_matches('-').to_string()
    }

    /// `written` (numerals, groups joined by '-') said in words: a digit as the
    /// listen said the digit at that place if it is the same one ("Oh" or "zero"),
    /// otherwise as the listen said that digit anywhere, otherwise as listed.
    fn say(&self, written: &str, listened: &[i32]) -> Vec<i32> {
        let digit_of = |t: i32| match &self.kinds[t as usize] {
            Kind::Digits(d, _) => d.chars().next(),
            _ => None,
        };
        let heard: Vec<(char, i32)> = listened.iter().filter_map(|&t| Some((digit_of(t)?, t))).collect();
        let comma = listened.iter().copied().find(|&t| self.kinds[t as usize] == Kind::Separator);
        let mut out = Vec::new();
        let mut i = 0;
        for c in written.chars() {
            if c == '-' {
                out.extend(comma.or_else(|| self.kinds.iter().position(|k| *k == Kind::Separator).map(|p| p as i32)));
                continue;
            }
            let here = heard.get(i).filter(|(d, _)| *d == c).map(|(_, t)| *t);
            let anywhere = heard.iter().find(|(d, _)| *d == c).map(|(_, t)| *t);
            out.extend(here.or(anywhere).or(c.to_digit(10).and_then(|d| self.say[d as usize])));
            i += 1;
        }
        out
    }
}

/// `run` (numerals and separators, as the first pass wrote it) with its groups
/// joined by '-', if it is numerals only.
fn as_written(run: &str) -> Option<String> {
    let mut out = String::new();
    for c in run.trim_end_matches(['.', ',', ' ']).chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '-' | ',' | '.' if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            ' ' | '-' | ',' | '.' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// `number`'s digits in the groups of `like`, when both have as many digits.
fn regrouped(number: &str, like: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != like.chars().filter(char::is_ascii_digit).count() {
        return number.to_string();
    }
    let mut next = digits.into_iter();
    like.chars().map(|c| if c.is_ascii_digit() { next.next().unwrap_or(c) } else { c }).collect()
}

impl Recognizer {
    fn spoken(&self, lang: &str) -> Option<&Spoken> {
        self.spoken.iter().find(|(l, _)| l == lang).map(|(_, s)| s)
    }

    /// `heard` with its phone number heard again in words (see the module). `Err`
    /// gives `heard` back when the language does not listen in words, no number was
    /// announced, or the listen wrote no whole number: the numeral passes take over.
    pub(super) fn hear_in_words(&self, held: &mut Held, lang: &str, prompt: &str, heard: Decoded) -> Result<Decoded, Decoded> {
        let (Some(check), Some(spoken), Some(joined)) = (self.number_check(lang), self.spoken(lang), heard.joined()) else {
            return Err(heard);
        };
        let run = check.number_at(&joined);
        let Some(at) = run.as_ref().map(|r| r.start).or_else(|| check.missing_number_at(&joined)) else { return Err(heard) };
        let prefix = tokens_before(&heard.tokens, at);
        // With the first pass's number read, what follows it stands; otherwise the
        // listen goes on past the number and writes the rest.
        let focus = Focus { prefix: &prefix, kinds: &spoken.kinds, check, until_whole: run.is_some() };
        let budget = heard.tokens.len() - prefix.len() + EXTRA_NUMBER_TOKENS + 2 * check.wanted_at_most();
        let Ok(listen) = self.redecode(held, lang, prompt, &focus, budget) else { return Err(heard) };
        let said = &listen.ids()[prefix.len()..];
        let in_number = said.iter().take_while(|&&t| spoken.kinds[t as usize] != Kind::Other).count();
        let (number, rest) = said.split_at(in_number);
        let written = spoken.written(number);
        if !check.is_whole(&written) {
            if debugging() {
                eprintln!("asr: in words, no whole number: {written:?}");
            }
            return Err(heard);
        }
        // The transcript with `number` in place of the first pass's number, or after
        // the cue followed by what the listen wrote after the number.
        let with_number = |number: &str| {
            let text = match &run {
                Some(r) => format!("{}{number}{}", &joined[..at], &joined[r.end..]),
                None => {
                    let rest: Vec<u8> = rest.iter().flat_map(|&t| self.ctx.token_to_bytes(t).map(<[u8]>::to_vec).unwrap_or_default()).collect();
                    format!("{} {number}{}", joined[..at].trim_end(), String::from_utf8_lossy(&rest))
                }
            };
            Decoded { text, tokens: heard.tokens.clone(), avg_logprob: heard.avg_logprob, no_speech_prob: heard.no_speech_prob }
        };
        let first = run.as_ref().and_then(|r| as_written(&joined[r.clone()])).filter(|w| check.is_whole(w));
        // Each candidate in the listen's groups where it has as many digits, so that
        // none is said with fewer commas, and scored higher for it.
        let mut candidates = vec![written.clone()];
        for c in std::iter::once(&written).chain(&first).flat_map(|w| std::iter::once(w.clone()).chain(check.readings(w))) {
            let c = regrouped(&c, &written);
            if !candidates.contains(&c) {
                candidates.push(c);
            }
        }
        if candidates.len() == 1 {
            return Ok(with_number(&written));
        }
        // The text between the forced tokens and the number ("" or " ") is part of each tail.
        let start: usize = heard.tokens[..prefix.len()].iter().map(|(_, b)| b.len()).sum();
        let Ok(between) = self.tokens_of(&joined[start..at]).or_else(|_| Ok::<_, ()>(Vec::new())) else { return Err(heard) };
        let tails: Vec<Vec<i32>> = candidates.iter().map(|c| between.iter().copied().chain(spoken.say(c, number)).collect()).collect();
        let Ok(in_words) = self.score_token_tails(held, lang, prompt, &prefix, &tails, false) else { return Err(heard) };
        let numerals: Vec<String> = candidates.iter().map(|c| format!("{}{c}", &joined[start..at])).collect();
        let Ok(in_numerals) = self.score_tails(held, lang, prompt, &prefix, &numerals, false) else { return Err(heard) };
        let scores: Vec<f64> = in_words.iter().zip(&in_numerals).map(|(a, b)| a + b).collect();
        if debugging() {
            let weighed: Vec<_> = (0..candidates.len()).map(|i| format!("{} {:.1}+{:.1}", candidates[i], in_words[i], in_numerals[i])).collect();
            eprintln!("asr: heard in words {written}; weighed in words and numerals {weighed:?}");
        }
        let best = (0..candidates.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(0);
        Ok(with_number(&candidates[best]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vocabulary: 0 " oh", 1 " Oh", 2 " nine", 3 " four", 4 " five", 5 ",", 6 "." ;
    /// " zero" is 7.
    fn spoken() -> Spoken {
        let d = |c: &str| Kind::Digits(c.into(), false);
        let kinds = vec![d("0"), d("0"), d("9"), d("4"), d("5"), Kind::Separator, Kind::Other, d("0")];
        let mut say = [None; 10];
        for (digit, token) in [(0, 7), (9, 2), (4, 3), (5, 4)] {
            say[digit] = Some(token);
        }
        Spoken { kinds, say }
    }

    #[test]
    fn words_are_written_as_numerals_in_their_groups() {
        let s = spoken();
        assert_eq!(s.written(&[1, 2, 0, 5, 3, 3, 5, 4, 4]), "090-44-55");
        assert_eq!(s.written(&[0, 5, 5, 2, 5]), "0-9", "commas doubled or at the end");
    }

    #[test]
    fn a_number_is_said_as_the_listen_said_its_digits() {
        let s = spoken();
        let listened = [1, 2, 0, 5, 3, 3, 5, 4, 4];
        // the same digits: the listen's own tokens ("Oh" first, "oh" after)
        assert_eq!(s.say("090-44-55", &listened), listened.to_vec());
        // a 4 where the listen heard a 5: its own "four"; a 0 at a new place: "oh" as heard
        assert_eq!(s.say("090-44-45", &listened), vec![1, 2, 0, 5, 3, 3, 5, 3, 4]);
        // no 0 heard at all: the listed word
        assert_eq!(s.say("0", &[3]), vec![7]);
    }

    #[test]
    fn the_first_pass_number_is_taken_only_as_numerals() {
        assert_eq!(as_written("090-1234 5678."), Some("090-1234-5678".into()));
        assert_eq!(as_written("0, 9, 0"), Some("0-9-0".into()));
        assert_eq!(as_written("090 five"), None);
    }

    #[test]
    fn candidates_take_the_listens_groups() {
        assert_eq!(regrouped("090-22223333", "090-2222-3333"), "090-2222-3333");
        assert_eq!(regrouped("03-1234-5678", "090-2222-3333"), "03-1234-5678", "not as many digits");
    }
}
