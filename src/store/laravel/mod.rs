//! Laravel apps: tokens in a table of their own (`password_reset_tokens`,
//! or `password_resets` before Laravel 10), one row per email: the email,
//! a `$2y$` bcrypt hash of the token, and `created_at` as a wall-clock
//! time in the app's time zone. A token lives `expire` from then. Laravel
//! reads only the first row for an email, so issuing deletes the email's
//! rows before it inserts one.

use std::cell::RefCell;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::{
    Description, Held, IssueRecord, NewToken, Presented, TokenFilter, TokenState, TokenStore,
};
use crate::db::{Arg, AuditWriter, Fetched, Ident, Schema, StoreColumn, Tx, user_columns};
use crate::error::{Error, Result};
use crate::token::{Token, link_param};
use crate::user::User;

mod hashing;
mod rows;

use hashing::hash_all;

pub const DEFAULT_LINK: &str = "https://example.com/reset-password/{token}?email={email}";

/// bcrypt cost of the token rows: Laravel 8's default for `Hash::make`.
/// Laravel checks a token at whatever cost it was hashed with.
pub const TOKEN_COST: u32 = 10;

/// How many users a bulk batch takes: each token is a bcrypt hash, so a
/// batch of the usual size would hold the app's writers off for minutes.
pub const BULK_BATCH: usize = 32;

/// `[laravel]`.
#[derive(Debug, Clone)]
pub struct LaravelSettings {
    pub table: Ident,
    /// `config/auth.php` `passwords.users.expire`.
    pub expire: TimeDelta,
    /// `config/app.php` `timezone`: the clock `created_at` is written in.
    pub timezone: Tz,
}

impl Default for LaravelSettings {
    fn default() -> Self {
        LaravelSettings {
            table: Ident::known("password_reset_tokens"),
            expire: TimeDelta::minutes(60),
            timezone: Tz::UTC,
        }
    }
}

/// Laravel's users table: `name` as username, `password`. The token and
/// expiry names are not used: tokens live in their own table.
pub fn schema() -> Schema {
    Schema {
        username: Some(Ident::known("name")),
        password: Ident::known("password"),
        ..Schema::default()
    }
}

pub struct Laravel {
    schema: Schema,
    table: Ident,
    expire: TimeDelta,
    zone: Tz,
    /// The last token checked against a row's hash, and whether it matched:
    /// `redeem` looks twice (before and under the lock), and each bcrypt
    /// check is tens of milliseconds.
    checked: RefCell<Option<(String, bool)>>,
}

impl Laravel {
    pub fn new(schema: &Schema, settings: &LaravelSettings) -> Laravel {
        Laravel {
            schema: schema.clone(),
            table: settings.table.clone(),
            expire: settings.expire,
            zone: settings.timezone,
            checked: RefCell::new(None),
        }
    }
}

