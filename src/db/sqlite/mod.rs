//! SQLite, the engine: opening a file, transactions, statements, reading
//! its own catalogue, and its result codes turned into the exit codes of
//! the README. Nothing outside `db` sees a rusqlite type.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{CachedStatement, Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use super::engine::Matching;
use super::failure::{self, Failure, IdColumn, IdType, Site};
use super::{Arg, Cell, Ident, Row, Schema};
use crate::error::{Error, Result};

mod dialect;
mod functions;
mod open;

pub use dialect::Sqlite;

pub struct Conn {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
}

/// A connection, in a transaction or not: what a `Tx` holds.
#[derive(Clone, Copy)]
pub struct Handle<'a> {
    conn: &'a Connection,
    path: &'a Path,
    busy_timeout: Duration,
}

pub struct RowRef<'r>(&'r rusqlite::Row<'r>);

pub struct Stmt<'t> {
    stmt: CachedStatement<'t>,
    on: Handle<'t>,
}

impl Conn {
    pub fn open(path: &Path, access: super::Access, busy_timeout: Duration) -> Result<Conn> {
        let conn = open::connect(path, access).map_err(|e| map_err(e, path, busy_timeout))?;
        let c = Conn {
            conn,
            path: path.to_path_buf(),
            busy_timeout,
        };
        let err = |e| map_err(e, path, busy_timeout);
        c.conn.busy_timeout(busy_timeout).map_err(err)?;
        functions::register(&c.conn).map_err(err)?;
        Ok(c)
    }

    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
    }

    pub fn handle(&self) -> Handle<'_> {
        Handle {
            conn: &self.conn,
            path: &self.path,
            busy_timeout: self.busy_timeout,
        }
    }

    /// Room for a batch's pages of the users table and most of what it
    /// touches of the token index: 16 MiB, so a bulk batch's scattered
    /// index updates need not spill to disk before its commit.
    pub fn tune_for_bulk(&self) -> Result<()> {
        self.handle().batch("PRAGMA cache_size = -16384")
    }

    /// `BEGIN IMMEDIATE`: a deferred transaction that upgrades to a writer
    /// later fails at once with SQLITE_BUSY instead of waiting.
    pub fn write<T>(&mut self, f: impl FnOnce(Handle<'_>) -> Result<T>) -> Result<T> {
        let (path, busy_timeout) = (self.path.as_path(), self.busy_timeout);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_err(e, path, busy_timeout))?;
        let value = f(Handle {
            conn: &tx,
            path,
            busy_timeout,
        })?;
        tx.commit().map_err(|e| map_err(e, path, busy_timeout))?;
        Ok(value)
    }
}

impl<'a> Handle<'a> {
    fn err(&self, e: rusqlite::Error) -> Error {
        map_err(e, self.path, self.busy_timeout)
    }

    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let run = || -> rusqlite::Result<usize> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            bind_all(&mut stmt, args)?;
            stmt.raw_execute()
        };
        run().map(|n| n as u64).map_err(|e| self.err(e))
    }

    pub fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        bind_all(&mut stmt, args).map_err(|e| self.err(e))?;
        let mut rows = stmt.raw_query();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            f(&Row::from(RowRef(r)))?;
        }
        Ok(())
    }

    pub fn prepare(&self, sql: &str) -> Result<Stmt<'a>> {
        let stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        Ok(Stmt { stmt, on: *self })
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(|e| self.err(e))
    }

    pub fn columns_of(&self, table: &str) -> Result<Option<HashSet<String>>> {
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
            Some("view") => return Err(failure::view(table)),
            Some(_) => {}
        }
        let mut stmt = self
            .conn
            .prepare("SELECT lower(name) FROM pragma_table_info(?1)")
            .map_err(|e| self.err(e))?;
        let names = stmt
            .query_map([table], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<HashSet<_>>>())
            .map_err(|e| self.err(e))?;
        Ok(Some(names))
    }

    // The catalogue queries below name each table-valued function in full
    // rather than alias it: no alias can collide with an app's names.

    pub fn has_index_on(&self, table: &Ident, column: &Ident, serving: Matching) -> Result<bool> {
        let collate = match serving {
            Matching::Any => None,
            Matching::Exact => Some("BINARY"),
            Matching::IgnoringCase => Some("NOCASE"),
        };
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

    /// The id column must name one row: an integer that is the primary key
    /// or has a unique index of its own. Anything else would let a token be
    /// written onto several users, or not be found again.
    pub fn id_column_problem(&self, s: &Schema) -> Result<Option<Error>> {
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
        Ok(IdColumn {
            integer: ty.contains("INT"),
            ty: IdType::Declared(ty),
            unique: (pk == 1 && pk_cols == 1) || unique,
        }
        .problem(s))
    }

    /// The engine, its version, and the journal mode as the file says (a
    /// read: nothing is changed).
    pub fn engine(&self) -> Result<super::Engine> {
        let mode = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        Ok(super::Engine {
            kind: "sqlite",
            version: rusqlite::version().to_string(),
            journal_mode: Some(mode),
        })
    }

    pub fn has_app_tables(&self) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?1)",
                [super::AUDIT_TABLE],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}

