//! Names heard again among the grammar's name lists (`grammars/<lang>/asr_names.toml`).
//! whisper writes a name it does not expect as whatever sounds near (田中 as 頭か,
//! Wilson as Wilton on the phone), and the extractor cannot tell. When a word of the
//! name the extractor finds is in none of its lists, the decoder listens again at
//! that word with only the lists' names allowed (a small beam over their tokens),
//! then what it first heard and the names it found are weighed on the audio already
//! encoded, with a few characters of what follows, and the likeliest is kept. A name
//! the lists lack stays when the audio fits it better than any listed name.

use super::{debugging, Decoded, Held, Longest, Recognizer, Spot};
use crate::grammar::Grammar;
use anyhow::{Context, Result};
use std::sync::Arc;

/// Names kept at each step of the listen: with three, 田中 was lost to names that
/// start likelier (新田, 新井) and end worse.
const BEAM_WIDTH: usize = 5;
/// First tokens kept: all come from one decode, and each costs one more at the
/// next step. With five, 吉田 was lost after 有 had been heard (about 35 ms more).
const FIRST_WIDTH: usize = 12;
/// Listed names weighed against the one heard.
const NAMES_WEIGHED: usize = 3;
/// Characters after the name scored with it: enough to tell where it ends.
const NAME_CONTEXT_CHARS: usize = 6;

/// Names kept for each word listened for after a cue.
const CUE_WIDTH: usize = 5;

/// The fewest characters a given name after a family name of one character has (see
/// `given_part`).
const MIN_GIVEN_CHARS: usize = 2;

/// Which list a name's words are listened for in (`asr_names.toml`).
pub struct NameCheck {
    first: Option<String>,
    last: String,
    /// For names written without spaces (佐藤花子): the list for what follows a
    /// listed `last` name at the start of a one-word name.
    given: Option<String>,
    /// How much likelier, in natural log, a listed name is before it is heard.
    prior: f64,
    /// How alike in spelling (0 to 1) a listed name must be to the word heard to
    /// be weighed against it.
    likeness: f64,
    grammar: Arc<Grammar>,
    /// Where a name is said but none was heard ("My name's more abandoned"): a cue,
    /// what ends the words after it, the lists those words are listened for in (one
    /// per word, in order) and how much likelier a listed name is than those words.
    cue: Option<Cue>,
}

struct Cue {
    cue: regex::Regex,
    end: regex::Regex,
    /// What the words after a cue must look like to be listened for, if anything:
    /// Japanese after 、 only a mix of kana and kanji (すぎ裏, 片置か), as whisper writes
    /// a name it does not know, not an ordinary word (そう, お願い).
    words: Option<regex::Regex>,
    lists: Vec<String>,
    prior: f64,
    /// The agent's question that makes the start of a reply a cue ("May I have
    /// your name?" → "Little things."), what may come first ("Um, it's"), and
    /// how long such a reply may be.
    asked: Option<Asked>,
}

