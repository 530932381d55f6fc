//! Tokens kept on the user's row, in two columns: the README's layout
//! (the SHA-256 of the token, or with `token_storage = "plain"` the token,
//! and the expiry), and the same shape with another digest and time, as
//! Devise keeps them (see `devise/`). `init` adds the two columns when
//! they are missing.

use std::cell::OnceCell;

use chrono::{DateTime, TimeDelta, Utc};

use super::lock::Locker;
use super::settings::{Defaults, RowSettings, StoreConfig};
use super::{
    Description, ExpiresFormat, Held, IssueRecord, KeptTokens, Lifetime, NewToken, Presented,
    TokenFilter, TokenState, TokenStorage, TokenStore,
};
use crate::db::{Arg, AuditWriter, ColumnKind, Fetched, Matching, Row, Schema, StoreColumn, Tx};
use crate::error::{Error, Result};
use crate::token::{Token, TokenSource};
use crate::user::{IdKind, Typed, User, UserId};
pub use digest::RowDigest;
use digest::{Plain, Sha256};

/// What the time column holds.
pub enum TimeColumn {
    /// The expiry, in the form the app wants.
    Expires(ExpiresFormat),
    /// When the token was issued (Devise's `reset_password_sent_at`, as
    /// Active Record writes it): it lives `within` from then.
    SentAt { within: TimeDelta },
}

pub struct RowColumns {
    schema: Schema,
    digest: Box<dyn RowDigest>,
    time: TimeColumn,
    /// The framework whose layout this is, for `doctor`.
    framework: &'static str,
    /// Statements, built from the names and the engine's dialect at first use.
    sql: OnceCell<sql::Sql>,
    locker: Locker,
}

impl RowColumns {
    /// The README's layout, with `[schema]`'s storage and expiry form.
    pub fn new(schema: &Schema, row: &RowSettings) -> RowColumns {
        let digest: Box<dyn RowDigest> = match row.storage {
            TokenStorage::Sha256 => Box::new(Sha256),
            TokenStorage::Plain => Box::new(Plain),
        };
        RowColumns::with(
            schema,
            digest,
            TimeColumn::Expires(row.expires_format),
            "none",
        )
    }

    /// The same columns, with a framework's digest and time.
    pub fn with(
        schema: &Schema,
        digest: Box<dyn RowDigest>,
        time: TimeColumn,
        framework: &'static str,
    ) -> RowColumns {
        RowColumns {
            schema: schema.clone(),
            digest,
            time,
            framework,
            sql: OnceCell::new(),
            locker: Locker::default(),
        }
    }

    fn sql(&self, tx: &Tx<'_>) -> &sql::Sql {
        self.sql
            .get_or_init(|| sql::Sql::new(&self.schema, &self.time, tx))
    }

    /// What the token column gets for `token`.
    fn stored(&self, token: &Token) -> Result<String> {
        self.digest.digest(token)
    }

    /// The token state in the three columns at `at` of `row`.
    fn state_at(&self, row: &Row<'_>, at: usize, now: DateTime<Utc>) -> Result<TokenState> {
        let time = row.cell(at + 1)?.time();
        let expires = match self.time {
            TimeColumn::Expires(_) => time,
            TimeColumn::SentAt { within } => time.map(|t| t + within),
        };
        Ok(TokenState::of(
            row.flag(at)?,
            expires,
            row.flag(at + 2)?,
            now,
        ))
    }

    /// What the time column gets for a token expiring at `expires`.
    fn time_cell(&self, expires: DateTime<Utc>) -> TimeCell {
        match self.time {
            TimeColumn::Expires(ExpiresFormat::Rfc3339) => TimeCell::At(expires),
            TimeColumn::Expires(ExpiresFormat::Sqlite) => {
                TimeCell::Text(expires.format("%Y-%m-%d %H:%M:%S").to_string())
            }
            TimeColumn::Expires(ExpiresFormat::Unix) => TimeCell::Int(expires.timestamp()),
            TimeColumn::Expires(ExpiresFormat::UnixMs) => TimeCell::Int(expires.timestamp_millis()),
            // A shorter lifetime than Devise's is an earlier issue time.
            TimeColumn::SentAt { within } => TimeCell::Text(
                (expires - within)
                    .format("%Y-%m-%d %H:%M:%S%.6f")
                    .to_string(),
            ),
        }
    }
}

/// A time as the application wants it written: text or a number.
enum TimeCell {
    /// RFC 3339 text, or the engine's own date and time.
    At(DateTime<Utc>),
    Text(String),
    Int(i64),
}

