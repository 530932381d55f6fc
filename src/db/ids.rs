//! The users table's ids in SQL: what the mapped id column holds (read
//! from the catalogue once per connection), an id as the audit table
//! keeps it, and ids read back from there or from a link.

use std::borrow::Cow;

use super::names::Ident;
use super::{AUDIT_TABLE, Arg, Cell, Dialect, Schema, Tx};
use crate::error::Result;
use crate::user::{IdKind, Names, UserId};

/// The id column (`expr`) as the text it is compared with where it meets
/// the audit table's `user_id` or salts the password fingerprint: its
/// canonical text. Integer and text ids are compared as they are, so the
/// statements of a database with integer ids are what they always were.
pub fn id_text(d: &dyn Dialect, kind: IdKind, expr: &str) -> String {
    match kind {
        IdKind::Integer | IdKind::Text => expr.to_string(),
        IdKind::Uuid => d.as_text(expr),
        IdKind::HexUuid => d.hex_uuid_text(expr),
        IdKind::Bytes => d.uuid_text(expr),
    }
}

/// An id as the audit table keeps it: an integer as itself, any other id
/// as its canonical text (so that an audit row reads alike whatever
/// binary form the app keeps).
pub enum AuditId<'a> {
    Int(i64),
    Text(Cow<'a, str>),
}

impl<'a> AuditId<'a> {
    pub fn of(id: &'a UserId) -> AuditId<'a> {
        match id {
            UserId::Int(n) => AuditId::Int(*n),
            UserId::Text(s) => AuditId::Text(Cow::Borrowed(s)),
            other => AuditId::Text(Cow::Owned(other.text())),
        }
    }

    pub fn arg(&self) -> Arg<'_> {
        match self {
            AuditId::Int(n) => Arg::Int(*n),
            AuditId::Text(s) => Arg::Text(s),
        }
    }
}

/// The audit table's `user_id` column, as `id_column` reads an id column.
fn audit_user_id() -> Schema {
    Schema {
        table: Ident::known(AUDIT_TABLE),
        id: Ident::known("user_id"),
        ..Schema::default()
    }
}

impl Tx<'_> {
    /// What the users table's ids are.
    pub fn id_kind(&self) -> IdKind {
        self.names.ids
    }

    /// What tells a USER argument's kind apart in this database.
    pub fn names(&self) -> Names {
        Names {
            ids: self.names.ids,
            usernames: self.schema().username.is_some(),
        }
    }

    /// An id written as text (typed, kept by the audit table, carried by
    /// a link) as the users table holds it; `None` when no id of this
    /// table is written so.
    pub fn id_from_text(&self, s: &str) -> Option<UserId> {
        UserId::parse(self.names.ids, s)
    }

    /// A `user_id` cell of the audit table as the users table's id; as
    /// it was written when it is not one (a row written by hand).
    pub(super) fn audit_id(&self, cell: Cell<'_>) -> Option<UserId> {
        let text = match cell {
            Cell::Int(n) if self.names.ids == IdKind::Integer => return Some(UserId::Int(n)),
            other => other.text()?,
        };
        Some(self.id_from_text(&text).unwrap_or(UserId::Text(text)))
    }

    /// Whether the audit table's `user_id` cannot hold this database's
    /// ids: an integer column, where ids are not integers, on an engine
    /// whose integer columns hold only integers. `init` widens it.
    pub fn audit_too_narrow(&self) -> Result<bool> {
        if self.names.ids == IdKind::Integer || self.dialect().integer_column_holds_text() {
            return Ok(false);
        }
        let column = self.conn.id_column(&audit_user_id())?;
        Ok(column.is_some_and(|c| c.kind == Some(IdKind::Integer)))
    }

    /// Widens the audit table's `user_id` to text (see `audit_too_narrow`).
    pub(super) fn widen_audit_user_id(&self) -> Result<()> {
        let d = self.dialect();
        self.batch(&d.change_column_type(
            AUDIT_TABLE,
            "user_id",
            d.column_type(super::ColumnKind::IdText),
        ))
    }
}
