//! The engine under a database, SQLite or PostgreSQL, behind one set of
//! calls: each is handed to the engine's own file (`sqlite.rs`,
//! `postgres/`), which alone knows its driver.

use std::collections::HashSet;
use std::time::Duration;

use super::dialect::Dialect;
use super::location::Location;
use super::{Access, Arg, Cell, Engine, Ident, Row, Schema, postgres, sqlite};
use crate::error::{Error, Result};

pub enum Conn {
    Sqlite(Box<sqlite::Conn>),
    Postgres(Box<postgres::Conn>),
}

#[derive(Clone, Copy)]
pub enum Handle<'a> {
    Sqlite(sqlite::Handle<'a>),
    Postgres(postgres::Handle<'a>),
}

pub enum RowRef<'r> {
    Sqlite(sqlite::RowRef<'r>),
    Postgres(postgres::RowRef<'r>),
}

/// Each engine hands its rows up as `Row`s without naming this file.
impl<'r> From<sqlite::RowRef<'r>> for Row<'r> {
    fn from(r: sqlite::RowRef<'r>) -> Self {
        Row(RowRef::Sqlite(r))
    }
}

impl<'r> From<postgres::RowRef<'r>> for Row<'r> {
    fn from(r: postgres::RowRef<'r>) -> Self {
        Row(RowRef::Postgres(r))
    }
}

pub enum Stmt<'t> {
    Sqlite(sqlite::Stmt<'t>),
    Postgres(postgres::Stmt<'t>),
}

/// Calls the same method on whichever engine it is.
macro_rules! on {
    ($v:expr, $e:ident => $call:expr) => {
        match $v {
            Self::Sqlite($e) => $call,
            Self::Postgres($e) => $call,
        }
    };
}

impl Conn {
    pub fn open(at: &Location, access: Access, busy_timeout: Duration) -> Result<Conn> {
        Ok(match at {
            Location::File(path) => {
                Conn::Sqlite(Box::new(sqlite::Conn::open(path, access, busy_timeout)?))
            }
            Location::Postgres(t) => {
                Conn::Postgres(Box::new(postgres::Conn::open(t, access, busy_timeout)?))
            }
        })
    }

    /// The SQL that differs by engine, as this one writes it.
    pub fn dialect(&self) -> &'static dyn Dialect {
        match self {
            Conn::Sqlite(_) => &sqlite::Sqlite,
            Conn::Postgres(_) => &postgres::Postgres,
        }
    }

    pub fn is_read_only(&self) -> Result<bool> {
        match self {
            Conn::Sqlite(c) => Ok(c.is_read_only()),
            Conn::Postgres(c) => c.is_read_only(),
        }
    }

    pub fn handle(&self) -> Handle<'_> {
        match self {
            Conn::Sqlite(c) => Handle::Sqlite(c.handle()),
            Conn::Postgres(c) => Handle::Postgres(c.handle()),
        }
    }

    pub fn tune_for_bulk(&self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.tune_for_bulk(),
            // The server's own buffers serve a batch.
            Conn::Postgres(_) => Ok(()),
        }
    }

    pub fn write<T>(&mut self, f: impl FnOnce(Handle<'_>) -> Result<T>) -> Result<T> {
        match self {
            Conn::Sqlite(c) => c.write(|h| f(Handle::Sqlite(h))),
            Conn::Postgres(c) => c.write(|h| f(Handle::Postgres(h))),
        }
    }
}

impl<'a> Handle<'a> {
    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        on!(self, h => h.execute(sql, args))
    }

    pub fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        on!(self, h => h.each(sql, args, f))
    }

    pub fn prepare(&self, sql: &str) -> Result<Stmt<'a>> {
        Ok(match self {
            Handle::Sqlite(h) => Stmt::Sqlite(h.prepare(sql)?),
            Handle::Postgres(h) => Stmt::Postgres(h.prepare(sql)?),
        })
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        on!(self, h => h.batch(sql))
    }

    pub fn columns_of(&self, table: &str) -> Result<Option<HashSet<String>>> {
        on!(self, h => h.columns_of(table))
    }

    pub fn has_index_on(&self, table: &Ident, column: &Ident, serving: Matching) -> Result<bool> {
        on!(self, h => h.has_index_on(table, column, serving))
    }

    pub fn id_column_problem(&self, s: &Schema) -> Result<Option<Error>> {
        on!(self, h => h.id_column_problem(s))
    }

    pub fn engine(&self) -> Result<Engine> {
        on!(self, h => h.engine())
    }

    pub fn has_app_tables(&self) -> Result<bool> {
        on!(self, h => h.has_app_tables())
    }
}

impl RowRef<'_> {
    pub fn cell(&self, i: usize) -> Result<Cell<'_>> {
        on!(self, r => r.cell(i))
    }
}

impl Stmt<'_> {
    pub fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()> {
        on!(self, s => s.bind(n, value))
    }

    pub fn run(&mut self) -> Result<u64> {
        on!(self, s => s.run())
    }

    pub fn queue(&mut self) -> Result<()> {
        match self {
            Stmt::Sqlite(s) => s.run().map(drop),
            Stmt::Postgres(s) => s.queue(),
        }
    }
}

/// What lookups an index must serve, for `has_index_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Any lookup on the column.
    Any,
    /// Exact comparison.
    Exact,
    /// Comparison ignoring case.
    IgnoringCase,
}
