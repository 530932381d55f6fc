//! The application's database, whatever engine holds it. Everything above
//! this module speaks through the engine-neutral types here: `Db` and `Tx`
//! (transactions), `Arg` (bound values), `Row` and `Cell` (values read
//! back), `Prepared` (a statement run many times), `Dialect` (the SQL
//! that differs between engines) and `Location` (a file, or a server's
//! URL). Everything that knows SQLite is in `sqlite.rs`, everything that
//! knows PostgreSQL in `postgres/`: opening, transactions, statements,
//! introspection and the mapping of their errors to exit codes;
//! `engine.rs` hands each call to the one in use. Nothing above `db`
//! knows which it is.

mod audit;
mod dialect;
mod engine;
mod failure;
mod location;
mod names;
mod passwords;
mod postgres;
mod schema;
mod sqlite;
mod survey;
mod users;
mod values;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

pub use location::Location;

use crate::error::{Error, Kind, Result};

pub use audit::{AUDIT_TABLE, AuditWriter, IssueTrace, LAST_ANY, LAST_OK, NTH_RECENT_ISSUE};
pub use dialect::{ArrayColumn, ColumnKind, Dialect};
pub use engine::Matching;
pub use names::{Ident, Schema};
pub use schema::InitReport;
pub use survey::{AuditTable, ColumnCheck, StoreColumn, Survey};
use users::UserSql;
pub use users::{Fetched, UserRow, user_columns};
pub use values::{Arg, Cell, Prepared, Row};

/// The engine holding a database, as `doctor` reports it.
#[derive(Debug, Clone)]
pub struct Engine {
    pub kind: &'static str,
    pub version: String,
    /// How it keeps its changes, where that is the file's to say.
    pub journal_mode: Option<String>,
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            "sqlite" => write!(f, "SQLite (library {})", self.version)?,
            "postgresql" => write!(f, "PostgreSQL {} (server)", self.version)?,
            other => write!(f, "{other} {}", self.version)?,
        }
        if let Some(mode) = &self.journal_mode {
            write!(f, ", journal mode {mode}")?;
        }
        Ok(())
    }
}

/// Whether a command only reads, or may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

pub struct Db {
    conn: engine::Conn,
    location: Location,
    names: Names,
}

/// The mapped names, the engine's dialect, and the user statements built
/// from them once.
struct Names {
    schema: Schema,
    dialect: &'static dyn Dialect,
    users: UserSql,
}

/// The database inside (or outside) a transaction.
#[derive(Clone, Copy)]
pub struct Tx<'a> {
    conn: engine::Handle<'a>,
    names: &'a Names,
}

impl Db {
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.names.dialect
    }

    /// Opens an existing database and checks that it has what the tool
    /// needs: the app's mapped columns, `store_columns`, and the audit table.
    pub fn open(
        at: &Location,
        access: Access,
        busy_timeout: Duration,
        schema: &Schema,
        store_columns: &[StoreColumn<'_>],
    ) -> Result<Db> {
        let db = Db::connect(at, access, busy_timeout, schema)?;
        if access == Access::ReadWrite && db.conn.is_read_only()? {
            return Err(failure::read_only(at));
        }
        db.check_schema(store_columns)?;
        Ok(db)
    }

    /// Opens read-only without checking the schema, for `doctor`, which
    /// reports every gap instead of stopping at the first.
    pub fn open_to_survey(at: &Location, busy_timeout: Duration, schema: &Schema) -> Result<Db> {
        Db::connect(at, Access::ReadOnly, busy_timeout, schema)
    }

    fn connect(
        at: &Location,
        access: Access,
        busy_timeout: Duration,
        schema: &Schema,
    ) -> Result<Db> {
        if let Location::File(path) = at {
            check_file(path)?;
        }
        let conn = engine::Conn::open(at, access, busy_timeout)?;
        let dialect = conn.dialect();
        Ok(Db {
            conn,
            location: at.clone(),
            names: Names {
                users: UserSql::new(schema, dialect),
                schema: schema.clone(),
                dialect,
            },
        })
    }

    /// Where the database is, as shown in messages (never a password).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The statements that find one user or one user's history, by name,
    /// for the test that checks each is served by an index.
    #[cfg(test)]
    pub fn lookup_statements(&self) -> Vec<(&'static str, String)> {
        let u = &self.names.users;
        let mut all = vec![
            ("by id", u.by_id.clone()),
            ("by email ignoring case", u.by_email.clone()),
            ("page of users (bulk)", u.page.clone()),
            ("last audit row", LAST_OK.to_string()),
            ("last audit row of any outcome", LAST_ANY.to_string()),
            ("rate limit, user", NTH_RECENT_ISSUE[0].to_string()),
            ("rate limit, name as typed", NTH_RECENT_ISSUE[1].to_string()),
        ];
        all.extend(u.by_username.clone().map(|s| ("by username", s)));
        all
    }

    /// Settings for this connection alone (nothing persistent) that suit a
    /// bulk run: its batches touch many pages before they commit.
    pub fn tune_for_bulk(&self) -> Result<()> {
        self.conn.tune_for_bulk()
    }

    /// Runs `f` in a transaction that holds the write lock from its start:
    /// waiting for it honours the busy timeout, and a check made inside
    /// cannot be invalidated before the write that depends on it.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let names = &self.names;
        self.conn.write(|conn| f(&Tx { conn, names }))
    }

    /// Reads outside any explicit transaction.
    pub fn read(&self) -> Tx<'_> {
        Tx {
            conn: self.conn.handle(),
            names: &self.names,
        }
    }
}