impl RowRef<'_> {
    pub fn cell(&self, i: usize) -> Result<Cell<'_>> {
        self.0.get_ref(i).map(cell).map_err(failure::unreadable)
    }
}

impl Stmt<'_> {
    pub fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()> {
        self.stmt
            .raw_bind_parameter(n, to_sql(value))
            .map_err(|e| self.on.err(e))
    }

    pub fn run(&mut self) -> Result<u64> {
        self.stmt
            .raw_execute()
            .map(|n| n as u64)
            .map_err(|e| self.on.err(e))
    }
}

fn bind_all(stmt: &mut CachedStatement<'_>, args: &[Arg<'_>]) -> rusqlite::Result<()> {
    stmt.clear_bindings();
    for (i, a) in args.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, to_sql(*a))?;
    }
    Ok(())
}

fn to_sql(a: Arg<'_>) -> ToSqlOutput<'_> {
    match a {
        Arg::Null => ToSqlOutput::Borrowed(ValueRef::Null),
        Arg::Int(n) => ToSqlOutput::Borrowed(ValueRef::Integer(n)),
        Arg::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        // For `json_each`: SQLite has no arrays.
        Arg::Ints(v) => ToSqlOutput::Owned(Value::Text(serde_json::json!(v).to_string())),
        Arg::Texts(v) => ToSqlOutput::Owned(Value::Text(serde_json::json!(v).to_string())),
    }
}

fn cell(v: ValueRef<'_>) -> Cell<'_> {
    match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(n) => Cell::Int(n),
        ValueRef::Real(f) => Cell::Real(f),
        ValueRef::Text(b) | ValueRef::Blob(b) => Cell::Text(b),
    }
}

/// SQLite's result codes as the facts `failure` words.
fn map_err(e: rusqlite::Error, path: &Path, busy_timeout: Duration) -> Error {
    let site = Site {
        at: &path.display(),
        engine: "SQLite",
        busy_timeout,
    };
    let rusqlite::Error::SqliteFailure(code, message) = &e else {
        return failure::unreadable(e);
    };
    let failure = match code.code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Failure::Locked,
        ErrorCode::NotADatabase => Failure::NotADatabase,
        ErrorCode::DatabaseCorrupt => Failure::Corrupt,
        ErrorCode::ReadOnly => Failure::ReadOnly(None),
        ErrorCode::CannotOpen => Failure::CannotOpen,
        ErrorCode::PermissionDenied => Failure::PermissionDenied,
        ErrorCode::SystemIoFailure | ErrorCode::DiskFull | ErrorCode::FileLockingProtocolFailed => {
            Failure::Io(e.to_string())
        }
        ErrorCode::ConstraintViolation => Failure::Refused(
            message
                .clone()
                .unwrap_or_else(|| "a constraint failed".into()),
        ),
        _ => {
            let msg = message.as_deref().unwrap_or("");
            if msg.starts_with("no such column") || msg.starts_with("no such table") {
                Failure::NotInitialised(msg.to_string())
            } else {
                Failure::Unexpected(e.to_string())
            }
        }
    };
    failure.at(&site)
}
