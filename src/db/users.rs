//! Queries on the application's users table, through the mapped names.

use chrono::{DateTime, Utc};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{CachedStatement, Row, params};
use sha2::{Digest, Sha256};

use super::audit::{self, AUDIT_TABLE, AuditEntry};
use super::{EXPIRY_MS_FN, FINGERPRINT_FN, Tx, expiry_of};
use crate::config::Schema;
use crate::error::{Error, Result, printable, push_printable};

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
            (Some(u), Some(e)) => {
                // One allocation: bulk issue labels every user it audits.
                let mut s = String::with_capacity(u.len() + e.len() + 3);
                push_printable(&mut s, u);
                s.push_str(" <");
                push_printable(&mut s, e);
                s.push('>');
                s
            }
            (Some(u), None) => printable(u),
            (None, Some(e)) => printable(e),
            (None, None) => format!("user {}", self.id),
        }
    }

    /// The `user` object of JSON output, borrowed: streaming commands print
    /// one per row, and building a map for each was a measurable cost.
    pub fn json(&self) -> UserJson<'_> {
        UserJson {
            id: Some(self.id),
            username: self.username.as_deref(),
            email: self.email.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct UserJson<'a> {
    /// `None` only for a user named by what was typed under --no-enumerate.
    pub id: Option<i64>,
    pub username: Option<&'a str>,
    pub email: Option<&'a str>,
}

/// A user with the state of their token.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub user: User,
    pub has_token: bool,
    /// `None` when the stored expiry is missing or unreadable: such a token
    /// is treated as expired, never as eternal.
    pub expires: Option<DateTime<Utc>>,
    /// The token resetctl issued is dead: the password hash changed since.
    pub dead: bool,
    /// [`password_fingerprint`] of the password hash as it is now.
    pub password_fingerprint: String,
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
    crate::token::lower_hex(&h.finalize()[..16])
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
    All = 0,
    Active = 1,
    Expired = 2,
}

/// Every statement on the users table, built once from the validated
/// schema names.
#[derive(Debug, Clone)]
pub(crate) struct Sql {
    pub by_id: String,
    pub by_username: Option<String>,
    pub by_email: String,
    pub by_token: String,
    pub outstanding: [String; 3],
    pub count_outstanding: String,
    pub count_users: String,
    pub count_bad_ids: String,
    pub page: String,
    pub page_unjudged: String,
    pub set_token: String,
    pub clear_token: String,
    pub clear_token_if: String,
    pub clear_all: String,
    pub purge: String,
    pub redeem: String,
}