impl<'a> Tx<'a> {
    pub fn schema(&self) -> &'a Schema {
        &self.names.schema
    }

    pub fn dialect(&self) -> &'static dyn Dialect {
        self.names.dialect
    }

    /// A name quoted for SQL text, as this engine quotes it.
    pub fn q(&self, name: &Ident) -> String {
        self.names.dialect.q(name)
    }

    fn user_sql(&self) -> &'a UserSql {
        &self.names.users
    }

    /// Runs a statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        self.conn.execute(sql, args)
    }

    /// Calls `f` with each row of a query, in order, without collecting.
    pub fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.conn.each(sql, args, f)
    }

    /// The first row of a query, read by `f`.
    pub fn first<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.each(sql, args, &mut |row| {
            if let Some(f) = f.take() {
                out = Some(f(row)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Prepares a statement to run many times.
    pub fn prepare(&self, sql: &str) -> Result<Prepared<'a>> {
        self.conn.prepare(sql).map(Prepared)
    }

    /// Runs statements that take no values (schema changes).
    pub fn batch(&self, sql: &str) -> Result<()> {
        self.conn.batch(sql)
    }

    /// The lower-cased column names of a table, or `None` when there is no
    /// such table (a view is an error: rows must be updatable).
    pub fn columns_of(&self, table: &str) -> Result<Option<HashSet<String>>> {
        self.conn.columns_of(table)
    }

    /// Whether some full index starts with `column`, serving lookups of
    /// that kind.
    pub fn has_index_on(&self, table: &Ident, column: &Ident, serving: Matching) -> Result<bool> {
        self.conn.has_index_on(table, column, serving)
    }

    /// Why the mapped id column cannot name one user, if it cannot.
    pub fn id_column_problem(&self) -> Result<Option<Error>> {
        self.conn.id_column_problem(self.schema())
    }

    /// Which engine holds the database, for `doctor`.
    pub fn engine(&self) -> Result<Engine> {
        self.conn.engine()
    }

    /// Whether the database holds tables of the application's (other than
    /// resetctl's own).
    pub fn has_app_tables(&self) -> Result<bool> {
        self.conn.has_app_tables()
    }
}

/// Tells a missing file (66) from a directory, device or FIFO (74) before
/// the engine gets a chance to say something vaguer, create the file, or
/// wait forever on a pipe.
pub fn check_file(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::io(format!(
            "{} is a directory, not a database file",
            path.display()
        ))),
        Ok(m) if !m.is_file() => Err(Error::io(format!(
            "{} is not a regular file, so it cannot be a database",
            path.display()
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::new(
            Kind::NoInput,
            format!("database {} does not exist", path.display()),
        )
        .with_hint(format!(
            "check the path, or create it with: resetctl --db {} init",
            path.display()
        ))),
        Err(e) => Err(Error::io(format!("cannot open {}: {e}", path.display()))),
    }
}
