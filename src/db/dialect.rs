//! The SQL that differs from one engine to another, for the statements
//! `db` and the token stores build: comparing ignoring case, reading an
//! expiry as a time, the password fingerprint, and the schema changes
//! `init` makes. Statements are written with numbered parameters (`?1`);
//! PostgreSQL's engine rewrites them as `$1` as it prepares them.

use super::names::{Ident, Schema};

/// SQL name of the function that reads any stored expiry form as Unix
/// milliseconds (NULL when it is no time), registered on SQLite.
pub const EXPIRY_MS_FN: &str = "resetctl_expiry_ms";

/// SQL name of `password::fingerprint` (user id, password cell),
/// registered on SQLite.
pub const FINGERPRINT_FN: &str = "resetctl_password_fingerprint";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Dialect {
    kind: Kind,
}

impl Dialect {
    pub fn sqlite() -> Dialect {
        Dialect { kind: Kind::Sqlite }
    }

    pub fn postgres() -> Dialect {
        Dialect {
            kind: Kind::Postgres,
        }
    }

    /// Whether one statement over arrays (`unnest`) beats a statement per
    /// row: on a server, where each statement costs a round of its own work.
    pub fn writes_batches_as_arrays(&self) -> bool {
        self.pg()
    }

    /// The least time a bulk run leaves the write lock free between two
    /// batches. An app waiting for it on SQLite sleeps in the default busy
    /// handler, which looks again every 100 ms at most (with no gap, one app
    /// write waited 8 s through several batches of a million-user run);
    /// PostgreSQL queues lock waiters and wakes them at once.
    pub fn writer_gap(&self) -> std::time::Duration {
        std::time::Duration::from_millis(if self.pg() { 0 } else { 110 })
    }

    /// Rows per array statement: enough that statements are few, few
    /// enough that the arrays stay a few megabytes.
    pub fn array_rows(&self) -> usize {
        5_000
    }

    fn pg(&self) -> bool {
        self.kind == Kind::Postgres
    }

    /// `column` equals parameter `n`, ignoring ASCII case, in the form the
    /// case-insensitive index `init` makes can serve.
    pub fn equals_ignoring_case(&self, column: &str, n: usize) -> String {
        if self.pg() {
            format!("lower({column}) = lower(?{n})")
        } else {
            format!("{column} = ?{n} COLLATE NOCASE")
        }
    }

    /// An expiry cell read as Unix milliseconds, NULL when it is no time.
    /// On PostgreSQL: a `timestamp` (UTC, as the session's zone is), a
    /// `timestamptz`, RFC 3339 text, or whole Unix seconds, milliseconds,
    /// microseconds or nanoseconds between 2000 and 2200, as on SQLite.
    pub fn expiry_ms(&self, expr: &str) -> String {
        if !self.pg() {
            return format!("{EXPIRY_MS_FN}({expr})");
        }
        let t = format!("(({expr})::text)");
        let n = format!("({t}::numeric)");
        format!(
            "(CASE WHEN {t} IS NULL THEN NULL \
             WHEN {t} ~ '^-?[0-9]{{1,19}}$' THEN CASE \
               WHEN {n} BETWEEN 946684800 AND 7258118399 THEN {n} * 1000 \
               WHEN {n} BETWEEN 946684800000 AND 7258118399999 THEN {n} \
               WHEN {n} BETWEEN 946684800000000 AND 7258118399999999 THEN div({n}, 1000) \
               WHEN {n} BETWEEN 946684800000000000 AND 7258118399999999999 THEN div({n}, 1000000) \
               END \
             ELSE floor(extract(epoch FROM {t}::timestamptz) * 1000) END)::bigint"
        )
    }

    /// The password fingerprint of a row (`password::fingerprint`).
    pub fn fingerprint(&self, id: &str, password: &str) -> String {
        if !self.pg() {
            return format!("{FINGERPRINT_FN}({id}, {password})");
        }
        format!(
            "encode(substring(sha256(convert_to('resetctl password fingerprint', 'UTF8') || '\\x00'::bytea \
             || convert_to(({id})::text, 'UTF8') || CASE WHEN ({password}) IS NULL THEN '\\x00'::bytea \
             ELSE '\\x01'::bytea || convert_to(({password})::text, 'UTF8') END) FROM 1 FOR 16), 'hex')"
        )
    }

