//! A business profile: who answers, when it is open, how much it can seat, and
//! what it tells callers. Loaded from a TOML file (see `samples/README.md`).

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The slots of a booking, as profiles, rules and prompts name them, in the order
/// the agent asks for them.
pub const SLOTS: [&str; 5] = ["date", "time", "party_size", "name", "phone"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Display name per language code.
    pub name: BTreeMap<String, String>,
    /// Language a call starts in when none is given.
    pub language: String,
    pub timezone: String,
    /// Opening intervals per weekday ("monday" … "sunday"), as "HH:MM-HH:MM".
    /// A missing or empty weekday is closed.
    pub hours: BTreeMap<String, Vec<String>>,
    /// Single dates the business is closed (holidays).
    #[serde(default)]
    pub closed_dates: Vec<NaiveDate>,
    pub booking: Booking,
    /// Answers to common questions, per topic then language.
    #[serde(default)]
    pub faq: BTreeMap<String, BTreeMap<String, String>>,
    /// Keep a WAV of every call (staff page); off unless the business opts in.
    #[serde(default)]
    pub record_calls: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Booking {
    /// Start times fall on multiples of this many minutes.
    pub granularity_minutes: u32,
    /// How long one booking holds a unit (table, doctor's slot).
    pub hold_minutes: u32,
    /// The last start is this many minutes before an interval closes.
    pub last_start_before_close_minutes: u32,
    /// Tables, or 1 for one patient per slot.
    pub units: u32,
    pub party_min: u32,
    /// A larger party is handed to staff.
    pub party_max: u32,
    /// Slots the agent must fill before it reads the booking back.
    pub required: Vec<String>,
}

/// One opening interval of a day, [open, close).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

impl Profile {
    pub fn load(path: &Path) -> Result<Profile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read profile {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("profile {} is not valid", path.display()))
    }

    pub fn parse(text: &str) -> Result<Profile> {
        let p: Profile = toml::from_str(text)?;
        p.timezone
            .parse::<chrono_tz::Tz>()
            .map_err(|e| anyhow::anyhow!("timezone: {e}"))?;
        for (day, list) in &p.hours {
            if parse_weekday(day).is_none() {
                bail!("hours: unknown weekday {day:?} (use monday … sunday)");
            }
            for s in list {
                parse_interval(s).with_context(|| format!("hours.{day}: {s:?}"))?;
            }
        }
        for slot in &p.booking.required {
            if !SLOTS.contains(&slot.as_str()) {
                bail!("booking.required: unknown slot {slot:?}");
            }
        }
        if p.booking.granularity_minutes == 0 || p.booking.units == 0 {
            bail!("booking: granularity_minutes and units must be at least 1");
        }
        Ok(p)
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().expect("checked at load")
    }

    pub fn display_name(&self, lang: &str) -> &str {
        self.name
            .get(lang)
            .or_else(|| self.name.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn requires(&self, slot: &str) -> bool {
        self.booking.required.iter().any(|s| s == slot)
    }

    /// Opening intervals on a date; empty when closed.
    pub fn intervals(&self, date: NaiveDate) -> Vec<Interval> {
        if self.closed_dates.contains(&date) {
            return Vec::new();
        }
        self.hours
            .iter()
            .filter(|(day, _)| parse_weekday(day) == Some(date.weekday()))
            .flat_map(|(_, list)| list.iter().filter_map(|s| parse_interval(s).ok()))
            .collect()
    }

    pub fn is_open_day(&self, date: NaiveDate) -> bool {
        !self.intervals(date).is_empty()
    }

    /// Is `t` inside the opening hours [open, close) of `date`?
    pub fn is_open_at(&self, date: NaiveDate, t: NaiveTime) -> bool {
        self.intervals(date).iter().any(|i| i.open <= t && t < i.close)
    }

    /// Every start time a booking may take on `date`, in order.
    pub fn start_times(&self, date: NaiveDate) -> Vec<NaiveTime> {
        let step = self.booking.granularity_minutes as i64;
        let mut out = Vec::new();
        for i in self.intervals(date) {
            let last = i.close
                - chrono::Duration::minutes(self.booking.last_start_before_close_minutes as i64);
            let mut t = i.open;
            while t <= last && t >= i.open {
                out.push(t);
                let next = t + chrono::Duration::minutes(step);
                if next <= t {
                    break; // wrapped past midnight
                }
                t = next;
            }
        }
        out
    }

    pub fn is_start_time(&self, at: NaiveDateTime) -> bool {
        self.start_times(at.date()).contains(&at.time())
    }
}

pub fn parse_weekday(s: &str) -> Option<Weekday> {
    s.parse::<Weekday>().ok()
}

fn parse_interval(s: &str) -> Result<Interval> {
    let (a, b) = s.split_once('-').context("expected HH:MM-HH:MM")?;
    let open = NaiveTime::parse_from_str(a.trim(), "%H:%M").context("opening time")?;
    let close = NaiveTime::parse_from_str(b.trim(), "%H:%M").context("closing time")?;
    if close <= open {
        bail!("closing time must be after opening time");
    }
    Ok(Interval { open, close })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restaurant() -> Profile {
        Profile::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/restaurant.toml")))
            .unwrap()
    }

    #[test]
    fn restaurant_start_times_end_at_last_seating() {
        let p = restaurant();
        let fri = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let times = p.start_times(fri);
        assert_eq!(times.first().unwrap().to_string(), "11:00:00");
        assert_eq!(times.last().unwrap().to_string(), "21:00:00");
        let wed = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(p.start_times(wed).is_empty());
    }

    #[test]
    fn bad_profile_is_a_clear_error() {
        let err = Profile::parse("name = 3").unwrap_err();
        assert!(!format!("{err:#}").is_empty());
    }
}
