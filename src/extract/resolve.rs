//! Turns captured values into dates, times, party sizes and names, following
//! the rulebook (`booking-language.md`): weekdays, "the 5th", bare hours and so on.
//!
//! Capture names the rules may use:
//! date: `days` and/or `weeks` (offset from today), `weekday` + optional `week` (0 this, 1 next,
//! 2 after next; absent = the first one after today), `day` + optional `month`, `year`.
//! time: `clock` ("HH:MM"), or `hour` + optional `minute`, `period` (am/pm),
//! `minutes_before` ("quarter to"). name: `name`, and `name_rest` written after it
//! (a surname said before the first name). party: `count`, or several `count…` added up.
//! shift: `hours` and/or `minutes`, `half` (any text: 30 minutes more), and `way`
//! (`later` or `earlier`).

use unicode_normalization::UnicodeNormalization;
use super::Source;
use crate::grammar::{Capture, Grammar};
use crate::profile::{parse_weekday, Profile};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

fn get<'a>(caps: &'a [Capture], name: &str) -> Option<&'a str> {
    caps.iter().rev().find(|c| c.name == name).map(|c| c.value.as_str())
}

fn num(caps: &[Capture], name: &str) -> Option<i64> {
    get(caps, name)?.trim().parse().ok()
}

pub fn date(caps: &[Capture], today: NaiveDate) -> Option<NaiveDate> {
    let (days, weeks) = (num(caps, "days"), num(caps, "weeks"));
    if days.is_some() || weeks.is_some() {
        return today.checked_add_signed(Duration::days(days.unwrap_or(0) + 7 * weeks.unwrap_or(0)));
    }
    let Some(day) = num(caps, "day") else {
        return weekday(caps, today);
    };
    // A calendar date said with its weekday (「12月4日金曜日」, "Saturday, November 14")
    // is that date if it falls on that weekday; if not, one of the two was misheard or
    // misspoken, and no date is taken: the agent asks.
    let date = calendar_date(caps, today, day)?;
    match weekday_said(caps) {
        Some(wd) if wd != date.weekday() => None,
        _ => Some(date),
    }
}

/// The weekday a date mention names, if any.
pub fn weekday_said(caps: &[Capture]) -> Option<Weekday> {
    get(caps, "weekday").and_then(parse_weekday)
}

