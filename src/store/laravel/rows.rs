//! The statements on Laravel's token table and users table behind the
//! store: the first row for an email (the one Laravel reads), checking a
//! token against its hash, creating the table as Laravel's migration does,
//! and setting the password as Laravel's reset does.

use chrono::{DateTime, Utc};

use super::Laravel;
use super::hashing::remember_token;
use crate::db::{Arg, Tx, UserRow};
use crate::error::Result;
use crate::store::TokenState;
use crate::token::Token;
use crate::user::Lookup;

impl Laravel {
    /// When a row's `created_at` says the token expires.
    pub(super) fn expiry(&self, created_at: Option<String>) -> Option<DateTime<Utc>> {
        created_at
            .and_then(|t| crate::clock::parse_in_zone(&t, self.zone))
            .map(|t| t + self.expire)
    }

    /// The state of a token row: Laravel keeps no trace of a password
    /// change, and takes a row whose `created_at` it cannot read as new;
    /// resetctl counts such a row as expired.
    pub(super) fn state_of(&self, created_at: Option<String>, now: DateTime<Utc>) -> TokenState {
        TokenState::of(true, self.expiry(created_at), false, now)
    }

    /// The first row for an email, as Laravel's `->first()` reads it.
    pub(super) fn first_row(
        &self,
        tx: &Tx<'_>,
        email: &str,
    ) -> Result<Option<(String, Option<String>)>> {
        let t = self.table.q();
        tx.first(
            &format!("SELECT token, created_at FROM {t} WHERE email = ?1 LIMIT 1"),
            &[email.into()],
            |r| Ok((r.text(0)?, r.opt_text(1)?)),
        )
    }

    pub(super) fn email_of(&self, tx: &Tx<'_>, user_id: i64) -> Result<Option<String>> {
        Ok(tx.user_by_id(user_id)?.and_then(|r| r.user.email))
    }

    /// Whether `token` is the one hashed in `hash`, remembered for the run.
    pub(super) fn matches(&self, token: &Token, hash: &str) -> bool {
        if let Some((h, ok)) = self.checked.borrow().as_ref()
            && h == hash
        {
            return *ok;
        }
        let ok = bcrypt::verify(token.expose(), hash).unwrap_or(false);
        *self.checked.borrow_mut() = Some((hash.to_string(), ok));
        ok
    }

    /// The user whose email is exactly `email`, as Laravel's user provider
    /// finds them (SQLite compares case-sensitively).
    pub(super) fn user_with_email(&self, tx: &Tx<'_>, email: &str) -> Result<Option<UserRow>> {
        Ok(tx
            .find_users(email, Lookup::Email)?
            .into_iter()
            .find(|r| r.user.email.as_deref() == Some(email)))
    }

    pub(super) fn has_remember_token(&self, tx: &Tx<'_>) -> Result<bool> {
        Ok(tx
            .columns_of(self.schema.table.name())?
            .is_some_and(|c| c.contains("remember_token")))
    }

    /// The token table as Laravel's own migration makes it: 10's keyed by
    /// email, 8.x's (`password_resets`) with an index on it.
    pub(super) fn create_table(&self, tx: &Tx<'_>) -> Result<()> {
        let t = self.table.q();
        if self.table.name() == "password_resets" {
            tx.batch(&format!(
                "CREATE TABLE {t} (email varchar(255) NOT NULL, token varchar(255) NOT NULL, created_at timestamp NULL);\
                 CREATE INDEX password_resets_email_index ON {t} (email)"
            ))?;
        } else {
            tx.batch(&format!(
                "CREATE TABLE {t} (email varchar(255) NOT NULL PRIMARY KEY, token varchar(255) NOT NULL, created_at timestamp NULL)"
            ))?;
        }
        Ok(())
    }

    /// The new password and, when the table has one, a new
    /// `remember_token`, which signs out "remember me" sessions.
    pub(super) fn set_password(&self, tx: &Tx<'_>, id: i64, password_hash: &str) -> Result<()> {
        let s = &self.schema;
        if self.has_remember_token(tx)? {
            let remember = remember_token()?;
            tx.execute(
                &format!(
                    "UPDATE {} SET {} = ?1, remember_token = ?2 WHERE {} = ?3",
                    s.table.q(),
                    s.password.q(),
                    s.id.q()
                ),
                &[password_hash.into(), Arg::Text(&remember), id.into()],
            )?;
        } else {
            tx.execute(
                &format!(
                    "UPDATE {} SET {} = ?1 WHERE {} = ?2",
                    s.table.q(),
                    s.password.q(),
                    s.id.q()
                ),
                &[password_hash.into(), id.into()],
            )?;
        }
        Ok(())
    }
}
