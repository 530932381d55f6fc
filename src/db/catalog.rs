//! The database's tables and their columns, read in one query before
//! anything else: what recognises the app that made the database. Names
//! are kept in lower case: apps name `AspNetUsers` or `emailVerified` in
//! mixed case, and engines fold them differently.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::engine::Access;
use super::registry::Conn;
use super::{Location, location};
use crate::error::{Kind, Result};

/// Each table's name and its columns' names, in lower case.
pub(super) type Tables = BTreeMap<String, BTreeSet<String>>;

pub struct Catalog {
    tables: Tables,
    /// Kept open for the few values an app keeps as data (Django's site).
    conn: Option<Conn>,
    /// Whether `conn` is to a server (one named by a URL).
    on_server: bool,
}

impl Catalog {
    /// The catalogue of the database at `at`. A SQLite file that does not
    /// exist yet reads as an empty database: `init` creates it, and every
    /// other command reports it missing when it opens it.
    pub fn read(at: &Location, busy_timeout: Duration) -> Result<Catalog> {
        let conn = match at {
            Location::File(path) => match location::check_file(path) {
                Err(e) if e.kind == Kind::NoInput => return Ok(Catalog::of(&[])),
                Err(e) => return Err(e),
                Ok(()) => Conn::open_file(path, Access::ReadOnly, busy_timeout)?,
            },
            Location::Url(url) => url.open(Access::ReadOnly, busy_timeout)?,
        };
        let mut tables = Tables::new();
        conn.handle()
            .each(conn.dialect().every_column(), &[], |r| {
                let (Some(table), Some(column)) = (r.cell(0)?.text(), r.cell(1)?.text()) else {
                    return Ok(());
                };
                tables
                    .entry(table.to_lowercase())
                    .or_default()
                    .insert(column.to_lowercase());
                Ok(())
            })?;
        Ok(Catalog {
            tables,
            conn: Some(conn),
            on_server: matches!(at, Location::Url(_)),
        })
    }

    /// A catalogue of the tables given, each with its columns (none: a
    /// database not made yet).
    pub fn of(tables: &[(&str, &[&str])]) -> Catalog {
        Catalog {
            tables: tables
                .iter()
                .map(|(t, cols)| {
                    (
                        t.to_lowercase(),
                        cols.iter().map(|c| c.to_lowercase()).collect(),
                    )
                })
                .collect(),
            conn: None,
            on_server: false,
        }
    }

    /// The columns of `table`, if the database has it.
    pub fn table(&self, table: &str) -> Option<&BTreeSet<String>> {
        self.tables.get(&table.to_lowercase())
    }

    /// Whether `table` exists with every one of `columns`.
    pub fn has(&self, table: &str, columns: &[&str]) -> bool {
        self.table(table)
            .is_some_and(|cols| columns.iter().all(|c| cols.contains(&c.to_lowercase())))
    }

    /// Every table's name, in lower case and in order.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    /// Whether the database holds no table but those of `besides`.
    pub fn is_empty_besides(&self, besides: &[&str]) -> bool {
        self.tables.keys().all(|t| besides.contains(&t.as_str()))
    }

    /// The first column of the first row of `sql` as text: a value the app
    /// keeps in a table of its own (a site's domain). `None` when there is
    /// no such row, or nothing to read it from.
    pub fn value(&self, sql: &str) -> Result<Option<String>> {
        let Some(conn) = &self.conn else {
            return Ok(None);
        };
        let mut found = None;
        conn.handle().each(sql, &[], |r| {
            if found.is_none() {
                found = r.cell(0)?.text();
            }
            Ok(())
        })?;
        Ok(found)
    }
}

/// A connection made to read the catalogue, for the command to go on
/// with, and what the catalogue said of a file's tables: opening the file
/// again, and reading its schema again, doubled what a command on one user
/// cost.
pub struct Spare {
    pub(super) conn: Conn,
    /// Only a file's: SQLite finds a table whatever the case of its name,
    /// as the catalogue's lower-case names do, where a server resolves a
    /// name through its search path and quoting.
    pub(super) tables: Option<Tables>,
}

impl Catalog {
    pub fn into_spare(self) -> Option<Spare> {
        let tables = (!self.on_server).then_some(self.tables);
        self.conn.map(|conn| Spare { conn, tables })
    }
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.tables.iter()).finish()
    }
}
