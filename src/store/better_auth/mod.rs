//! Better Auth apps (`framework = "better-auth"`): a reset token is a
//! `verification` row exactly as Better Auth's own reset request writes
//! it (`identifier.rs`, `rows.rs`), the link is the one it emails
//! (`link.rs`), and `[better_auth]` holds the app's options and table names
//! (`settings.rs`, `config.rs`). Passwords live in the credential `account`
//! row, in Better Auth's scrypt format (`password::Scheme::BetterAuthScrypt`);
//! a redeem does what Better Auth's reset does (`account.rs`).
//!
//! Better Auth keeps every reset row until it is used or expires; resetctl
//! deletes the user's earlier reset rows when it issues, so one link is
//! live at a time. Which rows are reset rows: `row_id.rs`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{
    Description, Held, IssueRecord, KeptTokens, NewToken, Presented, TokenFilter, TokenState,
    TokenStore,
};
use crate::db::{Arg, AuditWriter, Matching, Schema, StoreColumn, Tx};
use crate::error::{Error, Result};
use crate::token::{Token, TokenSource};
use crate::user::{User, UserId};

mod account;
mod config;
mod dates;
pub mod identifier;
pub mod link;
mod outstanding;
mod row_id;
mod rows;
pub mod settings;

pub use config::{KIND, schema};
pub use settings::{BetterAuthSettings, StoreIdentifier};

use rows::{state_of, value_of};

/// `providerId` of the account that holds a password.
pub const CREDENTIAL: &str = "credential";

const MIGRATE_HINT: &str = "run Better Auth's migrations (npx @better-auth/cli migrate)";

pub struct BetterAuth {
    schema: Schema,
    settings: BetterAuthSettings,
    /// When the token being redeemed was found: the time its account's
    /// `updatedAt` gets.
    found_at: Cell<Option<DateTime<Utc>>>,
    /// Whether the server shifts a date column (table, column) by the
    /// session's zone (`dates.rs`), once known.
    shifted: RefCell<HashMap<(String, String), bool>>,
    /// Whether the session table is there, once known.
    sessions_table: Cell<Option<bool>>,
}

impl BetterAuth {
    pub fn new(schema: &Schema, settings: &BetterAuthSettings) -> BetterAuth {
        BetterAuth {
            schema: schema.clone(),
            settings: settings.clone(),
            found_at: Cell::new(None),
            shifted: RefCell::new(HashMap::new()),
            sessions_table: Cell::new(None),
        }
    }

    /// The tables and columns this store reads and writes, for `problems`.
    fn needed(&self) -> Vec<(&crate::db::Ident, Vec<&crate::db::Ident>)> {
        let (v, a, s) = (
            &self.settings.verification,
            &self.settings.account,
            &self.settings.session,
        );
        let mut needed = vec![
            (
                &v.table,
                vec![
                    &v.id,
                    &v.identifier,
                    &v.value,
                    &v.expires_at,
                    &v.created_at,
                    &v.updated_at,
                ],
            ),
            (
                &a.table,
                vec![
                    &a.id,
                    &a.account_id,
                    &a.provider_id,
                    &a.user_id,
                    &self.schema.password,
                    &a.created_at,
                    &a.updated_at,
                ],
            ),
        ];
        if self.settings.revoke_sessions {
            needed.push((&s.table, vec![&s.user_id]));
        }
        needed
    }
}

impl TokenStore for BetterAuth {
    /// The credential account's password (a user without one has no
    /// password to lock), and every session row of the user.
    fn lock(
        &self,
        tx: &Tx<'_>,
        id: &UserId,
        hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<u64>> {
        self.update_password(tx, id, hash, now)?;
        if !self.has_sessions(tx)? {
            return Ok(None);
        }
        self.end_sessions(tx, id).map(Some)
    }

    fn lock_reach(&self, tx: &Tx<'_>) -> Result<Vec<String>> {
        let (a, s) = (&self.settings.account, &self.settings.session);
        let mut reach = vec![format!(
            "{}.{} of the credential account (a hash nobody's password matches)",
            a.table, self.schema.password
        )];
        reach.push(if self.has_sessions(tx)? {
            format!("the user's rows of {} (by {})", s.table, s.user_id)
        } else {
            format!("no sessions: there is no table {}", s.table)
        });
        Ok(reach)
    }
    fn kept(&self) -> std::result::Result<&dyn KeptTokens, &'static str> {
        Ok(self)
    }

