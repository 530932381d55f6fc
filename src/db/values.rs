//! The values that cross the engine seam: what is bound to a statement,
//! and what is read back.

use chrono::{DateTime, Utc};

use crate::clock;
use crate::user::{IdKind, UserId};
use crate::user_id::uuid_bytes;

/// A value bound to a statement's parameter. Statements are written with
/// numbered parameters, `?1`, `?2`...
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    /// Binary bytes (a UUID kept in 16 of them).
    Bytes(&'a [u8]),
    /// A moment, written in RFC 3339 UTC (`2026-11-21T11:00:00Z`): as that
    /// text where columns hold any text, and as a date and time on an
    /// engine that takes no zone in a time's text.
    Time(DateTime<Utc>),
    /// A moment to the millisecond, as a JavaScript `Date` keeps one: on
    /// an engine whose columns hold any text, the text `toISOString()`
    /// writes (`2026-11-21T11:00:00.000Z`), which apps that store it so
    /// compare as text; elsewhere as the column's time type.
    Millis(DateTime<Utc>),
    /// Arrays, for one statement over a batch of rows, on an engine that
    /// writes batches so (`Dialect::rows_of_arrays`).
    Ints(&'a [i64]),
    Texts(&'a [Option<&'a str>]),
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}

/// An id as the users table holds it.
impl<'a> From<&'a UserId> for Arg<'a> {
    fn from(id: &'a UserId) -> Self {
        match id {
            UserId::Int(n) => Arg::Int(*n),
            UserId::Text(s) | UserId::HexUuid(s) => Arg::Text(s),
            UserId::Bytes(b) => Arg::Bytes(b),
        }
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(s)
    }
}

impl<'a, T: Into<Arg<'a>>> From<Option<T>> for Arg<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Arg::Null, Into::into)
    }
}

/// A value as read from a row, in the storage class it had: applications
/// store names, expiries and ids in whatever class they chose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    /// Text, or a blob, as bytes.
    Text(&'a [u8]),
}

impl Cell<'_> {
    /// The value as text, whatever its class (`None` for NULL).
    pub fn text(self) -> Option<String> {
        match self {
            Cell::Null => None,
            Cell::Text(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Cell::Int(i) => Some(i.to_string()),
            Cell::Real(f) => Some(f.to_string()),
        }
    }

    /// The value read as a user id of a column of `kind`; `None` for
    /// what names no row resetctl can serve: NULL, a real, or (in an
    /// integer column of an engine that does not type its columns)
    /// anything but an integer.
    pub fn user_id(self, kind: IdKind) -> Option<UserId> {
        match (self, kind) {
            (Cell::Int(n), _) => Some(UserId::Int(n)),
            (Cell::Text(_), IdKind::Integer) | (Cell::Null | Cell::Real(_), _) => None,
            (Cell::Text(b), IdKind::Bytes) => Some(UserId::Bytes(b.to_vec())),
            (Cell::Text(b), IdKind::HexUuid) => Some(match std::str::from_utf8(b) {
                Ok(s) if uuid_bytes(s).is_some() && s.len() == 32 => UserId::HexUuid(s.to_string()),
                Ok(s) => UserId::Text(s.to_string()),
                Err(_) => UserId::Bytes(b.to_vec()),
            }),
            (Cell::Text(b), IdKind::Text | IdKind::Uuid) => Some(match std::str::from_utf8(b) {
                Ok(s) => UserId::Text(s.to_string()),
                Err(_) => UserId::Bytes(b.to_vec()),
            }),
        }
    }

    /// The value read as a point in time, in any of the forms the README
    /// lists under "The database". `None` when it is not one.
    pub fn time(self) -> Option<DateTime<Utc>> {
        match self {
            Cell::Int(n) => clock::from_unix_number(n),
            Cell::Real(f) if f.is_finite() => clock::from_unix_number(f.trunc() as i64),
            Cell::Text(t) => std::str::from_utf8(t).ok().and_then(clock::parse_timestamp),
            _ => None,
        }
    }
}
