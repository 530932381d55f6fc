//! Checking that the database has what the tool needs, and `init` adding
//! what it owns (token columns, token index, audit table) and nothing else.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use rusqlite::OptionalExtension;

use super::audit::{AUDIT_COLUMNS, AUDIT_TABLE, AuditEntry, CREATE_AUDIT, NEWER_AUDIT_COLUMNS};
use super::{Access, Db, Tx};
use crate::config::{Ident, Schema};
use crate::error::{Error, Result};

/// What `init` changed, in the order it did it.
#[derive(Debug, Default)]
pub struct InitReport {
    pub changes: Vec<String>,
    pub warnings: Vec<String>,
}

const DEMO_USERS: [&str; 3] = ["alice", "bob", "carol"];

impl Db {
    /// Warnings about the layout that do not stop the tool.
    pub fn init_warnings(&self) -> Result<Vec<String>> {
        let s = &self.schema;
        let mut warnings = Vec::new();
        if let Some(u) = &s.username
            && !self.read().has_index_on(&s.table, u, None)?
        {
            warnings.push(format!(
                "{}.{u} has no index: finding users by username will scan the table",
                s.table
            ));
        }
        Ok(warnings)
    }

    /// Creates the file (mode 0600) if it is missing, then adds in one
    /// transaction whatever of the tool's own parts the database lacks.
    /// The audit row, completed with what changed, is written in the same
    /// transaction when anything did.
    pub fn init(
        path: &Path,
        busy_timeout: Duration,
        schema: &Schema,
        demo: bool,
        mut audit: AuditEntry,
    ) -> Result<InitReport> {
        let mut report = InitReport::default();
        if create_file(path)? {
            report.changes.push(format!(
                "Created database file {} (mode 0600)",
                path.display()
            ));
        }
        super::check_file(path)?;
        let mut db = Db::connect(path, Access::ReadWrite, busy_timeout, schema)?;
        if db.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(Error::io(format!("{} is read-only", path.display())));
        }
        let changes = db.write(|tx| {
            let changes = tx.upgrade(demo)?;
            if !changes.is_empty() {
                audit.detail = Some(changes.join("; "));
                tx.record(&audit)?;
            }
            Ok(changes)
        })?;
        report.changes.extend(changes);
        report.warnings = db.init_warnings()?;
        Ok(report)
    }
}

/// Creates an empty file readable by its owner only (it will hold password
/// hashes and token hashes). Returns false when it already existed.
fn create_file(path: &Path) -> Result<bool> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io(format!("cannot create {}: {e}", path.display()))),
    }
}

