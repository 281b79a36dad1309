//! Reads a phone number out of a run of digits, checking it against the grammar's
//! numbering plan. The recogniser miscounts runs of one repeated digit
//! (「090-777-8888」 for 090-7777-8888), so a number the plan rejects is repaired
//! by lengthening or shortening one such run, when one repair is clearly the best.
//! The agent reads the number back digit by digit, so a wrong guess is caught.

use crate::grammar::{Grammar, PlanEntry};

/// One digit of a run: its value, whether it was a sound-alike word, and which
/// written group (between hyphens, commas, spaced numerals) it belongs to.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Token {
    digit: char,
    /// Written as a numeral, not a word.
    numeral: bool,
    homophone: bool,
    group: usize,
    /// Where in the run it was written (bytes).
    at: (usize, usize),
}

/// The phone number in a run of digits (as matched by `g.phone.run`), if any.
pub fn number(g: &Grammar, run: &str) -> Option<String> {
    number_in(g, run).map(|(digits, _)| digits)
}

/// The phone number in a run of digits and the part of the run it was read from: a
/// sound-alike at the run's edge that the number does not use is left out
/// ("070-2222-8888, I'm Kate Moss": the "I" of I'm is no nine there, and the name
/// after it is no part of the number).
pub fn number_in(g: &Grammar, run: &str) -> Option<(String, std::ops::Range<usize>)> {
    let toks = tokens(g, run);
    let plan = Plan::of(g);
    // A sound-alike word at an edge counts only if the number then starts as the plan says.
    let spans: Vec<&[Token]> = spans(&toks)
        .into_iter()
        .filter(|s| !(s[0].homophone || s[s.len() - 1].homophone) || plan.entry(&digits(s)).is_some())
        .collect();
    let read = |spans: &[&[Token]]| {
        let found = spans.iter().find_map(|s| Some((digits(s), *s)).filter(|(d, _)| plan.valid(d)));
        found
            .or_else(|| spans.iter().find_map(|s| Some((said_twice(&digits(s))?, *s)).filter(|(d, _)| plan.valid(d))))
            .or_else(|| spans.iter().find_map(|s| Some((plan.repair(s)?, *s))))
            .map(|(d, s)| (d, s[0].at.0..s[s.len() - 1].at.1))
    };
    // The recogniser often loses a leading "oh" ("8-0-2222-4444" for 080-…); every
    // domestic number starts with the trunk prefix, so a number heard without it is
    // read with it, and never without: "70-2222666666" is no number.
    let trunk = g.phone.trunk_prefix.as_deref().unwrap_or("");
    let (planned, unplanned): (Vec<&[Token]>, Vec<&[Token]>) = spans.iter().partition(|s| digits(s).starts_with(trunk));
    let with_trunk: Vec<Vec<Token>> = unplanned
        .iter()
        .map(|s| {
            let first = Token { homophone: false, ..s[0] };
            trunk.chars().map(|digit| Token { digit, ..first }).chain(s.iter().copied()).collect()
        })
        .collect();
    let with_trunk: Vec<&[Token]> = with_trunk.iter().map(Vec::as_slice).collect();
    read(&planned).or_else(|| read(&with_trunk))
}

/// The number in digits that say one number twice running ("090 1234 5678, 090 1234
/// 5678": the caller repeats it to be sure).
fn said_twice(digits: &str) -> Option<String> {
    let (a, b) = digits.split_at(digits.len() / 2);
    (!a.is_empty() && a == b).then(|| a.to_string())
}

/// Digits that look like a phone number said wrongly (a digit too many or too
/// few), so the agent can say what it heard and ask again.
pub fn misheard(g: &Grammar, run: &str) -> Option<String> {
    let plan = Plan::of(g);
    let d = plain_digits(g, run);
    let n = d.chars().count();
    (n > 0 && n + 3 >= plan.min && n <= plan.max + 3 && !plan.valid(&d)).then_some(d)
}