    /// Whether a value is an integer (an id column that is not the rowid
    /// may hold text, a real or NULL on SQLite; PostgreSQL's id columns are
    /// typed, and checked to be integers).
    pub fn is_integer(&self, expr: &str) -> String {
        if self.pg() {
            format!("({expr}) IS NOT NULL")
        } else {
            format!("typeof({expr}) = 'integer'")
        }
    }

    /// False, as a value `coalesce` can fall back to beside a comparison.
    pub fn falsity(&self) -> &'static str {
        if self.pg() { "false" } else { "0" }
    }

    /// `INSERT` that skips rows a unique index already holds.
    pub fn insert_ignoring(&self, table: &str, columns: &str, values: &str) -> String {
        if self.pg() {
            format!("INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING")
        } else {
            format!("INSERT OR IGNORE INTO {table} ({columns}) VALUES ({values})")
        }
    }

    /// The users table `init` makes in an empty database.
    pub fn create_users(&self, s: &Schema) -> String {
        let (id, text, time) = if self.pg() {
            (
                "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                "text",
                "timestamptz",
            )
        } else {
            ("INTEGER PRIMARY KEY", "TEXT", "DATETIME")
        };
        let username = s
            .username
            .as_ref()
            .map(|u| format!("{} {text} UNIQUE,\n  ", u.q()))
            .unwrap_or_default();
        format!(
            "CREATE TABLE {} (\n  {} {id},\n  {username}{} {text} UNIQUE,\n  {} {text},\n  {} {text},\n  {} {time}\n)",
            s.table.q(),
            s.id.q(),
            s.email.q(),
            s.password.q(),
            s.token.q(),
            s.expires.q()
        )
    }

    /// A column resetctl owns, added to a table; `kind` is `text` or `time`.
    pub fn add_column(&self, table: &str, column: &str, kind: ColumnKind) -> String {
        let ty = match (kind, self.pg()) {
            (ColumnKind::Text, false) => "TEXT",
            (ColumnKind::Time, false) => "DATETIME",
            (ColumnKind::Text, true) => "text",
            (ColumnKind::Time, true) => "timestamptz",
        };
        format!("ALTER TABLE {table} ADD COLUMN {column} {ty}")
    }

    /// An index on one column; `ignoring_case` for lookups by email.
    pub fn create_index(
        &self,
        name: &Ident,
        table: &Ident,
        column: &Ident,
        ignoring_case: bool,
    ) -> String {
        let key = match (self.pg(), ignoring_case) {
            (true, true) => format!("lower({})", column.q()),
            (true, false) => column.q(),
            (false, true) => format!("{} COLLATE NOCASE", column.q()),
            (false, false) => format!("{} COLLATE BINARY", column.q()),
        };
        format!("CREATE INDEX {} ON {} ({key})", name.q(), table.q())
    }

    /// What an index must have to serve a lookup, for `Tx::has_index_on`:
    /// a collation on SQLite, `lower()` or not on PostgreSQL.
    pub fn index_collation(&self, ignoring_case: bool) -> &'static str {
        match (self.pg(), ignoring_case) {
            (true, true) => "lower",
            (true, false) => "plain",
            (false, true) => "NOCASE",
            (false, false) => "BINARY",
        }
    }

    /// resetctl's audit table and its indexes.
    pub fn create_audit(&self) -> String {
        let (id, int) = if self.pg() {
            (
                "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                "bigint",
            )
        } else {
            ("INTEGER PRIMARY KEY", "INTEGER")
        };
        format!(
            "
CREATE TABLE resetctl_audit (
  id {id},
  at TEXT NOT NULL,             -- RFC 3339 UTC
  actor TEXT NOT NULL,
  action TEXT NOT NULL,         -- init, issue, revoke, purge, redeem, email
  outcome TEXT NOT NULL,        -- ok, unknown-user, asked, rejected, failed
  user_id {int},
  subject TEXT,                 -- the user as shown to people, or what was typed
  detail TEXT,
  reason TEXT,
  expires TEXT,                 -- issue: the expiry written, to recognise our token
  password_check TEXT,          -- issue: fingerprint of the password hash then
  real_at TEXT,                 -- the real time, when RESETCTL_NOW set the clock
  run TEXT                      -- bulk issue: the run that wrote the row
);
CREATE INDEX resetctl_audit_user_idx ON resetctl_audit (user_id, id);
CREATE INDEX resetctl_audit_subject_idx ON resetctl_audit (subject, id) WHERE user_id IS NULL;
"
        )
    }
}

/// What a column resetctl adds holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Time,
}
