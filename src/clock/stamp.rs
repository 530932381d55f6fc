//! The date-time text forms an expiry is read in, as one small grammar.
//! PostgreSQL reads expiries in SQL (`Dialect::expiry_ms`), which mirrors
//! this grammar rule for rule, so that a row counts as live or expired the
//! same in a `list` filter as in `inspect`, on either engine:
//!
//! ```text
//! YYYY-MM-DD [SEP HH:MM [:SS [.FRACTION] [ZONE]]]
//! SEP  = 'T' | ' '             ('t' too, before a ZONE)
//! ZONE = 'Z' | 'z' | +HH | -HH | +HH:MM | -HH:MM
//! ```
//!
//! Every field has its two digits (four for the year), as in RFC 3339 and
//! SQLite's own date functions. Years 0001-9999, a day the month has,
//! hours 0-23, minutes 0-59, seconds 0-60 (60 is the next minute, as a
//! leap second is read); zone hours 0-23 and minutes 0-59. `+HH` alone is
//! PostgreSQL's own text form of a `timestamptz`. Without a zone the time
//! is UTC. Nothing else is a time: not `infinity`, `epoch`, `tomorrow`, BC
//! years or 2026-02-30.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// A time in the grammar above, or `None`.
pub fn read(text: &str) -> Option<DateTime<Utc>> {
    let (wall, zone) = parts(text)?;
    let t = wall.and_utc();
    DateTime::from_timestamp(
        t.timestamp() - zone.unwrap_or(0),
        t.timestamp_subsec_nanos(),
    )
}

/// A time in the grammar above as written: the wall-clock time, and its
/// zone (seconds east of UTC) when it has one.
pub fn parts(text: &str) -> Option<(NaiveDateTime, Option<i64>)> {
    let mut c = Cursor { b: text.as_bytes() };
    let year = c.number(4)?;
    c.skip(b'-')?;
    let month = c.number(2)?;
    c.skip(b'-')?;
    let day = c.number(2)?;
    let date =
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day).filter(|_| year >= 1)?;
    let midnight = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    let Some(&sep) = c.b.first() else {
        return Some((date.and_hms_opt(0, 0, 0)?, None));
    };
    c.b = &c.b[1..];
    let hour = c.number(2)?;
    c.skip(b':')?;
    let minute = c.number(2)?;
    let (mut second, mut nanos, mut zone) = (0, 0, None);
    if c.eat(b':') {
        second = c.number(2)?;
        if c.eat(b'.') {
            nanos = c.fraction()?;
        }
        if !c.b.is_empty() {
            zone = Some(c.zone()?);
        }
    }
    let sep_ok = match zone {
        None => matches!(sep, b'T' | b' '),
        Some(_) => matches!(sep, b'T' | b't' | b' '),
    };
    if !c.b.is_empty() || !sep_ok || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let clock = i64::from(hour * 3600 + minute * 60 + second);
    let wall = DateTime::from_timestamp(midnight + clock, nanos)?.naive_utc();
    Some((wall, zone))
}

/// The unread rest of the text.
struct Cursor<'a> {
    b: &'a [u8],
}

impl Cursor<'_> {
    /// Exactly `width` digits, as a number.
    fn number(&mut self, width: usize) -> Option<u32> {
        let digits = self.b.get(..width)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.b = &self.b[width..];
        Some(digits.iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.b.first() == Some(&byte);
        if found {
            self.b = &self.b[1..];
        }
        found
    }

    fn skip(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// One or more digits after the point, as nanoseconds (digits past
    /// the ninth are dropped).
    fn fraction(&mut self) -> Option<u32> {
        let n = self.b.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let nanos = (0..9).fold(0u32, |v, i| {
            v * 10
                + self
                    .b
                    .get(i)
                    .filter(|_| i < n)
                    .map_or(0, |d| u32::from(d - b'0'))
        });
        self.b = &self.b[n..];
        Some(nanos)
    }

    /// The zone, as seconds east of UTC.
    fn zone(&mut self) -> Option<i64> {
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let sign = match self.b.first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.b = &self.b[1..];
        let hours = self.number(2)?;
        let minutes = if self.eat(b':') { self.number(2)? } else { 0 };
        (hours <= 23 && minutes <= 59).then(|| sign * i64::from(hours * 3600 + minutes * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    fn ms(text: &str) -> Option<i64> {
        read(text).map(|t| t.timestamp_millis())
    }

    #[test]
    fn the_grammar_and_nothing_else() {
        let t = Some(1_767_607_200_000); // 2026-01-05T10:00:00Z
        for form in [
            "2026-01-05T10:00:00Z",
            "2026-01-05t10:00:00z",
            "2026-01-05 10:00:00+00",
            "2026-01-05 11:00:00+01",
            "2026-01-05T12:30:00+02:30",
            "2026-01-05T05:00:00-05:00",
            "2026-01-05 10:00:00",
            "2026-01-05T10:00",
            "2026-01-05T09:59:60",
        ] {
            assert_eq!(ms(form), t, "{form}");
        }
        assert_eq!(
            ms("2026-01-05T10:00:00.1234567891Z"),
            Some(1_767_607_200_123)
        );
        assert_eq!(ms("2026-01-05 10:00:00.5"), Some(1_767_607_200_500));
        assert_eq!(ms("2024-02-29"), Some(1_709_164_800_000));
        for junk in [
            "",
            "not-a-time",
            "infinity",
            "-infinity",
            "epoch",
            "tomorrow",
            "2026-02-30 10:00:00",
            "2026-02-29",
            "0000-01-01",
            "+2026-01-05",
            "0044-03-15 00:00:00+00 BC",
            "12026-01-05",
            "2026-01-05t10:00:00",
            "2026-1-05T10:00:00Z",
            "2026-1-5",
            "2026-01-05 1:02:03",
            "2026-01-05 10:00:5",
            "2026-01-05T10:00Z",
            "2026-01-05T10:00:00+0100",
            "2026-01-05T10:00:00+24:00",
            "2026-01-05T10:00:00+01:60",
            "2026-01-05T24:00:00",
            "2026-01-05T10:60:00",
            "2026-01-05T10:00:61",
            "2026-01-05T10:00:00.",
            "2026-01-05T10:00:00.Z",
            "2026-01-05  10:00:00",
            "2026-01-05\t10:00:00",
            "2026-13-01 00:00:00",
            "2026-01-05T10:00:00 Z",
            "12:00",
        ] {
            assert_eq!(ms(junk), None, "{junk}");
        }
    }
}
