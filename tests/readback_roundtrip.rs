//! Property: every read-back the agent speaks, fed back into the extractor,
//! gives the same date, time and party size that were booked.

use chrono::{Duration, NaiveDateTime};
use proptest::prelude::*;
use std::sync::Arc;
use yoyaku::extract::{extract, Context, Source};
use yoyaku::profile::Profile;
use yoyaku::session::{grammar, Session};
use yoyaku::store::Store;

fn profile(name: &str) -> Arc<Profile> {
    let p = format!("{}/samples/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    Arc::new(Profile::load(std::path::Path::new(&p)).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn readback_resolves_to_what_was_booked(
        lang in prop::sample::select(vec!["ja", "en"]),
        clinic in any::<bool>(),
        days in 1i64..60,
        slot in 0usize..64,
        party in 1u32..=8,
        start_hour in 8u32..20,
    ) {
        let p = profile(if clinic { "clinic" } else { "restaurant" });
        let now = NaiveDateTime::parse_from_str("2026-11-27T00:00", "%Y-%m-%dT%H:%M").unwrap()
            + Duration::hours(start_hour as i64);
        let date = now.date() + Duration::days(days);
        let starts = p.start_times(date);
        prop_assume!(!starts.is_empty());
        let time = starts[slot % starts.len()];
        let party = if clinic { 1 } else { party };
        // Say every slot in an unambiguous written form.
        let said = if lang == "ja" {
            format!("{}年{}月{}日の{}に{}名で。名前は田中です。電話番号は09012345678です。",
                date.format("%Y"), date.format("%-m"), date.format("%-d"), time.format("%H:%M"), party)
        } else {
            format!("On {} at {} for {} people, my name is John Smith, my number is 09012345678.",
                date.format("%-m/%-d/%Y"), time.format("%H:%M"), party)
        };
        let store = Store::open_in_memory().unwrap();
        let (mut s, _) = Session::start(p.clone(), lang, None, None, &store, now).unwrap();
        let mut store = store;
        let readback = s.turn(&said, Source::Typed, now, &mut store).unwrap().reply;
        let g = grammar(lang).unwrap();
        let heard = extract(&g, &readback, &Context { source: Source::Heard, now, profile: &p, call_date: None, expect: None });
        prop_assert_eq!(heard.date, Some(date), "{}", readback);
        prop_assert_eq!(heard.time, Some(time), "{}", readback);
        if !clinic {
            prop_assert_eq!(heard.party_size, Some(party), "{}", readback);
        }
    }
}
