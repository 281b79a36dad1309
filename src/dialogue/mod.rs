//! The dialogue manager: a pure state machine that runs one call.
//!
//! It reads what the caller said (through the extractor), decides what to say
//! next, and when the caller confirms, hands back a `Commit` for the caller of
//! `hear` to write to the book. It does no I/O and never reads the clock: `now`
//! comes with every turn, and the book is seen through the read-only `BookView`.

mod check;
mod say;

pub use check::{alternatives, check, check_date, BookView, Problem};
pub use say::{fill, Say};

use crate::extract::{self, phone, Chosen, Context, Slots, Source};
use crate::grammar::Grammar;
use crate::profile::{Profile, SLOTS};
use crate::store::{NewReservation, Refusal, Reservation};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Tries at one slot before the caller is handed to staff.
const MAX_TRIES: u32 = 2;
/// Requests refused (full, closed, out of hours) before the caller is handed to
/// staff: asking for another time after a refusal is no misunderstanding, but a
/// caller who finds nothing free after this many is better helped by a person.
const MAX_REFUSALS: u32 = 4;
/// What refusals are counted under in `tries`, apart from answers not understood.
const REFUSED_DATE: &str = "refused date";
const REFUSED_TIME: &str = "refused time";
/// Alternatives offered after a refusal.
const OFFERS: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Booked,
    Changed,
    Cancelled,
    Transferred,
    Incomplete,
}

/// A write the dialogue asks for; its result comes back through `Call::committed`.
#[derive(Debug, Clone, PartialEq)]
pub enum Commit {
    Book(NewReservation),
    Change(i64, NewReservation),
    Cancel(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    pub commit: Option<Commit>,
    /// The call is over (booked, transferred …): hang up after speaking.
    pub end: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Book,
    Change,
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Change/cancel: finding the reservation by phone number.
    Find,
    Collect,
    Confirm,
    /// A commit is out; waiting for its result.
    Committing,
    Done,
}

/// The reservation being put together.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    pub date: Option<NaiveDate>,
    pub time: Option<NaiveTime>,
    pub party_size: Option<u32>,
    pub name: Option<String>,
    pub phone: Option<String>,
}

impl Draft {
    fn has(&self, slot: &str) -> bool {
        match slot {
            "date" => self.date.is_some(),
            "time" => self.time.is_some(),
            "party_size" => self.party_size.is_some(),
            "name" => self.name.is_some(),
            _ => self.phone.is_some(),
        }
    }

    /// Clears `slot`, so that it is asked for next.
    fn forget(&mut self, slot: &str) {
        match slot {
            "date" => self.date = None,
            "time" => self.time = None,
            "party_size" => self.party_size = None,
            "name" => self.name = None,
            _ => self.phone = None,
        }
    }

    fn at(&self) -> Option<NaiveDateTime> {
        Some(self.date?.and_time(self.time?))
    }
}

pub struct Call {
    profile: Arc<Profile>,
    grammar: Arc<Grammar>,
    caller_id: Option<String>,
    mode: Mode,
    phase: Phase,
    draft: Draft,
    target: Option<Reservation>,
    asked: Option<&'static str>,
    tries: BTreeMap<&'static str, u32>,
    offers: Vec<NaiveDateTime>,
    /// The refused time the offers stand in for. When the caller names another day
    /// instead of taking one ("Sunday then"), it is checked on that day, not asked
    /// for afresh.
    refused_time: Option<NaiveTime>,
    outcome: Outcome,
    answered_inquiry: bool,
    /// The start of a phone number given in pieces ("oh nine oh, one two three
    /// four…"), to be joined to the digits of the next turn.
    phone_start: Option<String>,
    /// What the caller said with a change or cancel request ("change my booking for
    /// tomorrow to 9 pm"), which still holds once the reservation is found.
    request: Option<Slots>,
}

