//! Cuts a reply into sentences so the first one can be spoken while the rest is made.

/// Sentence-final marks in Japanese and English.
const ENDS: &[char] = &['。', '！', '？', '!', '?', '．'];
/// Closing marks that belong to the sentence before them.
const CLOSERS: &[char] = &['」', '』', '）', ')', '"', '\'', '”', '’', '】'];
/// Words whose trailing '.' does not end a sentence.
const ABBREVIATIONS: &[&str] = &["mr", "mrs", "ms", "dr", "st", "no", "approx", "etc", "vs"];

/// Splits `text` into trimmed sentences, dropping pieces with nothing to read (only
/// punctuation or spaces). Newlines also end a sentence. Never splits inside "7.30" or
/// after "p.m." in the middle of a sentence or after "Mr.".
pub fn split_sentences(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut end = None;
        if c == '\n' || c == '\r' {
            end = Some(i);
        } else if ENDS.contains(&c) || (c == '.' && period_ends(&chars, i)) {
            let mut j = i + 1;
            while j < chars.len() && (CLOSERS.contains(&chars[j]) || ENDS.contains(&chars[j])) {
                j += 1;
            }
            end = Some(j);
        }
        if let Some(e) = end {
            push(&mut out, &chars[start..e]);
            start = e;
            i = e.max(i + 1);
        } else {
            i += 1;
        }
    }
    push(&mut out, &chars[start..]);
    out
}

/// Sentences longer than this (characters) are cut into phrases by `split_phrases`.
const LONG_SENTENCE: usize = 20;
/// No phrase (or the rest after a cut) shorter than this: a tiny phrase costs a whole
/// engine start for little audio.
const MIN_PHRASE: usize = 8;

/// Like `split_sentences`, but a long Japanese sentence is also cut after '、' so the
/// first phrase is ready sooner. English sentences stay whole: espeak-ng is fast, and a
/// cut at a comma would give each piece a falling, sentence-final tone.
pub fn split_phrases(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sentence in split_sentences(text) {
        let chars: Vec<char> = sentence.chars().collect();
        if chars.len() <= LONG_SENTENCE {
            out.push(sentence);
            continue;
        }
        let mut start = 0;
        for (i, &c) in chars.iter().enumerate() {
            let end = i + 1;
            if c == '、' && end - start >= MIN_PHRASE && chars.len() - end >= MIN_PHRASE {
                out.push(chars[start..end].iter().collect());
                start = end;
            }
        }
        out.push(chars[start..].iter().collect());
    }
    out
}

fn push(out: &mut Vec<String>, piece: &[char]) {
    let s: String = piece.iter().collect();
    let s = s.trim();
    if s.chars().any(char::is_alphanumeric) {
        out.push(s.to_string());
    }
}

/// A '.' ends a sentence when whitespace or the end follows and the word before it is
/// not an abbreviation ("Mr.") or a dotted initialism ("p.m." — next word lower-case).
fn period_ends(chars: &[char], i: usize) -> bool {
    let next = chars.get(i + 1).copied();
    if !matches!(next, None | Some(' ' | '\t' | '\n' | '\r'))
        && !matches!(next, Some(c) if CLOSERS.contains(&c))
    {
        return false; // "7.30", "p.m"
    }
    let word: String = chars[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_alphanumeric() || **c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    if ABBREVIATIONS.contains(&word.as_str()) {
        return false;
    }
    if word.contains('.') {
        // "p.m." / "a.m.": a sentence end only if the next word starts a new sentence.
        let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
        return after.is_none_or(|c| c.is_uppercase());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("。", &[]),
            ("はい。", &["はい。"]),
            (
                "11月28日19時、4名様でお取りしました。お名前は田中様ですね？ありがとうございます！",
                &[
                    "11月28日19時、4名様でお取りしました。",
                    "お名前は田中様ですね？",
                    "ありがとうございます！",
                ],
            ),
            (
                "「はい」と言いました。次です",
                &["「はい」と言いました。", "次です"],
            ),
            (
                "Booked for 4 at 7.30. See you!",
                &["Booked for 4 at 7.30.", "See you!"],
            ),
            (
                "Mr. Tanaka, see you at 7 p.m. on Friday. Bye.",
                &["Mr. Tanaka, see you at 7 p.m. on Friday.", "Bye."],
            ),
            (
                "See you at 7 p.m. Thanks!",
                &["See you at 7 p.m.", "Thanks!"],
            ),
            ("Really?! Yes.", &["Really?!", "Yes."]),
            ("line one\nline two", &["line one", "line two"]),
            (
                "He said \"OK.\" Then left.",
                &["He said \"OK.\"", "Then left."],
            ),
            ("...", &[]),
        ];
        for (input, want) in cases {
            assert_eq!(split_sentences(input), want.to_vec(), "input {input:?}");
        }
    }

    #[test]
    fn phrases_table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("はい、お願いします。", &["はい、お願いします。"]),
            (
                "11月28日土曜日の19時に4名様、田中様、お電話番号は090-1234-5678でよろしいでしょうか。",
                &["11月28日土曜日の19時に4名様、", "田中様、お電話番号は090-1234-5678でよろしいでしょうか。"],
            ),
            (
                "かしこまりました、少々お待ちください、確認いたします。はい。",
                &["かしこまりました、", "少々お待ちください、", "確認いたします。", "はい。"],
            ),
            (
                "That's 4 people on Saturday, November 28 at 7 PM, under Smith. Shall I book it?",
                &["That's 4 people on Saturday, November 28 at 7 PM, under Smith.", "Shall I book it?"],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(split_phrases(input), want.to_vec(), "input {input:?}");
        }
    }
}
