//! Laravel apps: tokens in a table of their own (`password_reset_tokens`,
//! or `password_resets` before Laravel 10), one row per email: the email,
//! a `$2y$` bcrypt hash of the token, and `created_at` as a wall-clock
//! time in the app's time zone, as Laravel's own connection reads and
//! writes it (on MariaDB, in the server's default zone: `rows.rs`). A token
//! lives `expire` from then. Laravel reads only the first row for an email,
//! so issuing deletes the email's rows before it inserts one.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::{
    Description, Held, IssueRecord, KeptTokens, Lifetime, NewToken, Presented, TokenFilter,
    TokenState, TokenStore,
};
use crate::db::{Arg, AuditWriter, Ident, Matching, Schema, StoreColumn, Tx};
use crate::error::{Error, Result};
use crate::token::{Token, TokenSource, link_param};
use crate::user::{Lookup, Typed, User, UserId};

mod carbon;
mod hashing;
mod rows;
mod settings;

pub use settings::{KIND, LaravelSettings, schema};

use super::lock::Locker;
use hashing::hash_all;

pub const DEFAULT_LINK: &str = "https://example.com/reset-password/{token}?email={email}";

/// bcrypt cost of the token rows: Laravel 8's default for `Hash::make`.
/// Laravel checks a token at whatever cost it was hashed with.
pub const TOKEN_COST: u32 = 10;

/// How many users a bulk batch takes: each token is a bcrypt hash, so a
/// batch of the usual size would hold the app's writers off for minutes.
pub const BULK_BATCH: usize = 32;

pub struct Laravel {
    schema: Schema,
    table: Ident,
    expire: TimeDelta,
    zone: Tz,
    /// The zone the app's MySQL connection sets, if any (`[laravel]
    /// db_timezone`).
    db_zone: Option<String>,
    /// The last token checked against a row's hash, and whether it matched:
    /// `redeem` looks twice (before and under the lock), and each bcrypt
    /// check is tens of milliseconds.
    checked: RefCell<Option<(String, bool)>>,
    /// Whether the server shifts `created_at` by the session's zone
    /// (`Tx::shifts_by_zone`), once known.
    shifted: Cell<Option<bool>>,
    /// `issue --lock`: the password, `sessions` rows, `remember_token`.
    locker: Locker,
}

impl Laravel {
    pub fn new(schema: &Schema, settings: &LaravelSettings) -> Laravel {
        Laravel {
            schema: schema.clone(),
            table: settings.table.clone(),
            expire: settings.expire,
            zone: settings.timezone,
            db_zone: settings.db_timezone.clone(),
            checked: RefCell::new(None),
            shifted: Cell::new(None),
            locker: Locker::with_remember(Ident::known("remember_token")),
        }
    }
}

