//! Values between resetctl and PostgreSQL's typed protocol: a bound value
//! is written as whatever type the server says the parameter has (an id
//! into `integer`, an expiry's text into `timestamp`), and a column of any
//! type resetctl reads comes back as a `Cell`.

use std::error::Error as StdError;

use bytes::BytesMut;
use chrono::NaiveDateTime;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use super::times::{Day, Stamp};
use crate::db::values::{Arg, Cell};
use crate::error::{Error, Result};
use crate::user_id::{uuid_bytes, uuid_text};

/// A bound value, owned: statements queued for a pipeline outlive the
/// borrow they were bound from.
#[derive(Debug, Clone, PartialEq)]
pub enum Owned {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Ints(Vec<i64>),
    Texts(Vec<Option<String>>),
}

impl From<Arg<'_>> for Owned {
    fn from(a: Arg<'_>) -> Owned {
        match a {
            Arg::Null => Owned::Null,
            Arg::Int(n) => Owned::Int(n),
            Arg::Text(s) => Owned::Text(s.to_string()),
            Arg::Bytes(b) => Owned::Bytes(b.to_vec()),
            // The server reads the text as the column's type says.
            Arg::Time(t) => Owned::Text(crate::clock::rfc3339(t)),
            Arg::Millis(t) => Owned::Text(crate::clock::iso_millis(t)),
            Arg::Ints(v) => Owned::Ints(v.to_vec()),
            Arg::Texts(v) => Owned::Texts(v.iter().map(|s| s.map(str::to_string)).collect()),
        }
    }
}

type BoxError = Box<dyn StdError + Sync + Send>;

fn mismatch(value: &Owned, ty: &Type) -> BoxError {
    let what = match value {
        Owned::Null => "NULL",
        Owned::Int(_) => "an integer",
        Owned::Text(_) => "text",
        Owned::Bytes(_) => "bytes",
        Owned::Ints(_) => "an array of integers",
        Owned::Texts(_) => "an array of text",
    };
    format!("resetctl cannot write {what} into a column of type {ty}").into()
}

impl ToSql for Owned {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match (self, ty) {
            (Owned::Null, _) => Ok(IsNull::Yes),
            (Owned::Ints(v), &Type::INT8_ARRAY) => v.to_sql(ty, out),
            (Owned::Texts(v), &Type::TEXT_ARRAY) => v.to_sql(ty, out),
            (Owned::Int(n), &Type::INT8) => n.to_sql(ty, out),
            (Owned::Int(n), &Type::INT4) => i32::try_from(*n)?.to_sql(ty, out),
            (Owned::Int(n), &Type::INT2) => i16::try_from(*n)?.to_sql(ty, out),
            (Owned::Int(n), &Type::BOOL) => (*n != 0).to_sql(ty, out),
            (Owned::Int(n), &Type::TIMESTAMPTZ) => crate::clock::from_unix_number(*n)
                .ok_or_else(|| mismatch(self, ty))?
                .to_sql(ty, out),
            (Owned::Int(n), t) if is_text(t) => n.to_string().to_sql(ty, out),
            (Owned::Text(s), t) if is_text(t) => s.to_sql(ty, out),
            (Owned::Bytes(b), &Type::BYTEA) => b.to_sql(ty, out),
            // A `uuid` is its 16 bytes on the wire.
            (Owned::Text(s), &Type::UUID) => {
                out.extend_from_slice(&uuid_bytes(s).ok_or_else(|| mismatch(self, ty))?);
                Ok(IsNull::No)
            }
            (Owned::Bytes(b), &Type::UUID) if b.len() == 16 => {
                out.extend_from_slice(b);
                Ok(IsNull::No)
            }
            (Owned::Text(s), &Type::INT8 | &Type::INT4 | &Type::INT2) => {
                Owned::Int(s.trim().parse()?).to_sql(ty, out)
            }
            (Owned::Text(s), &Type::TIMESTAMPTZ) => crate::clock::parse_timestamp(s)
                .ok_or_else(|| mismatch(self, ty))?
                .to_sql(ty, out),
            // A time without a zone: as written, the wall-clock reading.
            (Owned::Text(s), &Type::TIMESTAMP) => naive(s)
                .or_else(|| crate::clock::parse_timestamp(s).map(|t| t.naive_utc()))
                .ok_or_else(|| mismatch(self, ty))?
                .to_sql(ty, out),
            _ => Err(mismatch(self, ty)),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn is_text(t: &Type) -> bool {
    matches!(
        *t,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}

/// A `uuid` as read: its canonical text, as the server writes it.
struct Uuid(String);

impl<'a> FromSql<'a> for Uuid {
    fn from_sql(_: &Type, raw: &'a [u8]) -> std::result::Result<Uuid, BoxError> {
        let bytes: &[u8; 16] = raw.try_into()?;
        Ok(Uuid(uuid_text(bytes)))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::UUID
    }
}

fn naive(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim().replacen('T', " ", 1);
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
}

/// A column's value as read, owned for the length of the row.
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    pub fn cell(&self) -> Cell<'_> {
        match self {
            Value::Null => Cell::Null,
            Value::Int(n) => Cell::Int(*n),
            Value::Real(f) => Cell::Real(*f),
            Value::Text(s) => Cell::Text(s.as_bytes()),
            Value::Bytes(b) => Cell::Text(b),
        }
    }

    /// Column `i` of `row`, as the text or number resetctl reads. Times
    /// come back in the forms SQLite apps write: `YYYY-MM-DD
    /// HH:MM:SS.ffffff`, with `+00:00` when the column has a zone.
    pub fn read(row: &tokio_postgres::Row, i: usize) -> Result<Value> {
        let ty = row.columns()[i].type_().clone();
        let bad = |e: tokio_postgres::Error| Error::internal(format!("database error: {e}"));
        macro_rules! get {
            ($t:ty) => {
                row.try_get::<_, Option<$t>>(i).map_err(bad)?
            };
        }
        Ok(match ty {
            Type::BOOL => get!(bool).map_or(Value::Null, |b| Value::Int(i64::from(b))),
            Type::INT2 => get!(i16).map_or(Value::Null, |n| Value::Int(n.into())),
            Type::INT4 => get!(i32).map_or(Value::Null, |n| Value::Int(n.into())),
            Type::INT8 => get!(i64).map_or(Value::Null, Value::Int),
            Type::OID => get!(u32).map_or(Value::Null, |n| Value::Int(n.into())),
            Type::FLOAT4 => get!(f32).map_or(Value::Null, |f| Value::Real(f.into())),
            Type::FLOAT8 => get!(f64).map_or(Value::Null, Value::Real),
            Type::TIMESTAMP => get!(Stamp).map_or(Value::Null, |t| Value::Text(t.text(false))),
            Type::TIMESTAMPTZ => get!(Stamp).map_or(Value::Null, |t| Value::Text(t.text(true))),
            Type::DATE => get!(Day).map_or(Value::Null, |d| Value::Text(d.text())),
            Type::BYTEA => get!(Vec<u8>).map_or(Value::Null, Value::Bytes),
            Type::UUID => get!(Uuid).map_or(Value::Null, |u| Value::Text(u.0)),
            ref t if is_text(t) => get!(String).map_or(Value::Null, Value::Text),
            other => {
                return Err(Error::config(format!(
                    "column {} is of type {other}, which resetctl does not read",
                    row.columns()[i].name()
                )));
            }
        })
    }
}
