//! Queries on the application's users table, through the mapped names.

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{Row, params};
use sha2::{Digest, Sha256};

use super::{EXPIRY_MS_FN, Tx, expiry_of};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: Option<String>,
    pub email: Option<String>,
}

impl User {
    /// How people see the user: `alice <alice@example.com>`.
    pub fn label(&self) -> String {
        match (&self.username, &self.email) {
            (Some(u), Some(e)) => format!("{u} <{e}>"),
            (Some(u), None) => u.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => format!("user {}", self.id),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({ "id": self.id, "username": self.username, "email": self.email })
    }
}

/// A user with the state of their token and what is needed to judge it.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub user: User,
    pub has_token: bool,
    /// `None` when the stored expiry is missing or unreadable: such a token
    /// is treated as expired, never as eternal.
    pub expires: Option<DateTime<Utc>>,
    password: Option<Vec<u8>>,
}

impl UserRow {
    /// Fingerprint of the password hash as it is now (see
    /// [`password_fingerprint`]).
    pub fn password_fingerprint(&self) -> String {
        password_fingerprint(self.user.id, self.password.as_deref())
    }
}

/// A short digest of a user's stored password hash, salted with the user id
/// so equal hashes of different users do not look alike. Kept with each issue
/// so that a redeem can tell whether the password changed since: it cannot
/// be turned back into the hash, let alone the password.
pub fn password_fingerprint(user_id: i64, stored_hash: Option<&[u8]>) -> String {
    let mut h = Sha256::new();
    h.update(b"resetctl password fingerprint\0");
    h.update(user_id.to_string().as_bytes());
    match stored_hash {
        Some(bytes) => {
            h.update([1u8]);
            h.update(bytes);
        }
        None => h.update([0u8]),
    }
    hex::encode(&h.finalize()[..16])
}

/// How a USER argument names its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Email,
    Username,
    Id,
}

impl Lookup {
    /// `@` means email, all digits means id, anything else a username.
    pub fn guess(input: &str) -> Lookup {
        if input.contains('@') {
            Lookup::Email
        } else if !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit()) {
            Lookup::Id
        } else {
            Lookup::Username
        }
    }
}

/// Which outstanding tokens to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFilter {
    All,
    Active,
    Expired,
}