impl TokenStore for Laravel {
    fn locker(&self) -> Option<(&Locker, &Schema)> {
        Some((&self.locker, &self.schema))
    }
    fn kept(&self) -> std::result::Result<&dyn KeptTokens, &'static str> {
        Ok(self)
    }

    fn bulk_batch(&self) -> Option<usize> {
        Some(BULK_BATCH)
    }

    fn describe(&self) -> Description {
        Description {
            framework: "laravel",
            storage: "bcrypt",
            column: None,
            expires_column: None,
            table: Some(self.table.to_string()),
            secret: None,
            lifetime: Some(crate::clock::format_duration(self.expire)),
            time_zone: Some(self.zone.name().to_string()),
            kept: format!(
                "bcrypt of the token in table {}, one row per email",
                self.table
            ),
        }
    }

    fn problems(&self, tx: &Tx<'_>) -> Result<Vec<Error>> {
        let hint = "run the app's migrations (php artisan migrate), or resetctl init";
        Ok(match tx.columns_of(self.table.name())? {
            None => vec![
                Error::config(format!("the database has no table {}", self.table)).with_hint(hint),
            ],
            Some(cols) => ["email", "token", "created_at"]
                .into_iter()
                .filter(|c| !cols.contains(*c))
                .map(|c| {
                    Error::config(format!("table {} has no column {c}", self.table)).with_hint(hint)
                })
                .collect(),
        })
    }

    /// The link (`/reset-password/TOKEN?email=...`), or the bare token.
    fn parse(&self, input: &str) -> Result<Presented> {
        let s = input.trim();
        let names = s.split_once('?').and_then(|(_, query)| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "email")
                .map(|(_, v)| v.into_owned())
        });
        let token = match link_param(s, "token") {
            Some(t) => Token::parse(t)?,
            None => Token::parse(s.split(['?', '#']).next().unwrap_or(s))?,
        };
        Ok(Presented {
            token,
            names: names.filter(|e| !e.is_empty()),
            user: None,
        })
    }

    fn user_columns(&self) -> Vec<StoreColumn<'_>> {
        Vec::new()
    }

    /// The token table, with Laravel's own columns and index, if the app's
    /// migrations have not made it. The users table is left alone.
    fn prepare(&self, tx: &Tx<'_>) -> Result<Vec<String>> {
        if tx.columns_of(self.table.name())?.is_some() {
            return Ok(Vec::new());
        }
        self.create_table(tx)?;
        // What was learnt of the table before it was there is void.
        self.shifted.set(None);
        Ok(vec![format!("Created table {}", self.table)])
    }

    fn lookup_index(&self, tx: &Tx<'_>) -> Result<Option<bool>> {
        if tx.columns_of(self.table.name())?.is_none() {
            return Ok(None);
        }
        tx.has_index_on(&self.table, &Ident::known("email"), Matching::Any)
            .map(Some)
    }

    /// Hashed as a real token is: bcrypt is most of what an issue costs.
    fn decoy(
        &self,
        _tx: &Tx<'_>,
        _typed: &Typed<'_>,
        _life: Lifetime,
        source: &mut TokenSource,
    ) -> Result<Token> {
        let token = source.next_token()?;
        hashing::hash_one(&token)?;
        Ok(token)
    }

    /// Laravel's link carries the email: under `--no-enumerate` the one
    /// typed, known or not, so a username (which would have to become the
    /// account's email) is refused for every name alike.
    fn link_user(
        &self,
        _tx: &Tx<'_>,
        template: &str,
        typed: &Typed<'_>,
        user: Option<&User>,
    ) -> Result<Option<User>> {
        if !template.contains("{email}") {
            return Ok(user.cloned());
        }
        if typed.lookup != Lookup::Email {
            return Err(Error::bad_input(
                "with --no-enumerate, Laravel's reset link carries the email as typed: give each USER as an email",
            )
            .with_hint("or use a --link without {email}"));
        }
        Ok(Some(User {
            id: user.map_or(UserId::Int(0), |u| u.id.clone()),
            username: None,
            email: Some(typed.input.to_string()),
        }))
    }

    fn link(&self, template: &str, token: &Token, user: Option<&User>) -> String {
        let email = user.and_then(|u| u.email.as_deref()).unwrap_or_default();
        let encoded: String = url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
        template
            .replace("{token}", token.expose())
            .replace("{email}", &encoded)
    }

    fn store(&self, tx: &Tx<'_>, record: &IssueRecord, tokens: &mut [NewToken<'_>]) -> Result<()> {
        let hashes = hash_all(tokens)?;
        let t = tx.q(&self.table);
        let created = self.created_for(record.expires);
        let mut delete = tx.prepare(&format!("DELETE FROM {t} WHERE email = ?1"))?;
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {t} (email, token, created_at) VALUES (?1, ?2, {})",
            self.created_at_written(tx, "?3")?
        ))?;
        insert.bind(3, Arg::Text(&created))?;
        let mut audit = AuditWriter::new(tx, &record.audit)?;
        for (t, hash) in tokens.iter().zip(&hashes) {
            let email = t.user.email.as_deref().ok_or_else(|| {
                Error::config(format!(
                    "{} has no email, and Laravel keeps reset tokens by email",
                    t.user.label()
                ))
            })?;
            delete.bind(1, Arg::Text(email))?;
            delete.queue()?;
            insert.bind(1, Arg::Text(email))?;
            insert.bind(2, Arg::Text(hash))?;
            insert.queue()?;
            audit.write(&t.user.id, &t.user.label(), Some(t.password_check))?;
        }
        audit.finish()
    }

    /// Laravel counts `expire` on the app's wall clock (see `carbon.rs`).
    fn effective_expiry(&self, expires: DateTime<Utc>, _now: DateTime<Utc>) -> DateTime<Utc> {
        self.expiry(Some(self.created_for(expires)))
            .unwrap_or(expires)
    }

    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState> {
        let Some(email) = &user.email else {
            return Ok(TokenState::None);
        };
        let Some((_, created_at)) = self.first_row(tx, email)? else {
            return Ok(TokenState::None);
        };
        let dead = match tx.user_by_id(&user.id)? {
            Some(row) => self.dead(tx, &row, created_at.as_deref())?,
            None => false,
        };
        Ok(self.state_of(created_at, dead, now))
    }

    fn find(&self, tx: &Tx<'_>, presented: &Presented, now: DateTime<Utc>) -> Result<Option<Held>> {
        let email = presented
            .names
            .clone()
            .or_else(|| presented.user.as_ref().and_then(|u| u.email.clone()))
            .ok_or_else(|| {
                Error::bad_input(
                    "a bare Laravel token does not say whose it is: Laravel keeps tokens by email",
                )
                .with_hint(
                    "paste the whole reset link (it has ?email=), or name the user with --user",
                )
            })?;
        let Some((hash, created_at)) = self.first_row(tx, &email)? else {
            return Ok(None);
        };
        if !self.matches(&presented.token, &hash) {
            return Ok(None);
        }
        let Some(user) = self.user_with_email(tx, &email)? else {
            return Ok(None);
        };
        let dead = self.dead(tx, &user, created_at.as_deref())?;
        Ok(Some(Held {
            state: self.state_of(created_at, dead, now),
            user,
            key: hash,
        }))
    }

    /// As Laravel's reset does: the row goes, the password is set, and the
    /// user gets a new `remember_token` (signing out "remember me"
    /// sessions) when the table has one.
    fn consume(&self, tx: &Tx<'_>, held: &Held, password_hash: &str) -> Result<bool> {
        let t = tx.q(&self.table);
        let email = held.user.user.email.as_deref().unwrap_or_default();
        let taken = tx.execute(
            &format!("DELETE FROM {t} WHERE email = ?1 AND token = ?2"),
            &[email.into(), Arg::Text(&held.key)],
        )?;
        if taken == 0 {
            return Ok(false);
        }
        tx.execute(
            &format!("DELETE FROM {t} WHERE email = ?1"),
            &[email.into()],
        )?;
        self.set_password(tx, &held.user.user.id, password_hash)?;
        Ok(true)
    }

    fn each_outstanding(
        &self,
        tx: &Tx<'_>,
        filter: TokenFilter,
        now: DateTime<Utc>,
        f: &mut dyn FnMut(&User, TokenState) -> Result<()>,
    ) -> Result<u64> {
        self.outstanding(tx, filter, now, f)
    }
}