/// The digits a run says, a sound-alike word at either end left out: there it is an
/// ordinary word ("for", "to").
pub fn plain_digits(g: &Grammar, run: &str) -> String {
    let toks = tokens(g, run);
    match (toks.iter().position(|t| !t.homophone), toks.iter().rposition(|t| !t.homophone)) {
        (Some(a), Some(b)) => digits(&toks[a..=b]),
        _ => String::new(),
    }
}

/// Whether `digits` are the start of a number given in pieces ("oh nine oh, one two
/// three four…"): they start as every number does, and lack at least a whole group
/// (four digits) of any number they could become.
pub fn number_start(g: &Grammar, digits: &str) -> bool {
    let trunk = g.phone.trunk_prefix.as_deref().unwrap_or("");
    let n = digits.chars().count();
    n > trunk.len() && digits.starts_with(trunk) && n + 4 <= wanted_digits(g, digits)
}

/// How many digits a number that starts with `digits` has under the plan: exactly,
/// once its prefix decides it; before that, the most it could have.
pub fn wanted_digits(g: &Grammar, digits: &str) -> usize {
    let plan = Plan::of(g);
    let decided = plan.entry(digits).map_or(plan.max, |e| e.digits);
    plan.undecided(digits).map(|e| e.digits).fold(decided, usize::max)
}

/// Whether a run of numerals is written the way the plan writes its number: every
/// written group ends where a group of one of the plan's ways ends ("0-44444-5555"
/// does not). Runs with words, one unbroken run, digits written one by one and
/// counts the plan rejects pass.
pub fn written_as_planned(g: &Grammar, run: &str) -> bool {
    let toks = tokens(g, run);
    let groups = toks.last().map_or(0, |t| t.group + 1);
    if toks.iter().any(|t| !t.numeral) || groups <= 1 || groups == toks.len() {
        return true;
    }
    // A count the plan rejects is the repair's business, not this check's.
    let plan = Plan::of(g);
    let d = digits(&toks);
    match plan.entry(&d) {
        Some(e) if !e.groups.is_empty() && plan.valid(&d) => e.groups.iter().any(|w| groups_fit(&toks, w)),
        _ => true,
    }
}

/// Whether digits written so far in `groups` (the last one still being written)
/// can grow into a number of the plan, starting with the trunk prefix and written
/// in one of its ways with no group running past its end: the second listen writes
/// 090-5555-6666, never 0-9-9-9-9-66666 or 90-5555-6666.
pub fn may_grow(g: &Grammar, groups: &[&str]) -> bool {
    let plan = Plan::of(g);
    let d: String = groups.concat();
    let n = d.len();
    let trunk = g.phone.trunk_prefix.as_deref().unwrap_or("");
    if !(d.starts_with(trunk) || trunk.starts_with(&d)) {
        return false;
    }
    let mut entries: Vec<&PlanEntry> = plan.undecided(&d).collect();
    entries.extend(plan.entry(&d));
    if entries.is_empty() {
        return n <= plan.max;
    }
    entries.iter().any(|e| n <= e.digits && (e.groups.is_empty() || e.groups.iter().any(|w| grows_into(groups, w))))
}

/// `grows_into(["090", "55"], [3, 4, 4])`: the closed groups end on the way's
/// boundaries and the open one does not run past the next.
fn grows_into(groups: &[&str], way: &[usize]) -> bool {
    let Some((open, closed)) = groups.split_last() else { return true };
    let ends = group_ends(way);
    let mut end = 0;
    for c in closed {
        end += c.len();
        if !ends.contains(&end) {
            return false;
        }
    }
    ends.iter().find(|&&e| e > end).is_some_and(|&next| end + open.len() <= next)
}