struct Asked {
    asked: regex::Regex,
    start: regex::Regex,
    longest: Longest,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CueFile {
    cue: String,
    end: String,
    #[serde(default)]
    words: Option<String>,
    lists: Vec<String>,
    prior: f64,
    #[serde(default)]
    asked: Option<AskedFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AskedFile {
    asked: String,
    start: String,
    #[serde(default)]
    longest_words: Option<usize>,
    #[serde(default)]
    longest_chars: Option<usize>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NameFile {
    #[serde(default)]
    first: Option<String>,
    last: String,
    #[serde(default)]
    given: Option<String>,
    #[serde(default)]
    prior: f64,
    #[serde(default)]
    likeness: f64,
    #[serde(default)]
    after_cue: Option<CueFile>,
}

impl NameCheck {
    pub fn load(lang: &str) -> Result<NameCheck> {
        let (file, path): (NameFile, _) = super::grammar_file(lang, "asr_names.toml")?;
        let grammar = crate::session::grammar(lang)?;
        for list in file.first.iter().chain(&file.given).chain([&file.last]) {
            if !grammar.lists.contains_key(list) {
                anyhow::bail!("{}: no list `{list}` in the {lang} grammar", path.display());
            }
        }
        if !(0.0..=10.0).contains(&file.prior) {
            anyhow::bail!("{}: prior must be between 0 and 10", path.display());
        }
        if !(0.0..=1.0).contains(&file.likeness) {
            anyhow::bail!("{}: likeness must be between 0 and 1", path.display());
        }
        let cue = match file.after_cue {
            Some(c) => {
                if let Some(l) = c.lists.iter().find(|l| !grammar.lists.contains_key(l.as_str())) {
                    anyhow::bail!("{}: no list `{l}` in the {lang} grammar", path.display());
                }
                let re = |p: &str| regex::Regex::new(p).with_context(|| format!("{}: bad pattern {p:?}", path.display()));
                let asked = match c.asked {
                    Some(a) => {
                        let longest = Longest::from_file(a.longest_words, a.longest_chars).with_context(|| path.display().to_string())?;
                        Some(Asked { asked: re(&a.asked)?, start: re(&a.start)?, longest })
                    }
                    None => None,
                };
                let words = match &c.words {
                    Some(w) => Some(re(w)?),
                    None => None,
                };
                Some(Cue { cue: re(&c.cue)?, end: re(&c.end)?, words, lists: c.lists, prior: c.prior, asked })
            }
            None => None,
        };
        Ok(NameCheck { first: file.first, last: file.last, given: file.given, prior: file.prior, likeness: file.likeness, grammar, cue })
    }

    /// Whether a listed name is spelled enough like the word heard to be weighed
    /// against it: "Wilton" and Wilson are, "Nanomak" (Anna Novak) and McDonald are
    /// not. The decoder alone prefers a short common name to any garbled spelling.
    fn alike(&self, heard: &str, listed: &str) -> bool {
        strsim::normalized_levenshtein(&heard.to_lowercase(), &listed.to_lowercase()) >= self.likeness
    }

    /// The words of the name `text` gives that no list of theirs holds, each with
    /// its byte range in `text` and the lists it is listened for in.
    fn unlisted(&self, text: &str) -> Vec<(std::ops::Range<usize>, Vec<&str>)> {
        let g = &self.grammar;
        let Some((mut pos, name, kana_at)) = self.name_and_kana_before(text) else { return Vec::new() };
        let name_at = pos;
        let words: Vec<(usize, &str)> = name
            .split(' ')
            .map(|w| {
                let here = pos;
                pos += w.len() + 1;
                (here, w)
            })
            .collect();
        let n = words.len();
        words
            .into_iter()
            .enumerate()
            .filter_map(|(i, (pos, word))| {
                if let Some((rest, given)) = self.given_part(word).filter(|_| n == 1) {
                    let listed = rest.is_empty() || g.list_holds(given, &word[rest.clone()]);
                    return (!listed).then(|| (pos + rest.start..pos + rest.end, vec![given]));
                }
                let mut lists: Vec<&str> = match (i, n) {
                    (_, 1) => self.first.iter().map(String::as_str).chain([self.last.as_str()]).collect(),
                    (0, _) => vec![self.first.as_deref()?],
                    (i, n) if i + 1 == n => vec![&self.last],
                    _ => return None,
                };
                lists.dedup();
                let listed = lists.iter().any(|l| g.list_holds(l, word));
                let start = if n == 1 && pos == name_at { kana_at } else { pos };
                (!listed && !word.is_empty()).then(|| (start..pos + word.len(), lists))
            })
            .collect()
    }

    /// In a name written without spaces that starts with a listed family name as
    /// the list writes it (佐藤花庫), where the given name is (花庫), and its list.
    /// The longest listed family name counts (佐々木, not 佐), and what follows must
    /// be `MIN_GIVEN_CHARS` long after a family name of one character: 森山 is a
    /// family name the list may lack, not 森 and a given name 山; after two, one
    /// is enough (高橋海 for 高橋由美).
    fn given_part(&self, word: &str) -> Option<(std::ops::Range<usize>, &str)> {
        let given = self.given.as_deref()?;
        let names = self.grammar.lists.get(&self.last)?.values();
        let family = names.filter(|f| word.starts_with(f.as_str())).map(String::len).max()?;
        let fewest = if word[..family].chars().count() == 1 { MIN_GIVEN_CHARS } else { 1 };
        (word[family..].chars().count() >= fewest || family == word.len()).then_some((family..word.len(), given))
    }

    /// The words after a name cue in `text` when the extractor finds no name there:
    /// their byte range, from the cue's end to what ends them. A reply to the
    /// question asking for the name (`after`, the agent's last line) is cued from its
    /// start, when it is short and has no digits.
    fn unheard_after_cue(&self, text: &str, after: Option<&str>) -> Option<(std::ops::Range<usize>, &Cue)> {
        let cue = self.cue.as_ref()?;
        if crate::extract::name_heard(&self.grammar, text).is_some() {
            return None;
        }
        let answered = cue.asked.as_ref().filter(|a| after.is_some_and(|l| a.asked.is_match(l)));
        let ends_at = |start: usize| cue.end.find(&text[start..]).map_or(text.len(), |m| start + m.start());
        let shaped = |start: usize| {
            let words = text[start..ends_at(start)].trim();
            !words.is_empty() && cue.words.as_ref().is_none_or(|re| re.is_match(words))
        };
        // The first cue whose words may be a name.
        let start = match (cue.cue.find_iter(text).map(|m| m.end()).find(|&s| shaped(s)), answered) {
            (Some(start), _) => start,
            (None, Some(a)) => {
                let start = super::reply_start(text, &a.start);
                let reply = text[start..].trim();
                let short = a.longest.holds(reply) && !reply.contains(|c: char| c.is_ascii_digit());
                if !short || !shaped(start) {
                    return None;
                }
                start
            }
            (None, None) => return None,
        };
        Some((start..ends_at(start), cue))
    }

    /// A name of one word that no list of the cue's holds ("I'm Fatemakan" for Fatima
    /// Khan, "It's Rezkin" for Grace Kim): where it is, to be listened for as the
    /// cue's words are. Only in a language whose names have spaces.
    fn lone_unlisted_word(&self, text: &str) -> Option<(std::ops::Range<usize>, &Cue)> {
        let cue = self.cue.as_ref().filter(|_| self.grammar.lang_has_spaces())?;
        let (at, name) = self.name_at(text)?;
        if name.contains(' ') || name.is_empty() || cue.lists.iter().any(|l| self.grammar.list_holds(l, &name)) {
            return None;
        }
        Some((at..at + name.len(), cue))
    }

    /// The name the extractor finds in `text` and where it starts there. The name as
    /// written must be in the text as heard (not mended or respelled).
    fn name_at(&self, text: &str) -> Option<(usize, String)> {
        self.name_and_kana_before(text).map(|(at, name, _)| (at, name))
    }

    /// `name_at`, and where kana start that the extractor left out of the name
    /// just before it, taking them for a sound the recogniser added (よ山本); when
    /// the name is unlisted they are more likely part of it (また鍋 for 渡辺).
    fn name_and_kana_before(&self, text: &str) -> Option<(usize, String, usize)> {
        let (heard, name) = crate::extract::name_heard(&self.grammar, text)?;
        let heard_at = text.rfind(heard.as_str())?;
        let at = heard_at + heard.find(name.as_str())?;
        let kana = |c: char| matches!(c, '\u{3041}'..='\u{309f}' | '\u{30a0}'..='\u{30ff}');
        let kana_at = if text[heard_at..at].chars().all(kana) { heard_at } else { at };
        Some((at, name, kana_at))
    }

    /// Every way the lists write a name: the names and their other spellings.
    fn forms<'a>(&'a self, lists: &[&str]) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for l in lists {
            for (form, name) in self.grammar.lists.get(*l).into_iter().flatten() {
                // Forms are stored in lower case: one with letters that have a case
                // (wilson) is the name written otherwise, so only the name is said.
                let cased = form.to_uppercase() != *form;
                for f in std::iter::once(name.as_str()).chain((!cased).then_some(form.as_str())) {
                    if !out.contains(&f) {
                        out.push(f);
                    }
                }
            }
        }
        out
    }
}

/// Where `range` of `from` is in `to`, when the two differ only before or only after it.
pub(super) fn same_place(from: &str, to: &str, range: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    if to.get(..range.end) == from.get(..range.end) {
        return Some(range);
    }
    let shift = to.len() as isize - from.len() as isize;
    let moved = (range.start as isize + shift) as usize..(range.end as isize + shift) as usize;
    (range.start as isize + shift >= 0 && to.get(moved.start..) == from.get(range.start..)).then_some(moved)
}

impl Recognizer {
    fn name_check(&self, lang: &str) -> Option<&NameCheck> {
        self.names.iter().find(|(l, _)| l == lang).map(|(_, c)| c)
    }

