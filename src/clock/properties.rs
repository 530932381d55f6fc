//! Property tests of durations and the timestamp forms apps write.

use chrono::{DateTime, FixedOffset, Utc};
use proptest::prelude::*;

use super::{format_duration, parse_duration, parse_timestamp, rfc3339};

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2000 to 2200, whole seconds: the years an integer is read as a time
    // in, by its magnitude (from_unix_number).
    (946_684_800i64..7_258_118_400).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

proptest! {
    #[test]
    fn durations_round_trip(secs in 1i64..(100 * 365 * 86_400)) {
        let d = chrono::TimeDelta::seconds(secs);
        prop_assert_eq!(parse_duration(&format_duration(d)).unwrap(), d);
    }

    #[test]
    fn durations_never_panic(text in "\\PC{0,40}") {
        if let Ok(d) = parse_duration(&text) {
            prop_assert!(d.num_seconds() >= 0);
        }
    }

    #[test]
    fn every_timestamp_form_reads_back_the_same_instant(t in instant(), offset_min in -14 * 60i32..=14 * 60) {
        let offset = FixedOffset::east_opt(offset_min * 60).unwrap();
        for form in [
            rfc3339(t),
            t.with_timezone(&offset).to_rfc3339(),
            t.format("%Y-%m-%d %H:%M:%S").to_string(),
            t.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
            t.timestamp().to_string(),
            t.timestamp_millis().to_string(),
            t.timestamp_micros().to_string(),
            (i128::from(t.timestamp()) * 1_000_000_000).to_string(),
        ] {
            prop_assert_eq!(parse_timestamp(&form), Some(t), "{}", form);
        }
    }

    #[test]
    fn timestamps_never_panic(text in "\\PC{0,40}") {
        let _ = parse_timestamp(&text);
    }
}