/// Other counts of a well-formed number in which one digit gives way to the next
/// inside a planned group while the next digit's run goes on past it: the change
/// moved onto the group boundary ("090-4445-5555" → "090-4444-5555"). The
/// recogniser miscounts such runs and cannot tell by the length; the acoustic model
/// can (see `asr`). Each is written in the plan's groups; none for a number
/// written with words or whose digit changes all sit on group boundaries.
pub fn recounts(g: &Grammar, run: &str) -> Vec<String> {
    let toks = tokens(g, run);
    if toks.is_empty() || toks.iter().any(|t| !t.numeral) {
        return Vec::new();
    }
    let d: Vec<char> = toks.iter().map(|t| t.digit).collect();
    let plan = Plan::of(g);
    let whole: String = d.iter().collect();
    let Some(entry) = plan.entry(&whole).filter(|_| plan.valid(&whole)) else { return Vec::new() };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < d.len() {
        let j = (i..d.len()).find(|&j| d[j] != d[i]).unwrap_or(d.len());
        runs.push((i, j));
        i = j;
    }
    let mut out: Vec<String> = Vec::new();
    for way in &entry.groups {
        let ends = group_ends(way);
        for pair in runs.windows(2) {
            let ((a, change), (_, b)) = (pair[0], pair[1]);
            for &at in ends.iter().filter(|&&e| e > a && e < b && e != change) {
                let mut n = d.clone();
                n[a..at].fill(d[a]);
                n[at..b].fill(d[change]);
                // Only counts the plan accepts: "06-6666-6666" recounted as
                // "00-6666-6666" would read back a number nobody can have.
                let written = written_in(&n, way);
                if plan.valid(&n.iter().collect::<String>()) && !out.contains(&written) {
                    out.push(written);
                }
            }
        }
    }
    out
}

/// The number written as `run` with the 0 of a 0X0 prefix put back, when the
/// recogniser lost it ("oh nine oh" heard as "oh nine"): a well-formed number
/// without 0 as its third digit becomes, with one there, another the plan takes,
/// written in that one's first way (0544-55-5555 → 050-4455-5555).
pub fn with_lost_zero(g: &Grammar, run: &str) -> Option<String> {
    let toks = tokens(g, run);
    if toks.len() < 3 || toks.iter().any(|t| !t.numeral) {
        return None;
    }
    let d: Vec<char> = toks.iter().map(|t| t.digit).collect();
    let plan = Plan::of(g);
    if d[2] == '0' || !plan.valid(&d.iter().collect::<String>()) {
        return None;
    }
    let mut n = d;
    n.insert(2, '0');
    as_planned(&plan, &n)
}

/// The readings of a run of numerals one digit too long for the plan with one digit
/// left out, each a number the plan takes, written in its first way: the recogniser
/// heard a digit that was not said (08-1012-34567-8 → 080-1234-5678 only; 090-1234-56789
/// → nine readings). Which one was said is for the acoustic model to weigh (see
/// `asr`); none for a run the plan already reads or that is longer still.
pub fn with_a_digit_dropped(g: &Grammar, run: &str) -> Vec<String> {
    let toks = tokens(g, run);
    let plan = Plan::of(g);
    let trunk = g.phone.trunk_prefix.as_deref().unwrap_or("");
    if toks.len() != plan.max + 1 || toks.iter().any(|t| !t.numeral) || number(g, run).is_some() {
        return Vec::new();
    }
    let d: Vec<char> = toks.iter().map(|t| t.digit).collect();
    let mut out: Vec<String> = Vec::new();
    for i in 0..d.len() {
        let mut n = d.clone();
        n.remove(i);
        let starts_right = n.iter().collect::<String>().starts_with(trunk);
        let Some(written) = as_planned(&plan, &n).filter(|_| starts_right) else { continue };
        if !out.contains(&written) {
            out.push(written);
        }
    }
    out
}

/// Digits the plan takes as a whole number, written in the first way its entry
/// gives; None for a count the plan rejects.
fn as_planned(plan: &Plan, d: &[char]) -> Option<String> {
    let whole: String = d.iter().collect();
    let way = plan.entry(&whole).filter(|_| plan.valid(&whole))?.groups.first()?;
    Some(written_in(d, way))
}