    fn describe(&self) -> Description {
        let v = &self.settings.verification;
        let (storage, what) = match self.settings.store_identifier {
            StoreIdentifier::Plain => ("plain", "reset-password:<token>"),
            StoreIdentifier::Hashed => ("sha256", "SHA-256 of reset-password:<token>"),
        };
        Description {
            framework: "better-auth",
            storage,
            column: Some(format!("{}.{}", v.table, v.identifier)),
            expires_column: Some(format!("{}.{}", v.table, v.expires_at)),
            table: Some(v.table.to_string()),
            secret: None,
            lifetime: Some(crate::clock::format_duration(self.settings.expires_in)),
            time_zone: None,
            kept: format!(
                "{what} in {}.{}, one row per token, value the user's id",
                v.table, v.identifier
            ),
        }
    }

    fn problems(&self, tx: &Tx<'_>) -> Result<Vec<Error>> {
        let mut out = Vec::new();
        for (table, columns) in self.needed() {
            match tx.columns_of(table.name())? {
                None => out.push(
                    Error::config(format!("the database has no table {table}"))
                        .with_hint(MIGRATE_HINT),
                ),
                Some(have) => out.extend(
                    columns
                        .into_iter()
                        .filter(|c| !have.contains(&c.name().to_ascii_lowercase()))
                        .map(|c| {
                            Error::config(format!("table {table} has no column {c}"))
                                .with_hint(MIGRATE_HINT)
                        }),
                ),
            }
        }
        Ok(out)
    }

    fn parse(&self, input: &str) -> Result<Presented> {
        link::parse(input).map(Presented::bare)
    }

    /// Better Auth's own shape: `generateId(24)`, a decoy's too.
    fn fresh_token(&self, source: &mut TokenSource) -> Result<Token> {
        link::new_token(source)
    }

