//! The statements on Laravel's token table and users table behind the
//! store: the first row for an email (the one Laravel reads), checking a
//! token against its hash, creating the table as Laravel's migration does,
//! and setting the password as Laravel's reset does.

use chrono::{DateTime, TimeDelta, Timelike, Utc};

use super::carbon;
use crate::clock::Stored;

use super::Laravel;
use super::hashing::remember_token;
use crate::db::{Arg, Fetched, Tx, UserRow, user_columns};
use crate::error::Result;
use crate::store::{TokenFilter, TokenState};
use crate::token::Token;
use crate::user::{Lookup, User, UserId};

impl Laravel {
    /// When a row's `created_at` says the token expires: the first moment
    /// Laravel refuses it, as Carbon counts on the app's wall clock.
    pub(super) fn expiry(&self, created_at: Option<String>) -> Option<DateTime<Utc>> {
        let last = match crate::clock::read_stored(&created_at?)? {
            Stored::At(t) => t + self.expire,
            Stored::Wall(w) => {
                let whole = w.with_nanosecond(0)?;
                let fraction = w - whole;
                carbon::last_valid(whole, self.zone, self.expire)? + fraction
            }
        };
        // Refused once `last` is past: it is still good at `last` itself.
        Some(last + TimeDelta::nanoseconds(1))
    }

    /// The state of a token row. Laravel takes a row whose `created_at`
    /// it cannot read as new; resetctl counts such a row as expired.
    pub(super) fn state_of(
        &self,
        created_at: Option<String>,
        dead: bool,
        now: DateTime<Utc>,
    ) -> TokenState {
        TokenState::of(true, self.expiry(created_at), dead, now)
    }

    /// Whether a row resetctl wrote was killed by a password change since:
    /// the user's newest issue entry is this row's (the same expiry) and
    /// the password is no longer the one it was issued against, and it was
    /// not redeemed since. Laravel
    /// keeps no trace of a password change, so its own page still takes
    /// such a token until `purge` deletes the row; rows Laravel made
    /// itself are judged as Laravel judges them.
    pub(super) fn dead(
        &self,
        tx: &Tx<'_>,
        user: &UserRow,
        created_at: Option<&str>,
    ) -> Result<bool> {
        let Some(issue) = tx.last_issue(&user.user.id)? else {
            return Ok(false);
        };
        // A row made after resetctl's token was used is not resetctl's.
        if tx
            .last_ok(&user.user.id, crate::audit::Action::Redeem)?
            .is_some_and(|r| r.id > issue.id)
        {
            return Ok(false);
        }
        let issued = issue
            .expires
            .as_deref()
            .and_then(crate::clock::parse_timestamp);
        let ours = match (issued, self.expiry(created_at.map(str::to_string))) {
            (Some(a), Some(b)) => a.timestamp() == b.timestamp(),
            _ => false,
        };
        Ok(ours && issue.password_check.as_deref() != Some(user.password_fingerprint.as_str()))
    }

    /// The same, for a row found by its email.
    pub(super) fn dead_by_email(
        &self,
        tx: &Tx<'_>,
        email: &str,
        created_at: Option<&str>,
    ) -> Result<bool> {
        match self.user_with_email(tx, email)? {
            Some(user) => self.dead(tx, &user, created_at),
            None => Ok(false),
        }
    }

    /// Each user's token, in id order: the rows are read first, then
    /// judged (judging reads the audit table, which a statement still
    /// streaming its rows may not).
    pub(super) fn outstanding(
        &self,
        tx: &Tx<'_>,
        filter: TokenFilter,
        now: DateTime<Utc>,
        f: &mut dyn FnMut(&User, TokenState) -> Result<()>,
    ) -> Result<u64> {
        let s = &self.schema;
        let (t, u) = (tx.q(&self.table), tx.q(&s.table));
        let sql = format!(
            "SELECT {}, {} FROM {t} JOIN {u} ON {u}.{} = {t}.email ORDER BY {u}.{}",
            user_columns(s, tx.dialect(), tx.id_kind(), true),
            self.created_at_read(tx, &format!("{t}.created_at"))?,
            tx.q(&s.email),
            tx.q(&s.id)
        );
        let mut left_out = 0;
        let mut rows: Vec<(UserRow, Option<String>)> = Vec::new();
        tx.each(&sql, &[], &mut |row| {
            match Fetched::read(row, tx.id_kind())? {
                // Laravel reads the first row of an email; so does this.
                Fetched::Row(r) if rows.last().is_some_and(|(l, _)| l.user.id == r.user.id) => {}
                Fetched::Row(r) => rows.push((r, row.opt_text(4)?)),
                Fetched::BadId(..) => left_out += 1,
            }
            Ok(())
        })?;
        for (row, created_at) in rows {
            let dead = self.dead(tx, &row, created_at.as_deref())?;
            let state = self.state_of(created_at, dead, now);
            let wanted = match filter {
                TokenFilter::All => true,
                TokenFilter::Active => matches!(state, TokenState::Active(_)),
                TokenFilter::Expired => !matches!(state, TokenState::Active(_)),
            };
            if wanted {
                f(&row.user, state)?;
            }
        }
        Ok(left_out)
    }