    /// `heard` with each unlisted word of its name heard again (see the module).
    pub(super) fn hear_name_again(&self, held: &mut Held, lang: &str, prompt: &str, after: Option<&str>, heard: Decoded) -> Decoded {
        let (Some(check), Some(joined)) = (self.name_check(lang), heard.joined()) else { return heard };
        let cued = check.unheard_after_cue(&joined, after);
        let lone = if cued.is_none() { check.lone_unlisted_word(&joined) } else { None };
        if let Some((words, cue)) = cued.clone().or(lone) {
            let Some(in_text) = same_place(&joined, &heard.text, words.clone()) else { return heard };
            let listened = self.listen_after_cue(held, lang, prompt, &Spot { heard: &heard, joined: &joined, at: words }, check, cue);
            match listened {
                Ok(Some(name)) => {
                    let mut text = heard.text.clone();
                    text.replace_range(in_text, &name);
                    return Decoded { text, ..heard };
                }
                Ok(None) => {}
                Err(e) if debugging() => eprintln!("asr: no name listened for after the cue: {e:#}"),
                Err(_) => {}
            }
            // A lone word is still heard again among surnames below.
            if cued.is_some() {
                return heard;
            }
        }
        let mut text = heard.text.clone();
        // Right to left, so that a replaced word leaves the others' offsets alone.
        for (word, lists) in check.unlisted(&joined).into_iter().rev() {
            // The word is found in the tokens' text; the number may have been
            // rewritten since, before or after it.
            let Some(in_text) = same_place(&joined, &text, word.clone()) else { continue };
            match self.listen_for_name(held, lang, prompt, &Spot { heard: &heard, joined: &joined, at: word }, check, &lists) {
                Ok(Some(name)) => text.replace_range(in_text, &name),
                Ok(None) => {}
                Err(e) if debugging() => eprintln!("asr: name not heard again: {e:#}"),
                Err(_) => {}
            }
        }
        Decoded { text, ..heard }
    }

