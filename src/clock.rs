//! Time: the clock (settable for tests), durations, and the timestamp forms
//! applications write into their databases.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::error::{Error, Result};

mod stamp;

/// The environment variable that replaces the system clock (RFC 3339), so
/// tests can move through time without sleeping.
pub const NOW_ENV: &str = "RESETCTL_NOW";

/// The current time: `RESETCTL_NOW` if set, else the system clock.
pub fn now() -> Result<DateTime<Utc>> {
    match std::env::var(NOW_ENV) {
        Ok(v) => DateTime::parse_from_rfc3339(v.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                Error::config(format!("{NOW_ENV} is not an RFC 3339 time"))
                    .with_hint("e.g. RESETCTL_NOW=2026-11-21T10:00:00Z")
            }),
        Err(std::env::VarError::NotPresent) => Ok(Utc::now()),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Error::config(format!("{NOW_ENV} is not valid UTF-8")))
        }
    }
}

/// Whether `RESETCTL_NOW` replaces the clock in this run.
pub fn is_set() -> bool {
    std::env::var_os(NOW_ENV).is_some()
}

/// Parses a duration such as `90s`, `15m`, `1h`, `2d`, `1w` or `1h30m`.
pub fn parse_duration(text: &str) -> Result<TimeDelta> {
    let bad = || {
        Error::bad_input(format!("malformed duration {}", crate::text::shown(text)))
            .with_hint("use a number and a unit: 90s, 15m, 1h, 2d, 1w (or 1h30m)")
    };
    let s = text.trim();
    if s.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: i64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad()),
        };
        let n: i64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= 100 * 365 * 86_400)
            .ok_or_else(bad)?;
    }
    if !digits.is_empty() {
        return Err(bad());
    }
    Ok(TimeDelta::seconds(total))
}

/// Shows a duration the way it would be typed: `1h`, `7d`, `1h30m`.
pub fn format_duration(d: TimeDelta) -> String {
    let mut secs = d.num_seconds();
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, len) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= len {
            out.push_str(&format!("{}{unit}", secs / len));
            secs %= len;
        }
    }
    out
}

/// The RFC 3339 UTC form with whole seconds, e.g. `2026-11-21T11:00:00Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    // Not `format("%Y...")`: parsing the pattern anew for every row was a
    // seventh of `list --json`.
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A moment cut to the millisecond, as a JavaScript clock has it.
pub fn to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// `Date.prototype.toISOString()`: `2026-11-21T11:00:00.000Z`.
pub fn iso_millis(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Reads a stored expiry written by us or by an application, in any of the
/// forms the README lists under "The database" (`stamp.rs` has them
/// exactly). `None` when it is not a time at all.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    // The ASCII blanks only: what PostgreSQL's reading trims too.
    let s = text.trim_ascii();
    if let Some(digits) = s.strip_prefix('-').or(Some(s))
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return s.parse::<i64>().ok().and_then(from_unix_number);
    }
    stamp::read(s)
}

/// A stored time as read: a moment, or a wall-clock time with no zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    At(DateTime<Utc>),
    Wall(NaiveDateTime),
}

/// Reads a stored time as [`parse_timestamp`] does, except that a time
/// without an offset is left a wall-clock time, for the frameworks that
/// write them in the app's zone (Laravel's Carbon). `None` when it is no
/// time.
pub fn read_stored(text: &str) -> Option<Stored> {
    let s = text.trim_ascii();
    match stamp::parts(s) {
        Some((wall, None)) => Some(Stored::Wall(wall)),
        Some((_, Some(_))) => stamp::read(s).map(Stored::At),
        None => parse_timestamp(s).map(Stored::At),
    }
}

/// `t` as a wall-clock time in `zone`, `YYYY-MM-DD HH:MM:SS`.
pub fn wall_clock(t: DateTime<Utc>, zone: chrono_tz::Tz) -> NaiveDateTime {
    t.with_timezone(&zone).naive_local()
}

