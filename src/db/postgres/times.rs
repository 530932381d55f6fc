//! PostgreSQL's `timestamp`, `timestamptz` and `date` values as text in
//! the forms resetctl reads. Decoded from the wire by hand: the chrono
//! decoders fail on `infinity` and on years chrono cannot hold, which
//! would stop a whole `list` or `inspect` on one odd row. Those come out
//! as PostgreSQL prints them (`infinity`, `... BC`), which no expiry
//! reading takes for a time, so such a row counts as expired, as the SQL
//! reading (`Dialect::expiry_ms`) counts it.

use std::error::Error as StdError;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use tokio_postgres::types::{FromSql, Type};

type BoxError = Box<dyn StdError + Sync + Send>;

/// A `timestamp` or `timestamptz`: microseconds since 2000-01-01, with
/// the ends of the range standing for `-infinity` and `infinity`.
pub struct Stamp(i64);

/// A `date`: days since 2000-01-01, likewise.
pub struct Day(i32);

impl<'a> FromSql<'a> for Stamp {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Stamp, BoxError> {
        Ok(Stamp(i64::from_be_bytes(raw.try_into()?)))
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::TIMESTAMP | Type::TIMESTAMPTZ)
    }
}

impl<'a> FromSql<'a> for Day {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Day, BoxError> {
        Ok(Day(i32::from_be_bytes(raw.try_into()?)))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::DATE
    }
}

fn epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

impl Stamp {
    /// `YYYY-MM-DD HH:MM:SS.ffffff`, with `+00:00` when `zoned` (the
    /// session is on UTC).
    pub fn text(&self, zoned: bool) -> String {
        let zone = if zoned { "+00:00" } else { "" };
        match self.0 {
            i64::MAX => "infinity".into(),
            i64::MIN => "-infinity".into(),
            us => match epoch().checked_add_signed(TimeDelta::microseconds(us)) {
                Some(t) if t.year() >= 1 => format!("{}{zone}", t.format("%Y-%m-%d %H:%M:%S%.6f")),
                Some(t) => format!(
                    "{:04}-{}{zone} BC",
                    1 - t.year(),
                    t.format("%m-%d %H:%M:%S%.6f")
                ),
                None => "out of range".into(),
            },
        }
    }
}

impl Day {
    pub fn text(&self) -> String {
        match self.0 {
            i32::MAX => "infinity".into(),
            i32::MIN => "-infinity".into(),
            days => match epoch()
                .date()
                .checked_add_signed(TimeDelta::days(days.into()))
            {
                Some(d) if d.year() >= 1 => d.format("%Y-%m-%d").to_string(),
                Some(d) => format!("{:04}-{} BC", 1 - d.year(), d.format("%m-%d")),
                None => "out of range".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_times_come_out_as_text_no_expiry_reading_takes() {
        assert_eq!(Stamp(0).text(true), "2000-01-01 00:00:00.000000+00:00");
        assert_eq!(Stamp(1_500_000).text(false), "2000-01-01 00:00:01.500000");
        for odd in [
            Stamp(i64::MAX).text(true),
            Stamp(i64::MIN).text(true),
            Stamp(-63_200_000_000_000_000).text(true),
            Day(i32::MAX).text(),
            Day(-800_000).text(),
        ] {
            assert_eq!(crate::clock::parse_timestamp(&odd), None, "{odd}");
        }
        assert_eq!(Day(-1).text(), "1999-12-31");
    }
}
