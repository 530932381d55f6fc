//! The seam between `db` and its engines: what an engine is, and what its
//! connections, statements and rows do. An engine is a module implementing
//! these traits and a line in `registry.rs`; above the seam, nothing knows
//! which engine it speaks to.
//!
//! Engines report facts, never words: what the catalogue says of a table,
//! an index or the id column (here), and what went wrong (`Failure`).

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use super::dialect::Dialect;
use super::failure::{IdColumn, unreadable};
use super::names::{Ident, Schema};
use super::values::{Arg, Cell};
use crate::error::Result;

/// An engine, as the registry lists it.
pub trait Engine: 'static {
    /// The engine as people name it (`SQLite`): in messages, and as the
    /// README's section on it.
    const NAME: &'static str;

    /// Prefixes of names the engine keeps for its own tables: no name in
    /// the config may take one, on any engine, so one config serves all.
    const KEEPS: &'static [&'static str] = &[];

    type Conn: Connection;

    /// One row of a result, as the engine hands it to a caller's function.
    type Row<'r>: Cells + Copy;

    /// The engine's SQL where engines differ.
    fn dialect() -> &'static dyn Dialect;
}

/// An engine whose databases are files: a path, or `file:PATH`.
pub trait FileEngine: Engine {
    /// Opens an existing file, never creating one.
    fn open(path: &Path, access: Access, busy_timeout: Duration) -> Result<Self::Conn>;
}

/// An engine whose databases are named by URLs, of the schemes the
/// registry lists for it.
pub trait UrlEngine: Engine {
    /// A URL as parsed; shown (`Display`, `Debug`) without its password.
    type Url: Clone + fmt::Debug + fmt::Display;

    /// Parses the URL, whose scheme is one of the engine's. Its errors
    /// never show the URL's password.
    fn parse(text: &str) -> Result<Self::Url>;

    fn open(url: &Self::Url, access: Access, busy_timeout: Duration) -> Result<Self::Conn>;
}

/// A connection to one database.
pub trait Connection {
    /// The connection, in a transaction or not: what a `Tx` holds.
    type Handle<'a>: Handle<'a>
    where
        Self: 'a;

    fn handle(&self) -> Self::Handle<'_>;

    /// Whether writing would be refused (a read-only file, a standby).
    fn is_read_only(&self) -> Result<bool>;

    /// Lets a connection opened read-only write from now on; `false` where
    /// the engine cannot (a file opened read-only), so a new one is needed.
    fn become_writable(&self) -> Result<bool> {
        Ok(false)
    }

    /// Settings for this connection alone (nothing persistent) that suit a
    /// bulk run, where the engine has any.
    fn tune_for_bulk(&self) -> Result<()> {
        Ok(())
    }

    /// Runs `f` in a transaction that holds the write lock from its start,
    /// or waits for it as long as the busy timeout; resetctl's writers
    /// come one at a time. Commits what `f` did when it returns `Ok`.
    fn write<'s, T>(&'s mut self, f: impl FnOnce(Self::Handle<'s>) -> Result<T>) -> Result<T>;
}

/// What runs statements, in a transaction or not.
pub trait Handle<'a>: Copy {
    type Engine: Engine;
    type Stmt: Statement;

    /// Runs a statement; returns how many rows it changed.
    fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64>;

