//! The application's users, through the mapped names: who a USER argument
//! names, and every user in id order for bulk runs. What a user's token is
//! doing is the token store's business.

use std::cell::OnceCell;

use super::ids::id_text;
use super::{Arg, CaseLookup, Dialect, Row, Schema, Tx};
use crate::error::{Error, Result};
use crate::text::shown;
use crate::user::{IdKind, Lookup, User, UserId, reject_token_as_user};

/// A user, with the fingerprint of their password as it is now (see
/// `password::fingerprint`): what an issue records to know later whether
/// the password changed since.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub user: User,
    pub password_fingerprint: String,
}

/// A users-table row as read: whole, or with an id resetctl cannot use
/// (NULL; a real, or text in an integer column that is not the rowid).
pub enum Fetched {
    Row(UserRow),
    /// The id as it is, escaped and quoted for messages, and whether the
    /// ids are integers.
    BadId(String, IdKind),
}

/// The four columns every user query starts with, for stores that select
/// users together with their token: read back with [`Fetched::read`].
/// Without `fingerprint` the fourth is empty: listing never issues, so it
/// need not hash every row's password.
pub fn user_columns(s: &Schema, d: &dyn Dialect, ids: IdKind, fingerprint: bool) -> String {
    let t = d.q(&s.table);
    let username = s
        .username
        .as_ref()
        .map_or("NULL".to_string(), |u| format!("{t}.{}", d.q(u)));
    let fp = if fingerprint {
        d.fingerprint(
            &id_text(d, ids, &format!("{t}.{}", d.q(&s.id))),
            &password_of(s, d),
        )
    } else {
        "''".to_string()
    };
    format!(
        "{t}.{id}, {username}, {t}.{email}, {fp}",
        id = d.q(&s.id),
        email = d.q(&s.email)
    )
}

/// The user's stored password as an SQL expression over the users table:
/// its column, or the one row of another table that holds it.
pub fn password_of(s: &Schema, d: &dyn Dialect) -> String {
    let t = d.q(&s.table);
    match &s.password_row {
        None => format!("{t}.{}", d.q(&s.password)),
        Some(r) => format!(
            "(SELECT pw.{} FROM {} pw WHERE {} LIMIT 1)",
            d.q(&s.password),
            d.q(&r.table),
            r.conditions(&|c| d.q(c), "pw", &format!("{t}.{}", d.q(&s.id)))
        ),
    }
}

impl Fetched {
    /// The user in the first four columns of `row` (see [`user_columns`]),
    /// whose ids are of `ids` (`Tx::id_kind`).
    pub fn read(row: &Row<'_>, ids: IdKind) -> Result<Fetched> {
        let cell = row.cell(0)?;
        let Some(id) = cell.user_id(ids) else {
            let shown = cell
                .text()
                .map_or_else(|| "NULL".to_string(), |t| shown(&t));
            return Ok(Fetched::BadId(shown, ids));
        };
        Ok(Fetched::Row(UserRow {
            user: User {
                id,
                username: row.opt_text(1)?,
                email: row.opt_text(2)?,
            },
            password_fingerprint: row.text(3)?,
        }))
    }

    /// The row, or the error a lookup that found an unusable one ends with.
    pub fn usable(self, s: &Schema) -> Result<UserRow> {
        match self {
            Fetched::Row(row) => Ok(row),
            Fetched::BadId(id, IdKind::Integer) => Err(Error::config(format!(
                "a user matching this has {} = {id} in {}, not an integer id; resetctl leaves such rows alone",
                s.id, s.table
            ))
            .with_hint("give the row an integer id in the application")),
            Fetched::BadId(id, _) => Err(Error::config(format!(
                "a user matching this has {} = {id} in {}, which names no one row; resetctl leaves such rows alone",
                s.id, s.table
            ))
            .with_hint("give the row an id in the application")),
        }
    }
}

/// Every statement on the users table, built once from the checked names.
#[derive(Debug, Clone)]
pub struct UserSql {
    pub by_id: String,
    pub by_username: Option<String>,
    /// The columns and table every lookup reads.
    select: String,
    /// Built on the first lookup by email: it depends on how the engine
    /// finds that column ignoring case, which costs a catalogue query that
    /// commands finding no one by email need not make.
    by_email: OnceCell<String>,
    pub page: String,
    /// The first page, where ids are not integers (no least id to start
    /// after).
    page_first: String,
    pub count_users: String,
    pub count_bad_ids: String,
}

impl UserSql {
    pub fn new(s: &Schema, d: &dyn Dialect, ids: IdKind) -> UserSql {
        let t = d.q(&s.table);
        let select = format!("SELECT {} FROM {t}", user_columns(s, d, ids, true));
        let id = d.q(&s.id);
        // Every id that names a row is served where ids are not integers:
        // keyset paging in the column's own order.
        let usable = if ids == IdKind::Integer {
            d.is_integer(&id)
        } else {
            format!("{id} IS NOT NULL")
        };
        UserSql {
            by_id: format!("{select} WHERE {id} = ?1"),
            by_username: s
                .username
                .as_ref()
                .map(|u| format!("{select} WHERE {} = ?1", d.q(u))),
            by_email: OnceCell::new(),
            page: format!("{select} WHERE {id} > ?1 AND {usable} ORDER BY {id} LIMIT ?2"),
            page_first: format!("{select} WHERE {usable} ORDER BY {id} LIMIT ?1"),
            count_users: format!("SELECT count(*) FROM {t} WHERE {usable}"),
            count_bad_ids: format!("SELECT count(*) FROM {t} WHERE NOT {usable}"),
            select,
        }
    }