    /// The name of `lists` the audio fits better than the word heard at `spot`, if any.
    fn listen_for_name(&self, held: &mut Held, lang: &str, prompt: &str, spot: &Spot, check: &NameCheck, lists: &[&str]) -> Result<Option<String>> {
        let forms = check.forms(lists);
        // What lies between the forced tokens and the word (" " in English) goes first.
        let (prefix, between) = spot.lead();
        let said = self.tokens_after(between, &forms)?;
        let started = std::time::Instant::now();
        let found = self.listen_among(held, lang, prompt, &prefix, &said)?;
        let first = spot.words();
        let mut names: Vec<&str> = vec![first];
        // One form of a name is enough: the likeliest (吉田, not also よしだ, ヨシダ).
        let mut seen: Vec<&str> = Vec::new();
        for &i in &found {
            let name = lists.iter().find_map(|l| check.grammar.list_value(l, forms[i])).unwrap_or(forms[i]);
            if forms[i] != first && !seen.contains(&name) && seen.len() < NAMES_WEIGHED && check.alike(first, forms[i]) {
                seen.push(name);
                names.push(forms[i]);
            }
        }
        if names.len() < 2 {
            return Ok(None);
        }
        let names: Vec<String> = names.into_iter().map(str::to_string).collect();
        let best = self.likelier_than_heard(held, lang, prompt, spot, &names, check.prior, NAME_CONTEXT_CHARS)?;
        if debugging() {
            eprintln!("asr: name heard again in {} ms", started.elapsed().as_millis());
        }
        Ok(best)
    }