impl Tx<'_> {
    fn select(&self) -> String {
        let s = self.schema;
        let username = s.username.as_ref().map_or("NULL".to_string(), |u| u.q());
        format!(
            "SELECT {id}, {username}, {email}, ({tok} IS NOT NULL AND {tok} <> ''), {exp}, {pw} FROM {t}",
            id = s.id.q(),
            email = s.email.q(),
            tok = s.token.q(),
            exp = s.expires.q(),
            pw = s.password.q(),
            t = s.table.q(),
        )
    }

    fn has_token_sql(&self) -> String {
        let tok = self.schema.token.q();
        format!("{tok} IS NOT NULL AND {tok} <> ''")
    }

    /// Users matching a USER argument. Email matching ignores case; an exact
    /// match is tried first so the unique index answers the usual case.
    pub fn find_users(&self, input: &str, by: Lookup) -> Result<Vec<UserRow>> {
        let s = self.schema;
        let base = self.select();
        match by {
            Lookup::Id => match input.parse::<i64>() {
                Ok(id) => self.rows(&format!("{base} WHERE {} = ?1", s.id.q()), params![id]),
                Err(_) => Ok(Vec::new()),
            },
            Lookup::Username => match &s.username {
                Some(u) => self.rows(&format!("{base} WHERE {} = ?1", u.q()), params![input]),
                None => Ok(Vec::new()),
            },
            Lookup::Email => {
                let exact = self.rows(
                    &format!("{base} WHERE {} = ?1", s.email.q()),
                    params![input],
                )?;
                if !exact.is_empty() {
                    return Ok(exact);
                }
                self.rows(
                    &format!("{base} WHERE {} = ?1 COLLATE NOCASE", s.email.q()),
                    params![input],
                )
            }
        }
    }

    /// The user holding a token, by its stored form.
    pub fn find_by_token(&self, stored: &str) -> Result<Option<UserRow>> {
        let sql = format!("{} WHERE {} = ?1", self.select(), self.schema.token.q());
        Ok(self.rows(&sql, params![stored])?.into_iter().next())
    }

    fn rows(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<UserRow>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        stmt.query_map(p, user_row)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// Calls `f` for each user with a token, in id order, without collecting.
    pub fn each_outstanding(
        &self,
        filter: TokenFilter,
        now: DateTime<Utc>,
        mut f: impl FnMut(UserRow) -> Result<()>,
    ) -> Result<()> {
        let s = self.schema;
        let cond = match filter {
            TokenFilter::All => "",
            TokenFilter::Active => " AND coalesce({fn}({exp}), 0) > ?1",
            TokenFilter::Expired => " AND coalesce({fn}({exp}), 0) <= ?1",
        }
        .replace("{fn}", EXPIRY_MS_FN)
        .replace("{exp}", &s.expires.q());
        // `?1 IS NOT NULL` keeps the parameter count the same for every filter.
        let sql = format!(
            "{} WHERE {}{cond} AND ?1 IS NOT NULL ORDER BY {}",
            self.select(),
            self.has_token_sql(),
            s.id.q()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params![now.timestamp_millis()])
            .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            f(user_row(r).map_err(|e| self.err(e))?)?;
        }
        Ok(())
    }

    pub fn count_outstanding(&self) -> Result<u64> {
        let s = self.schema;
        self.conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM {} WHERE {}",
                    s.table.q(),
                    self.has_token_sql()
                ),
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    pub fn set_token(&self, user_id: i64, stored: &str, expires: &str) -> Result<()> {
        let s = self.schema;
        self.conn
            .execute(
                &format!(
                    "UPDATE {} SET {} = ?1, {} = ?2 WHERE {} = ?3",
                    s.table.q(),
                    s.token.q(),
                    s.expires.q(),
                    s.id.q()
                ),
                params![stored, expires, user_id],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Clears one user's token; false when there was none.
    pub fn clear_token(&self, user_id: i64) -> Result<bool> {
        let s = self.schema;
        self.conn
            .execute(
                &format!(
                    "UPDATE {} SET {} = NULL, {} = NULL WHERE {} = ?1 AND {}",
                    s.table.q(),
                    s.token.q(),
                    s.expires.q(),
                    s.id.q(),
                    self.has_token_sql()
                ),
                params![user_id],
            )
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    /// Clears every token, in one statement.
    pub fn clear_all(&self) -> Result<u64> {
        self.clear_where("", params![])
    }

    /// Clears tokens that expired at or before `cutoff` (unreadable expiries
    /// count as long expired), in one statement.
    pub fn purge_expired(&self, cutoff: DateTime<Utc>) -> Result<u64> {
        let cond = format!(
            " AND coalesce({EXPIRY_MS_FN}({}), 0) <= ?1",
            self.schema.expires.q()
        );
        self.clear_where(&cond, params![cutoff.timestamp_millis()])
    }

    fn clear_where(&self, cond: &str, p: impl rusqlite::Params) -> Result<u64> {
        let s = self.schema;
        let sql = format!(
            "UPDATE {} SET {} = NULL, {} = NULL WHERE {}{cond}",
            s.table.q(),
            s.token.q(),
            s.expires.q(),
            self.has_token_sql()
        );
        self.conn
            .execute(&sql, p)
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Writes the new password hash and clears the token, if the user still
    /// holds exactly this token. False when someone else got there first.
    pub fn redeem(&self, user_id: i64, stored_token: &str, password_hash: &str) -> Result<bool> {
        let s = self.schema;
        self.conn
            .execute(
                &format!(
                    "UPDATE {} SET {} = ?1, {} = NULL, {} = NULL WHERE {} = ?2 AND {} = ?3",
                    s.table.q(),
                    s.password.q(),
                    s.token.q(),
                    s.expires.q(),
                    s.id.q(),
                    s.token.q()
                ),
                params![password_hash, user_id, stored_token],
            )
            .map(|n| n == 1)
            .map_err(|e| self.err(e))
    }
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    let password = match r.get_ref(5)? {
        ValueRef::Null => None,
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(b.to_vec()),
        ValueRef::Integer(i) => Some(i.to_string().into_bytes()),
        ValueRef::Real(f) => Some(f.to_string().into_bytes()),
    };
    Ok(UserRow {
        user: User {
            id: r.get(0)?,
            username: text(r.get_ref(1)?),
            email: text(r.get_ref(2)?),
        },
        has_token: r.get(3)?,
        expires: expiry_of(r.get_ref(4)?),
        password,
    })
}

/// A name column as text, whatever its storage class.
fn text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
    }
}