fn calendar_date(caps: &[Capture], today: NaiveDate, day: i64) -> Option<NaiveDate> {
    let day = u32::try_from(day).ok()?;
    match (num(caps, "month"), num(caps, "year")) {
        (Some(m), Some(y)) => NaiveDate::from_ymd_opt(y as i32, m as u32, day),
        (Some(m), None) => {
            // This year if still ahead, else next year (a 29 February waits for a leap year).
            (0..8).find_map(|k| {
                NaiveDate::from_ymd_opt(today.year() + k, m as u32, day).filter(|d| *d >= today)
            })
        }
        (None, _) => {
            // This month if still ahead, else the next month that has that day.
            let (mut y, mut m) = (today.year(), today.month());
            for _ in 0..13 {
                if let Some(d) = NaiveDate::from_ymd_opt(y, m, day).filter(|d| *d >= today) {
                    return Some(d);
                }
                (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            }
            None
        }
    }
}

fn weekday(caps: &[Capture], today: NaiveDate) -> Option<NaiveDate> {
    let wd = weekday_said(caps)?;
    let target = wd.num_days_from_monday() as i64;
    let now = today.weekday().num_days_from_monday() as i64;
    match num(caps, "week") {
        // A bare weekday: the first one strictly after today.
        None => {
            let ahead = (target - now).rem_euclid(7);
            Some(today + Duration::days(if ahead == 0 { 7 } else { ahead }))
        }
        // This / next / after-next week (Monday–Sunday); this week's may have passed.
        Some(week) => {
            let d = today + Duration::days(week * 7 + target - now);
            (d >= today).then_some(d)
        }
    }
}

pub fn time(caps: &[Capture], day: NaiveDate, profile: &Profile) -> Option<NaiveTime> {
    if let Some(c) = get(caps, "clock") {
        return NaiveTime::parse_from_str(c, "%H:%M").ok();
    }
    let mut hour = num(caps, "hour")?;
    let mut minute = num(caps, "minute").unwrap_or(0);
    if !(0..=24).contains(&hour) || !(0..60).contains(&minute) {
        return None;
    }
    if let Some(before) = num(caps, "minutes_before") {
        // "quarter to 8": 7:45, with 8's a.m./p.m. reading decided below.
        let total = hour * 60 - before;
        if total < 0 {
            return None;
        }
        (hour, minute) = (total / 60, total % 60);
        if hour == 0 {
            hour = 12;
        }
    }
    let hour = match get(caps, "period") {
        Some("pm") if hour < 12 => hour + 12,
        Some("am") if hour == 12 => 0,
        Some(_) => hour,
        None if hour == 0 || hour >= 12 => hour % 24,
        None => bare_hour(hour, minute, day, profile),
    };
    NaiveTime::from_hms_opt(hour as u32, minute as u32, 0)
}

/// A bare 1–11: the reading inside the opening hours; p.m. when both or neither are.
fn bare_hour(hour: i64, minute: i64, day: NaiveDate, profile: &Profile) -> i64 {
    let open = |h: i64| {
        NaiveTime::from_hms_opt(h as u32, minute as u32, 0)
            .is_some_and(|t| profile.is_open_at(day, t))
    };
    if open(hour) && !open(hour + 12) {
        hour
    } else {
        hour + 12
    }
}

/// Minutes a time is moved by: later is positive, earlier negative; none for a zero
/// amount or a way that is neither.
pub fn shift(caps: &[Capture]) -> Option<i64> {
    let half = if get(caps, "half").is_some_and(|h| !h.is_empty()) { 30 } else { 0 };
    let minutes = num(caps, "hours").unwrap_or(0) * 60 + num(caps, "minutes").unwrap_or(0) + half;
    let sign = match get(caps, "way")? {
        "later" => 1,
        "earlier" => -1,
        _ => return None,
    };
    (minutes > 0 && minutes < 24 * 60).then_some(sign * minutes)
}

pub fn party(caps: &[Capture]) -> Option<u32> {
    let total: i64 = caps.iter().filter(|c| c.name.starts_with("count")).filter_map(|c| c.value.parse::<i64>().ok()).sum();
    u32::try_from(total).ok().filter(|n| *n >= 1)
}

pub fn name(g: &Grammar, caps: &[Capture], source: Source) -> Option<String> {
    // A typed name is kept as written, not as the list the rule found it in writes it.
    let part = |key: &str| match source {
        Source::Heard => get(caps, key),
        Source::Typed => caps.iter().rev().find(|c| c.name == key).map(|c| c.said.as_str()),
    };
    let mut name = part("name")?.trim().to_string();
    // The rest of the name said first ("Surname Ito, first name Ken"): written after it.
    if let Some(rest) = part("name_rest").map(str::trim).filter(|r| !r.is_empty()) {
        name = if g.lang_has_spaces() { format!("{name} {rest}") } else { format!("{name}{rest}") };
    }
    loop {
        let before = name.clone();
        for h in &g.honorifics {
            let lower = name.to_lowercase();
            // Only languages with spaces put a title first (Mr. Smith); 「さんのみや」 keeps its さん.
            if g.lang_has_spaces() && lower.starts_with(h.as_str()) {
                let rest = &name[h.len()..];
                if !rest.starts_with([' ', '.']) {
                    continue;
                }
                name = rest.trim_start_matches(['.', ' ']).to_string();
            } else if lower.ends_with(h.as_str()) {
                let rest = &name[..name.len() - h.len()];
                if g.lang_has_spaces() && !rest.ends_with(' ') {
                    continue;
                }
                name = rest.to_string();
            }
            name = name.trim().to_string();
        }
        if name == before {
            break;
        }
    }
    let name = name.trim_matches(|c: char| c.is_whitespace() || ".,、。!?！？".contains(c));
    let name = tidy_name(g, &capitalised(g, name), source);
    let lower = name.to_lowercase();
    (!name.is_empty() && !g.not_names.contains(&lower) && !ends_in_not_name(g, &lower)).then_some(name)
}

/// In a language written without spaces, a name that ends in a word of two or more
/// characters that is no name: 「全部大丈夫です」 says 大丈夫, it names no one.
fn ends_in_not_name(g: &Grammar, lower: &str) -> bool {
    !g.lang_has_spaces() && g.not_names.iter().any(|w| w.chars().count() >= 2 && lower.len() > w.len() && lower.ends_with(w.as_str()))
}

/// The grammar's name rewrites (a stray sound before a kanji name), then, for a
/// heard name, the usual spelling from its list, trying once more without a stray
/// first letter, then as each `sounds_like` rewrite says it.
fn tidy_name(g: &Grammar, name: &str, source: Source) -> String {
    let mut name = name.to_string();
    for (re, with) in &g.names.rewrite {
        name = re.replace_all(&name, with.as_str()).into_owned();
    }
    if source == Source::Typed {
        return name;
    }
    if let Some(list) = &g.names.given {
        name = mend_given_name(g, list, &name);
        name = spelled_given_name(g, list, &name);
    }
    let Some(list) = &g.names.spelling else { return name };
    if let Some(v) = g.list_value(list, &name) {
        return v.to_string();
    }
    if g.names.stray_first.as_ref().is_some_and(|re| re.is_match(&name)) {
        let rest: String = name.chars().skip(1).collect();
        if let Some(v) = g.list_value(list, &rest) {
            return v.to_string();
        }
    }
    for (re, with) in &g.names.sounds_like {
        if let Some(v) = re.is_match(&name).then(|| re.replace(&name, with.as_str())).and_then(|n| g.list_value(list, &n)) {
            return v.to_string();
        }
    }
    if let Some(v) = kana_ending(g, list, &name) {
        return v.to_string();
    }
    // A given name said alone (さくら) is no family name misheard (佐久間).
    let given = g.names.given.as_ref().is_some_and(|l| g.list_holds(l, &name));
    // わたなめ → わたなべ → 渡辺: the readings are the list's forms
    let forms = || g.lists.get(list).into_iter().flatten().map(|(form, value)| (form.as_str(), value.as_str()));
    if !given && g.names.one_sound_off.as_ref().is_some_and(|re| re.is_match(&name)) {
        if let Some(v) = only_one_near(forms(), &name.to_lowercase()) {
            return v.to_string();
        }
    }
    if !given && g.names.one_mark_off.as_ref().is_some_and(|re| re.is_match(&name)) {
        if let Some(v) = only_one_by_marks(forms(), &name.to_lowercase()) {
            return v.to_string();
        }
    }
    name
}

/// A reply of one word to the question for the name that the name list spells only
/// once mended (おかわで。: おかわ is one sound from おがわ, 小川): that listed name.
/// Unmended, a lone word in kana is too often no name.
pub fn listed_name_alone(g: &Grammar, word: &str) -> Option<String> {
    let list = g.names.spelling.as_ref()?;
    if word.is_empty() || word.contains(char::is_whitespace) {
        return None;
    }
    let name = tidy_name(g, word, Source::Heard);
    (name != word && g.lists.get(list)?.values().any(|v| *v == name)).then_some(name)
}

/// A name written all in lower case ("mia chen", as some recognisers write) with a
/// capital to each word, in a language that has capitals and spaces.
fn capitalised(g: &Grammar, name: &str) -> String {
    if !g.lang_has_spaces() || name.chars().any(char::is_uppercase) {
        return name.to_string();
    }
    let cap = |w: &str| w.chars().take(1).flat_map(char::to_uppercase).chain(w.chars().skip(1)).collect::<String>();
    name.split(' ').map(cap).collect::<Vec<_>>().join(" ")
}

/// The shortest first name mended into a listed one ("Games" → James).
const MIN_MENDED: usize = 5;

/// "Games Wilson" → "James Wilson": the first of two or more words, when the
/// list lacks it and exactly one listed name differs from it in one letter.
fn mend_given_name(g: &Grammar, list: &str, name: &str) -> String {
    let mut words: Vec<&str> = name.split(' ').collect();
    let Some(forms) = g.lists.get(list) else { return name.to_string() };
    let first = words[0].to_lowercase();
    // In a short name one letter is too much of it: Gus, Ida and Bo are names of
    // their own, not Guy, Ada and Jo misheard.
    if words.len() < 2 || first.chars().count() < MIN_MENDED || g.list_holds(list, &first) {
        return name.to_string();
    }
    if let Some(one) = only_one_near(forms.values().map(|v| (v.as_str(), v.as_str())), &first) {
        words[0] = one;
    }
    words.join(" ")
}

/// 原田みき → 原田美紀: in a language without spaces, a given name after a family
/// name as the spelling list writes it, written as the given-name list writes it.
fn spelled_given_name(g: &Grammar, list: &str, name: &str) -> String {
    let Some(families) = g.names.spelling.as_ref().and_then(|l| g.lists.get(l)).filter(|_| !g.lang_has_spaces()) else { return name.to_string() };
    let family = families.values().filter(|f| name.len() > f.len() && name.starts_with(f.as_str())).max_by_key(|f| f.len());
    match family.and_then(|f| Some((f, g.list_value(list, &name[f.len()..])?))) {
        Some((f, given)) => format!("{f}{given}"),
        None => name.to_string(),
    }
}

/// The one value whose form (compared in lower case) is one letter apart from
/// `heard`, if exactly one value has such a form: a name with several spellings is
/// one name.
///
/// When several are that near, the one whose letter differs only by its marks
/// wins, if it alone does: おかわ is one sound from おがわ (小川), おかだ and おかの,
/// and a voiced sound heard unvoiced is the likeliest slip.
fn only_one_near<'g>(forms: impl Iterator<Item = (&'g str, &'g str)> + Clone, heard: &str) -> Option<&'g str> {
    let near = forms.clone().filter_map(|(form, value)| one_letter_apart(&form.to_lowercase(), heard).map(|_| value));
    only_one(near.collect()).or_else(|| only_one_by_marks(forms, heard))
}

/// The one value whose form differs from `heard` only in one letter's marks
/// (わた and わだ), if exactly one does.
fn only_one_by_marks<'g>(forms: impl Iterator<Item = (&'g str, &'g str)>, heard: &str) -> Option<&'g str> {
    let near = forms.filter_map(|(form, value)| {
        let (x, y) = one_letter_apart(&form.to_lowercase(), heard)?;
        (base_letter(x) == base_letter(y)).then_some(value)
    });
    only_one(near.collect())
}

/// The value `values` hold, if they hold exactly one (several times or once).
fn only_one(mut values: Vec<&str>) -> Option<&str> {
    values.sort_unstable();
    values.dedup();
    match values.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Same length, one letter different: the two letters that differ.
fn one_letter_apart(a: &str, b: &str) -> Option<(char, char)> {
    if a.chars().count() != b.chars().count() {
        return None;
    }
    let mut diff = a.chars().zip(b.chars()).filter(|(x, y)| x != y);
    let first = diff.next()?;
    diff.next().is_none().then_some(first)
}

/// The one listed name a name part in kanji, part in kana is (上だ → 上田, 前だ → 前田):
/// of the same length, starting with its kanji, its reading ending with its kana.
fn kana_ending<'g>(g: &'g Grammar, list: &str, name: &str) -> Option<&'g str> {
    let c = g.names.kana_ending.as_ref()?.captures(name)?;
    let (kanji, kana) = (c.name("kanji")?.as_str(), c.name("kana")?.as_str());
    let len = name.chars().count();
    let found = g.lists.get(list)?.iter()
        .filter(|(reading, value)| value.starts_with(kanji) && value.chars().count() == len && reading.ends_with(kana))
        .map(|(_, value)| value.as_str());
    only_one(found.collect())
}