impl Call {
    pub fn new(profile: Arc<Profile>, grammar: Arc<Grammar>, caller_id: Option<String>) -> Call {
        let caller_id = caller_id.filter(|c| !c.is_empty());
        Call {
            profile,
            grammar,
            draft: Draft { phone: caller_id.clone(), ..Draft::default() },
            caller_id,
            mode: Mode::Book,
            phase: Phase::Collect,
            target: None,
            asked: None,
            tries: BTreeMap::new(),
            offers: Vec::new(),
            refused_time: None,
            outcome: Outcome::Incomplete,
            answered_inquiry: false,
            phone_start: None,
            request: None,
        }
    }

    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Why the call happened, for the staff page: book, change, cancel, inquiry,
    /// transferred or incomplete.
    pub fn reason(&self) -> &'static str {
        match self.outcome {
            Outcome::Booked => "book",
            Outcome::Changed => "change",
            Outcome::Cancelled => "cancel",
            Outcome::Transferred => "transferred",
            Outcome::Incomplete if self.answered_inquiry => "inquiry",
            Outcome::Incomplete => "incomplete",
        }
    }

    /// What one booking holds in the book, from the profile.
    pub fn capacity(&self) -> crate::store::Capacity {
        let b = &self.profile.booking;
        crate::store::Capacity { units: b.units, hold_minutes: b.hold_minutes }
    }

    fn say(&self) -> Say<'_> {
        Say::new(&self.grammar)
    }

    /// The first words of the call; a known caller is greeted by name.
    pub fn greet(&mut self, book: &dyn BookView) -> Reply {
        let business = self.profile.display_name(&self.grammar.lang).to_string();
        let known = self.caller_id.as_deref().and_then(|id| book.last(id));
        let text = match known {
            Some(r) => {
                self.draft.name = Some(r.name.clone());
                self.say().line("greeting_returning", &[("business", business), ("name", r.name)])
            }
            None => self.say().line("greeting", &[("business", business)]),
        };
        self.reply(text)
    }

    /// One caller turn, typed or as the recogniser heard it.
    pub fn hear(&mut self, text: &str, source: Source, now: NaiveDateTime, book: &dyn BookView) -> Reply {
        if matches!(self.phase, Phase::Done | Phase::Committing) {
            return self.end(self.say().line("goodbye", &[]));
        }
        let ctx = Context { source, now, profile: &self.profile, call_date: self.draft.date, expect: self.asked };
        let s = extract::extract(&self.grammar, text, &ctx);
        let intent = s.intent.as_deref();
        if intent == Some("human") {
            return self.transfer("transfer");
        }
        if matches!(intent, Some("cancel" | "change"))
            && self.mode == Mode::Book
            && !(self.draft.has("date") || self.draft.has("time") || self.draft.has("party_size"))
        {
            self.mode = if intent == Some("cancel") { Mode::Cancel } else { Mode::Change };
            self.phase = Phase::Find;
            self.asked = None;
            self.request = Some(s.clone());
        }
        match self.phase {
            Phase::Find => self.find(&s, now, book),
            Phase::Confirm => self.confirm(&s, text, now, book),
            _ => self.collect(&s, text, now, book),
        }
    }

    /// The result of the last `Commit`.
    pub fn committed(
        &mut self,
        result: Result<i64, Refusal>,
        now: NaiveDateTime,
        book: &dyn BookView,
    ) -> Reply {
        let at = self.draft.at();
        match result {
            Ok(_) => {
                let (outcome, key) = match self.mode {
                    Mode::Book => (Outcome::Booked, "booked"),
                    Mode::Change => (Outcome::Changed, "changed"),
                    Mode::Cancel => (Outcome::Cancelled, "cancelled"),
                };
                self.outcome = outcome;
                let vars = at.map(|a| self.when_vars(a)).unwrap_or_default();
                let text = self.say().line(key, &vars);
                self.end(text)
            }
            Err(Refusal::Full) => {
                self.phase = Phase::Collect;
                let lead = self.say().line("taken_meanwhile", &[]);
                match at {
                    Some(at) => self.refuse(Problem::Full, at, now, book, vec![lead]),
                    None => self.reply(lead),
                }
            }
            Err(Refusal::NotFound) => {
                let text = self.say().line("no_reservation", &[]);
                self.end(text)
            }
        }
    }

    // ------------------------------------------------------------ phases

    fn collect(&mut self, s: &Slots, text: &str, now: NaiveDateTime, book: &dyn BookView) -> Reply {
        let mut lead = Vec::new();
        // "Never mind, leave it as it is": a change given up keeps the reservation.
        if s.intent.as_deref() == Some("keep") && self.mode == Mode::Change && !s.has_details() {
            let text = self.say().line("kept", &[]);
            return self.end(text);
        }
        // A question's date (「明日は営業していますか」) is about the answer, not a booking.
        if s.intent.as_deref() == Some("inquiry") {
            lead.push(self.answer(text, s));
            if self.asked.is_none() && self.draft == self.fresh_draft() {
                lead.push(self.say().line("anything_else", &[]));
                return self.reply(self.say().join(&lead));
            }
            return self.proceed(now, book, lead);
        }
        let mut gave = self.apply_said(s, text);
        if let Some(at) = self.offer_named(s) {
            self.draft.date = Some(at.date());
            self.draft.time = Some(at.time());
            // A weekday alone that names an offer gave the day: no reply misheard.
            if gave.is_empty() {
                gave.push("date");
            }
        }
        let mut heard = s.phone_heard.clone();
        if self.asked == Some("phone") && self.draft.phone.is_none() && s.phone.is_none() {
            // A number given in pieces: the digits so far, and this turn's.
            let said = extract::digits_said(&self.grammar, text);
            let start = self.phone_start.take();
            let digits = format!("{}{said}", start.as_deref().unwrap_or_default());
            if let Some(p) = start.as_ref().and_then(|_| phone::number(&self.grammar, &digits)) {
                self.draft.phone = Some(p);
                gave.push("phone");
                heard = None;
            } else if !said.is_empty() && phone::number_start(&self.grammar, &digits) {
                let so_far = self.say().phone(&digits);
                self.phone_start = Some(digits);
                return self.reply(self.say().line("phone_go_on", &[("heard", so_far)]));
            } else if start.is_some() && !said.is_empty() {
                heard = Some(digits);
            }
        }
        if let Some(heard) = heard.as_deref().filter(|_| self.draft.phone.is_none()) {
            // Say what was heard, so the caller knows to repeat the number, not the rest.
            if self.fail("phone") {
                return self.transfer("transfer_after_retries");
            }
            lead.push(self.say().line("phone_wrong_length", &[("heard", self.say().phone(heard))]));
            return self.proceed(now, book, lead);
        }
        let chosen = extract::offer_chosen(&self.grammar, text).and_then(|c| match c {
            Chosen::Place(i) => self.offers.get(i).copied(),
            Chosen::Earliest => self.offers.iter().min().copied(),
            Chosen::Latest => self.offers.iter().max().copied(),
        });
        if let (true, Some(at)) = (gave.is_empty(), chosen) {
            // "The second one": the offered time in that place.
            self.draft.date = Some(at.date());
            self.draft.time = Some(at.time());
        } else if let Some(slot) = extract::slot_named(&self.grammar, text).filter(|_| gave.is_empty() && self.asked.is_none()) {
            // The answer to "what should I change?": that slot is asked for again.
            self.draft.forget(&slot);
        } else if gave.is_empty() {
            match s.intent.as_deref() {
                Some("yes") if !self.offers.is_empty() => {
                    let at = self.offers[0];
                    self.draft.date = Some(at.date());
                    self.draft.time = Some(at.time());
                }
                Some("no") if !self.offers.is_empty() => {
                    self.offers.clear();
                    self.draft.time = None;
                    self.asked = None;
                }
                // "I'd like to book" while a slot is asked: no answer, but no mishearing either.
                Some("book") => {}
                // "Hello?", 「もしもし」: the caller checks the line; the agent is there.
                Some("hello") => {
                    lead.push(self.say().line("hello", &[]));
                    if self.asked.is_none() && self.draft == self.fresh_draft() {
                        lead.push(self.say().line("anything_else", &[]));
                        return self.reply(self.say().join(&lead));
                    }
                }
                _ => {
                    if let Some(slot) = self.asked {
                        if self.fail(slot) {
                            return self.transfer("transfer_after_retries");
                        }
                        lead.push(self.say().line("not_understood", &[]));
                    } else if s.intent.is_none() && !self.answered_inquiry {
                        lead.push(self.say().line("not_understood", &[]));
                    }
                }
            }
        } else if gave.contains(&"date") || gave.contains(&"time") {
            // Another day for the time refused ("Sunday then") is checked with that time.
            if !self.offers.is_empty() && !gave.contains(&"time") {
                self.draft.time = self.draft.time.or(self.refused_time);
            }
            self.offers.clear();
        }
        // Otherwise (a name, a number) the offers still stand and are made again.
        self.proceed(now, book, lead)
    }

    /// The offered slot an answer names by its time alone or its date alone: after
    /// "Thursday or Tuesday at 7 p.m.", "7 p.m. then" takes the first. A weekday said
    /// with a date it does not fall on names the offer on that weekday ("Saturday,
    /// November 18" after "Saturday, November 14"). The read-back that follows lets the
    /// caller correct it.
    fn offer_named(&self, s: &Slots) -> Option<NaiveDateTime> {
        let weekday = s.weekday_of_no_date;
        if (s.date.is_some() && s.time.is_some()) || (s.date.is_none() && s.time.is_none() && weekday.is_none()) {
            return None;
        }
        self.offers.iter().copied().find(|o| {
            s.date.is_none_or(|d| o.date() == d) && s.time.is_none_or(|t| o.time() == t) && weekday.is_none_or(|w| o.weekday() == w)
        })
    }

    fn confirm(&mut self, s: &Slots, text: &str, now: NaiveDateTime, book: &dyn BookView) -> Reply {
        if self.mode == Mode::Cancel {
            return match s.intent.as_deref() {
                // "Yes, cancel it": asked whether to cancel, a cancel is a yes.
                Some("yes" | "cancel") => self.commit(),
                Some("no" | "keep") => {
                    let text = self.say().line("kept", &[]);
                    self.end(text)
                }
                _ => self.retry_readback(),
            };
        }
        let gave = self.apply_said(s, text);
        if !gave.is_empty() {
            self.offers.clear();
            self.phase = Phase::Collect;
            return self.proceed(now, book, Vec::new());
        }
        match s.intent.as_deref() {
            Some("yes") => self.commit(),
            // "Yes, book it", 「それで予約してください」: asked whether to book, a booking is a yes.
            Some("book") if self.mode == Mode::Book => self.commit(),
            Some("change") if self.mode == Mode::Change => self.commit(),
            Some("no") => {
                self.phase = Phase::Collect;
                self.asked = None;
                let text = self.say().line("what_to_fix", &[]);
                self.reply(text)
            }
            Some("inquiry") => {
                let answer = self.answer(text, s);
                let rb = self.readback();
                self.reply(self.say().join(&[answer, rb]))
            }
            _ => self.retry_readback(),
        }
    }

    fn retry_readback(&mut self) -> Reply {
        if self.fail("confirm") {
            return self.transfer("transfer_after_retries");
        }
        let sorry = self.say().line("not_understood", &[]);
        let rb = self.readback();
        self.reply(self.say().join(&[sorry, rb]))
    }

    /// Change or cancel: find the caller's reservation by phone number.
    fn find(&mut self, s: &Slots, now: NaiveDateTime, book: &dyn BookView) -> Reply {
        let mut s = s.clone();
        if let Some(r) = &self.request {
            s.date = s.date.or(r.date);
            s.time = s.time.or(r.time);
            s.shift = s.shift.or(r.shift);
            s.party_size = s.party_size.or(r.party_size);
        }
        let s = &s;
        if let Some(p) = &s.phone {
            self.draft.phone = Some(p.clone());
        }
        let Some(phone) = self.draft.phone.clone() else {
            if self.asked == Some("phone") && self.fail("phone") {
                return self.transfer("transfer_after_retries");
            }
            self.asked = Some("phone");
            let text = self.say().line("ask_phone_for_lookup", &[]);
            return self.reply(text);
        };
        let found = book.upcoming(&phone, now.date());
        if found.is_empty() {
            self.draft.phone = None;
            if self.fail("phone") {
                return self.transfer("transfer_after_retries");
            }
            self.asked = Some("phone");
            let text = self.say().join(&[
                self.say().line("no_reservation", &[]),
                self.say().line("ask_phone_for_lookup", &[]),
            ]);
            return self.reply(text);
        }
        // "My Saturday booking", 「土曜日の予約」: a bare weekday is the next one, but it
        // names the booking on that weekday when none is on that date.
        let names = |r: &Reservation, d: NaiveDate| r.date == d || (r.date.weekday() == d.weekday() && !found.iter().any(|x| x.date == d));
        let by_date: Vec<&Reservation> = found.iter().filter(|r| s.date.is_some_and(|d| names(r, d))).collect();
        let target = match (found.len(), by_date.as_slice()) {
            (1, _) => found[0].clone(),
            (_, [one]) => (*one).clone(),
            _ => {
                self.asked = Some("date");
                let options: Vec<String> =
                    found.iter().map(|r| self.say().when(r.date.and_time(r.time))).collect();
                let text = self.say().line("which_reservation", &[("options", self.say().list(&options))]);
                return self.reply(text);
            }
        };
        self.draft = Draft {
            date: Some(target.date),
            time: Some(target.time),
            party_size: Some(target.party_size),
            name: Some(target.name.clone()),
            phone: Some(target.phone.clone()),
        };
        let vars = self.reservation_vars(&target);
        self.target = Some(target.clone());
        self.asked = None;
        if self.mode == Mode::Cancel {
            self.phase = Phase::Confirm;
            let text = self.say().line(&self.without_party("confirm_cancel"), &vars);
            return self.reply(text);
        }
        self.phase = Phase::Collect;
        // 「5日の予約を8時に変更」: a date equal to the booking's names it; anything else is new.
        let new = Slots { date: s.date.filter(|d| !names(&target, *d)), phone: None, name: None, ..s.clone() };
        if self.apply(&new).is_empty() {
            let text = self.say().line("ask_change", &vars);
            return self.reply(text);
        }
        self.proceed(now, book, Vec::new())
    }

    /// Validates what is known, asks for the next missing slot, or reads back.
    fn proceed(&mut self, now: NaiveDateTime, book: &dyn BookView, mut lead: Vec<String>) -> Reply {
        let p = self.profile.clone();
        if let Some(n) = self.draft.party_size {
            if n > p.booking.party_max && p.requires("party_size") {
                let party = self.say().party(n);
                return self.transfer_with("party_too_large", &[("party", party)]);
            }
            if n < p.booking.party_min {
                self.draft.party_size = None;
                lead.push(self.say().line("refuse_party_small", &[]));
            }
        }
        if let Some(d) = self.draft.date {
            if let Err(problem) = check_date(&p, now, d) {
                let at = d.and_time(self.draft.time.unwrap_or(now.time()));
                return self.refuse(problem, at, now, book, lead);
            }
        }
        if let Some(at) = self.draft.at() {
            let exclude = self.target.as_ref().map(|t| t.id);
            if let Err(problem) = check(&p, book, now, at, exclude) {
                return self.refuse(problem, at, now, book, lead);
            }
        }
        for slot in SLOTS {
            if !p.requires(slot) || self.draft.has(slot) {
                continue;
            }
            if slot == "phone" {
                if let Some(id) = &self.caller_id {
                    self.draft.phone = Some(id.clone());
                    continue;
                }
            }
            self.asked = Some(slot);
            // Offers still standing for the slot asked are made again.
            if !self.offers.is_empty() && matches!(slot, "date" | "time") {
                lead.push(self.offer_line());
            } else {
                lead.push(self.say().line(&format!("ask_{slot}"), &[]));
            }
            return self.reply(self.say().join(&lead));
        }
        self.asked = None;
        // A change that changes nothing is no change to confirm: ask what it should be.
        if let Some(t) = self.target.clone().filter(|_| self.mode == Mode::Change) {
            if (self.draft.date, self.draft.time, self.draft.party_size) == (Some(t.date), Some(t.time), Some(t.party_size)) {
                if self.fail("change") {
                    return self.transfer("transfer_after_retries");
                }
                let vars = self.reservation_vars(&t);
                lead.push(self.say().line("ask_change", &vars));
                return self.reply(self.say().join(&lead));
            }
        }
        self.phase = Phase::Confirm;
        lead.push(self.readback());
        self.reply(self.say().join(&lead))
    }

    /// Says why `at` cannot be booked and offers the nearest free starts.
    fn refuse(
        &mut self,
        problem: Problem,
        at: NaiveDateTime,
        now: NaiveDateTime,
        book: &dyn BookView,
        mut lead: Vec<String>,
    ) -> Reply {
        let slot = if problem.is_about_date() || (problem == Problem::Past && at.date() < now.date()) {
            self.draft.date = None;
            self.refused_time = None;
            "date"
        } else {
            self.draft.time = None;
            self.refused_time = Some(at.time());
            "time"
        };
        self.phase = Phase::Collect;
        // Refusals count apart from answers not understood: after one refusal the
        // caller's unclear answer to the offer still gets a second chance.
        if self.fail(if slot == "date" { REFUSED_DATE } else { REFUSED_TIME }) {
            return self.transfer("transfer_after_retries");
        }
        self.asked = Some(slot);
        lead.push(self.say().line(problem.prompt(), &self.when_vars(at)));
        let exclude = self.target.as_ref().map(|t| t.id);
        self.offers = alternatives(&self.profile, book, now, at, exclude, OFFERS);
        lead.push(if self.offers.is_empty() { self.say().line("no_offer", &[]) } else { self.offer_line() });
        self.reply(self.say().join(&lead))
    }

    /// "We could do … Would that work?" with the offers held.
    fn offer_line(&self) -> String {
        let options: Vec<String> = self.offers.iter().map(|o| self.say().when(*o)).collect();
        self.say().line("offer", &[("options", self.say().list(&options))])
    }

    fn commit(&mut self) -> Reply {
        let text = String::new();
        let commit = match (self.mode, &self.target) {
            (Mode::Cancel, Some(t)) => Commit::Cancel(t.id),
            (mode, target) => {
                let Some(new) = self.new_reservation() else {
                    // Cannot happen after a read-back; ask again rather than book half a reservation.
                    self.phase = Phase::Collect;
                    let text = self.say().line("not_understood", &[]);
                    return self.reply(text);
                };
                match (mode, target) {
                    (Mode::Change, Some(t)) => Commit::Change(t.id, new),
                    _ => Commit::Book(new),
                }
            }
        };
        self.phase = Phase::Committing;
        Reply { text, commit: Some(commit), end: false }
    }

    // ------------------------------------------------------------ helpers

    /// Copies the slots the caller gave into the draft; returns which they were.
    fn apply(&mut self, s: &Slots) -> Vec<&'static str> {
        let mut gave = Vec::new();
        if s.date.is_some() {
            self.draft.date = s.date;
            gave.push("date");
        }
        if s.time.is_some() {
            self.draft.time = s.time;
            gave.push("time");
        } else if let Some(moved) = s.shift.and_then(|m| shifted(self.draft.time?, m)) {
            // "An hour later": the time already given or booked, moved.
            self.draft.time = Some(moved);
            gave.push("time");
        }
        if s.party_size.is_some() {
            self.draft.party_size = s.party_size;
            gave.push("party_size");
        }
        if s.name.is_some() {
            self.draft.name = s.name.clone();
            gave.push("name");
        }
        if s.phone.is_some() {
            self.draft.phone = s.phone.clone();
            gave.push("phone");
        }
        gave
    }

    /// `apply` for what the caller said in `text`, which may also give part of the
    /// phone number again (`mend_phone`).
    fn apply_said(&mut self, s: &Slots, text: &str) -> Vec<&'static str> {
        let mut gave = self.apply(s);
        if s.phone.is_none() && self.mend_phone(text) {
            gave.push("phone");
        }
        gave
    }

    /// Part of the phone number said again ("the last four digits are 0011") in place
    /// of that part of the number held, if a valid number comes of it.
    fn mend_phone(&mut self, text: &str) -> bool {
        let Some(held) = self.draft.phone.as_deref() else { return false };
        let Some((last, part)) = extract::phone_part(&self.grammar, text) else { return false };
        if part.len() >= held.len() {
            return false;
        }
        let mended = if last { format!("{}{part}", &held[..held.len() - part.len()]) } else { format!("{part}{}", &held[part.len()..]) };
        let Some(number) = phone::number(&self.grammar, &mended) else { return false };
        self.draft.phone = Some(number);
        true
    }

    /// Counts a failed try at `slot`; true when the caller should go to staff.
    fn fail(&mut self, slot: &'static str) -> bool {
        let limit = if matches!(slot, REFUSED_DATE | REFUSED_TIME) { MAX_REFUSALS } else { MAX_TRIES };
        let n = self.tries.entry(slot).or_insert(0);
        *n += 1;
        *n >= limit
    }

    fn new_reservation(&self) -> Option<NewReservation> {
        let d = &self.draft;
        let party = if self.profile.requires("party_size") { d.party_size? } else { 1 };
        Some(NewReservation {
            date: d.date?,
            time: d.time?,
            party_size: party,
            name: d.name.clone()?,
            phone: d.phone.clone()?,
            call_id: None,
        })
    }

    fn readback(&self) -> String {
        // Asked again whether to cancel, the caller hears the same question.
        if let Some(t) = self.target.as_ref().filter(|_| self.mode == Mode::Cancel) {
            return self.say().line(&self.without_party("confirm_cancel"), &self.reservation_vars(t));
        }
        let d = &self.draft;
        let mut vars = vec![
            ("name", d.name.clone().unwrap_or_default()),
            ("phone", d.phone.as_deref().map(|p| self.say().phone(p)).unwrap_or_default()),
            ("party", d.party_size.map(|n| self.say().party(n)).unwrap_or_default()),
        ];
        if let Some(at) = d.at() {
            vars.extend(self.when_vars(at));
        }
        let key = if self.mode == Mode::Change { "readback_change" } else { "readback" };
        self.say().line(&self.without_party(key), &vars)
    }

    /// A line's key for a business that takes no party size (a clinic): the same
    /// line without the party, `KEY_clinic` in the prompts.
    fn without_party(&self, key: &str) -> String {
        if self.profile.requires("party_size") {
            key.to_string()
        } else {
            format!("{key}_clinic")
        }
    }

    fn when_vars(&self, at: NaiveDateTime) -> Vec<(&'static str, String)> {
        vec![("date", self.say().date(at.date())), ("time", self.say().time(at.time()))]
    }

    fn reservation_vars(&self, r: &Reservation) -> Vec<(&'static str, String)> {
        let mut v = self.when_vars(r.date.and_time(r.time));
        v.push(("party", self.say().party(r.party_size)));
        v.push(("name", r.name.clone()));
        v
    }

    /// Answers an inquiry from the profile: a day's hours, or a FAQ entry.
    fn answer(&mut self, text: &str, s: &Slots) -> String {
        self.answered_inquiry = true;
        let lang = self.grammar.lang.clone();
        let topic = extract::topic(&self.grammar, text).unwrap_or_else(|| "hours".into());
        if topic == "hours" {
            if let Some(d) = s.date {
                let date = self.say().date(d);
                return if self.profile.is_open_day(d) {
                    let hours = self.say().hours(&self.profile, d);
                    self.say().line("open_on", &[("date", date), ("hours", hours)])
                } else {
                    self.say().line("closed_on", &[("date", date)])
                };
            }
        }
        let faq = self.profile.faq.get(&topic).or_else(|| self.profile.faq.get("hours"));
        faq.and_then(|f| f.get(&lang).or_else(|| f.values().next())).cloned().unwrap_or_default()
    }

    /// The draft before the caller said anything: only what caller ID gave us.
    fn fresh_draft(&self) -> Draft {
        Draft { phone: self.caller_id.clone(), name: self.draft.name.clone(), ..Draft::default() }
    }

    fn transfer(&mut self, key: &str) -> Reply {
        self.transfer_with(key, &[])
    }

    fn transfer_with(&mut self, key: &str, vars: &[(&str, String)]) -> Reply {
        self.outcome = Outcome::Transferred;
        let text = self.say().line(key, vars);
        self.end(text)
    }

    fn end(&mut self, text: String) -> Reply {
        self.phase = Phase::Done;
        Reply { text, commit: None, end: true }
    }

    fn reply(&self, text: String) -> Reply {
        Reply { text, commit: None, end: false }
    }
}

/// `time` moved by `minutes`, if it stays on the same day: "an hour later" than
/// 23:30 is no time of that day's booking.
fn shifted(time: NaiveTime, minutes: i64) -> Option<NaiveTime> {
    let (moved, wrapped) = time.overflowing_add_signed(chrono::Duration::minutes(minutes));
    (wrapped == 0).then_some(moved)
}
