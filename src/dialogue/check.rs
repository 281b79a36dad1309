//! Is a requested start bookable? Checks it against the profile (past, closed
//! day, hours, last start, the booking grid) and the book (capacity), and finds
//! the nearest free alternatives when it is not.

use crate::profile::Profile;
use crate::store::{Reservation, Store};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// What the dialogue may read from the reservation book. Reads only: writes go
/// back to the caller of the dialogue as a `Commit`, so the state machine stays pure.
pub trait BookView {
    /// Booked reservations overlapping a hold starting at `at`, except `exclude`.
    fn taken(&self, at: NaiveDateTime, hold_minutes: u32, exclude: Option<i64>) -> u32;
    /// Upcoming booked reservations under a phone number, soonest first.
    fn upcoming(&self, phone: &str, from: NaiveDate) -> Vec<Reservation>;
    /// The caller's most recent reservation, for greeting them by name.
    fn last(&self, phone: &str) -> Option<Reservation>;
}

impl BookView for Store {
    fn taken(&self, at: NaiveDateTime, hold_minutes: u32, exclude: Option<i64>) -> u32 {
        // A read error counts as full: the agent never offers what it cannot check.
        self.overlapping(at, hold_minutes, exclude).unwrap_or(u32::MAX)
    }
    fn upcoming(&self, phone: &str, from: NaiveDate) -> Vec<Reservation> {
        self.upcoming_by_phone(phone, from).unwrap_or_default()
    }
    fn last(&self, phone: &str) -> Option<Reservation> {
        self.last_by_phone(phone).ok().flatten()
    }
}

/// Why a start cannot be booked; each has its own line in prompts.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Past,
    Closed,
    Hours,
    LastStart,
    Grid,
    Full,
}

impl Problem {
    pub fn prompt(self) -> &'static str {
        match self {
            Problem::Past => "refuse_past",
            Problem::Closed => "refuse_closed",
            Problem::Hours => "refuse_hours",
            Problem::LastStart => "refuse_last",
            Problem::Grid => "refuse_grid",
            Problem::Full => "refuse_full",
        }
    }

    /// Whether the date itself is the trouble (so the caller must give another day).
    pub fn is_about_date(self) -> bool {
        matches!(self, Problem::Closed)
    }
}

/// A date alone: in the past, or closed.
pub fn check_date(p: &Profile, now: NaiveDateTime, d: NaiveDate) -> Result<(), Problem> {
    if d < now.date() {
        Err(Problem::Past)
    } else if !p.is_open_day(d) {
        Err(Problem::Closed)
    } else {
        Ok(())
    }
}

pub fn check(
    p: &Profile,
    book: &dyn BookView,
    now: NaiveDateTime,
    at: NaiveDateTime,
    exclude: Option<i64>,
) -> Result<(), Problem> {
    // A start at this very minute cannot be reached either: it is never offered.
    if at <= now {
        return Err(Problem::Past);
    }
    check_date(p, now, at.date())?;
    let t = at.time();
    if !p.is_open_at(at.date(), t) {
        return Err(Problem::Hours);
    }
    if !p.is_start_time(at) {
        let step = p.booking.granularity_minutes;
        let on_grid = (t.signed_duration_since(chrono::NaiveTime::MIN).num_minutes() as u32).is_multiple_of(step);
        return Err(if on_grid { Problem::LastStart } else { Problem::Grid });
    }
    if book.taken(at, p.booking.hold_minutes, exclude) >= p.booking.units {
        return Err(Problem::Full);
    }
    Ok(())
}

/// Up to `n` bookable starts nearest to `at`: the same hour in the other half of the
/// day first (a.m. and p.m. are easily swapped, by callers and by the recogniser:
/// "10 p.m." at a clinic is 10 a.m.), then the same day, then the nearest other days
/// (the same time where possible).
pub fn alternatives(
    p: &Profile,
    book: &dyn BookView,
    now: NaiveDateTime,
    at: NaiveDateTime,
    exclude: Option<i64>,
    n: usize,
) -> Vec<NaiveDateTime> {
    let free = |c: NaiveDateTime| check(p, book, now, c, exclude).is_ok();
    let nearest_on = |d: NaiveDate| -> Vec<NaiveDateTime> {
        let mut c: Vec<NaiveDateTime> =
            p.start_times(d).into_iter().map(|t| d.and_time(t)).filter(|c| free(*c)).collect();
        let target = d.and_time(at.time());
        c.sort_by_key(|c| (*c - target).num_minutes().abs());
        c
    };
    let twin = at.date().and_time(at.time().overflowing_add_signed(Duration::hours(12)).0);
    let mut out: Vec<NaiveDateTime> = Some(twin).filter(|t| free(*t)).into_iter().take(n).collect();
    for c in nearest_on(at.date()) {
        if out.len() < n && !out.contains(&c) {
            out.push(c);
        }
    }
    for k in 1..=14 {
        for d in [at.date() + Duration::days(k), at.date() - Duration::days(k)] {
            if out.len() >= n {
                return out;
            }
            if d < now.date() {
                continue;
            }
            if let Some(c) = nearest_on(d).into_iter().next() {
                out.push(c);
            }
        }
    }
    out
}