    /// The listed name (a word of each of the cue's lists in turn, or of the first
    /// or the last alone) the audio fits better than the words heard at `spot`, if any.
    fn listen_after_cue(&self, held: &mut Held, lang: &str, prompt: &str, spot: &Spot, check: &NameCheck, cue: &Cue) -> Result<Option<String>> {
        let started = std::time::Instant::now();
        let (prefix, between) = spot.lead();
        // The likeliest few of `forms` after `lead`.
        let mut likeliest = |lead: &str, forms: &[&str]| -> Result<Vec<usize>> {
            let said = self.tokens_after(lead, forms)?;
            Ok(self.listen_among(held, lang, prompt, &prefix, &said)?.into_iter().take(CUE_WIDTH).collect())
        };
        // Word by word: the likeliest few of each list after the ones kept before.
        let mut kept: Vec<String> = vec![String::new()];
        let mut names: Vec<String> = Vec::new();
        for list in &cue.lists {
            let forms = check.forms(&[list.as_str()]);
            let mut next = Vec::new();
            for so_far in &kept {
                // The words kept so far lead every name of this list.
                let lead = if so_far.is_empty() { between.to_string() } else { format!("{between}{so_far} ") };
                for i in likeliest(&lead, &forms)? {
                    let name = if so_far.is_empty() { forms[i].to_string() } else { format!("{so_far} {}", forms[i]) };
                    next.push(name);
                }
            }
            names.extend(next.iter().cloned());
            kept = next;
        }
        // The last list's word alone too: a caller may give only the family name
        // ("The name is Nakamura"), which no first name begins.
        if let [_, .., last] = cue.lists.as_slice() {
            let forms = check.forms(&[last.as_str()]);
            names.extend(likeliest(between, &forms)?.into_iter().map(|i| forms[i].to_string()));
        }
        if names.is_empty() {
            return Ok(None);
        }
        let candidates: Vec<String> = std::iter::once(spot.words().to_string()).chain(names).collect();
        let best = self.likelier_than_heard(held, lang, prompt, spot, &candidates, cue.prior, NAME_CONTEXT_CHARS)?;
        if debugging() {
            eprintln!("asr: name listened for after its cue in {} ms", started.elapsed().as_millis());
        }
        Ok(best)
    }