impl Tx<'_> {
    /// The lower-cased column names of a table, or `None` if there is no such
    /// table (views count as missing: the tool must be able to update rows).
    pub(super) fn columns_of(&self, table: &str) -> Result<Option<HashSet<String>>> {
        let kind: Option<String> = self
            .conn
            .query_row(
                "SELECT type FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE AND type IN ('table', 'view')",
                [table],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        match kind.as_deref() {
            None => return Ok(None),
            Some("view") => {
                return Err(Error::config(format!(
                    "{table} is a view; resetctl needs a table it can update"
                )));
            }
            Some(_) => {}
        }
        let mut stmt = self
            .conn
            .prepare("SELECT lower(name) FROM pragma_table_info(?1)")
            .map_err(|e| self.err(e))?;
        let names = stmt
            .query_map([table], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<HashSet<_>, _>>())
            .map_err(|e| self.err(e))?;
        Ok(Some(names))
    }

    /// The journal mode, as the file says (a read: nothing is changed).
    pub(super) fn journal_mode(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn exec(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(|e| self.err(e))
    }

    fn upgrade(&self, demo: bool) -> Result<Vec<String>> {
        let s = self.schema;
        let mut changes = Vec::new();
        let t = s.table.q();
        match self.columns_of(s.table.name())? {
            None if self.has_app_tables()? => {
                return Err(Error::config(format!("the database has no table {}", s.table))
                    .with_hint("check schema.table in the config file; init creates the users table only in an empty database"));
            }
            None => {
                let username = s
                    .username
                    .as_ref()
                    .map(|u| format!("{} TEXT UNIQUE,\n  ", u.q()))
                    .unwrap_or_default();
                self.exec(&format!(
                    "CREATE TABLE {t} (\n  {} INTEGER PRIMARY KEY,\n  {username}{} TEXT UNIQUE,\n  {} TEXT,\n  {} TEXT,\n  {} DATETIME\n)",
                    s.id.q(),
                    s.email.q(),
                    s.password.q(),
                    s.token.q(),
                    s.expires.q()
                ))?;
                changes.push(format!("Created table {}", s.table));
            }
            Some(cols) => {
                // The application's own columns are its business: name them, never add them.
                let app_cols = [&s.id, &s.email, &s.password]
                    .into_iter()
                    .chain(s.username.as_ref());
                for col in app_cols {
                    if !cols.contains(&col.name().to_ascii_lowercase()) {
                        return Err(Error::config(format!(
                            "table {} has no column {}; resetctl adds only its token columns",
                            s.table, col
                        ))
                        .with_hint("map the application's column names in the config file's [schema] section"));
                    }
                }
                self.check_id_column()?;
                for (col, ty) in [(&s.token, "TEXT"), (&s.expires, "DATETIME")] {
                    if !cols.contains(&col.name().to_ascii_lowercase()) {
                        self.exec(&format!("ALTER TABLE {t} ADD COLUMN {} {ty}", col.q()))?;
                        changes.push(format!("Added column {}.{}", s.table, col));
                    }
                }
            }
        }
        // The token index serves redeem and inspect --token; the email one,
        // case-insensitive, serves the USER lookup that ignores case (apps
        // such as Django have no index on email at all).
        for (col, collate, suffix) in [
            (&s.token, Some("BINARY"), "idx"),
            (&s.email, Some("NOCASE"), "nocase_idx"),
        ] {
            if self.has_index_on(&s.table, col, collate)? {
                continue;
            }
            let name = Ident::new("index", &format!("resetctl_{}_{}_{suffix}", s.table, col))?;
            let collation = collate.map(|c| format!(" COLLATE {c}")).unwrap_or_default();
            self.exec(&format!(
                "CREATE INDEX {} ON {t} ({}{collation})",
                name.q(),
                col.q()
            ))?;
            changes.push(format!("Created index {name} on {}.{}", s.table, col));
        }
        match self.columns_of(AUDIT_TABLE)? {
            None => {
                self.exec(CREATE_AUDIT)?;
                changes.push(format!("Created table {AUDIT_TABLE}"));
            }
            Some(cols) if AUDIT_COLUMNS.iter().all(|c| cols.contains(*c)) => {
                // Made by an older resetctl: it gets the columns added since.
                let missing: Vec<&str> = NEWER_AUDIT_COLUMNS
                    .iter()
                    .filter(|(c, _)| !cols.contains(*c))
                    .map(|(c, ty)| {
                        self.exec(&format!("ALTER TABLE {AUDIT_TABLE} ADD COLUMN {c} {ty}"))
                            .map(|()| *c)
                    })
                    .collect::<Result<_>>()?;
                if !missing.is_empty() {
                    changes.push(format!(
                        "Added column{} {} to {AUDIT_TABLE}",
                        if missing.len() == 1 { "" } else { "s" },
                        missing.join(", ")
                    ));
                }
            }
            Some(_) => {
                return Err(Error::config(format!(
                    "table {AUDIT_TABLE} exists but is not resetctl's audit table"
                )));
            }
        }
        if demo {
            let added = self.add_demo_users()?;
            if !added.is_empty() {
                changes.push(format!("Added demo users {}", added.join(", ")));
            }
        }
        Ok(changes)
    }

    /// Whether some index starts with `column`, with the given collation
    /// (any, when `None`).
    pub(super) fn has_index_on(
        &self,
        table: &Ident,
        column: &Ident,
        collate: Option<&str>,
    ) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) \
                 JOIN pragma_index_xinfo(pragma_index_list.name) \
                 WHERE pragma_index_xinfo.seqno = 0 AND pragma_index_xinfo.name = ?2 COLLATE NOCASE \
                 AND NOT pragma_index_list.partial \
                 AND (?3 IS NULL OR pragma_index_xinfo.coll = ?3 COLLATE NOCASE))",
                rusqlite::params![table.name(), column.name(), collate],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Whether the database holds tables other than SQLite's and ours.
    fn has_app_tables(&self) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?1)",
                [AUDIT_TABLE],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// The id column must name one row: an integer that is the primary key
    /// or has a unique index of its own. Anything else would let a token be
    /// written onto several users, or not be found again.
    pub(super) fn check_id_column(&self) -> Result<()> {
        let s = self.schema;
        let (ty, pk, pk_cols, unique): (String, i64, i64, bool) = self
            .conn
            .query_row(
                "SELECT upper(type), pk, \
                 (SELECT count(*) FROM pragma_table_info(?1) WHERE pragma_table_info.pk > 0), \
                 EXISTS (SELECT 1 FROM pragma_index_list(?1) \
                   WHERE pragma_index_list.\"unique\" AND NOT pragma_index_list.partial \
                   AND (SELECT count(*) FROM pragma_index_info(pragma_index_list.name)) = 1 \
                   AND (SELECT pragma_index_info.name FROM pragma_index_info(pragma_index_list.name)) = ?2 COLLATE NOCASE) \
                 FROM pragma_table_info(?1) WHERE name = ?2 COLLATE NOCASE",
                [s.table.name(), s.id.name()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(|e| self.err(e))?;
        if !ty.contains("INT") {
            return Err(Error::config(format!(
                "schema.id: {}.{} is declared {}; resetctl needs integer user ids",
                s.table,
                s.id,
                if ty.is_empty() { "without a type" } else { &ty }
            )));
        }
        let primary_key = pk == 1 && pk_cols == 1;
        if !primary_key && !unique {
            return Err(Error::config(format!(
                "schema.id: {}.{} is not unique (neither the primary key nor under a unique index of its own)",
                s.table, s.id
            ))
            .with_hint("point schema.id at the table's primary key"));
        }
        Ok(())
    }

    fn add_demo_users(&self) -> Result<Vec<&'static str>> {
        let s = self.schema;
        let mut added = Vec::new();
        for name in DEMO_USERS {
            let email = format!("{name}@example.com");
            let exists: bool = self
                .conn
                .query_row(
                    &format!(
                        "SELECT EXISTS (SELECT 1 FROM {} WHERE {} = ?1 COLLATE NOCASE)",
                        s.table.q(),
                        s.email.q()
                    ),
                    [&email],
                    |r| r.get(0),
                )
                .map_err(|e| self.err(e))?;
            if exists {
                continue;
            }
            let n = match &s.username {
                Some(u) => self.conn.execute(
                    &format!(
                        "INSERT OR IGNORE INTO {} ({}, {}) VALUES (?1, ?2)",
                        s.table.q(),
                        u.q(),
                        s.email.q()
                    ),
                    [name, email.as_str()],
                ),
                None => self.conn.execute(
                    &format!("INSERT INTO {} ({}) VALUES (?1)", s.table.q(), s.email.q()),
                    [email.as_str()],
                ),
            }
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, msg)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::config(format!(
                        "cannot add demo users to {}: {}",
                        s.table,
                        msg.unwrap_or_default()
                    ))
                }
                e => self.err(e),
            })?;
            if n > 0 {
                added.push(name);
            }
        }
        Ok(added)
    }
}