/// A letter without its marks: か for が and ぱ, e for é.
fn base_letter(c: char) -> Option<char> {
    std::iter::once(c).nfd().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(text: &str) -> Option<String> {
        let g = Grammar::load_from(&Grammar::root(), "ja").unwrap();
        name(&g, &[Capture::new("name", text.into())], Source::Heard)
    }

    #[test]
    fn stray_hiragana_before_a_kanji_name_are_dropped() {
        assert_eq!(name_of("よ佐藤").as_deref(), Some("佐藤"));
        assert_eq!(name_of("あの中島").as_deref(), Some("中島"));
        // hiragana after the family name are a given name
        assert_eq!(name_of("渡辺さくら").as_deref(), Some("渡辺さくら"));
    }

    #[test]
    fn kana_names_take_their_usual_kanji() {
        assert_eq!(name_of("いのうえ").as_deref(), Some("井上"));
        assert_eq!(name_of("コバヤシ様").as_deref(), Some("小林"));
        // one stray sound in front, in kana or as a kanji
        assert_eq!(name_of("えきむら").as_deref(), Some("木村"));
        assert_eq!(name_of("当たなか").as_deref(), Some("田中"));
        assert_eq!(name_of("林さくら").as_deref(), Some("林さくら"), "a given name after a family name stays");
        // a rarer spelling of the same sound
        assert_eq!(name_of("坂元").as_deref(), Some("坂本"));
    }

    #[test]
    fn a_misheard_given_name_is_mended_when_one_name_is_near() {
        let g = Grammar::load_from(&Grammar::root(), "en").unwrap();
        let name_of = |t: &str| name(&g, &[Capture::new("name", t.into())], Source::Heard);
        assert_eq!(name_of("Games Wilson").as_deref(), Some("James Wilson"));
        assert_eq!(name_of("Mark Davis").as_deref(), Some("Mark Davis"), "a listed name stays");
        // a surname alone, or a first name near several (Dane: Dave, Jane) stays
        assert_eq!(name_of("Games").as_deref(), Some("Games"));
        assert_eq!(name_of("Dane Cook").as_deref(), Some("Dane Cook"));
        // two letters away: a name the list lacks, kept
        assert_eq!(name_of("Jaime Lopez").as_deref(), Some("Jaime Lopez"));
    }

    #[test]
    fn names_the_list_lacks_are_kept() {
        assert_eq!(name_of("スミス").as_deref(), Some("スミス"));
        assert_eq!(name_of("さくら").as_deref(), Some("さくら"));
        assert_eq!(name_of("山田太郎").as_deref(), Some("山田太郎"));
        assert_eq!(name_of("有吉").as_deref(), Some("有吉"));
    }

    #[test]
    fn a_kana_name_one_sound_off_one_listed_name_is_that_name() {
        assert_eq!(name_of("わたなめ").as_deref(), Some("渡辺"));
        assert_eq!(name_of("ワタナメ").as_deref(), Some("渡辺"));
        // typed, it is kept as written
        let g = Grammar::load_from(&Grammar::root(), "ja").unwrap();
        assert_eq!(name(&g, &[Capture::new("name", "わたなめ".into())], Source::Typed).as_deref(), Some("わたなめ"));
    }

    #[test]
    fn a_name_ending_in_kana_is_the_listed_name_read_so() {
        assert_eq!(name_of("上だ").as_deref(), Some("上田"));
        assert_eq!(name_of("前だ").as_deref(), Some("前田"));
        // 山田 and 山下 both start with 山 and have two characters; only 山田 ends in だ
        assert_eq!(name_of("山だ").as_deref(), Some("山田"));
        // no listed name of that length ends so: kept
        assert_eq!(name_of("上ぽ").as_deref(), Some("上ぽ"));
    }

    #[test]
    fn among_several_names_one_sound_off_a_voicing_slip_decides() {
        // おかわ is one sound from おがわ (小川) and from おかだ (岡田): only 小川 differs by a mark
        assert_eq!(name_of("おかわ").as_deref(), Some("小川"));
        // two names one sound off, neither by a mark alone: kept as heard
        assert_eq!(name_of("まくだ").as_deref(), Some("まくだ"), "ますだ (増田) and まつだ (松田)");
    }

    #[test]
    fn a_name_of_two_sounds_is_mended_only_by_one_sounds_marks() {
        assert_eq!(name_of("わた").as_deref(), Some("和田"));
        // はい is one sound from several two-sound names, by no mark alone
        assert_eq!(name_of("はい").as_deref(), Some("はい"));
    }
}
