//! The store of the README's layout: each user row holds the SHA-256 of
//! its token (or, with `token_storage = "plain"`, the token) and the
//! expiry, in two columns `init` adds when they are missing.

use std::cell::OnceCell;

use chrono::{DateTime, Utc};

use super::{
    Capabilities, ExpiresFormat, Held, IssueRecord, NewToken, StoreSettings, TokenFilter,
    TokenState, TokenStorage, TokenStore,
};
use crate::db::{
    AUDIT_TABLE, Arg, AuditWriter, ColumnKind, Fetched, Row, Schema, StoreColumn, Tx, user_columns,
};
use crate::error::Result;
use crate::token::Token;
use crate::user::User;

pub struct RowColumns {
    schema: Schema,
    settings: StoreSettings,
    /// Statements, built from the names and the engine's dialect at first use.
    sql: OnceCell<Sql>,
}

struct Sql {
    state_by_id: String,
    by_token: String,
    outstanding: [String; 3],
    count_outstanding: String,
    set_token: String,
    clear_token: String,
    clear_token_if: String,
    clear_all: String,
    purge: String,
    redeem: String,
}

impl Sql {
    fn new(s: &Schema, tx: &Tx<'_>) -> Sql {
        let d = tx.dialect();
        let (t, id, pw, tok, exp) = (
            s.table.q(),
            s.id.q(),
            s.password.q(),
            s.token.q(),
            s.expires.q(),
        );
        let has_token = format!("{t}.{tok} IS NOT NULL AND {t}.{tok} <> ''");
        let fingerprint = d.fingerprint(&format!("{t}.{id}"), &format!("{t}.{pw}"));
        // Dead: the newest issue resetctl recorded for this user is this very
        // token (same expiry) and the password hash has changed since (see
        // the README's "inspect" section). One index search per row. Every
        // column is named with its table's full name and nothing is aliased:
        // an app's table may be called anything, `a` included, and the
        // users table can never be called resetctl_audit.
        let a = AUDIT_TABLE;
        let dead = format!(
            "({has_token} AND coalesce((SELECT {} = {} \
             AND {a}.password_check <> {fingerprint} \
             FROM {a} WHERE {a}.user_id = {t}.{id} AND {a}.action = 'issue' AND {a}.outcome = 'ok' \
             ORDER BY {a}.id DESC LIMIT 1), 0))",
            d.expiry_ms(&format!("{a}.expires")),
            d.expiry_ms(&format!("{t}.{exp}"))
        );
        let token_state = format!("({has_token}), {t}.{exp}, {dead}");
        // Listing never issues, so it skips hashing every row's password.
        let listed = format!(
            "SELECT {}, {token_state} FROM {t}",
            user_columns(s, d, false)
        );
        let expiry_ms = format!("coalesce({}, 0)", d.expiry_ms(&format!("{t}.{exp}")));
        // `?1 IS NOT NULL` keeps one parameter in every variant.
        let outstanding = |cond: &str| {
            format!("{listed} WHERE {has_token}{cond} AND ?1 IS NOT NULL ORDER BY {t}.{id}")
        };
        let clear = format!("UPDATE {t} SET {tok} = NULL, {exp} = NULL WHERE {has_token}");
        Sql {
            state_by_id: format!("SELECT {token_state} FROM {t} WHERE {t}.{id} = ?1"),
            by_token: format!(
                "SELECT {}, {token_state} FROM {t} WHERE {t}.{tok} = ?1",
                user_columns(s, d, true)
            ),
            outstanding: [
                outstanding(""),
                outstanding(&format!(" AND {expiry_ms} > ?1 AND NOT {dead}")),
                outstanding(&format!(" AND ({expiry_ms} <= ?1 OR {dead})")),
            ],
            count_outstanding: format!("SELECT count(*) FROM {t} WHERE {has_token}"),
            set_token: format!("UPDATE {t} SET {tok} = ?1, {exp} = ?2 WHERE {id} = ?3"),
            clear_token: format!("{clear} AND {id} = ?1"),
            clear_token_if: format!("{clear} AND {id} = ?1 AND {tok} = ?2"),
            purge: format!("{clear} AND ({expiry_ms} <= ?1 OR {dead})"),
            clear_all: clear,
            redeem: format!(
                "UPDATE {t} SET {pw} = ?1, {tok} = NULL, {exp} = NULL WHERE {id} = ?2 AND {tok} = ?3"
            ),
        }
    }
}

impl RowColumns {
    pub fn new(schema: &Schema, settings: StoreSettings) -> RowColumns {
        RowColumns {
            schema: schema.clone(),
            settings,
            sql: OnceCell::new(),
        }
    }