impl TokenStore for RowColumns {
    fn locker(&self) -> Option<(&Locker, &Schema)> {
        Some((&self.locker, &self.schema))
    }
    fn kept(&self) -> std::result::Result<&dyn KeptTokens, &'static str> {
        Ok(self)
    }

    fn describe(&self) -> Description {
        let s = &self.schema;
        let (column, time) = (
            format!("{}.{}", s.table, s.token),
            format!("{}.{}", s.table, s.expires),
        );
        Description {
            kept: self.digest.kept(&column, &time),
            framework: self.framework,
            storage: self.digest.storage(),
            column: Some(column),
            expires_column: Some(time),
            table: None,
            secret: self.digest.secret(),
            lifetime: match self.time {
                TimeColumn::Expires(_) => None,
                TimeColumn::SentAt { within } => Some(crate::clock::format_duration(within)),
            },
            time_zone: None,
        }
    }

    fn problems(&self, _tx: &Tx<'_>) -> Result<Vec<Error>> {
        self.digest.digest_problems()
    }

    fn parse(&self, input: &str) -> Result<Presented> {
        self.digest.parse(input).map(Presented::bare)
    }

    fn user_columns(&self) -> Vec<StoreColumn<'_>> {
        vec![
            ("token", &self.schema.token),
            ("expires", &self.schema.expires),
        ]
    }

    fn prepare(&self, tx: &Tx<'_>) -> Result<Vec<String>> {
        let s = &self.schema;
        let mut changes = Vec::new();
        changes.extend(tx.add_owned_column(&s.token, ColumnKind::Text)?);
        changes.extend(tx.add_owned_column(&s.expires, ColumnKind::Time)?);
        // Serves redeem and inspect --token.
        changes.extend(tx.add_owned_index(&s.token, "idx", false)?);
        Ok(changes)
    }

    fn lookup_index(&self, tx: &Tx<'_>) -> Result<Option<bool>> {
        let s = &self.schema;
        tx.has_index_on(&s.table, &s.token, Matching::Exact)
            .map(Some)
    }

    /// Digested as a real token is: Devise's key costs tens of
    /// milliseconds to derive, once per run.
    fn decoy(
        &self,
        _tx: &Tx<'_>,
        _typed: &Typed<'_>,
        _life: Lifetime,
        source: &mut TokenSource,
    ) -> Result<Token> {
        let token = source.next_token()?;
        self.stored(&token)?;
        Ok(token)
    }

    fn index_key(&self, source: &mut TokenSource) -> Result<Option<Vec<u8>>> {
        Ok(Some(self.stored(&source.next_token()?)?.into_bytes()))
    }

    fn link(&self, template: &str, token: &Token, _user: Option<&User>) -> String {
        template.replace("{token}", token.expose())
    }

    fn store(&self, tx: &Tx<'_>, record: &IssueRecord, tokens: &mut [NewToken<'_>]) -> Result<()> {
        let mut stored: Vec<(String, usize)> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| Ok((self.stored(t.token)?, i)))
            .collect::<Result<_>>()?;
        // Random tokens land all over the token index. Written in the order
        // of the index, each of its pages is read and changed once per
        // batch instead of being evicted and read again between users.
        stored.sort_unstable();
        let time = self.time_cell(record.expires);
        let sql = self.sql(tx);
        let as_arrays = sql.set_tokens.is_some();
        let mut set = tx.prepare(sql.set_tokens.as_deref().unwrap_or(&sql.set_token))?;
        set.bind(
            2,
            match &time {
                TimeCell::At(t) => Arg::Time(*t),
                TimeCell::Text(s) => Arg::Text(s),
                TimeCell::Int(n) => Arg::Int(*n),
            },
        )?;
        let mut audit = AuditWriter::new(tx, &record.audit)?;
        for (value, i) in &stored {
            let t = &tokens[*i];
            if !as_arrays {
                set.bind(1, Arg::Text(value))?;
                set.bind(3, (&t.user.id).into())?;
                set.queue()?;
            }
            audit.write(&t.user.id, &t.user.label(), Some(t.password_check))?;
        }
        if as_arrays {
            for part in stored.chunks(tx.dialect().array_rows()) {
                let values: Vec<Option<&str>> =
                    part.iter().map(|(v, _)| Some(v.as_str())).collect();
                set.bind(1, Arg::Texts(&values))?;
                let users = part.iter().map(|(_, i)| &tokens[*i].user.id);
                // The arrays' form is the one `sql::id_elements` chose.
                if tx.id_kind() == IdKind::Integer {
                    let ids: Vec<i64> = users.filter_map(UserId::int).collect();
                    set.bind(3, Arg::Ints(&ids))?;
                } else {
                    let texts: Vec<String> = users.map(UserId::text).collect();
                    let ids: Vec<Option<&str>> = texts.iter().map(|s| Some(s.as_str())).collect();
                    set.bind(3, Arg::Texts(&ids))?;
                }
                set.run()?;
            }
        }
        audit.finish()
    }

    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState> {
        let found = tx.first(&self.sql(tx).state_by_id, &[(&user.id).into()], |row| {
            self.state_at(row, 0, now)
        })?;
        Ok(found.unwrap_or(TokenState::None))
    }

    fn find(&self, tx: &Tx<'_>, presented: &Presented, now: DateTime<Utc>) -> Result<Option<Held>> {
        let key = self.stored(&presented.token)?;
        let found = tx.first(&self.sql(tx).by_token, &[Arg::Text(&key)], |row| {
            Ok((
                Fetched::read(row, tx.id_kind())?,
                self.state_at(row, 4, now)?,
            ))
        })?;
        match found {
            None => Ok(None),
            Some((fetched, state)) => Ok(Some(Held {
                user: fetched.usable(tx.schema())?,
                state,
                key,
            })),
        }
    }

    fn consume(&self, tx: &Tx<'_>, held: &Held, password_hash: &str) -> Result<bool> {
        let args = [
            password_hash.into(),
            (&held.user.user.id).into(),
            Arg::Text(&held.key),
        ];
        Ok(tx.execute(&self.sql(tx).redeem, &args)? == 1)
    }

    fn each_outstanding(
        &self,
        tx: &Tx<'_>,
        filter: TokenFilter,
        now: DateTime<Utc>,
        f: &mut dyn FnMut(&User, TokenState) -> Result<()>,
    ) -> Result<u64> {
        let sql = &self.sql(tx).outstanding[filter as usize];
        // Listing all compares with no time.
        let now_ms = [now.timestamp_millis().into()];
        let args: &[Arg<'_>] = if filter == TokenFilter::All {
            &[]
        } else {
            &now_ms
        };
        let mut left_out = 0;
        tx.each(sql, args, &mut |row| {
            match Fetched::read(row, tx.id_kind())? {
                Fetched::Row(r) => f(&r.user, self.state_at(row, 4, now)?)?,
                Fetched::BadId(..) => left_out += 1,
            }
            Ok(())
        })?;
        Ok(left_out)
    }
}