/// The first moment, at `from` or after, at which the wall clock of `zone`
/// shows `wall` or later. A clock turned back shows a time twice; what
/// counts is the first time it gets there, so a deadline on a wall clock
/// never passes and then comes back.
pub fn first_reaching(
    zone: chrono_tz::Tz,
    wall: NaiveDateTime,
    from: DateTime<Utc>,
) -> DateTime<Utc> {
    use chrono::TimeZone;
    use chrono::offset::LocalResult;
    if wall_clock(from, zone) >= wall {
        return from;
    }
    match zone.from_local_datetime(&wall) {
        LocalResult::Single(t) => t.with_timezone(&Utc).max(from),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
            if a >= from { a } else { b.max(from) }
        }
        LocalResult::None => skipped_to(zone, wall).max(from),
    }
}

/// The last moment, at `until` or before, at which the wall clock of
/// `zone` showed `wall` (the first, if it had not shown it by then; the
/// moment a clock change skipped it, if it never does).
pub fn last_showing(
    zone: chrono_tz::Tz,
    wall: NaiveDateTime,
    until: DateTime<Utc>,
) -> DateTime<Utc> {
    use chrono::TimeZone;
    use chrono::offset::LocalResult;
    match zone.from_local_datetime(&wall) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
            if b <= until { b } else { a }
        }
        LocalResult::None => skipped_to(zone, wall),
    }
}

