//! SQLite's SQL where engines differ. Expiries and fingerprints are read
//! by Rust functions the connection registers (`functions.rs`), so SQL
//! filters judge a row exactly as the commands' own checks do.

use std::time::Duration;

use super::Sqlite;
use super::functions::{EXPIRY_MS_FN, FINGERPRINT_FN};
use crate::db::dialect::{ArrayColumn, ColumnKind, Dialect};
use crate::db::names::Ident;

impl Dialect for Sqlite {
    fn q(&self, name: &Ident) -> String {
        format!("\"{name}\"")
    }

    fn equals_ignoring_case(&self, column: &str, n: usize) -> String {
        format!("{column} = ?{n} COLLATE NOCASE")
    }

    fn expiry_ms(&self, expr: &str) -> String {
        format!("{EXPIRY_MS_FN}({expr})")
    }

    fn fingerprint(&self, id: &str, password: &str) -> String {
        format!("{FINGERPRINT_FN}({id}, {password})")
    }

    fn as_text(&self, expr: &str) -> String {
        format!("CAST(({expr}) AS TEXT)")
    }

    /// A blob column may hold text as well.
    fn uuid_text(&self, expr: &str) -> String {
        let h = format!("lower(hex({expr}))");
        format!(
            "(CASE WHEN typeof({expr}) <> 'blob' THEN {expr} WHEN length({expr}) = 16 THEN \
             substr({h}, 1, 8) || '-' || substr({h}, 9, 4) || '-' || substr({h}, 13, 4) || '-' || \
             substr({h}, 17, 4) || '-' || substr({h}, 21) ELSE {h} END)"
        )
    }

    fn integer_column_holds_text(&self) -> bool {
        true
    }

    /// A column that is not the rowid may hold text, a real or NULL.
    fn is_integer(&self, expr: &str) -> String {
        format!("typeof({expr}) = 'integer'")
    }

    fn falsity(&self) -> &'static str {
        "0"
    }

    fn insert_ignoring(&self, table: &str, columns: &str, values: &str) -> String {
        format!("INSERT OR IGNORE INTO {table} ({columns}) VALUES ({values})")
    }

    fn column_type(&self, kind: ColumnKind) -> &'static str {
        match kind {
            ColumnKind::Text | ColumnKind::IdText => "TEXT",
            ColumnKind::Time => "DATETIME",
            ColumnKind::Integer => "INTEGER",
            ColumnKind::Key => "INTEGER PRIMARY KEY",
        }
    }

    fn index_key(&self, column: &str, ignoring_case: bool) -> String {
        let collation = if ignoring_case { "NOCASE" } else { "BINARY" };
        format!("{column} COLLATE {collation}")
    }

    /// No arrays, and no need: a prepared statement per row costs no round
    /// trip in a library.
    fn rows_of_arrays(&self, _alias: &str, _columns: &[ArrayColumn<'_>]) -> Option<String> {
        None
    }

    fn every_column(&self) -> &'static str {
        "SELECT sqlite_schema.name, pragma_table_info.name FROM sqlite_schema \
         JOIN pragma_table_info(sqlite_schema.name) WHERE sqlite_schema.type = 'table' \
         AND sqlite_schema.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    }

    /// An app waiting for the lock sleeps in the default busy handler,
    /// which looks again every 100 ms at most: with no gap, one app write
    /// waited 8 s through several batches of a million-user run.
    fn writer_gap(&self) -> Duration {
        Duration::from_millis(110)
    }
}
