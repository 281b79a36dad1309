//! Clock times heard again (`grammars/<lang>/asr_times.toml`). whisper writes the
//! wrong half of the day ("11 p.m." for "11am") with next to no doubt between the
//! two; a half it did hear is far likelier than the other (6–7 nats on the dev set,
//! 0.2–1.6 where it misheard). Each time the file's pattern finds is weighed again
//! on the audio already encoded, as each reading, with what follows it: a clear
//! winner is written, and a close call is written without its half of the day, so
//! that the business's hours decide it as they decide a bare hour.

use super::names::same_place;
use super::{debugging, Decoded, Held, Recognizer};
use anyhow::{Context, Result};
use regex::Regex;
use std::ops::Range;

/// Characters after the time scored with it: enough for "in the morning".
const TIME_CONTEXT_CHARS: usize = 24;

/// A language's clock-time pattern and the readings a time is weighed against.
pub struct TimeCheck {
    time: Regex,
    readings: Vec<String>,
    unsure: String,
    doubt: f64,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeFile {
    time: String,
    readings: Vec<String>,
    unsure: String,
    doubt: f64,
}

impl TimeCheck {
    pub fn load(lang: &str) -> Result<TimeCheck> {
        let (file, path): (TimeFile, _) = super::grammar_file(lang, "asr_times.toml")?;
        let time = Regex::new(&file.time).with_context(|| format!("{}: time", path.display()))?;
        if time.capture_names().flatten().all(|n| n != "hour") {
            anyhow::bail!("{}: the time pattern needs an `hour` group", path.display());
        }
        Ok(TimeCheck { time, readings: file.readings, unsure: file.unsure, doubt: file.doubt })
    }

    /// Each time in `text`: where it is, its readings, and how to write it unsure.
    fn readings_at(&self, text: &str) -> Vec<(Range<usize>, Vec<String>, String)> {
        self.time
            .captures_iter(text)
            .filter_map(|c| {
                let whole = c.get(0)?;
                let hour = c.name("hour")?.as_str();
                let minute = c.name("minute").map(|m| format!(":{}", m.as_str())).unwrap_or_default();
                let fill = |r: &str| r.replace("{hour}", hour).replace("{minute}", &minute);
                let mut out: Vec<String> = Vec::new();
                for r in self.readings.iter().map(|r| fill(r)) {
                    if !out.contains(&r) {
                        out.push(r);
                    }
                }
                (out.len() > 1).then(|| (whole.range(), out, fill(&self.unsure)))
            })
            .collect()
    }
}

impl Recognizer {
    /// `heard` with each clock time weighed again (see the module).
    pub(super) fn hear_times_again(&self, held: &mut Held, lang: &str, prompt: &str, heard: Decoded) -> Decoded {
        let check = self.times.iter().find(|(l, _)| l == lang).map(|(_, c)| c);
        let (Some(check), Some(joined)) = (check, heard.joined()) else { return heard };
        let mut text = heard.text.clone();
        // Right to left, so that a replaced time leaves the others' offsets alone.
        for (at, readings, unsure) in check.readings_at(&joined).into_iter().rev() {
            let Ok((tails, scores)) = self.weigh_in_place(held, lang, prompt, &heard, &joined, at.clone(), &readings, TIME_CONTEXT_CHARS) else { continue };
            let mut order: Vec<usize> = (0..tails.len()).collect();
            order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
            let sure = scores[order[0]] - scores[order[1]] >= check.doubt;
            let written = if sure { &readings[order[0]] } else { &unsure };
            if debugging() {
                eprintln!("asr: time weighed again {:?}: {written:?}", tails.iter().zip(&scores).collect::<Vec<_>>());
            }
            if let Some(in_text) = same_place(&joined, &text, at.clone()) {
                text.replace_range(in_text, written);
            }
        }
        Decoded { text, ..heard }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_gets_its_other_readings() {
        let check = TimeCheck {
            time: Regex::new(r"\b(?P<hour>1[0-2]|[1-9])(?::(?P<minute>[0-5][0-9]))? ?[ap]\.m\.").unwrap(),
            readings: vec!["{hour}{minute} a.m.".into(), "{hour}{minute} p.m.".into()],
            unsure: "{hour}{minute} o'clock".into(),
            doubt: 2.0,
        };
        let found = check.readings_at("Saturday at 9 p.m. in the morning");
        let readings = vec!["9 a.m.".to_string(), "9 p.m.".to_string()];
        assert_eq!(found, vec![(12..18, readings, "9 o'clock".to_string())]);
        let found = check.readings_at("at 10:30 a.m.");
        assert_eq!(found[0].2, "10:30 o'clock");
        assert!(check.readings_at("on the 5th").is_empty());
    }
}