impl KeptTokens for RowColumns {
    fn revoke(&self, tx: &Tx<'_>, user_id: &UserId) -> Result<bool> {
        Ok(tx.execute(&self.sql(tx).clear_token, &[user_id.into()])? > 0)
    }

    fn take_back(&self, tx: &Tx<'_>, user_id: &UserId, token: &Token) -> Result<bool> {
        let stored = self.stored(token)?;
        let args = [user_id.into(), Arg::Text(&stored)];
        Ok(tx.execute(&self.sql(tx).clear_token_if, &args)? > 0)
    }

    fn revoke_all(&self, tx: &Tx<'_>) -> Result<u64> {
        tx.execute(&self.sql(tx).clear_all, &[])
    }

    fn purge(&self, tx: &Tx<'_>, cutoff: DateTime<Utc>) -> Result<u64> {
        tx.execute(&self.sql(tx).purge, &[cutoff.timestamp_millis().into()])
    }

    fn count_outstanding(&self, tx: &Tx<'_>) -> Result<u64> {
        tx.count(&self.sql(tx).count_outstanding, &[])
    }
}

pub const DEFAULT_LINK: &str = "https://example.com/reset-password?token={token}";

/// The README's layout: `framework = "none"`.
pub const KIND: super::kind::StoreKind = super::kind::StoreKind {
    name: "none",
    section: None,
    secret_keys: &[],
    configure: |_, _| Ok(config()),
    recognise,
};

/// The users table the config file maps (or `users`) with its password
/// column (or `password_hash`).
fn recognise(c: &crate::db::Catalog, h: &super::kind::Hints) -> Option<super::kind::Found> {
    c.has(&h.table, &[&h.password]).then(|| super::kind::Found {
        evidence: format!("table {} with column {}", h.table, h.password),
        ..Default::default()
    })
}

pub fn config() -> std::sync::Arc<dyn StoreConfig> {
    std::sync::Arc::new(Layout)
}

/// The README's layout needs nothing but `[schema]`.
#[derive(Debug)]
struct Layout;

impl StoreConfig for Layout {
    fn name(&self) -> &'static str {
        "none"
    }

    fn defaults(&self) -> Defaults {
        Defaults {
            schema: Schema::default(),
            link: DEFAULT_LINK.into(),
            lifetime: None,
            token_on_user_row: true,
            passwords: Default::default(),
        }
    }

    fn build(&self, schema: &Schema, row: &RowSettings) -> Box<dyn TokenStore> {
        Box::new(RowColumns::new(schema, row))
    }
}

mod digest;
mod sql;
#[cfg(test)]
mod tests;
