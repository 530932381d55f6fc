//! What runs on the database, in a transaction or outside one: statements,
//! and the catalogue's facts as the commands need them.

use std::collections::HashSet;

use super::engine::Table;
use super::users::UserSql;
use super::{
    AUDIT_TABLE, About, Arg, Dialect, Ident, Matching, Prepared, Row, Schema, Tx, failure,
};
use crate::error::{Error, Result};

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

    pub(super) fn user_sql(&self) -> &'a UserSql {
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
        self.conn.each(sql, args, |r| f(&Row(r)))
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
        // A table the catalogue did not list may be a view, which it leaves out.
        let known = self.names.known.as_ref();
        if let Some(columns) = known.and_then(|t| t.get(&table.to_lowercase())) {
            return Ok(Some(columns.iter().cloned().collect()));
        }
        match self.conn.table(table)? {
            Table::Missing => Ok(None),
            Table::View => Err(failure::view(table)),
            Table::Columns(columns) => Ok(Some(columns)),
        }
    }

    /// Whether some full index starts with `column`, serving lookups of
    /// that kind.
    pub fn has_index_on(&self, table: &Ident, column: &Ident, serving: Matching) -> Result<bool> {
        self.conn.has_index_on(table, column, serving)
    }

    /// Why the mapped id column cannot name one user, if it cannot.
    pub fn id_column_problem(&self) -> Result<Option<Error>> {
        let s = self.schema();
        Ok(self.names.id_column.as_ref().and_then(|c| c.problem(s)))
    }

    /// Which engine holds the database, for `doctor`.
    pub fn engine(&self) -> Result<About> {
        self.conn.about()
    }

    /// Whether the database holds tables of the application's (other than
    /// resetctl's own).
    pub fn has_app_tables(&self) -> Result<bool> {
        self.conn.has_tables_besides(AUDIT_TABLE)
    }

    /// Whether an app that keeps the server's time zone reads `column`'s
    /// times as other text than resetctl does: see
    /// `engine::Handle::add_lowered_copy`.
    pub fn add_lowered_copy(&self, table: &Ident, column: &Ident) -> Result<Option<String>> {
        self.conn.add_lowered_copy(table, column)
    }

    /// `engine::Handle::shifts_by_zone`.
    pub fn shifts_by_zone(&self, table: &Ident, column: &str) -> Result<bool> {
        self.conn.shifts_by_zone(table.name(), column)
    }
}