    /// Beam search after `prefix` allowing only token sequences that begin one of
    /// `said`: the indices of the ones the beam completes, likeliest first.
    pub(super) fn listen_among(&self, held: &mut Held, lang: &str, prompt: &str, prefix: &[i32], said: &[Vec<i32>]) -> Result<Vec<usize>> {
        let context = self.context_tokens(lang, prompt)?;
        let longest = said.iter().map(Vec::len).max().unwrap_or(0);
        let mut beams: Vec<(Vec<i32>, f64)> = vec![(Vec::new(), 0.0)];
        let mut done: Vec<(usize, f64)> = Vec::new();
        for step in 0..longest {
            let width = if step == 0 { FIRST_WIDTH } else { BEAM_WIDTH };
            if beams.is_empty() {
                break;
            }
            beams.sort_by(|a, b| a.0.cmp(&b.0));
            let mut next: Vec<(Vec<i32>, f64)> = Vec::new();
            for (toks, score) in &beams {
                let fed: Vec<i32> = context.iter().chain(prefix).chain(toks.iter()).copied().collect();
                held.feed(&fed)?;
                let lp = self.log_probs(held.state)?;
                let mut allowed: Vec<i32> = said.iter().filter(|s| s.len() > toks.len() && s.starts_with(toks)).map(|s| s[toks.len()]).collect();
                allowed.sort_unstable();
                allowed.dedup();
                allowed.sort_by(|&a, &b| lp[b as usize].total_cmp(&lp[a as usize]));
                for &t in allowed.iter().take(width) {
                    let mut grown = toks.clone();
                    grown.push(t);
                    let score = score + lp[t as usize] as f64;
                    if let Some(i) = said.iter().position(|s| *s == grown) {
                        done.push((i, score));
                    }
                    if said.iter().any(|s| s.len() > grown.len() && s.starts_with(&grown)) {
                        next.push((grown, score));
                    }
                }
            }
            next.sort_by(|a, b| b.1.total_cmp(&a.1));
            next.truncate(width);
            beams = next;
        }
        done.sort_by(|a, b| b.1.total_cmp(&a.1));
        Ok(done.into_iter().map(|(i, _)| i).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_keeps_its_place_when_the_text_changed_only_before_or_after_it() {
        let heard = "I'm James Wilton, my number is 0445-55-5555.";
        let at = heard.find("Wilton").unwrap();
        let word = at..at + "Wilton".len();
        // the number after the name rewritten
        let after = "I'm James Wilton, my number is 090-4444-5555.";
        assert_eq!(same_place(heard, after, word.clone()), Some(word.clone()));
        // the number before the name rewritten
        let heard = "My number is 0445-55-5555, name is Wilton.";
        let at = heard.find("Wilton").unwrap();
        let before = "My number is 090-4444-5555, name is Wilton.";
        let moved = same_place(heard, before, at..at + 6).unwrap();
        assert_eq!(&before[moved], "Wilton");
        // changed on both sides: no place
        assert_eq!(same_place("a Wilton b", "aa Wilton bb", 2..8), None);
    }

    #[test]
    fn only_words_no_list_holds_are_heard_again() {
        let ja = NameCheck::load("ja").unwrap();
        let heard = "名前は頭か電話番号は090-1234-5678です。";
        let at = heard.find("頭か").unwrap();
        assert_eq!(ja.unlisted(heard), vec![(at..at + "頭か".len(), vec!["surname"])]);
        assert!(ja.unlisted("名前は田中、電話番号は090-1234-5678です。").is_empty());
        assert!(ja.unlisted("たなかともおします。").is_empty(), "a listed reading is the listed name");
        assert!(ja.unlisted("明日の7時に予約したいです。").is_empty(), "no name, nothing to hear again");

        let en = NameCheck::load("en").unwrap();
        let heard = "I'm James Wilton, my number is 090-4444-5555.";
        let at = heard.find("Wilton").unwrap();
        assert_eq!(en.unlisted(heard), vec![(at..at + 6, vec!["surname"])]);
        // English first names are not heard again; a listed surname needs nothing
        assert!(en.unlisted("My name is Soren Wilson.").is_empty());
        // honorifics are not part of the name
        let heard = "This is Mr. Wilton.";
        let at = heard.find("Wilton").unwrap();
        assert_eq!(en.unlisted(heard), vec![(at..at + 6, vec!["surname"])]);
    }

    #[test]
    fn a_given_name_after_a_listed_family_name_is_heard_again_among_given_names() {
        let ja = NameCheck::load("ja").unwrap();
        let heard = "名前は佐藤花庫、電話は070-1234-9876です。";
        let at = heard.find("花庫").unwrap();
        assert_eq!(ja.unlisted(heard), vec![(at..at + "花庫".len(), vec!["given_name"])]);
        assert!(ja.unlisted("名前は佐藤花子、電話は070-1234-9876です。").is_empty(), "both parts listed");
        assert!(ja.unlisted("渡辺さくらです。").is_empty(), "a given name in kana is listed as written");
        // One character after a listed family name is no given name: 林田 is a
        // family name the list lacks, heard again among family names.
        let heard = "名前は林田です。";
        let at = heard.find("林田").unwrap();
        assert_eq!(ja.unlisted(heard), vec![(at..at + "林田".len(), vec!["surname"])]);
        // After a family name of two characters, one more is a given name (高橋海 for 高橋由美).
        let heard = "高橋海です。";
        let at = heard.find("海").unwrap();
        assert_eq!(ja.unlisted(heard), vec![(at..at + "海".len(), vec!["given_name"])]);
    }

    #[test]
    fn kana_the_extractor_left_before_an_unlisted_name_are_heard_again_with_it() {
        let ja = NameCheck::load("ja").unwrap();
        // 渡辺 heard as また鍋: the extractor takes また for a stray sound and finds 鍋.
        let heard = "名前はまた鍋です。";
        let at = heard.find("また鍋").unwrap();
        assert_eq!(ja.unlisted(heard), vec![(at..at + "また鍋".len(), vec!["surname"])]);
        assert!(ja.unlisted("名前はよ山本です。").is_empty(), "a listed name is not heard again");
    }

    #[test]
    fn listed_names_are_said_as_written_and_by_their_other_spellings() {
        let ja = NameCheck::load("ja").unwrap();
        let forms = ja.forms(&["surname"]);
        for f in ["田中", "たなか", "田仲", "山元"] {
            assert!(forms.contains(&f), "{f}");
        }
        let en = NameCheck::load("en").unwrap();
        let forms = en.forms(&["surname"]);
        assert!(forms.contains(&"Wilson") && !forms.contains(&"wilson"));
    }

    #[test]
    fn words_after_a_name_cue_are_listened_for_again_only_when_no_name_was_found() {
        let en = NameCheck::load("en").unwrap();
        let heard = "My name's more abandoned and my mobile is 080-4916-2735.";
        let at = heard.find("more").unwrap();
        let (words, _) = en.unheard_after_cue(heard, None).unwrap();
        assert_eq!(words, at..at + "more abandoned".len());
        // The number that follows is no part of the name heard again.
        let heard = "My name is more abandoned 080-4916-2735.";
        let at = heard.find("more").unwrap();
        assert_eq!(en.unheard_after_cue(heard, None).unwrap().0, at..at + "more abandoned".len());
        assert!(en.unheard_after_cue("My name's Laura Bennett and my mobile is 080-4916-2735.", None).is_none(), "a name was heard");
        assert!(en.unheard_after_cue("Tomorrow at 7 for two.", None).is_none(), "no cue");
        // In Japanese the extractor finds 頭か after 名前は: it is heard again as an unlisted name
        assert!(NameCheck::load("ja").unwrap().unheard_after_cue("名前は頭かです。", None).is_none());
    }

    #[test]
    fn a_name_of_one_word_no_list_holds_is_listened_for_as_a_whole_name() {
        let en = NameCheck::load("en").unwrap();
        let heard = "I'd like an appointment at 10. I'm Fatemakan, my number is 080-1122-3344.";
        let at = heard.find("Fatemakan").unwrap();
        assert_eq!(en.lone_unlisted_word(heard).unwrap().0, at..at + "Fatemakan".len());
        assert!(en.lone_unlisted_word("I'm Grace, my number is 080-1122-3344.").is_none(), "a listed first name");
        assert!(en.lone_unlisted_word("This is Wilson.").is_none(), "a listed surname");
        assert!(en.lone_unlisted_word("This is Mr. Wilton.").is_some(), "an unlisted surname alone");
        assert!(en.lone_unlisted_word("I'm James Wilton.").is_none(), "two words: the surname is heard again on its own");
        assert!(NameCheck::load("ja").unwrap().lone_unlisted_word("名前は頭かです。").is_none(), "no cue in Japanese");
    }

    #[test]
    fn a_short_reply_to_the_name_question_is_cued_from_its_start() {
        let en = NameCheck::load("en").unwrap();
        let asked = Some("Sorry, I didn't catch that. May I have your name, please?");
        let heard = " Um, little things.";
        let at = heard.find("little").unwrap();
        assert_eq!(en.unheard_after_cue(heard, asked).unwrap().0, at..at + "little things".len());
        assert!(en.unheard_after_cue(" Little things.", Some("What day would you like?")).is_none(), "not asked for the name");
        assert!(en.unheard_after_cue(" Nicole Hayes.", asked).is_none(), "a name was heard");
        assert!(en.unheard_after_cue(" My mobile's 080-2247-6913.", asked).is_none(), "digits are no name");
        assert!(en.unheard_after_cue(" Yes.", asked).is_none(), "nothing left after what comes first");
        assert!(en.unheard_after_cue(" Could we make it a little later in the evening", asked).is_none(), "too long for a name");
        let ja = NameCheck::load("ja").unwrap();
        let asked = Some("ご予約のお名前をお願いします。");
        assert_eq!(ja.unheard_after_cue("ご答です。", asked).unwrap().0, 0.."ご答".len());
        assert_eq!(ja.unheard_after_cue("えっと、ご答です。", asked).unwrap().0, "えっと、".len().."えっと、ご答".len());
        assert!(ja.unheard_after_cue("後藤です。", asked).is_none(), "a name was heard");
        assert!(ja.unheard_after_cue("はい。", asked).is_none());
        assert!(ja.unheard_after_cue("来週の金曜日の夜7時に変えてもらうことはできますか。", asked).is_none(), "too long for a name");
        assert!(ja.unheard_after_cue("はい、お願いします。", asked).is_none(), "no name's shape");
    }

    #[test]
    fn a_japanese_name_heard_half_in_kana_after_a_comma_is_listened_for() {
        let ja = NameCheck::load("ja").unwrap();
        for (heard, name) in [("水曜日の夜7時半に5人でお願いしたいんですが、すぎ裏です。", "すぎ裏"), ("診察の予約をしたいんですけど、片置かです。", "片置か")] {
            let at = heard.find(name).unwrap();
            assert_eq!(ja.unheard_after_cue(heard, None).unwrap().0, at..at + name.len(), "{heard}");
        }
        for plain in ["はい、そうです。", "はい、大丈夫です。", "明日の7時、お願いします。", "では、9時でお願いします。"] {
            assert!(ja.unheard_after_cue(plain, None).is_none(), "{plain}");
        }
    }

    #[test]
    fn only_names_spelled_near_what_was_heard_are_weighed_in_english() {
        let en = NameCheck::load("en").unwrap();
        assert!(en.alike("Wilton", "Wilson"));
        assert!(en.alike("Kawasaki", "Kawasaki"));
        assert!(!en.alike("Nanomak", "McDonald"), "Anna Novak must not become McDonald");
        assert!(!en.alike("Kawasaki", "Suzuki"));
        // Japanese weighs every listed name: 頭か and 田中 share no character.
        assert!(NameCheck::load("ja").unwrap().alike("頭か", "田中"));
    }
}