/// Digits written in the groups of `way`, joined by '-'.
fn written_in(d: &[char], way: &[usize]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for g in way {
        if at > 0 {
            out.push('-');
        }
        out.extend(&d[at..(at + g).min(d.len())]);
        at += g;
    }
    out
}

fn tokens(g: &Grammar, run: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut last: Option<(usize, bool)> = None; // end of the previous token, was it a numeral
    for m in g.phone.digit.find_iter(run) {
        let s = m.as_str();
        let numeral = s.len() == 1 && s.as_bytes()[0].is_ascii_digit();
        let (digit, homophone) = if numeral {
            (s.chars().next().unwrap(), false)
        } else if let Some(v) = g.list_value(&g.phone.list, s).and_then(|v| v.chars().next()) {
            (v, false)
        } else if let Some(v) = g.phone.homophones.as_deref().and_then(|l| g.list_value(l, s)).and_then(|v| v.chars().next()) {
            (v, true)
        } else {
            continue;
        };
        let group = match (last, out.last()) {
            (Some((end, prev_numeral)), Some(prev)) => {
                let gap = &run[end..m.start()];
                let splits = gap.chars().any(|c| !c.is_whitespace()) || (!gap.is_empty() && numeral && prev_numeral);
                prev.group + usize::from(splits)
            }
            _ => 0,
        };
        out.push(Token { digit, numeral, homophone, group, at: (m.start(), m.end()) });
        last = Some((m.end(), numeral));
    }
    out
}

/// The digits a run says, words and sound-alikes included ("Nero-I Nero. 7, 7" → 09077).
pub fn digits_said(g: &Grammar, run: &str) -> String {
    digits(&tokens(g, run))
}

fn digits(toks: &[Token]) -> String {
    toks.iter().map(|t| t.digit).collect()
}

/// The ways to read a run, longest first: a sound-alike word may end the number
/// or stand outside it ("… five six seven ate" / "… seven eight for two").
fn spans(toks: &[Token]) -> Vec<&[Token]> {
    if toks.is_empty() {
        return Vec::new();
    }
    let n = toks.len();
    let mut starts = vec![0];
    let mut ends = vec![n];
    for (i, _) in toks.iter().enumerate().filter(|(_, t)| t.homophone) {
        starts.extend([i, i + 1]);
        ends.extend([i, i + 1]);
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &a in &starts {
        for &b in &ends {
            if a < b && !out.contains(&(a, b)) {
                out.push((a, b));
            }
        }
    }
    out.sort_by_key(|&(a, b)| (std::cmp::Reverse(b - a), a));
    out.into_iter().map(|(a, b)| &toks[a..b]).collect()
}

struct Plan<'a> {
    entries: &'a [PlanEntry],
    min: usize,
    max: usize,
}

