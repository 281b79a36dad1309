//! An answer heard again among what callers say to the question just asked
//! (`grammars/<lang>/asr_answers.toml`). Asked "What day would you like?", a caller
//! says a day, but whisper, hearing a short reply with little context, writes words
//! that sound alike and say none ("In four days" as "Informase", "Next Friday" as
//! "Next flight"). When the agent's last line asks for a day, a time or a number of
//! people and the reply as heard says nothing the extractor knows, the reply is
//! listened to again with only the file's answers allowed (a small beam over their
//! tokens), and the likeliest few are weighed against the words heard on the audio
//! already encoded; an answer is kept when, with a prior added, the audio fits it
//! better. Every answer competes, not only the one asked for: callers answer ahead
//! ("Eight fifteen in the evening" asked for the day).

use super::{debugging, Decoded, Held, Longest, Recognizer, Spot};
use crate::grammar::Grammar;
use anyhow::{bail, Context, Result};
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// Answers found by the beam that are weighed against the words heard. The beam
/// finishes short answers first and likeliest ("8" before "8:15 in the evening"),
/// so a few more than the longest answer's rivals are weighed with what follows.
const ANSWERS_WEIGHED: usize = 8;
/// Characters after the answer scored with it: enough to tell where it ends.
const ANSWER_CONTEXT_CHARS: usize = 8;