impl TokenStore for Laravel {
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
        Ok(vec![format!("Created table {}", self.table)])
    }

    fn lookup_index(&self, tx: &Tx<'_>) -> Result<Option<bool>> {
        if tx.columns_of(self.table.name())?.is_none() {
            return Ok(None);
        }
        tx.has_index_on(&self.table, &Ident::known("email"), None)
            .map(Some)
    }

    fn link_problem(&self, template: &str) -> Option<String> {
        (!template.contains("{token}")).then(|| {
            format!(
                "the link {} has no {{token}} placeholder",
                crate::text::shown(template)
            )
        })
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
        let t = self.table.q();
        let created = crate::clock::wall_clock(record.expires - self.expire, self.zone)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        let mut delete = tx.prepare(&format!("DELETE FROM {t} WHERE email = ?1"))?;
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {t} (email, token, created_at) VALUES (?1, ?2, ?3)"
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
            audit.write(t.user.id, &t.user.label(), Some(t.password_check))?;
        }
        audit.finish()
    }

    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState> {
        let Some(email) = &user.email else {
            return Ok(TokenState::None);
        };
        Ok(match self.first_row(tx, email)? {
            None => TokenState::None,
            Some((_, created_at)) => self.state_of(created_at, now),
        })
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
        Ok(Some(Held {
            user,
            state: self.state_of(created_at, now),
            key: hash,
        }))
    }

    /// As Laravel's reset does: the row goes, the password is set, and the
    /// user gets a new `remember_token` (signing out "remember me"
    /// sessions) when the table has one.
    fn consume(&self, tx: &Tx<'_>, held: &Held, password_hash: &str) -> Result<bool> {
        let t = self.table.q();
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
        self.set_password(tx, held.user.user.id, password_hash)?;
        Ok(true)
    }

    fn revoke(&self, tx: &Tx<'_>, user_id: i64) -> Result<bool> {
        let Some(email) = self.email_of(tx, user_id)? else {
            return Ok(false);
        };
        let t = self.table.q();
        Ok(tx.execute(
            &format!("DELETE FROM {t} WHERE email = ?1"),
            &[(&email).into()],
        )? > 0)
    }

    fn take_back(&self, tx: &Tx<'_>, user_id: i64, token: &Token) -> Result<bool> {
        let Some(email) = self.email_of(tx, user_id)? else {
            return Ok(false);
        };
        match self.first_row(tx, &email)? {
            Some((hash, _)) if self.matches(token, &hash) => {
                let t = self.table.q();
                Ok(tx.execute(
                    &format!("DELETE FROM {t} WHERE email = ?1 AND token = ?2"),
                    &[(&email).into(), Arg::Text(&hash)],
                )? > 0)
            }
            _ => Ok(false),
        }
    }

    fn revoke_all(&self, tx: &Tx<'_>) -> Result<u64> {
        tx.execute(&format!("DELETE FROM {}", self.table.q()), &[])
    }

    /// Rows past `expire` by `cutoff`, read in the app's time zone: also
    /// the ones `auth:clear-resets` misses, whose `created_at` is in
    /// another form than its own, or no time at all.
    fn purge(&self, tx: &Tx<'_>, cutoff: DateTime<Utc>) -> Result<u64> {
        let t = self.table.q();
        let mut expired = Vec::new();
        tx.each(
            &format!("SELECT email, token, created_at FROM {t}"),
            &[],
            &mut |r| {
                if self.expiry(r.opt_text(2)?).is_none_or(|e| e <= cutoff) {
                    expired.push((r.text(0)?, r.text(1)?));
                }
                Ok(())
            },
        )?;
        let mut delete = tx.prepare(&format!("DELETE FROM {t} WHERE email = ?1 AND token = ?2"))?;
        let mut n = 0;
        for (email, token) in &expired {
            delete.bind(1, Arg::Text(email))?;
            delete.bind(2, Arg::Text(token))?;
            n += delete.run()?;
        }
        Ok(n)
    }

    fn count_outstanding(&self, tx: &Tx<'_>) -> Result<u64> {
        tx.count(&format!("SELECT count(*) FROM {}", self.table.q()), &[])
    }

    fn each_outstanding(
        &self,
        tx: &Tx<'_>,
        filter: TokenFilter,
        now: DateTime<Utc>,
        f: &mut dyn FnMut(&User, TokenState) -> Result<()>,
    ) -> Result<u64> {
        let s = &self.schema;
        let (t, u) = (self.table.q(), s.table.q());
        let sql = format!(
            "SELECT {}, {t}.created_at FROM {t} JOIN {u} ON {u}.{} = {t}.email ORDER BY {u}.{}",
            user_columns(s, tx.dialect(), false),
            s.email.q(),
            s.id.q()
        );
        let mut left_out = 0;
        let mut last = None;
        tx.each(&sql, &[], &mut |row| {
            match Fetched::read(row)? {
                // Laravel reads the first row of an email; so does this.
                Fetched::Row(r) if last == Some(r.user.id) => {}
                Fetched::Row(r) => {
                    last = Some(r.user.id);
                    let state = self.state_of(row.opt_text(4)?, now);
                    let wanted = match filter {
                        TokenFilter::All => true,
                        TokenFilter::Active => matches!(state, TokenState::Active(_)),
                        TokenFilter::Expired => !matches!(state, TokenState::Active(_)),
                    };
                    if wanted {
                        f(&r.user, state)?;
                    }
                }
                Fetched::BadId(_) => left_out += 1,
            }
            Ok(())
        })?;
        Ok(left_out)
    }
}

#[cfg(test)]
mod tests;