    /// Calls `f` with each row, in order, without collecting. `f` must not
    /// use the connection.
    fn each<F>(&self, sql: &str, args: &[Arg<'_>], f: F) -> Result<()>
    where
        F: FnMut(<Self::Engine as Engine>::Row<'_>) -> Result<()>;

    /// Prepares a statement to run many times.
    fn prepare(&self, sql: &str) -> Result<Self::Stmt>;

    /// Runs statements that take no values (schema changes).
    fn batch(&self, sql: &str) -> Result<()>;

    /// What the catalogue says of a table, found as the app's own
    /// queries find it.
    fn table(&self, name: &str) -> Result<Table>;

    /// Whether some full index (no `WHERE`) has `column` first, serving
    /// lookups of that kind.
    fn has_index_on(&self, table: &Ident, column: &Ident, serving: Matching) -> Result<bool>;

    /// What the catalogue says of the mapped id column; `None` when the
    /// table has no such column.
    fn id_column(&self, s: &Schema) -> Result<Option<IdColumn>>;

    /// The engine and its version, for `doctor`.
    fn about(&self) -> Result<About>;

    /// Whether the database holds tables other than `besides` (and the
    /// engine's own).
    fn has_tables_besides(&self, besides: &str) -> Result<bool>;

    /// Whether the server shifts the times of `column` by each session's
    /// time zone and shows them with no offset (MariaDB's `TIMESTAMP`): an
    /// app whose session keeps the server's default zone then reads other
    /// text there than resetctl's UTC session does, and
    /// `Dialect::read_in_app_zone` reads it as the app does. Engines
    /// whose times show their offset, or have none, have no such column.
    fn shifts_by_zone(&self, _table: &str, _column: &str) -> Result<bool> {
        Ok(false)
    }

    /// How lookups of `column` ignoring case find its rows. Engines whose
    /// `Dialect::equals_ignoring_case` is served by an index whatever the
    /// column's collation keep the default.
    fn case_lookup(&self, _table: &Ident, _column: &Ident) -> Result<CaseLookup> {
        Ok(CaseLookup::Column)
    }

    /// Adds what lets lookups of `column` ignoring case use an index where
    /// the column's own cannot (`CaseLookup::Scan`); the change made.
    fn add_lowered_copy(&self, _table: &Ident, _column: &Ident) -> Result<Option<String>> {
        Ok(None)
    }
}

/// How lookups ignoring case find a column's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseLookup {
    /// Through the column (`Dialect::equals_ignoring_case`) and its index.
    Column,
    /// Through a lower-case copy of the column with an index of its own:
    /// the column's collation tells case apart.
    Lowered(Ident),
    /// The column's collation tells case apart and it has no such copy:
    /// `lower()` on both sides, which reads the whole table.
    Scan,
}

/// A statement prepared once and run many times.
pub trait Statement {
    /// Binds a parameter (counted from 1) for every run until bound again.
    fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()>;

    /// Runs with the values bound; returns how many rows it changed.
    fn run(&mut self) -> Result<u64>;

    /// Runs with the values bound, now or, on an engine that can send
    /// many statements at once, together with the next ones.
    fn queue(&mut self) -> Result<()> {
        self.run().map(drop)
    }
}

/// A row's values.
pub trait Cells {
    fn cell(&self, i: usize) -> Result<Cell<'_>>;

    /// What an engine's own catalogue queries read of their rows.
    fn text(&self, i: usize) -> Result<Option<String>> {
        self.cell(i).map(Cell::text)
    }

    /// An integer, or its digits as text (as a server's catalogue may
    /// give a count or a flag).
    fn int(&self, i: usize) -> Result<Option<i64>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Int(n) => Ok(Some(n)),
            Cell::Text(b) => std::str::from_utf8(b)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .map(Some)
                .ok_or_else(|| unreadable(format_args!("column {i} is not an integer"))),
            other => Err(unreadable(format_args!(
                "column {i} holds {other:?}, not an integer"
            ))),
        }
    }

    fn flag(&self, i: usize) -> Result<bool> {
        Ok(self.int(i)?.is_some_and(|n| n != 0))
    }
}

/// An engine's handle, and its prepared statement.
pub type HandleOf<'a, E> = <<E as Engine>::Conn as Connection>::Handle<'a>;
pub type StmtOf<'a, E> = <HandleOf<'a, E> as Handle<'a>>::Stmt;

/// Whether a command only reads, or may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

/// A table, as the catalogue knows it.
#[derive(Debug)]
pub enum Table {
    Missing,
    /// A view: its rows cannot be updated as a table's.
    View,
    /// A table, with its columns' names in lower case.
    Columns(HashSet<String>),
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

/// The engine holding a database, as `doctor` reports it.
#[derive(Debug, Clone)]
pub struct About {
    /// Its name in `doctor --json` (`sqlite`).
    pub kind: &'static str,
    pub version: String,
    /// How it keeps its changes, where that is the file's to say.
    pub journal_mode: Option<String>,
    /// As people read it: `SQLite (library 3.45.1)`.
    pub shown: String,
}

impl fmt::Display for About {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)?;
        if let Some(mode) = &self.journal_mode {
            write!(f, ", journal mode {mode}")?;
        }
        Ok(())
    }
}