    fn sql(&self, tx: &Tx<'_>) -> &Sql {
        self.sql.get_or_init(|| Sql::new(&self.schema, tx))
    }

    /// What the token column gets for `token`.
    fn stored(&self, token: &Token) -> String {
        match self.settings.storage {
            TokenStorage::Sha256 => token.sha256_hex(),
            TokenStorage::Plain => token.expose().to_string(),
        }
    }

    /// The token state in the three columns at `at` of `row`.
    fn state_at(row: &Row<'_>, at: usize, now: DateTime<Utc>) -> Result<TokenState> {
        Ok(TokenState::of(
            row.flag(at)?,
            row.cell(at + 1)?.time(),
            row.flag(at + 2)?,
            now,
        ))
    }
}

/// An expiry as the application wants it written: text or a number.
enum ExpiryCell {
    Text(String),
    Int(i64),
}

fn expiry_cell(t: DateTime<Utc>, format: ExpiresFormat) -> ExpiryCell {
    match format {
        ExpiresFormat::Rfc3339 => ExpiryCell::Text(crate::clock::rfc3339(t)),
        ExpiresFormat::Sqlite => ExpiryCell::Text(t.format("%Y-%m-%d %H:%M:%S").to_string()),
        ExpiresFormat::Unix => ExpiryCell::Int(t.timestamp()),
        ExpiresFormat::UnixMs => ExpiryCell::Int(t.timestamp_millis()),
    }
}

impl TokenStore for RowColumns {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            revoke: true,
            list: true,
        }
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
        let collation = tx.dialect().index_collation(false);
        tx.has_index_on(&s.table, &s.token, Some(collation))
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

    fn link(&self, template: &str, token: &Token, _user: Option<&User>) -> String {
        template.replace("{token}", token.expose())
    }

    fn store(&self, tx: &Tx<'_>, record: &IssueRecord, tokens: &mut [NewToken<'_>]) -> Result<()> {
        let mut stored: Vec<(String, usize)> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (self.stored(t.token), i))
            .collect();
        // Random tokens land all over the token index. Written in the order
        // of the index, each of its pages is read and changed once per
        // batch instead of being evicted and read again between users.
        stored.sort_unstable();
        let expiry = expiry_cell(record.expires, self.settings.expires_format);
        let mut set = tx.prepare(&self.sql(tx).set_token)?;
        set.bind(
            2,
            match &expiry {
                ExpiryCell::Text(s) => Arg::Text(s),
                ExpiryCell::Int(n) => Arg::Int(*n),
            },
        )?;
        let mut audit = AuditWriter::new(tx, &record.audit)?;
        for (value, i) in &stored {
            let t = &tokens[*i];
            set.bind(1, Arg::Text(value))?;
            set.bind(3, Arg::Int(t.user.id))?;
            set.run()?;
            audit.write(t.user.id, &t.user.label(), Some(t.password_check))?;
        }
        Ok(())
    }

    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState> {
        let found = tx.first(&self.sql(tx).state_by_id, &[user.id.into()], |row| {
            Self::state_at(row, 0, now)
        })?;
        Ok(found.unwrap_or(TokenState::None))
    }

    fn find(&self, tx: &Tx<'_>, token: &Token, now: DateTime<Utc>) -> Result<Option<Held>> {
        let key = self.stored(token);
        let found = tx.first(&self.sql(tx).by_token, &[Arg::Text(&key)], |row| {
            Ok((Fetched::read(row)?, Self::state_at(row, 4, now)?))
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
            held.user.user.id.into(),
            Arg::Text(&held.key),
        ];
        Ok(tx.execute(&self.sql(tx).redeem, &args)? == 1)
    }

    fn revoke(&self, tx: &Tx<'_>, user_id: i64) -> Result<bool> {
        Ok(tx.execute(&self.sql(tx).clear_token, &[user_id.into()])? > 0)
    }

    fn take_back(&self, tx: &Tx<'_>, user_id: i64, token: &Token) -> Result<bool> {
        let stored = self.stored(token);
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

    fn each_outstanding(
        &self,
        tx: &Tx<'_>,
        filter: TokenFilter,
        now: DateTime<Utc>,
        f: &mut dyn FnMut(&User, TokenState) -> Result<()>,
    ) -> Result<u64> {
        let sql = &self.sql(tx).outstanding[filter as usize];
        let mut left_out = 0;
        tx.each(sql, &[now.timestamp_millis().into()], &mut |row| {
            match Fetched::read(row)? {
                Fetched::Row(r) => f(&r.user, Self::state_at(row, 4, now)?)?,
                Fetched::BadId(_) => left_out += 1,
            }
            Ok(())
        })?;
        Ok(left_out)
    }
}

#[cfg(test)]
mod tests;