    /// `created_at` (the column, in SQL) as Laravel's own connection reads
    /// it. Unless its `config/database.php` sets a `timezone`
    /// (`[laravel] db_timezone`), Laravel's MySQL connection keeps the
    /// server's default zone; on MariaDB and MySQL, whose
    /// `TIMESTAMP` (what Laravel's migration makes) shows each session the
    /// time on its own clock, with no offset, that is other text than
    /// resetctl's UTC session reads.
    pub(super) fn created_at_read(&self, tx: &Tx<'_>, column: &str) -> Result<String> {
        Ok(if self.shifted(tx)? {
            tx.dialect()
                .read_in_app_zone(column, self.db_zone.as_deref())
        } else {
            column.to_string()
        })
    }

    /// A `created_at` value (wall-clock text, in SQL) as this session must
    /// write it for Laravel's connection to read it back as is.
    pub(super) fn created_at_written(&self, tx: &Tx<'_>, value: &str) -> Result<String> {
        Ok(if self.shifted(tx)? {
            tx.dialect()
                .write_in_app_zone(value, self.db_zone.as_deref())
        } else {
            value.to_string()
        })
    }

    /// Asked once a run: the column's type does not change under it.
    fn shifted(&self, tx: &Tx<'_>) -> Result<bool> {
        if let Some(known) = self.shifted.get() {
            return Ok(known);
        }
        let shifted = tx.shifts_by_zone(&self.table, "created_at")?;
        self.shifted.set(Some(shifted));
        Ok(shifted)
    }

    /// What `created_at` says for a token expiring at `expires`: the time
    /// it was made for Laravel's `expire`, on the app's wall clock.
    pub(super) fn created_for(&self, expires: DateTime<Utc>) -> String {
        crate::clock::wall_clock(expires - self.expire, self.zone)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// The first row for an email, as Laravel's `->first()` reads it.
    pub(super) fn first_row(
        &self,
        tx: &Tx<'_>,
        email: &str,
    ) -> Result<Option<(String, Option<String>)>> {
        let t = tx.q(&self.table);
        let created_at = self.created_at_read(tx, "created_at")?;
        tx.first(
            &format!("SELECT token, {created_at} FROM {t} WHERE email = ?1 LIMIT 1"),
            &[email.into()],
            |r| Ok((r.text(0)?, r.opt_text(1)?)),
        )
    }

    pub(super) fn email_of(&self, tx: &Tx<'_>, user_id: &UserId) -> Result<Option<String>> {
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
    /// finds them (its `where('email', ...)` compares case-sensitively).
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
        let t = tx.q(&self.table);
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
    pub(super) fn set_password(&self, tx: &Tx<'_>, id: &UserId, password_hash: &str) -> Result<()> {
        let s = &self.schema;
        if self.has_remember_token(tx)? {
            let remember = remember_token()?;
            tx.execute(
                &format!(
                    "UPDATE {} SET {} = ?1, remember_token = ?2 WHERE {} = ?3",
                    tx.q(&s.table),
                    tx.q(&s.password),
                    tx.q(&s.id)
                ),
                &[password_hash.into(), Arg::Text(&remember), id.into()],
            )?;
        } else {
            tx.execute(
                &format!(
                    "UPDATE {} SET {} = ?1 WHERE {} = ?2",
                    tx.q(&s.table),
                    tx.q(&s.password),
                    tx.q(&s.id)
                ),
                &[password_hash.into(), id.into()],
            )?;
        }
        Ok(())
    }
}