/// The moment a clock change skips over `wall`: where the clock jumps
/// from before it to after it. Searched for in the hours before the time
/// `wall` would be under any offset, where the clock only goes forward.
fn skipped_to(zone: chrono_tz::Tz, wall: NaiveDateTime) -> DateTime<Utc> {
    let at = |secs: i64| DateTime::from_timestamp(secs, 0).unwrap_or_default();
    let as_utc = wall.and_utc().timestamp();
    let (mut lo, mut hi) = (as_utc - 30 * 3600, as_utc + 30 * 3600);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if wall_clock(at(mid), zone) >= wall {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    at(hi)
}

/// An integer timestamp read by its magnitude, as seconds, milliseconds,
/// microseconds or nanoseconds since 1970: whichever of them falls between
/// 2000 and 2200 (the four ranges never overlap). Any other number is not a
/// time an application meant (`None`, so a token with it counts as
/// expired), never a date centuries away that would keep it alive.
pub fn from_unix_number(n: i64) -> Option<DateTime<Utc>> {
    const FROM: i64 = 946_684_800; // 2000-01-01T00:00:00Z
    const UNTIL: i64 = 7_258_118_400; // 2200-01-01T00:00:00Z
    [1, 1_000, 1_000_000, 1_000_000_000]
        .into_iter()
        .find(|per_second| (FROM..UNTIL).contains(&(n / per_second)))
        .and_then(|per_second| {
            let nanos = (n % per_second) * (1_000_000_000 / per_second);
            DateTime::from_timestamp(n / per_second, u32::try_from(nanos).ok()?)
        })
}

/// "in 42m", "3h ago", "in 1d 2h": a rough relative time for people.
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    if secs.abs() < 1 {
        return "now".into();
    }
    let span = rough_span(secs.unsigned_abs());
    if secs > 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

fn rough_span(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m"),
        (0, _, 0) => format!("{h}h"),
        (0, _, _) => format!("{h}h {m}m"),
        (_, 0, _) => format!("{d}d"),
        _ => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap().num_seconds(), 90);
        assert_eq!(parse_duration("15m").unwrap().num_seconds(), 900);
        assert_eq!(parse_duration("1h").unwrap().num_seconds(), 3600);
        assert_eq!(parse_duration("2d").unwrap().num_seconds(), 172_800);
        assert_eq!(parse_duration("1h30m").unwrap().num_seconds(), 5400);
        assert_eq!(parse_duration(" 1w ").unwrap().num_seconds(), 604_800);
        for bad in [
            "",
            "h",
            "1",
            "1x",
            "-1h",
            "1.5h",
            "99999999999999999999d",
            "1 h",
        ] {
            let e = parse_duration(bad).unwrap_err();
            assert_eq!(e.exit_code(), 65, "{bad}");
        }
        assert_eq!(format_duration(TimeDelta::seconds(5400)), "1h30m");
        assert_eq!(format_duration(TimeDelta::days(7)), "7d");
    }

    #[test]
    fn every_stored_form_is_read() {
        let want = at("2026-11-21T10:30:00Z");
        for form in [
            "2026-11-21T10:30:00Z",
            "2026-11-21T12:30:00+02:00",
            "2026-11-21T05:30:00-05:00",
            "2026-11-21 10:30:00",
            "2026-11-21 10:30:00.000",
            "2026-11-21T10:30:00",
            "2026-11-21 10:30",
            "2026-11-21 12:30:00+02:00",
            "1795257000",
            "1795257000000",
        ] {
            assert_eq!(parse_timestamp(form), Some(want), "{form}");
        }
        for junk in ["", "soon", "2026-13-01 00:00:00", "12:00"] {
            assert_eq!(parse_timestamp(junk), None, "{junk}");
        }
    }

    #[test]
    fn integers_are_read_by_magnitude_and_absurd_ones_are_not_times() {
        let want = at("2020-01-01T00:00:00Z");
        for n in [
            1_577_836_800,
            1_577_836_800_000,
            1_577_836_800_000_000,
            1_577_836_800_000_000_000,
        ] {
            assert_eq!(from_unix_number(n), Some(want), "{n}");
        }
        assert_eq!(
            from_unix_number(1_577_836_800_123),
            Some(at("2020-01-01T00:00:00.123Z"))
        );
        // Neither seconds, ms, us nor ns of any year from 2000 to 2199.
        for n in [
            0,
            -1,
            1_000,
            99_999_999_999,
            8_000_000_000_000,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(from_unix_number(n), None, "{n}");
        }
    }

    #[test]
    fn a_wall_clock_deadline_is_reached_once() {
        let chicago: chrono_tz::Tz = "America/Chicago".parse().unwrap();
        let wall = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        // 01:30 happens twice on 2026-11-01: at 06:30Z (CDT), then 07:30Z.
        let w = wall("2026-11-01 01:30:00");
        let early = at("2026-11-01T06:00:00Z");
        assert_eq!(
            first_reaching(chicago, w, early),
            at("2026-11-01T06:30:00Z")
        );
        // From inside the repeated hour, before the second 01:30.
        let repeat = at("2026-11-01T07:05:00Z");
        assert_eq!(
            first_reaching(chicago, w, repeat),
            at("2026-11-01T07:30:00Z")
        );
        // Already there, or past it: at once.
        assert_eq!(
            first_reaching(chicago, w, at("2026-11-01T06:40:00Z")),
            at("2026-11-01T06:40:00Z")
        );
        // 02:30 never happens on 2026-03-08: the clock jumps from 02:00 CST
        // to 03:00 CDT at 08:00Z.
        let skipped = wall("2026-03-08 02:30:00");
        assert_eq!(
            first_reaching(chicago, skipped, at("2026-03-08T06:00:00Z")),
            at("2026-03-08T08:00:00Z")
        );
        assert_eq!(
            first_reaching(
                chrono_tz::Tz::UTC,
                wall("2026-11-21 11:00:00"),
                at("2026-11-21T10:00:00Z")
            ),
            at("2026-11-21T11:00:00Z")
        );
    }

    #[test]
    fn relative_times() {
        let now = at("2026-11-21T10:00:00Z");
        assert_eq!(relative(at("2026-11-21T10:42:00Z"), now), "in 42m");
        assert_eq!(relative(at("2026-11-21T07:00:00Z"), now), "3h ago");
        assert_eq!(relative(at("2026-11-22T12:00:00Z"), now), "in 1d 2h");
        assert_eq!(relative(at("2026-11-21T11:05:00Z"), now), "in 1h 5m");
        assert_eq!(relative(now, now), "now");
    }
}
