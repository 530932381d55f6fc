//! The SQL that differs from one engine to another, for the statements
//! `db` and the token stores build: comparing ignoring case, reading an
//! expiry as a time, the password fingerprint, and the schema changes
//! `init` makes. Statements are written with numbered parameters (`?1`);
//! an engine with another syntax rewrites them as it prepares them.

use super::names::{Ident, Schema};

/// SQL name of the function that reads any stored expiry form as Unix
/// milliseconds (NULL when it is no time).
pub const EXPIRY_MS_FN: &str = "resetctl_expiry_ms";

/// SQL name of `password::fingerprint` (user id, password cell).
pub const FINGERPRINT_FN: &str = "resetctl_password_fingerprint";

/// SQLite's, the one engine today.
#[derive(Debug, Clone)]
pub struct Dialect {
    _engine: (),
}

impl Dialect {
    pub fn sqlite() -> Dialect {
        Dialect { _engine: () }
    }

    /// `column` equals parameter `n`, ignoring ASCII case, in the form the
    /// case-insensitive index `init` makes can serve.
    pub fn equals_ignoring_case(&self, column: &str, n: usize) -> String {
        format!("{column} = ?{n} COLLATE NOCASE")
    }

    /// An expiry cell read as Unix milliseconds, NULL when it is no time.
    pub fn expiry_ms(&self, expr: &str) -> String {
        format!("{EXPIRY_MS_FN}({expr})")
    }

    /// The password fingerprint of a row.
    pub fn fingerprint(&self, id: &str, password: &str) -> String {
        format!("{FINGERPRINT_FN}({id}, {password})")
    }

    /// Whether a value is an integer (an id column that is not the rowid
    /// may hold text, a real or NULL).
    pub fn is_integer(&self, expr: &str) -> String {
        format!("typeof({expr}) = 'integer'")
    }

    /// The users table `init` makes in an empty database.
    pub fn create_users(&self, s: &Schema) -> String {
        let username = s
            .username
            .as_ref()
            .map(|u| format!("{} TEXT UNIQUE,\n  ", u.q()))
            .unwrap_or_default();
        format!(
            "CREATE TABLE {} (\n  {} INTEGER PRIMARY KEY,\n  {username}{} TEXT UNIQUE,\n  {} TEXT,\n  {} TEXT,\n  {} DATETIME\n)",
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
        let ty = match kind {
            ColumnKind::Text => "TEXT",
            ColumnKind::Time => "DATETIME",
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
        let collation = if ignoring_case { "NOCASE" } else { "BINARY" };
        format!(
            "CREATE INDEX {} ON {} ({} COLLATE {collation})",
            name.q(),
            table.q(),
            column.q()
        )
    }

    /// The collation name an index must have to serve a lookup, for
    /// `Tx::has_index_on`.
    pub fn index_collation(&self, ignoring_case: bool) -> &'static str {
        if ignoring_case { "NOCASE" } else { "BINARY" }
    }

    /// resetctl's audit table and its indexes.
    pub fn create_audit(&self) -> &'static str {
        "
CREATE TABLE resetctl_audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,             -- RFC 3339 UTC
  actor TEXT NOT NULL,
  action TEXT NOT NULL,         -- init, issue, revoke, purge, redeem, email
  outcome TEXT NOT NULL,        -- ok, unknown-user, rejected, failed
  user_id INTEGER,
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
    }
}

/// What a column resetctl adds holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Time,
}