impl Plan<'_> {
    fn of(g: &Grammar) -> Plan<'_> {
        Plan { entries: &g.phone.plan, min: g.phone.min_digits, max: g.phone.max_digits }
    }

    /// The entries a number starting with `d` may still turn out to be under: those
    /// with a longer prefix that `d` begins.
    fn undecided<'b>(&'b self, d: &'b str) -> impl Iterator<Item = &'b PlanEntry> + 'b {
        self.entries.iter().filter(move |e| e.prefixes.iter().any(|p| p.len() > d.len() && p.starts_with(d)))
    }

    /// The plan entry with the longest prefix the digits start with.
    fn entry(&self, d: &str) -> Option<&PlanEntry> {
        self.entries
            .iter()
            .filter_map(|e| e.prefixes.iter().filter(|p| d.starts_with(p.as_str())).map(|p| (p.len(), e)).max_by_key(|x| x.0))
            .max_by_key(|x| x.0)
            .map(|x| x.1)
    }

    fn valid(&self, d: &str) -> bool {
        let n = d.chars().count();
        match self.entry(d) {
            Some(e) => n == e.digits,
            None => (self.min..=self.max).contains(&n),
        }
    }

    /// One run of a repeated digit made one longer or shorter so the number fits
    /// the plan. Preferred: a repair after which the written groups match the
    /// plan's (090-777-8888); then one that brings the run nearest to four digits
    /// (runs of 4 are what callers say). Only a single best repair is taken.
    fn repair(&self, toks: &[Token]) -> Option<String> {
        let n = toks.len();
        if n + 1 < self.min || n > self.max + 1 {
            return None;
        }
        let mut found: Vec<((bool, usize), String)> = Vec::new();
        // A digit written alone ("5, 5, 5, 5, 5") says nothing of where the caller
        // paused: its run goes on into the groups beside it.
        let alone = |k: usize| toks.iter().filter(|t| t.group == toks[k].group).count() == 1;
        let mut i = 0;
        while i < n {
            let mut j = i + 1;
            while j < n && toks[j].digit == toks[i].digit && (toks[j].group == toks[j - 1].group || alone(j) || alone(j - 1)) {
                j += 1;
            }
            let len = j - i;
            if len >= 2 {
                for longer in [true, false] {
                    let mut t = toks.to_vec();
                    if longer {
                        t.insert(j, toks[i]);
                    } else {
                        t.remove(i);
                    }
                    let d = digits(&t);
                    if !self.valid(&d) {
                        continue;
                    }
                    let fits = self.entry(&d).is_some_and(|e| e.groups.iter().any(|w| groups_fit(&t, w)));
                    let new_len = if longer { len + 1 } else { len - 1 };
                    let toward = new_len.abs_diff(4) < len.abs_diff(4);
                    if fits || toward {
                        found.push(((fits, if toward { len.abs_diff(4) } else { 0 }), d));
                    }
                }
            }
            i = j;
        }
        found.sort_by_key(|f| std::cmp::Reverse(f.0));
        match found.as_slice() {
            [] => None,
            [(_, d)] => Some(d.clone()),
            [(k1, d), (k2, d2), ..] => (k1 > k2 || d == d2).then(|| d.clone()),
        }
    }
}

/// Where each group of a way of writing ends: [3, 4, 4] → [3, 7, 11].
fn group_ends(way: &[usize]) -> Vec<usize> {
    way.iter().scan(0, |s, g| { *s += g; Some(*s) }).collect()
}

