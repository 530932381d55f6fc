//! The statements on Better Auth's `verification` table behind the store:
//! reading the reset rows (of a user, or all), finding the row of a
//! presented token, writing a row as Better Auth's own reset request does,
//! and deleting rows by id.

use chrono::{DateTime, TimeDelta, Utc};

use super::BetterAuth;
use super::row_id::is_reset_row;
use crate::db::{Arg, Prepared, Tx};
use crate::error::Result;
use crate::store::TokenState;
use crate::user::UserId;

/// A reset row as read.
pub struct ResetRow {
    pub id: String,
    /// The user's id, as text.
    pub value: String,
    /// `expiresAt`, `None` when it is no time.
    pub expires: Option<DateTime<Utc>>,
}

/// The state of a row at `now`. Better Auth refuses a token once
/// `expiresAt < now`, on a clock counting milliseconds: the token still
/// works at `expiresAt` itself, and stops a millisecond later.
pub fn state_of(expires: Option<DateTime<Utc>>, now: DateTime<Utc>) -> TokenState {
    let refused_from = expires.map(|t| t + TimeDelta::milliseconds(1));
    TokenState::of(true, refused_from, false, now)
}

/// The text `verification.value` holds for a user: the id's own text.
pub fn value_of(id: &UserId) -> String {
    id.text()
}

impl BetterAuth {
    /// The reset rows resetctl can tell (`row_id::is_reset_row`), of the
    /// user whose id is `value`, or of everyone. The SQL only narrows what
    /// is read (a hashed identifier is 43 characters); the check is Rust's.
    pub(super) fn reset_rows(&self, tx: &Tx<'_>, value: Option<&str>) -> Result<Vec<ResetRow>> {
        let v = &self.settings.verification;
        let ident = tx.q(&v.identifier);
        let whose = match value {
            Some(_) => format!("{} = ?1 AND ", tx.q(&v.value)),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {}, {ident}, {}, {} FROM {} WHERE {whose}({ident} LIKE 'reset-password:%' OR length({ident}) = 43)",
            tx.q(&v.id),
            tx.q(&v.value),
            self.date_read(tx, &v.table, &v.expires_at, &tx.q(&v.expires_at))?,
            tx.q(&v.table),
        );
        let args: Vec<Arg<'_>> = value.map(Arg::Text).into_iter().collect();
        let mut rows = Vec::new();
        tx.each(&sql, &args, &mut |r| {
            let (id, identifier) = (r.text(0)?, r.text(1)?);
            if is_reset_row(&id, &identifier) {
                rows.push(ResetRow {
                    id,
                    value: r.text(2)?,
                    expires: r.cell(3)?.time(),
                });
            }
            Ok(())
        })?;
        Ok(rows)
    }

    /// The row of a stored identifier, newest first as Better Auth reads
    /// it: the user's id text and `expiresAt`.
    pub(super) fn row_of(
        &self,
        tx: &Tx<'_>,
        identifier: &str,
    ) -> Result<Option<(String, Option<DateTime<Utc>>)>> {
        let v = &self.settings.verification;
        tx.first(
            &format!(
                "SELECT {}, {} FROM {} WHERE {} = ?1 ORDER BY {} DESC LIMIT 1",
                tx.q(&v.value),
                self.date_read(tx, &v.table, &v.expires_at, &tx.q(&v.expires_at))?,
                tx.q(&v.table),
                tx.q(&v.identifier),
                tx.q(&v.created_at),
            ),
            &[Arg::Text(identifier)],
            |r| Ok((r.text(0)?, r.cell(1)?.time())),
        )
    }

    /// `INSERT` of a row as `createVerificationValue` writes it: `?1` id,
    /// `?2` identifier, `?3` the user's id, `?4` `expiresAt`, `?5` now.
    pub(super) fn insert_row<'t>(&self, tx: &Tx<'t>) -> Result<Prepared<'t>> {
        let v = &self.settings.verification;
        tx.prepare(&format!(
            "INSERT INTO {} ({}, {}, {}, {}, {}, {}) VALUES (?1, ?2, ?3, {}, {}, {})",
            tx.q(&v.table),
            tx.q(&v.id),
            tx.q(&v.identifier),
            tx.q(&v.value),
            tx.q(&v.expires_at),
            tx.q(&v.created_at),
            tx.q(&v.updated_at),
            self.date_written(tx, &v.table, &v.expires_at, "?4")?,
            self.date_written(tx, &v.table, &v.created_at, "?5")?,
            self.date_written(tx, &v.table, &v.updated_at, "?5")?,
        ))
    }

    /// `DELETE` of one row by its id (`?1`).
    pub(super) fn delete_row<'t>(&self, tx: &Tx<'t>) -> Result<Prepared<'t>> {
        let v = &self.settings.verification;
        tx.prepare(&format!(
            "DELETE FROM {} WHERE {} = ?1",
            tx.q(&v.table),
            tx.q(&v.id)
        ))
    }

    /// Deletes rows by id; how many went.
    pub(super) fn delete_rows<'a>(
        &self,
        tx: &Tx<'_>,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<u64> {
        let mut delete = self.delete_row(tx)?;
        let mut n = 0;
        for id in ids {
            delete.bind(1, Arg::Text(id))?;
            n += delete.run()?;
        }
        Ok(n)
    }

    /// Deletes the row of `identifier` if it is still the user's: false
    /// when it is gone (used, revoked, or replaced).
    pub(super) fn take_row(&self, tx: &Tx<'_>, identifier: &str, value: &str) -> Result<bool> {
        let v = &self.settings.verification;
        let n = tx.execute(
            &format!(
                "DELETE FROM {} WHERE {} = ?1 AND {} = ?2",
                tx.q(&v.table),
                tx.q(&v.identifier),
                tx.q(&v.value)
            ),
            &[Arg::Text(identifier), Arg::Text(value)],
        )?;
        Ok(n > 0)
    }
}
