//! Phone numbers heard again as digit words, for languages that opt in (`in_words`
//! in `grammars/<lang>/asr_digits.toml`). whisper writes a number said digit by digit
//! in numerals, and one numeral token stands for several spoken digits ("5555"):
//! that is where runs of one digit are miscounted and where "oh nine oh" becomes
//! 050. Written in words ("oh nine oh, five five five five"), every spoken digit is
//! one token, so the decoder has to account for each. The number is listened for in
//! the language's phone digit words, grouped as the numbering plan writes it, with a
//! small beam; then those readings, the recounts of the likeliest, and the first
//! pass's number with its recounts are weighed on the audio already encoded, said in
//! words and written in numerals, and the likeliest is kept.

use super::digits::{Focus, Kind, NumberCheck};
use super::{debugging, tokens_before, Decoded, Held, Recognizer, EXTRA_NUMBER_TOKENS};
use whisper_rs::WhisperContext;

/// Readings of the number the listen keeps at each digit: three catch much of what
/// greedy decoding loses ("oh nine oh" heard as "oh four"), at about 0.3 s a number.
const BEAM_WIDTH: usize = 3;

/// How a number is said in one language's digit words, as whisper's tokens.
pub struct Spoken {
    /// Every vocabulary token's part in a number said in words: a digit word is a
    /// digit, a comma ends a group, anything else ends the number.
    kinds: Vec<Kind>,
    /// A token for each digit, for saying a number the listen did not write.
    say: [Option<i32>; 10],
    comma: i32,
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
        let comma = single(",")?;
        kinds[comma as usize] = Kind::Separator;
        say.iter().all(Option::is_some).then_some(Spoken { kinds, say, comma })
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
    pub(super) fn say(&self, written: &str, listened: &[i32]) -> Vec<i32> {
        let digit_of = |t: i32| match &self.kinds[t as usize] {
            Kind::Digits(d, _) => d.chars().next(),
            _ => None,
        };
        let heard: Vec<(char, i32)> = listened.iter().filter_map(|&t| Some((digit_of(t)?, t))).collect();
        let mut out = Vec::new();
        let mut i = 0;
        for c in written.chars() {
            if c == '-' {
                out.push(self.comma);
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
    /// Beam search under `focus` from its prefix: of the `width` likeliest token
    /// sequences, those that make the number whole, prefix included, likeliest first.
    fn listen_beam(&self, held: &mut Held, lang: &str, prompt: &str, focus: &Focus, width: usize, budget: usize) -> anyhow::Result<Vec<Vec<i32>>> {
        let context = self.context_tokens(lang, prompt)?;
        let mut beams: Vec<(Vec<i32>, f64, bool)> = vec![(focus.prefix.to_vec(), 0.0, false)];
        for _ in 0..budget {
            if beams.iter().all(|b| b.2) {
                break;
            }
            // In token order, each beam shares the most with the one fed before it,
            // and the decoder feeds only where they differ.
            beams.sort_by(|a, b| a.0.cmp(&b.0));
            let mut next: Vec<(Vec<i32>, f64, bool)> = Vec::new();
            for (toks, score, done) in &beams {
                if *done {
                    next.push((toks.clone(), *score, true));
                    continue;
                }
                let fed: Vec<i32> = context.iter().chain(toks.iter()).copied().collect();
                held.feed(&fed)?;
                let mut lp = self.log_probs(held.state)?;
                focus.filter(toks, &mut lp);
                let mut order: Vec<usize> = (0..lp.len()).filter(|&i| lp[i].is_finite()).collect();
                order.sort_by(|&a, &b| lp[b].total_cmp(&lp[a]));
                for &t in order.iter().take(width) {
                    if t as i32 == self.ctx.token_eot() {
                        continue;
                    }
                    let mut grown = toks.clone();
                    grown.push(t as i32);
                    let done = focus.whole(&grown);
                    next.push((grown, score + lp[t] as f64, done));
                }
            }
            next.sort_by(|a, b| b.1.total_cmp(&a.1));
            next.truncate(width);
            beams = next;
        }
        Ok(beams.into_iter().filter(|b| b.2).map(|b| b.0).collect())
    }

    pub(super) fn spoken(&self, lang: &str) -> Option<&Spoken> {
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
        let focus = Focus { prefix: &prefix, kinds: &spoken.kinds, check };
        // A digit word and a comma at most per digit, and the end.
        let budget = 2 * check.wanted_at_most() + 1;
        let Ok(listened) = self.listen_beam(held, lang, prompt, &focus, BEAM_WIDTH, budget) else { return Err(heard) };
        let mut heard_as: Vec<(String, &[i32])> = listened
            .iter()
            .map(|t| (spoken.written(&t[prefix.len()..]), &t[prefix.len()..]))
            .filter(|(w, _)| check.is_whole(w))
            .collect();
        if heard_as.is_empty() {
            if debugging() {
                eprintln!("asr: in words, no whole number");
            }
            return Err(heard);
        }
        let (written, said) = heard_as.swap_remove(0);
        // The likeliest listen, the others, the recounts of the likeliest, and the first
        // pass's number with its own: each in the likeliest's groups where it has as
        // many digits, so that none is said with fewer commas, and scored higher for it.
        let first = run.as_ref().and_then(|r| as_written(&joined[r.clone()])).filter(|w| check.is_whole(w));
        let mut candidates = vec![written.clone()];
        let others = heard_as.into_iter().map(|(w, _)| w);
        let recounts = std::iter::once(&written).chain(&first).flat_map(|w| std::iter::once(w.clone()).chain(check.readings(w)));
        for c in others.chain(recounts) {
            let c = regrouped(&c, &written);
            if !candidates.contains(&c) {
                candidates.push(c);
            }
        }
        let best = match self.weigh(held, lang, prompt, &prefix, &joined, at, &candidates, |c| spoken.say(c, said)) {
            Ok(scores) => {
                if debugging() && candidates.len() > 1 {
                    let weighed: Vec<_> = candidates.iter().zip(&scores).map(|(c, (w, n))| format!("{c} {w:.1}+{n:.1}")).collect();
                    eprintln!("asr: heard in words {written}; weighed in words and numerals {weighed:?}");
                }
                let total = |i: usize| scores[i].0 + scores[i].1;
                (0..candidates.len()).max_by(|&a, &b| total(a).total_cmp(&total(b))).unwrap_or(0)
            }
            Err(_) => 0,
        };
        let number = &candidates[best];
        let text = match &run {
            Some(r) => format!("{}{number}{}", &joined[..at], &joined[r.end..]),
            None => {
                // The first pass garbled what followed the cue: the rest is what the
                // decoder writes after the number, written in numerals (after digit
                // words it would go on saying digits).
                let head = format!("{} {number}", joined[..at].trim_end());
                let rest = self.tokens_of(&head).and_then(|written| {
                    let budget = heard.tokens.len().saturating_sub(prefix.len()) + EXTRA_NUMBER_TOKENS;
                    // No digit may lengthen the number the listen made whole.
                let after_number = |so_far: &[i32], logits: &mut [f32]| {
                    if so_far.len() == written.len() {
                        for (l, kind) in logits.iter_mut().zip(&self.kinds) {
                            if *kind != Kind::Other {
                                *l = f32::NEG_INFINITY;
                            }
                        }
                    }
                    true
                };
                let d = self.redecode(held, lang, prompt, &written, &after_number, budget)?;
                    let bytes: Vec<u8> = d.tokens[written.len()..].iter().flat_map(|(_, b)| b.iter().copied()).collect();
                    Ok(String::from_utf8_lossy(&bytes).into_owned())
                });
                format!("{head}{}", rest.unwrap_or_default())
            }
        };
        Ok(Decoded { text, ..heard })
    }

    /// The log-likelihood of each of `candidates` in place of the number at byte `at`
    /// of `joined`, said in words (`say`) and written in numerals: the words count
    /// every spoken digit, the numerals know how numbers are written (090, not 050).
    /// A single candidate is not weighed.
    #[allow(clippy::too_many_arguments)]
    fn weigh(
        &self,
        held: &mut Held,
        lang: &str,
        prompt: &str,
        prefix: &[i32],
        joined: &str,
        at: usize,
        candidates: &[String],
        say: impl Fn(&str) -> Vec<i32>,
    ) -> anyhow::Result<Vec<(f64, f64)>> {
        if candidates.len() < 2 {
            return Ok(vec![(0.0, 0.0); candidates.len()]);
        }
        // The text between the forced tokens and the number ("" or " ") goes first.
        let start: usize = prefix.iter().map(|&t| self.ctx.token_to_bytes(t).map_or(0, <[u8]>::len)).sum();
        let between = &joined[start.min(at)..at];
        let between_tokens = if between.is_empty() { Vec::new() } else { self.tokens_of(between)? };
        let in_words: Vec<Vec<i32>> = candidates.iter().map(|c| between_tokens.iter().copied().chain(say(c)).collect()).collect();
        let in_words = self.score_token_tails(held, lang, prompt, prefix, &in_words, false)?;
        let in_numerals: Vec<String> = candidates.iter().map(|c| format!("{between}{c}")).collect();
        let in_numerals = self.score_tails(held, lang, prompt, prefix, &in_numerals, false)?;
        Ok(in_words.into_iter().zip(in_numerals).collect())
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
        Spoken { kinds, say, comma: 5 }
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