impl KeptTokens for Laravel {
    fn revoke(&self, tx: &Tx<'_>, user_id: &UserId) -> Result<bool> {
        let Some(email) = self.email_of(tx, user_id)? else {
            return Ok(false);
        };
        let t = tx.q(&self.table);
        Ok(tx.execute(
            &format!("DELETE FROM {t} WHERE email = ?1"),
            &[(&email).into()],
        )? > 0)
    }

    fn take_back(&self, tx: &Tx<'_>, user_id: &UserId, token: &Token) -> Result<bool> {
        let Some(email) = self.email_of(tx, user_id)? else {
            return Ok(false);
        };
        match self.first_row(tx, &email)? {
            Some((hash, _)) if self.matches(token, &hash) => {
                let t = tx.q(&self.table);
                Ok(tx.execute(
                    &format!("DELETE FROM {t} WHERE email = ?1 AND token = ?2"),
                    &[(&email).into(), Arg::Text(&hash)],
                )? > 0)
            }
            _ => Ok(false),
        }
    }

    fn revoke_all(&self, tx: &Tx<'_>) -> Result<u64> {
        tx.execute(&format!("DELETE FROM {}", tx.q(&self.table)), &[])
    }

    /// Rows past `expire` by `cutoff`, read in the app's time zone: also
    /// the ones `auth:clear-resets` misses, whose `created_at` is in
    /// another form than its own, or no time at all; and rows resetctl
    /// wrote whose user's password changed since.
    fn purge(&self, tx: &Tx<'_>, cutoff: DateTime<Utc>) -> Result<u64> {
        let t = tx.q(&self.table);
        let mut rows = Vec::new();
        tx.each(
            &format!(
                "SELECT email, token, {} FROM {t}",
                self.created_at_read(tx, "created_at")?
            ),
            &[],
            &mut |r| {
                rows.push((r.text(0)?, r.text(1)?, r.opt_text(2)?));
                Ok(())
            },
        )?;
        let mut delete = tx.prepare(&format!("DELETE FROM {t} WHERE email = ?1 AND token = ?2"))?;
        let mut n = 0;
        for (email, token, created_at) in &rows {
            let expired = self.expiry(created_at.clone()).is_none_or(|e| e <= cutoff);
            if !expired && !self.dead_by_email(tx, email, created_at.as_deref())? {
                continue;
            }
            delete.bind(1, Arg::Text(email))?;
            delete.bind(2, Arg::Text(token))?;
            n += delete.run()?;
        }
        Ok(n)
    }

    fn count_outstanding(&self, tx: &Tx<'_>) -> Result<u64> {
        tx.count(&format!("SELECT count(*) FROM {}", tx.q(&self.table)), &[])
    }
}

#[cfg(test)]
mod tests;