    /// The lookup by email, for a column found as `lookup` says. Matches
    /// the case-insensitive index init creates: a search, not a scan.
    pub fn by_email(&self, s: &Schema, d: &dyn Dialect, lookup: &CaseLookup) -> String {
        format!("{} WHERE {}", self.select, email_is(s, d, lookup))
    }
}

/// The email equals `?1` ignoring case, through the index there is.
fn email_is(s: &Schema, d: &dyn Dialect, by_email: &CaseLookup) -> String {
    let email = d.q(&s.email);
    match by_email {
        CaseLookup::Column => d.equals_ignoring_case(&email, 1),
        CaseLookup::Lowered(copy) => {
            format!("({} = lower(?1) AND lower({email}) = lower(?1))", d.q(copy))
        }
        CaseLookup::Scan => format!("lower({email}) = lower(?1)"),
    }
}

impl<'a> Tx<'a> {
    /// The lookup by email, built once per connection.
    fn by_email_sql(&self) -> Result<&'a str> {
        let sql = self.user_sql();
        if let Some(built) = sql.by_email.get() {
            return Ok(built);
        }
        let s = self.schema();
        let lookup = self.conn.case_lookup(&s.table, &s.email)?;
        Ok(sql
            .by_email
            .get_or_init(|| sql.by_email(s, self.dialect(), &lookup)))
    }

    /// The one user a USER argument names: 67 when there is none, 65 for
    /// a token pasted in its place.
    pub fn resolve(&self, input: &str, by: Option<Lookup>) -> Result<UserRow> {
        // Pasted names often come with a stray space or newline.
        let input = input.trim();
        reject_token_as_user(input)?;
        let lookup = Lookup::of(input, by, self.names());
        let mut found = self.find_users(input, lookup)?;
        // Text ids have no shape of their own: a name that is no username
        // may be one, as pasted from the app.
        if found.is_empty()
            && by.is_none()
            && lookup == Lookup::Username
            && self.id_kind() != IdKind::Integer
        {
            found = self.find_users(input, Lookup::Id)?;
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(lookup.no_such_user(input, self.schema().username.is_some())),
            n => Err(Error::no_user(format!(
                "{} is ambiguous: {n} users have that email when case is ignored",
                shown(input)
            ))
            .with_hint("give the email exactly as stored, or the user's id")),
        }
    }

    /// Users matching a USER argument. Email matching ignores case; when
    /// emails differ only in case, an exact match wins.
    pub fn find_users(&self, input: &str, by: Lookup) -> Result<Vec<UserRow>> {
        let sql = self.user_sql();
        match by {
            Lookup::Id => match self.id_from_text(input) {
                Some(id) => self.users(&sql.by_id, &[(&id).into()]),
                None => Ok(Vec::new()),
            },
            Lookup::Username => match &sql.by_username {
                Some(by_username) => self.users(by_username, &[input.into()]),
                None => Ok(Vec::new()),
            },
            Lookup::Email => {
                let mut rows = self.users(self.by_email_sql()?, &[input.into()])?;
                if rows.len() > 1 && rows.iter().any(|r| r.user.email.as_deref() == Some(input)) {
                    rows.retain(|r| r.user.email.as_deref() == Some(input));
                }
                Ok(rows)
            }
        }
    }

    /// The user with this id, if any.
    pub fn user_by_id(&self, id: &UserId) -> Result<Option<UserRow>> {
        Ok(self.users(&self.user_sql().by_id, &[id.into()])?.pop())
    }

    fn users(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<UserRow>> {
        let mut found = Vec::new();
        self.each(sql, args, &mut |row| {
            found.push(Fetched::read(row, self.id_kind())?);
            Ok(())
        })?;
        found.into_iter().map(|f| f.usable(self.schema())).collect()
    }

    /// Up to `limit` users with ids above `after` (from the first when
    /// `None`), in id order: keyset paging, each page an index range
    /// whatever the table's size. Rows with unusable ids are left out,
    /// counted by [`Tx::count_bad_ids`].
    pub fn page_after(&self, after: Option<&UserId>, limit: usize) -> Result<Vec<UserRow>> {
        let sql = self.user_sql();
        let limit_arg = Arg::Int(limit as i64);
        let (statement, args) = match after {
            Some(id) => (&sql.page, vec![id.into(), limit_arg]),
            // Below every integer id: the statement integer ids always ran.
            None if self.id_kind() == IdKind::Integer => {
                (&sql.page, vec![Arg::Int(i64::MIN), limit_arg])
            }
            None => (&sql.page_first, vec![limit_arg]),
        };
        let mut rows = Vec::with_capacity(limit);
        self.each(statement, &args, &mut |row| {
            if let Fetched::Row(r) = Fetched::read(row, self.id_kind())? {
                rows.push(r);
            }
            Ok(())
        })?;
        Ok(rows)
    }

    /// Users with a usable id: what a bulk run over everyone reaches.
    pub fn count_users(&self) -> Result<u64> {
        self.count(&self.user_sql().count_users, &[])
    }

    /// Users whose id is unusable (see [`Fetched`]): every bulk run leaves
    /// them out.
    pub fn count_bad_ids(&self) -> Result<u64> {
        self.count(&self.user_sql().count_bad_ids, &[])
    }

    /// The single number a `SELECT count(*)` returns.
    pub fn count(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        Ok(self.first(sql, args, |r| r.int(0))?.unwrap_or(0) as u64)
    }
}