/// A language's answers to the agent's questions.
pub struct AnswerCheck {
    grammar: Arc<Grammar>,
    /// The agent's questions a reply answers with a value.
    asked: Regex,
    start: Regex,
    end: Regex,
    /// The most words (or characters, in a language without spaces) a reply may
    /// have to be heard again as an answer.
    longest: Longest,
    /// How much likelier, in natural log, an answer is than the words heard.
    prior: f64,
    /// Every answer, each template with its lists filled in, as written at the start
    /// of a sentence.
    said: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersFile {
    asked: String,
    start: String,
    end: String,
    #[serde(default)]
    longest_words: Option<usize>,
    #[serde(default)]
    longest_chars: Option<usize>,
    prior: f64,
    #[serde(default)]
    answer: Vec<AnswerFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerFile {
    say: Vec<String>,
    #[serde(default)]
    lists: BTreeMap<String, Vec<String>>,
}

impl AnswerCheck {
    pub fn load(lang: &str) -> Result<AnswerCheck> {
        let (file, path): (AnswersFile, _) = super::grammar_file(lang, "asr_answers.toml")?;
        let longest = Longest::from_file(file.longest_words, file.longest_chars).with_context(|| path.display().to_string())?;
        let re = |p: &str| Regex::new(p).with_context(|| format!("{}: bad pattern {p:?}", path.display()));
        if !(0.0..=10.0).contains(&file.prior) {
            bail!("{}: prior must be between 0 and 10", path.display());
        }
        let mut said: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for a in file.answer {
            for template in &a.say {
                for s in filled(template, &a.lists).with_context(|| format!("{}: {template:?}", path.display()))? {
                    if seen.insert(s.clone()) {
                        said.push(s);
                    }
                }
            }
        }
        Ok(AnswerCheck {
            grammar: crate::session::grammar(lang)?,
            asked: re(&file.asked)?,
            start: re(&file.start)?,
            end: re(&file.end)?,
            longest,
            prior: file.prior,
            said,
        })
    }

    /// When `asked` asks for a value and `text` says nothing the extractor knows: the
    /// answer's words in `text`, after what may come before an answer, up to what
    /// ends it.
    fn unanswered(&self, asked: &str, text: &str) -> Option<Range<usize>> {
        if self.said.is_empty() || !self.asked.is_match(asked) || crate::extract::says_something(&self.grammar, text) {
            return None;
        }
        let start = super::reply_start(text, &self.start);
        let end = self.end.find(&text[start..]).map_or(text.len(), |m| start + m.start());
        let words = text[start..end].trim_end();
        (!words.is_empty() && self.longest.holds(words)).then(|| start..start + words.len())
    }
}

/// `template` with each `{list}` in it replaced by each of the list's entries in turn.
fn filled(template: &str, lists: &BTreeMap<String, Vec<String>>) -> Result<Vec<String>> {
    let Some(open) = template.find('{') else { return Ok(vec![template.to_string()]) };
    let Some(close) = template[open..].find('}').map(|i| open + i) else { bail!("a `{{` without its `}}`") };
    let name = &template[open + 1..close];
    let Some(entries) = lists.get(name) else { bail!("no list `{name}`") };
    let mut out = Vec::new();
    for e in entries {
        out.extend(filled(&format!("{}{e}{}", &template[..open], &template[close + 1..]), lists)?);
    }
    Ok(out)
}

/// How `said` may be written where the answer starts: as the file writes it at the
/// start of the transcript, elsewhere also with its first letter in lower case ("um,
/// next Friday"; a weekday keeps its capital, and the beam tells which).
fn as_placed(said: &[String], at_start: bool) -> Vec<String> {
    let mut out: Vec<String> = said.to_vec();
    if !at_start {
        for s in said {
            let mut chars = s.chars();
            let lower: String = chars.next().into_iter().flat_map(char::to_lowercase).chain(chars).collect();
            if lower != *s {
                out.push(lower);
            }
        }
    }
    out
}

impl Recognizer {
    fn answer_check(&self, lang: &str) -> Option<&AnswerCheck> {
        self.answers.iter().find(|(l, _)| l == lang).map(|(_, c)| c)
    }

    /// `heard` with an answer that gives nothing heard again among the answers to the
    /// question `after` asks (see the module).
    pub(super) fn hear_answer_again(&self, held: &mut Held, lang: &str, prompt: &str, after: Option<&str>, heard: Decoded) -> Decoded {
        let (Some(check), Some(asked), Some(joined)) = (self.answer_check(lang), after, heard.joined()) else { return heard };
        let Some(words) = check.unanswered(asked, &joined) else { return heard };
        let Some(in_text) = super::names::same_place(&joined, &heard.text, words.clone()) else { return heard };
        let listened = self.listen_for_answer(held, lang, prompt, &Spot { heard: &heard, joined: &joined, at: words }, check);
        match listened {
            Ok(Some(said)) => {
                let mut text = heard.text.clone();
                text.replace_range(in_text, &said);
                Decoded { text, ..heard }
            }
            Ok(None) => heard,
            Err(e) => {
                if debugging() {
                    eprintln!("asr: no answer listened for: {e:#}");
                }
                heard
            }
        }
    }

    /// The answer the audio fits better, `check.prior` added, than the words heard
    /// at `spot`, if any.
    fn listen_for_answer(&self, held: &mut Held, lang: &str, prompt: &str, spot: &Spot, check: &AnswerCheck) -> Result<Option<String>> {
        let started = std::time::Instant::now();
        let at_start = spot.joined[..spot.at.start].trim().is_empty();
        let placed = as_placed(&check.said, at_start);
        let (prefix, between) = spot.lead();
        let said = self.tokens_after(between, &placed)?;
        let found = self.listen_among(held, lang, prompt, &prefix, &said)?;
        let first = spot.words().to_string();
        let mut candidates = vec![first.clone()];
        candidates.extend(found.into_iter().map(|i| placed[i].clone()).filter(|s| *s != first).take(ANSWERS_WEIGHED));
        if candidates.len() < 2 {
            return Ok(None);
        }
        let best = self.likelier_than_heard(held, lang, prompt, spot, &candidates, check.prior, ANSWER_CONTEXT_CHARS)?;
        if debugging() {
            eprintln!("asr: answer listened for in {} ms", started.elapsed().as_millis());
        }
        Ok(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_with_every_entry_of_their_lists() {
        let lists: BTreeMap<String, Vec<String>> =
            [("weekday".to_string(), vec!["Monday".to_string(), "Friday".to_string()]), ("n".to_string(), vec!["2".to_string(), "3".to_string()])].into();
        assert_eq!(filled("Next {weekday}", &lists).unwrap(), vec!["Next Monday", "Next Friday"]);
        assert_eq!(filled("{weekday} for {n}", &lists).unwrap().len(), 4);
        assert_eq!(filled("Noon", &lists).unwrap(), vec!["Noon"]);
        assert!(filled("{nothing}", &lists).is_err());
        assert!(filled("{weekday", &lists).is_err());
    }

    #[test]
    fn answers_are_also_written_in_lower_case_after_other_words() {
        let said = vec!["Next Friday".to_string(), "Friday".to_string()];
        assert_eq!(as_placed(&said, true), said);
        assert_eq!(as_placed(&said, false), vec!["Next Friday", "Friday", "next Friday", "friday"]);
    }

    #[test]
    fn only_a_short_reply_that_says_nothing_to_a_question_is_heard_again() {
        let en = AnswerCheck::load("en").unwrap();
        let asked = "Sorry, I didn't catch that. What day would you like?";
        let heard = " Next flight, please.";
        assert_eq!(en.unanswered(asked, heard), Some(1..12));
        assert_eq!(en.unanswered(asked, " Um, informase"), Some(5..14));
        assert_eq!(en.unanswered("What time would you like?", " 850-370."), Some(1..8));
        let offered = "9:30 p.m. is after our last booking time. We could do Tuesday, October 6, 9 p.m. or Tuesday, October 6, 8:45 p.m. Would that work?";
        assert_eq!(en.unanswered(offered, " Oh, then either clock please."), Some(5..29), "an offer is answered with a time");
        assert!(en.unanswered(asked, " Next Friday, please.").is_none(), "a day was heard");
        assert!(en.unanswered(asked, " 7 p.m., please.").is_none(), "a time was heard");
        assert!(en.unanswered(asked, " Yes, that's right.").is_none(), "an answer to another question");
        assert!(en.unanswered("May I have your name, please?", " Next flight.").is_none(), "the name is listened for elsewhere");
        assert!(en.unanswered(asked, " I'm not really sure when we are all going to be free").is_none(), "too long");
        assert!(en.said.iter().any(|s| s == "In four days") && en.said.iter().any(|s| s == "8:15 in the evening"));
        let ja = AnswerCheck::load("ja").unwrap();
        assert_eq!(ja.unanswered("ご希望のお時間を教えてください。", "えーと、スチジハンデ。"), Some("えーと、".len().."えーと、スチジハンデ".len()));
        assert!(ja.unanswered("ご希望のお時間を教えてください。", "えーと、7時半で。").is_none(), "a time was heard");
        assert!(ja.unanswered("4月28日火曜日、午後7時でしたらご予約いただけます。いかがでしょうか。", "スチジハンデ").is_some(), "an offer is answered");
        assert!(ja.said.iter().any(|s| s == "来週の金曜日でお願いします") && ja.said.iter().any(|s| s == "午後4時で"));
    }
}
