//! SQLite, the engine for files: opening one (`open.rs`), transactions,
//! statements, its catalogue (`catalog.rs`), the functions each connection
//! registers (`functions.rs`), its SQL (`dialect.rs`) and its result codes
//! as facts (`failure.rs`). Nothing outside this module sees a rusqlite
//! type.

mod catalog;
mod dialect;
mod failure;
mod functions;
mod open;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{CachedStatement, Connection, Transaction, TransactionBehavior};

use super::dialect::Dialect;
use super::engine::{self, Access, Cells, Engine, FileEngine, Statement};
use super::failure::{IdColumn, unreadable};
use super::names::{Ident, Schema};
use super::values::{Arg, Cell};
use crate::error::{Error, Result};

/// The engine, and its dialect.
pub struct Sqlite;

impl Engine for Sqlite {
    const NAME: &'static str = "SQLite";
    const KEEPS: &'static [&'static str] = &["sqlite_"];
    type Conn = Conn;
    type Row<'r> = RowRef<'r>;

    fn dialect() -> &'static dyn Dialect {
        &Sqlite
    }
}

impl FileEngine for Sqlite {
    fn open(path: &Path, access: Access, busy_timeout: Duration) -> Result<Conn> {
        let err = |e| failure::map(e, path, busy_timeout);
        let conn = open::connect(path, access).map_err(err)?;
        conn.busy_timeout(busy_timeout).map_err(err)?;
        // Without the planner's stability guarantee SQLite prepares a
        // statement again once a `LIKE` pattern is bound, to weigh an index
        // on the pattern's prefix: no statement here has one to use, and
        // the second prepare was a twentieth of `inspect`.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(err)?;
        functions::register(&conn).map_err(err)?;
        Ok(Conn {
            conn,
            path: path.to_path_buf(),
            busy_timeout,
        })
    }
}

pub struct Conn {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
}

/// A connection, in a transaction or not.
#[derive(Clone, Copy)]
pub struct Handle<'a> {
    conn: &'a Connection,
    path: &'a Path,
    busy_timeout: Duration,
}

#[derive(Clone, Copy)]
pub struct RowRef<'r>(&'r rusqlite::Row<'r>);

pub struct Stmt<'t> {
    stmt: CachedStatement<'t>,
    on: Handle<'t>,
}

impl engine::Connection for Conn {
    type Handle<'a> = Handle<'a>;

    fn handle(&self) -> Handle<'_> {
        Handle {
            conn: &self.conn,
            path: &self.path,
            busy_timeout: self.busy_timeout,
        }
    }

    fn is_read_only(&self) -> Result<bool> {
        Ok(self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false))
    }

    /// A reader opened read-write (`open.rs`) drops its two guards; one
    /// that SQLite opened read-only cannot write.
    fn become_writable(&self) -> Result<bool> {
        if self.is_read_only()? {
            return Ok(false);
        }
        open::allow_writes(&self.conn).map_err(|e| self.handle().err(e))?;
        Ok(true)
    }

    /// Room for a batch's pages of the users table and most of what it
    /// touches of the token index: 16 MiB, so a bulk batch's scattered
    /// index updates need not spill to disk before its commit.
    fn tune_for_bulk(&self) -> Result<()> {
        engine::Handle::batch(&self.handle(), "PRAGMA cache_size = -16384")
    }

    /// `BEGIN IMMEDIATE`: a deferred transaction that upgrades to a writer
    /// later fails at once with SQLITE_BUSY instead of waiting. Dropped
    /// without its commit (an error), it rolls back.
    fn write<'s, T>(&'s mut self, f: impl FnOnce(Handle<'s>) -> Result<T>) -> Result<T> {
        let this: &'s Conn = self;
        let err = |e| failure::map(e, &this.path, this.busy_timeout);
        let tx =
            Transaction::new_unchecked(&this.conn, TransactionBehavior::Immediate).map_err(err)?;
        let value = f(this.handle())?;
        tx.commit().map_err(err)?;
        Ok(value)
    }
}

impl Handle<'_> {
    fn err(&self, e: rusqlite::Error) -> Error {
        failure::map(e, self.path, self.busy_timeout)
    }
}

impl<'a> engine::Handle<'a> for Handle<'a> {
    type Engine = Sqlite;
    type Stmt = Stmt<'a>;

    fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let run = || -> rusqlite::Result<usize> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            bind_all(&mut stmt, args)?;
            stmt.raw_execute()
        };
        run().map(|n| n as u64).map_err(|e| self.err(e))
    }

    fn each<F>(&self, sql: &str, args: &[Arg<'_>], mut f: F) -> Result<()>
    where
        F: FnMut(RowRef<'_>) -> Result<()>,
    {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        bind_all(&mut stmt, args).map_err(|e| self.err(e))?;
        let mut rows = stmt.raw_query();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            f(RowRef(r))?;
        }
        Ok(())
    }

    fn prepare(&self, sql: &str) -> Result<Stmt<'a>> {
        let stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        Ok(Stmt { stmt, on: *self })
    }

    fn batch(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(|e| self.err(e))
    }

    fn table(&self, name: &str) -> Result<engine::Table> {
        catalog::table(self.conn, name).map_err(|e| self.err(e))
    }

    fn has_index_on(
        &self,
        table: &Ident,
        column: &Ident,
        serving: engine::Matching,
    ) -> Result<bool> {
        catalog::has_index_on(self.conn, table, column, serving).map_err(|e| self.err(e))
    }

    fn id_column(&self, s: &Schema) -> Result<Option<IdColumn>> {
        catalog::id_column(self.conn, s).map_err(|e| self.err(e))
    }

    fn about(&self) -> Result<engine::About> {
        catalog::about(self.conn).map_err(|e| self.err(e))
    }

    fn has_tables_besides(&self, besides: &str) -> Result<bool> {
        catalog::has_tables_besides(self.conn, besides).map_err(|e| self.err(e))
    }
}

impl Cells for RowRef<'_> {
    fn cell(&self, i: usize) -> Result<Cell<'_>> {
        self.0.get_ref(i).map(cell).map_err(unreadable)
    }
}

impl Statement for Stmt<'_> {
    fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()> {
        self.stmt
            .raw_bind_parameter(n, to_sql(value))
            .map_err(|e| self.on.err(e))
    }

    fn run(&mut self) -> Result<u64> {
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
        Arg::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        Arg::Time(t) => ToSqlOutput::Owned(rusqlite::types::Value::Text(crate::clock::rfc3339(t))),
        Arg::Millis(t) => {
            ToSqlOutput::Owned(rusqlite::types::Value::Text(crate::clock::iso_millis(t)))
        }
        // This dialect's `rows_of_arrays` is `None`, so no statement
        // written for SQLite has an array parameter.
        Arg::Ints(_) | Arg::Texts(_) => unreachable!("SQLite statements take no arrays"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::StatementStatus;

    #[test]
    fn a_bound_like_pattern_does_not_make_sqlite_prepare_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t (detail TEXT); INSERT INTO t VALUES ('lock: all')")
            .unwrap();
        let conn = Sqlite::open(&path, Access::ReadOnly, Duration::from_secs(1)).unwrap();
        let mut stmt = conn
            .conn
            .prepare("SELECT count(*) FROM t WHERE detail LIKE ?1")
            .unwrap();
        let n: i64 = stmt.query_row(["%lock%"], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
        assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
    }
}
