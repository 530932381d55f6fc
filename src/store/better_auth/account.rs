//! What Better Auth's reset does besides using the token up
//! (`resetCredentialPassword`): the user's sessions go when the app says
//! so, and the new password goes into the credential account, which is
//! made when the user has none.

use chrono::{DateTime, Utc};

use super::BetterAuth;
use super::row_id;
use crate::db::{Arg, Tx};
use crate::error::Result;
use crate::token::TokenSource;
use crate::user::UserId;

impl BetterAuth {
    /// Whether the session table is there (looked up once).
    pub(super) fn has_sessions(&self, tx: &Tx<'_>) -> Result<bool> {
        if let Some(known) = self.sessions_table.get() {
            return Ok(known);
        }
        let there = tx.columns_of(self.settings.session.table.name())?.is_some();
        self.sessions_table.set(Some(there));
        Ok(there)
    }

    /// `deleteUserSessions`: every session of the user, the one doing the
    /// reset too.
    pub(super) fn end_sessions(&self, tx: &Tx<'_>, id: &UserId) -> Result<u64> {
        let s = &self.settings.session;
        tx.execute(
            &format!(
                "DELETE FROM {} WHERE {} = ?1",
                tx.q(&s.table),
                tx.q(&s.user_id)
            ),
            &[id.into()],
        )
    }

    /// `updatePassword` on the credential account (`userId` and
    /// `accountId` the user's id, `providerId` `credential`), with
    /// `updatedAt`; or, without one, `createAccount` as Better Auth's
    /// reset makes it.
    pub(super) fn set_password(
        &self,
        tx: &Tx<'_>,
        id: &UserId,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.update_password(tx, id, Some(password_hash), now)? > 0 {
            return Ok(());
        }
        self.create_account(tx, id, password_hash, now)
    }

    /// The credential account's password and `updatedAt`: how many
    /// accounts (0 for a user who signs in only through others).
    pub(super) fn update_password(
        &self,
        tx: &Tx<'_>,
        id: &UserId,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let a = &self.settings.account;
        let password = tx.q(&self.schema.password);
        tx.execute(
            &format!(
                "UPDATE {} SET {password} = ?1, {} = {} WHERE {} = ?3 AND {} = ?4 AND {} = '{}'",
                tx.q(&a.table),
                tx.q(&a.updated_at),
                self.date_written(tx, &a.table, &a.updated_at, "?2")?,
                tx.q(&a.user_id),
                tx.q(&a.account_id),
                tx.q(&a.provider_id),
                super::CREDENTIAL,
            ),
            &[
                password_hash.map_or(Arg::Null, Arg::Text),
                Arg::Millis(now),
                id.into(),
                Arg::Text(&id.text()),
            ],
        )
    }

    /// `createAccount` with the password, as Better Auth's reset makes
    /// the credential account of a user who has none.
    fn create_account(
        &self,
        tx: &Tx<'_>,
        id: &UserId,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let a = &self.settings.account;
        let password = tx.q(&self.schema.password);
        let row_id = row_id::random(&mut TokenSource::new())?;
        tx.execute(
            &format!(
                "INSERT INTO {} ({}, {}, {}, {}, {password}, {}, {}) VALUES (?1, ?2, '{}', ?3, ?4, {}, {})",
                tx.q(&a.table),
                tx.q(&a.id),
                tx.q(&a.account_id),
                tx.q(&a.provider_id),
                tx.q(&a.user_id),
                tx.q(&a.created_at),
                tx.q(&a.updated_at),
                super::CREDENTIAL,
                self.date_written(tx, &a.table, &a.created_at, "?5")?,
                self.date_written(tx, &a.table, &a.updated_at, "?5")?,
            ),
            &[
                Arg::Text(&row_id),
                Arg::Text(&id.text()),
                id.into(),
                Arg::Text(password_hash),
                Arg::Millis(now),
            ],
        )?;
        Ok(())
    }
}
