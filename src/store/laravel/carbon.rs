//! When Laravel takes a reset token for expired: `Carbon::parse($createdAt)
//! ->addSeconds($expires)->isPast()`, with `created_at` a wall-clock time in
//! the app's zone. Around a clock change that is not `created_at + expire`:
//! PHP reads a time the clock shows twice as one of its two moments (which
//! one depends on the zone), adds the seconds to the wall clock, and reads
//! the result again, keeping the offset it had where that offset is still
//! valid. This is that arithmetic, step for step as PHP 8.2's timelib does
//! it (checked against Carbon itself by `tests/cli/laravel_dst.rs`).

use chrono::offset::LocalResult;
use chrono::{DateTime, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// The last moment Laravel accepts a token created at `created` (the wall
/// clock of `zone`) that lives `expire`: it is refused once this is past.
pub fn last_valid(created: NaiveDateTime, zone: Tz, expire: TimeDelta) -> Option<DateTime<Utc>> {
    let parsed = read(zone, created.and_utc().timestamp());
    let offset = offset_at(zone, parsed);
    let later = parsed + offset + expire.num_seconds();
    DateTime::from_timestamp(read_keeping(zone, later, offset), 0)
}

/// The zone's offset from UTC, in seconds, at the Unix time `t`.
fn offset_at(zone: Tz, t: i64) -> i64 {
    let at = DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .naive_utc();
    i64::from(zone.offset_from_utc_datetime(&at).fix().local_minus_utc())
}

/// A wall-clock time (as seconds, read as if UTC) as PHP reads it without
/// an offset: the offset in force at that many seconds read as UTC, unless
/// that lands in another period and the time is not in the moment a
/// change makes (timelib's `do_adjust_timezone`).
fn read(zone: Tz, local: i64) -> i64 {
    let before = offset_at(zone, local);
    let after = offset_at(zone, local - before);
    if before == after {
        return local - before;
    }
    let change = last_change(zone, local - before);
    let in_change = local - after >= change + (before - after) && local - after < change;
    if in_change {
        local - before
    } else {
        local - after
    }
}

/// A wall-clock time after adding: the offset it had before, where that
/// offset still names this time (a time shown twice stays on the side it
/// was on), else read afresh.
fn read_keeping(zone: Tz, local: i64, offset: i64) -> i64 {
    let wall = DateTime::from_timestamp(local, 0)
        .unwrap_or_default()
        .naive_utc();
    let valid = |t: DateTime<Tz>| i64::from(t.offset().fix().local_minus_utc()) == offset;
    let keeps = match zone.from_local_datetime(&wall) {
        LocalResult::Single(t) => valid(t),
        LocalResult::Ambiguous(a, b) => valid(a) || valid(b),
        LocalResult::None => false,
    };
    if keeps {
        local - offset
    } else {
        read(zone, local)
    }
}

/// The latest moment at or before `t` at which the zone's offset changed
/// (looked for within two days; far in the past when there was none).
fn last_change(zone: Tz, t: i64) -> i64 {
    let now = offset_at(zone, t);
    let (mut lo, mut hi) = (t - 2 * 86_400, t);
    if offset_at(zone, lo) == now {
        return i64::MIN / 2;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if offset_at(zone, mid) == now {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn last(zone: &str, created: &str, minutes: i64) -> String {
        let t = last_valid(
            wall(created),
            zone.parse().unwrap(),
            TimeDelta::minutes(minutes),
        );
        crate::clock::rfc3339(t.unwrap())
    }

    /// Each figure is what Carbon 2.65 on PHP 8.2 gave for
    /// `Carbon::parse(created)->addSeconds(...)`.
    #[test]
    fn as_carbon_counts_across_clock_changes() {
        let chicago = "America/Chicago";
        assert_eq!(
            last(chicago, "2026-11-01 00:30:00", 60),
            "2026-11-01T06:30:00Z"
        );
        assert_eq!(
            last(chicago, "2026-11-01 00:30:00", 120),
            "2026-11-01T08:30:00Z"
        );
        assert_eq!(
            last(chicago, "2026-11-01 01:30:00", 60),
            "2026-11-01T08:30:00Z"
        );
        assert_eq!(
            last(chicago, "2026-11-01 01:59:59", 1),
            "2026-11-01T08:00:59Z"
        );
        assert_eq!(
            last(chicago, "2026-03-08 01:30:00", 60),
            "2026-03-08T08:30:00Z"
        );
        assert_eq!(
            last(chicago, "2026-03-08 02:30:00", 60),
            "2026-03-08T09:30:00Z"
        );
        assert_eq!(
            last(chicago, "2026-03-08 01:00:00", 120),
            "2026-03-08T08:00:00Z"
        );
        let berlin = "Europe/Berlin";
        // Berlin reads 02:00-02:59 on its change day as the second one.
        assert_eq!(
            last(berlin, "2026-10-25 02:30:00", 1),
            "2026-10-25T01:31:00Z"
        );
        // ...but a time reached from summer time keeps summer time.
        assert_eq!(
            last(berlin, "2026-10-24 01:00:00", 1500),
            "2026-10-25T00:00:00Z"
        );
        assert_eq!(
            last(berlin, "2026-10-25 01:59:59", 1),
            "2026-10-25T00:00:59Z"
        );
        assert_eq!(
            last("UTC", "2026-11-21 10:00:00", 60),
            "2026-11-21T11:00:00Z"
        );
    }
}