impl Sql {
    pub fn new(s: &Schema) -> Sql {
        let (t, id, email, pw, tok, exp) = (
            s.table.q(),
            s.id.q(),
            s.email.q(),
            s.password.q(),
            s.token.q(),
            s.expires.q(),
        );
        let username = s.username.as_ref().map_or("NULL".to_string(), |u| u.q());
        let has_token = format!("{tok} IS NOT NULL AND {tok} <> ''");
        let fingerprint = format!("{FINGERPRINT_FN}({t}.{id}, {t}.{pw})");
        // Dead: the newest issue resetctl recorded for this user is this very
        // token (same expiry) and the password hash has changed since (see
        // the README's "inspect" section). One index search per row. Every
        // column is named with its table's full name and nothing is aliased:
        // an app's table may be called anything, `a` included, and the
        // users table can never be called resetctl_audit.
        let a = AUDIT_TABLE;
        let dead = format!(
            "({has_token} AND coalesce((SELECT {EXPIRY_MS_FN}({a}.expires) = {EXPIRY_MS_FN}({t}.{exp}) \
             AND {a}.password_check <> {fingerprint} \
             FROM {a} WHERE {a}.user_id = {t}.{id} AND {a}.action = 'issue' AND {a}.outcome = 'ok' \
             ORDER BY {a}.id DESC LIMIT 1), 0))"
        );
        let select = format!(
            "SELECT {id}, {username}, {email}, ({has_token}), {exp}, {dead}, {fingerprint} FROM {t}"
        );
        // Bulk issue without --skip-active never asks whether a token is
        // dead, so it skips that search for every user.
        let select_unjudged = format!(
            "SELECT {id}, {username}, {email}, ({has_token}), {exp}, 0, {fingerprint} FROM {t}"
        );
        // Listing never issues, so it skips hashing every row's password.
        let select_listed =
            format!("SELECT {id}, {username}, {email}, ({has_token}), {exp}, {dead}, '' FROM {t}");
        let expiry_ms = format!("coalesce({EXPIRY_MS_FN}({exp}), 0)");
        // `?1 IS NOT NULL` keeps one parameter in every variant.
        let outstanding = |cond: &str| {
            format!("{select_listed} WHERE {has_token}{cond} AND ?1 IS NOT NULL ORDER BY {id}")
        };
        let clear = format!("UPDATE {t} SET {tok} = NULL, {exp} = NULL WHERE {has_token}");
        Sql {
            by_id: format!("{select} WHERE {id} = ?1"),
            by_username: s
                .username
                .as_ref()
                .map(|u| format!("{select} WHERE {} = ?1", u.q())),
            // COLLATE NOCASE here matches the index init creates, so this is
            // an index search, not a scan.
            by_email: format!("{select} WHERE {email} = ?1 COLLATE NOCASE"),
            by_token: format!("{select} WHERE {tok} = ?1"),
            outstanding: [
                outstanding(""),
                outstanding(&format!(" AND {expiry_ms} > ?1 AND NOT {dead}")),
                outstanding(&format!(" AND ({expiry_ms} <= ?1 OR {dead})")),
            ],
            count_outstanding: format!("SELECT count(*) FROM {t} WHERE {has_token}"),
            count_users: format!("SELECT count(*) FROM {t} WHERE typeof({id}) = 'integer'"),
            count_bad_ids: format!("SELECT count(*) FROM {t} WHERE typeof({id}) <> 'integer'"),
            // Keyset paging: each page is an index range, whatever the table
            // size. Rows with other ids are left out, counted apart.
            page: format!(
                "{select} WHERE {id} > ?1 AND typeof({id}) = 'integer' ORDER BY {id} LIMIT ?2"
            ),
            page_unjudged: format!(
                "{select_unjudged} WHERE {id} > ?1 AND typeof({id}) = 'integer' ORDER BY {id} LIMIT ?2"
            ),
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

impl<'a> Tx<'a> {
    /// Users matching a USER argument. Email matching ignores case; when
    /// emails differ only in case, an exact match wins.
    pub fn find_users(&self, input: &str, by: Lookup) -> Result<Vec<UserRow>> {
        match by {
            Lookup::Id => match input.parse::<i64>() {
                Ok(id) => self.rows(&self.sql.by_id, params![id]),
                Err(_) => Ok(Vec::new()),
            },
            Lookup::Username => match &self.sql.by_username {
                Some(sql) => self.rows(sql, params![input]),
                None => Ok(Vec::new()),
            },
            Lookup::Email => {
                let mut rows = self.rows(&self.sql.by_email, params![input])?;
                if rows.len() > 1 && rows.iter().any(|r| r.user.email.as_deref() == Some(input)) {
                    rows.retain(|r| r.user.email.as_deref() == Some(input));
                }
                Ok(rows)
            }
        }
    }

    /// The user holding a token, by its stored form.
    pub fn find_by_token(&self, stored: &str) -> Result<Option<UserRow>> {
        Ok(self
            .rows(&self.sql.by_token, params![stored])?
            .into_iter()
            .next())
    }

    /// Rows of a lookup. A row whose id is not an integer cannot be named
    /// again safely, so finding one is a schema problem (78), said plainly.
    fn rows(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<UserRow>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let fetched: Vec<Fetched> = stmt
            .query_map(p, user_row)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        fetched
            .into_iter()
            .map(|f| match f {
                Fetched::Row(row) => Ok(row),
                Fetched::BadId(id) => Err(Error::config(format!(
                    "a user matching this has {} = {id} in {}, not an integer id; resetctl leaves such rows alone",
                    self.schema.id, self.schema.table
                ))
                .with_hint("give the row an integer id in the application")),
            })
            .collect()
    }

    /// Calls `f` for each user with a token, in id order, without collecting.
    /// Returns how many rows were left out for an id that is not an integer.
    pub fn each_outstanding(
        &self,
        filter: TokenFilter,
        now: DateTime<Utc>,
        mut f: impl FnMut(UserRow) -> Result<()>,
    ) -> Result<u64> {
        let sql = &self.sql.outstanding[filter as usize];
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params![now.timestamp_millis()])
            .map_err(|e| self.err(e))?;
        let mut left_out = 0;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            match user_row(r).map_err(|e| self.err(e))? {
                Fetched::Row(row) => f(row)?,
                Fetched::BadId(_) => left_out += 1,
            }
        }
        Ok(left_out)
    }

    /// Up to `limit` users with integer ids above `after`, in id order.
    /// Unless `judged`, no row is searched for a dead token (`dead` reads
    /// false): for runs that ignore token state.
    pub fn page_after(&self, after: i64, limit: usize, judged: bool) -> Result<Vec<UserRow>> {
        let sql = if judged {
            &self.sql.page
        } else {
            &self.sql.page_unjudged
        };
        self.rows(sql, params![after, limit as i64])
    }

    /// Users whose id is not an integer: every bulk run leaves them out.
    pub fn count_bad_ids(&self) -> Result<u64> {
        self.conn
            .query_row(&self.sql.count_bad_ids, [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    pub fn count_users(&self) -> Result<u64> {
        self.conn
            .query_row(&self.sql.count_users, [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    pub fn count_outstanding(&self) -> Result<u64> {
        self.conn
            .query_row(&self.sql.count_outstanding, [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// A writer of tokens, each with its audit row: `issue` is the row the
    /// writes share, `expires` the expiry cell as the application wants it.
    pub fn token_writer<'t>(
        &'t self,
        expires: &Value,
        issue: &AuditEntry,
    ) -> Result<TokenWriter<'t, 'a>> {
        let prepare = || -> rusqlite::Result<_> {
            let mut set = self.conn.prepare_cached(&self.sql.set_token)?;
            set.raw_bind_parameter(2, expires)?;
            let mut record = self.conn.prepare_cached(audit::INSERT)?;
            record.raw_bind_parameter(1, &issue.at)?;
            record.raw_bind_parameter(2, &issue.actor)?;
            record.raw_bind_parameter(3, issue.action)?;
            record.raw_bind_parameter(4, issue.outcome.as_str())?;
            record.raw_bind_parameter(7, &issue.detail)?;
            record.raw_bind_parameter(8, &issue.reason)?;
            record.raw_bind_parameter(9, &issue.expires)?;
            record.raw_bind_parameter(11, &issue.real_at)?;
            record.raw_bind_parameter(12, &issue.run)?;
            Ok((set, record))
        };
        let (set, record) = prepare().map_err(|e| self.err(e))?;
        Ok(TokenWriter {
            tx: self,
            set,
            record,
        })
    }

    /// Clears one user's token; false when there was none.
    pub fn clear_token(&self, user_id: i64) -> Result<bool> {
        self.conn
            .prepare_cached(&self.sql.clear_token)
            .and_then(|mut st| st.execute(params![user_id]))
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    /// Clears a user's token only if it is still `stored`: a token issued
    /// since by someone else is left alone.
    pub fn clear_token_if(&self, user_id: i64, stored: &str) -> Result<bool> {
        self.conn
            .prepare_cached(&self.sql.clear_token_if)
            .and_then(|mut st| st.execute(params![user_id, stored]))
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    /// Clears every token, in one statement.
    pub fn clear_all(&self) -> Result<u64> {
        self.conn
            .execute(&self.sql.clear_all, [])
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Clears tokens that expired at or before `cutoff` (unreadable expiries
    /// count as long expired), in one statement.
    pub fn purge_expired(&self, cutoff: DateTime<Utc>) -> Result<u64> {
        self.conn
            .execute(&self.sql.purge, params![cutoff.timestamp_millis()])
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Writes the new password hash and clears the token, if the user still
    /// holds exactly this token. False when someone else got there first.
    pub fn redeem(&self, user_id: i64, stored_token: &str, password_hash: &str) -> Result<bool> {
        self.conn
            .execute(
                &self.sql.redeem,
                params![password_hash, user_id, stored_token],
            )
            .map(|n| n == 1)
            .map_err(|e| self.err(e))
    }
}

/// Stores tokens and their expiries with one audit row each. What the
/// rows of one run share is bound once: bulk issue writes a million of
/// them, and binding ten parameters per user was a measurable share.
pub struct TokenWriter<'t, 'a> {
    tx: &'t Tx<'a>,
    set: CachedStatement<'a>,
    record: CachedStatement<'a>,
}

impl TokenWriter<'_, '_> {
    /// `stored` is what the token column gets; `subject` and
    /// `password_check` go to the audit row.
    pub fn write(
        &mut self,
        user_id: i64,
        stored: &str,
        subject: &str,
        password_check: &str,
    ) -> Result<()> {
        let mut run = || -> rusqlite::Result<()> {
            self.set.raw_bind_parameter(1, stored)?;
            self.set.raw_bind_parameter(3, user_id)?;
            self.set.raw_execute()?;
            self.record.raw_bind_parameter(5, user_id)?;
            self.record.raw_bind_parameter(6, subject)?;
            self.record.raw_bind_parameter(10, password_check)?;
            self.record.raw_execute()?;
            Ok(())
        };
        run().map_err(|e| self.tx.err(e))
    }
}

/// A users-table row as read: whole, or with an id resetctl cannot use
/// (NULL, text or real, possible in a column that is not the rowid).
enum Fetched {
    Row(UserRow),
    /// The id as it is, escaped for messages.
    BadId(String),
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<Fetched> {
    let id = match r.get_ref(0)? {
        ValueRef::Integer(id) => id,
        other => {
            let shown = text(other).map_or_else(|| "NULL".to_string(), |t| crate::error::shown(&t));
            return Ok(Fetched::BadId(shown));
        }
    };
    Ok(Fetched::Row(UserRow {
        user: User {
            id,
            username: text(r.get_ref(1)?),
            email: text(r.get_ref(2)?),
        },
        has_token: r.get(3)?,
        expires: expiry_of(r.get_ref(4)?),
        dead: r.get(5)?,
        password_fingerprint: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
    }))
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::Ident;
    use crate::db::{Access, AuditEntry, Db, Outcome, audit};

    fn audit_entry() -> AuditEntry {
        AuditEntry {
            at: "2026-11-21T10:00:00Z".into(),
            actor: "test".into(),
            reason: None,
            action: "init",
            outcome: Outcome::Ok,
            user_id: None,
            subject: None,
            detail: None,
            expires: None,
            password_check: None,
            real_at: None,
            run: None,
        }
    }

    /// The query plan of `sql`, one line per step.
    fn plan(db: &Db, sql: &str) -> String {
        let mut stmt = db
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        // Parameters left unbound: the plan does not depend on their values.
        let mut rows = stmt.raw_query();
        let mut steps = Vec::new();
        while let Some(r) = rows.next().unwrap() {
            steps.push(r.get::<_, String>(3).unwrap());
        }
        steps.join(" | ")
    }

    #[track_caller]
    fn assert_searches(db: &Db, name: &str, sql: &str) {
        let p = plan(db, sql);
        assert!(
            p.contains("SEARCH") && !p.contains("SCAN"),
            "{name} is not index-backed: {p}\n{sql}"
        );
    }

    /// Every statement that finds one user, or one user's audit history,
    /// searches an index, on a table of a million users: no lookup scans.
    fn check_lookups(schema: &Schema, create: &str, users: u32) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(create).unwrap();
            conn.execute(
                &format!(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
                     INSERT INTO {t} ({id}, {email}, {pw}) SELECT i, 'User' || i || '@Example.com', 'x' FROM n",
                    t = schema.table.q(),
                    id = schema.id.q(),
                    email = schema.email.q(),
                    pw = schema.password.q(),
                ),
                [users],
            )
            .unwrap();
        }
        Db::init(&path, Duration::from_secs(5), schema, false, audit_entry()).unwrap();
        let db = Db::open(&path, Access::ReadWrite, Duration::from_secs(5), schema).unwrap();
        let count: u32 = db
            .conn
            .query_row(
                &format!("SELECT count(*) FROM {}", schema.table.q()),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(count, users);
        let sql = &db.sql;
        let mut lookups = vec![
            ("by id", sql.by_id.as_str()),
            ("by email ignoring case", &sql.by_email),
            ("by token", &sql.by_token),
            ("set token", &sql.set_token),
            ("clear token", &sql.clear_token),
            ("redeem", &sql.redeem),
            ("page of users (bulk)", &sql.page),
            ("page of users, unjudged (bulk)", &sql.page_unjudged),
            ("last audit row", audit::LAST_OK),
            ("rate limit, user", audit::NTH_RECENT_ISSUE[0]),
            ("rate limit, unknown name", audit::NTH_RECENT_ISSUE[1]),
        ];
        if let Some(u) = &sql.by_username {
            lookups.push(("by username", u));
        }
        for (name, stmt) in lookups {
            assert_searches(&db, name, stmt);
        }
    }

    #[test]
    fn lookups_are_index_backed_on_a_million_users() {
        check_lookups(
            &Schema::default(),
            "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, email TEXT UNIQUE, \
             password_hash TEXT, password_reset_token TEXT, password_reset_expires DATETIME)",
            1_000_000,
        );
    }

    #[test]
    fn lookups_are_index_backed_on_a_table_without_usernames() {
        let id = |n: &str| Ident::new("t", n).unwrap();
        let schema = Schema {
            table: id("members"),
            id: id("user_id"),
            username: None,
            email: id("mail"),
            password: id("pw"),
            token: id("reset_tok"),
            expires: id("reset_until"),
        };
        check_lookups(
            &schema,
            "CREATE TABLE members (user_id INTEGER PRIMARY KEY, mail TEXT NOT NULL UNIQUE, pw TEXT)",
            10_000,
        );
    }

    #[test]
    fn lookups_are_index_backed_on_djangos_auth_user() {
        // Django declares no index on email at all: init's NOCASE index is the only one.
        let schema = Schema {
            table: Ident::new("t", "auth_user").unwrap(),
            password: Ident::new("p", "password").unwrap(),
            ..Schema::default()
        };
        check_lookups(
            &schema,
            "CREATE TABLE auth_user (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, password varchar(128) NOT NULL, \
             last_login datetime NULL, is_superuser bool NOT NULL DEFAULT 0, username varchar(150) NULL UNIQUE, \
             last_name varchar(150) NOT NULL DEFAULT '', email varchar(254) NOT NULL, is_staff bool NOT NULL DEFAULT 0, \
             is_active bool NOT NULL DEFAULT 1, date_joined datetime NOT NULL DEFAULT 0, first_name varchar(150) NOT NULL DEFAULT '')",
            10_000,
        );
    }
}