/// Every written group ends where one of the plan's groups ends.
fn groups_fit(toks: &[Token], plan: &[usize]) -> bool {
    if plan.is_empty() {
        return false;
    }
    let ends = group_ends(plan);
    (1..toks.len()).filter(|&i| toks[i].group != toks[i - 1].group).all(|i| ends.contains(&i))
        && ends.last() == Some(&toks.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ja() -> Grammar {
        Grammar::load_from(&Grammar::root(), "ja").unwrap()
    }

    fn en() -> Grammar {
        Grammar::load_from(&Grammar::root(), "en").unwrap()
    }

    #[test]
    fn a_number_is_read_from_the_part_of_its_run_it_uses() {
        let g = en();
        let text = "070-2222-8888, I'm Kate Moss";
        let run = g.phone.run.find(text).unwrap().as_str();
        assert_eq!(run, "070-2222-8888, I'm", "I'm sounds like nine");
        assert_eq!(number_in(&g, run), Some(("07022228888".to_string(), 0..13)));
        let said = "Nero I Nero, seven seven seven seven, eight eight eight eight";
        assert_eq!(number_in(&g, said), Some(("09077778888".to_string(), 0..said.len())));
    }

    fn read(g: &Grammar, text: &str) -> Option<String> {
        let run = g.phone.run.find_iter(text).max_by_key(|m| m.len())?;
        number(g, run.as_str())
    }

    #[test]
    fn written_groups_follow_the_plan() {
        let g = en();
        let table: &[(&str, bool)] = &[
            ("090-1234-5678", true),
            ("090-12345678", true),
            ("09012345678", true),
            ("0 9 0 1 2 3 4 5 6 7 8", true),
            ("03-1234-5678", true),
            ("045-123-4567", true),
            // ten digits, a valid count, but no number is written so
            ("0-44444-5555", false),
            ("0-9-9-9-9-66666", false),
            ("09-2222-3333", false),
            // eleven: the repair handles miscounts, not this check
            ("090-777-8888", true),
            ("oh nine oh 1234 5678", true),
        ];
        for (run, want) in table {
            assert_eq!(written_as_planned(&g, run), *want, "{run}");
        }
    }

    #[test]
    fn a_digit_change_inside_a_group_is_recounted_onto_its_boundary() {
        let g = ja();
        let table: &[(&str, &[&str])] = &[
            ("090-4445-5555", &["090-4444-5555"]),
            ("090-5666 6666", &["090-5555-6666"]),
            ("090-55556666", &[]),
            ("090-1234-5678", &[]),
            ("090-7777-8888", &[]),
            // a number the plan rejects is the repair's, not this
            ("090-444-5555", &[]),
            ("oh nine oh 4445 5555", &[]),
            // 00-… is no number: only counts the plan accepts
            ("06-6666-6666", &[]),
        ];
        for (run, want) in table {
            assert_eq!(recounts(&g, run), want.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{run}");
        }
    }

    #[test]
    fn a_lost_zero_is_put_back_third_where_the_plan_takes_it() {
        let g = en();
        let table: &[(&str, Option<&str>)] = &[
            // "oh five, four four …" for "oh five oh, …": a landline becomes a 050 number
            ("0544-55-5555", Some("050-4455-5555")),
            ("0944-55-5555", Some("090-4455-5555")),
            // 030…, 040… start no number of the plan
            ("0344-55-5555", None),
            ("0444-55-5555", None),
            // a 0 already third, a number the plan rejects, words: nothing
            ("090-4444-5555", None),
            ("0544-55-555", None),
            ("oh five four four 55 5555", None),
        ];
        for (run, want) in table {
            assert_eq!(with_lost_zero(&g, run).as_deref(), *want, "{run}");
        }
    }

    #[test]
    fn a_run_one_digit_too_long_is_read_with_each_digit_dropped() {
        let g = ja();
        // Only the 1 heard third can go: any other digit leaves 081… (a landline,
        // ten digits), 01… or no trunk prefix.
        assert_eq!(with_a_digit_dropped(&g, "08-1012-34567-8"), vec!["080-1234-5678".to_string()]);
        // After 090, any of the nine digits may be the one too many.
        let r = with_a_digit_dropped(&g, "090-1234-56789");
        assert_eq!(r.len(), 9, "{r:?}");
        assert!(r.contains(&"090-1234-5678".to_string()) && r.contains(&"090-2345-6789".to_string()), "{r:?}");
        // A number the plan reads, two digits too many, words: nothing.
        for run in ["090-1234-5678", "090-12345-67890", "oh nine oh 1234 56789"] {
            assert_eq!(with_a_digit_dropped(&g, run), Vec::<String>::new(), "{run}");
        }
    }

    #[test]
    fn grows_only_into_planned_groups() {
        let g = ja();
        let table: &[(&[&str], bool)] = &[
            (&[""], true),
            (&["090"], true),
            (&["0905"], false),
            (&["090", "5555"], true),
            (&["090", "55555"], false),
            (&["090", "5555", "666"], true),
            (&["0", ""], false),
            (&["06", "12"], true),
            (&["045", "123"], true),
            (&["0451", "23"], true),
            (&["090", "5555", "6666", "1"], false),
            // every number starts with the trunk prefix 0
            (&["9"], false),
            (&["90", "5555"], false),
        ];
        for (groups, want) in table {
            assert_eq!(may_grow(&g, groups), *want, "{groups:?}");
        }
    }

    #[test]
    fn valid_numbers_are_kept() {
        let g = ja();
        assert_eq!(read(&g, "090-1234-5678").as_deref(), Some("09012345678"));
        assert_eq!(read(&g, "03-1234-5678").as_deref(), Some("0312345678"));
        assert_eq!(read(&g, "090-22223333").as_deref(), Some("09022223333"));
    }

    #[test]
    fn a_short_group_is_lengthened() {
        let g = ja();
        assert_eq!(read(&g, "080-333-4444").as_deref(), Some("08033334444"));
        assert_eq!(read(&g, "070-1111-222").as_deref(), Some("07011112222"));
    }

    #[test]
    fn the_run_furthest_from_four_is_mended() {
        let g = ja();
        // 12 digits: 66666 is the run to shorten, groups run together
        assert_eq!(read(&g, "080-444455555").as_deref(), Some("08044445555"));
        // 10 digits beginning 090: 333 is one short
        assert_eq!(read(&g, "090-1111333").as_deref(), Some("09011113333"));
        assert_eq!(read(&g, "0901111333").as_deref(), Some("09011113333"));
        // a landline with one digit too many
        assert_eq!(read(&g, "06-1111-22222").as_deref(), Some("0611112222"));
    }

    #[test]
    fn no_repair_when_it_is_a_guess() {
        let g = ja();
        // every run is 3 long and shortening any moves it away from 4
        assert_eq!(read(&g, "090-444-555-555"), None);
        assert_eq!(misheard(&g, "090-444-555-555").as_deref(), Some("090444555555"));
        // no repeated digit to blame
        assert_eq!(read(&g, "090-123-5678"), None);
        assert_eq!(misheard(&g, "090-123-5678").as_deref(), Some("0901235678"));
    }

    #[test]
    fn a_number_heard_without_its_leading_zero_is_read_with_it() {
        let g = en();
        let table: &[(&str, Option<&str>)] = &[
            ("8-0-2222-4444", Some("08022224444")),
            ("9.0-8246-2819", Some("09082462819")),
            ("3-1234-5678", Some("0312345678")),
            // and then one run mended, as any number is
            ("8-0-222-4444", Some("08022224444")),
            ("70-222266666", Some("07022226666")),
            // a number with its 0 is left as it is
            ("06-6666-6666", Some("0666666666")),
            // too short even with the 0
            ("8-0-2222-44", None),
            // a number that fits only without its 0 is none
            ("70-2222666666", None),
            ("12-182-5-21-182", None),
        ];
        for (run, want) in table {
            assert_eq!(read(&g, run).as_deref(), *want, "{run}");
        }
    }

    #[test]
    fn a_digit_written_alone_runs_on_into_its_neighbours() {
        let g = en();
        assert_eq!(read(&g, "oh eight oh, five, five, five, five, one, one, one, one, one").as_deref(), Some("08055551111"));
        assert_eq!(read(&g, "0-9-0-4-4-4-4-4-5-5-5-5").as_deref(), Some("09044445555"));
        // written groups of several digits still bound their runs
        assert_eq!(read(&g, "090-444-555-555"), None);
    }

    #[test]
    fn sound_alike_words_count_inside_a_number_only() {
        let g = en();
        assert_eq!(read(&g, "oh nine oh, won two three four, five six seven ate").as_deref(), Some("09012345678"));
        assert_eq!(read(&g, "zero eight oh, too for fine six, seven ate nein one").as_deref(), Some("08024567891"));
        // "for" before and "to" after the number are words
        assert_eq!(read(&g, "for 090 1234 5678 to").as_deref(), Some("09012345678"));
        assert_eq!(read(&g, "for 090 1234 567"), None);
        assert_eq!(misheard(&g, "for 090 1234 567 to").as_deref(), Some("0901234567"));
    }
}