    fn user_columns(&self) -> Vec<StoreColumn<'_>> {
        Vec::new()
    }

    /// Better Auth's migrations make its tables; resetctl adds nothing.
    fn prepare(&self, tx: &Tx<'_>) -> Result<Vec<String>> {
        match self.problems(tx)?.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(Vec::new()),
        }
    }

    fn lookup_index(&self, tx: &Tx<'_>) -> Result<Option<bool>> {
        let v = &self.settings.verification;
        if tx.columns_of(v.table.name())?.is_none() {
            return Ok(None);
        }
        tx.has_index_on(&v.table, &v.identifier, Matching::Exact)
            .map(Some)
    }

    fn link(&self, template: &str, token: &Token, _user: Option<&User>) -> String {
        template.replace("{token}", token.expose())
    }

    /// Each token a row as Better Auth's request writes it, after the
    /// user's earlier reset rows are deleted: all of a batch's users' rows
    /// are found in one read of the table.
    fn store(&self, tx: &Tx<'_>, record: &IssueRecord, tokens: &mut [NewToken<'_>]) -> Result<()> {
        let now = crate::clock::parse_timestamp(&record.audit.at).unwrap_or(record.expires);
        let values: std::collections::HashSet<String> =
            tokens.iter().map(|t| value_of(&t.user.id)).collect();
        let earlier = self.reset_rows(tx, None)?;
        let mut delete = self.delete_row(tx)?;
        for row in earlier.iter().filter(|r| values.contains(&r.value)) {
            delete.bind(1, Arg::Text(&row.id))?;
            delete.queue()?;
        }
        let mut insert = self.insert_row(tx)?;
        insert.bind(4, Arg::Millis(record.expires))?;
        insert.bind(5, Arg::Millis(now))?;
        let mut source = TokenSource::new();
        let mut audit = AuditWriter::new(tx, &record.audit)?;
        for t in tokens.iter() {
            let identifier = identifier::stored(t.token, self.settings.store_identifier);
            let id = row_id::for_row(&identifier, &mut source)?;
            insert.bind(1, Arg::Text(&id))?;
            insert.bind(2, Arg::Text(&identifier))?;
            insert.bind(3, Arg::Text(&value_of(&t.user.id)))?;
            insert.queue()?;
            audit.write(&t.user.id, &t.user.label(), Some(t.password_check))?;
        }
        audit.finish()
    }

    /// The latest-expiring of the user's reset rows.
    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState> {
        let rows = self.reset_rows(tx, Some(&value_of(&user.id)))?;
        Ok(outstanding::best(rows.iter().map(|r| r.expires), now))
    }

    /// By the configured identifier, then the plain one, as Better Auth
    /// looks tokens up.
    fn find(&self, tx: &Tx<'_>, presented: &Presented, now: DateTime<Utc>) -> Result<Option<Held>> {
        self.found_at.set(Some(now));
        for identifier in identifier::lookups(&presented.token, self.settings.store_identifier) {
            let Some((value, expires)) = self.row_of(tx, &identifier)? else {
                continue;
            };
            let Some(id) = tx.id_from_text(&value) else {
                return Ok(None);
            };
            let Some(user) = tx.user_by_id(&id)? else {
                return Ok(None);
            };
            return Ok(Some(Held {
                user,
                state: state_of(expires, now),
                key: identifier.to_string(),
            }));
        }
        Ok(None)
    }

    /// As `resetPassword` does, in the one transaction: the token's row
    /// goes (none left: someone else used it first), then, when the app
    /// says so, the user's sessions, then the password is written.
    fn consume(&self, tx: &Tx<'_>, held: &Held, password_hash: &str) -> Result<bool> {
        let id = &held.user.user.id;
        if !self.take_row(tx, &held.key, &value_of(id))? {
            return Ok(false);
        }
        if self.settings.revoke_sessions {
            self.end_sessions(tx, id)?;
        }
        let now = match self.found_at.get() {
            Some(t) => t,
            None => crate::clock::now()?,
        };
        self.set_password(tx, id, password_hash, now)?;
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

impl KeptTokens for BetterAuth {
    fn revoke(&self, tx: &Tx<'_>, user_id: &UserId) -> Result<bool> {
        let rows = self.reset_rows(tx, Some(&value_of(user_id)))?;
        Ok(self.delete_rows(tx, rows.iter().map(|r| r.id.as_str()))? > 0)
    }

    /// Only the rows of this very token: one issued since is left alone.
    fn take_back(&self, tx: &Tx<'_>, user_id: &UserId, token: &Token) -> Result<bool> {
        let value = value_of(user_id);
        let mut taken = false;
        for identifier in identifier::lookups(token, self.settings.store_identifier) {
            taken |= self.take_row(tx, &identifier, &value)?;
        }
        Ok(taken)
    }

    fn revoke_all(&self, tx: &Tx<'_>) -> Result<u64> {
        let rows = self.reset_rows(tx, None)?;
        self.delete_rows(tx, rows.iter().map(|r| r.id.as_str()))
    }

    /// Rows Better Auth refuses by `cutoff` (`expiresAt < cutoff`), and
    /// rows whose expiry is no time.
    fn purge(&self, tx: &Tx<'_>, cutoff: DateTime<Utc>) -> Result<u64> {
        let rows = self.reset_rows(tx, None)?;
        let expired = rows
            .iter()
            .filter(|r| r.expires.is_none_or(|t| t < cutoff))
            .map(|r| r.id.as_str());
        self.delete_rows(tx, expired)
    }

    fn count_outstanding(&self, tx: &Tx<'_>) -> Result<u64> {
        Ok(self.reset_rows(tx, None)?.len() as u64)
    }
}
