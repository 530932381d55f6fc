//! The SQL that differs from one engine to another, for the statements
//! `db` and the token stores build: quoting a name, comparing ignoring
//! case, reading an expiry as a time, the password fingerprint, writing a
//! batch of rows at once, and the types and indexes `init` makes. Each
//! engine has its own, behind this trait; the statements themselves are
//! written once, with numbered parameters (`?1`), which an engine may
//! rewrite as it prepares them.

use std::time::Duration;

use super::names::Ident;

pub trait Dialect: Sync {
    /// The name quoted for SQL text. Safe because names are checked
    /// identifiers.
    fn q(&self, name: &Ident) -> String;

    /// `column` equals parameter `n`, ignoring ASCII case, in the form the
    /// case-insensitive index `init` makes can serve.
    fn equals_ignoring_case(&self, column: &str, n: usize) -> String;

    /// `column` equals parameter `n` byte for byte, whatever the column's
    /// collation, in a form the column's index can serve: how token
    /// hashes are found.
    fn equals_exactly(&self, column: &str, n: usize) -> String {
        format!("{column} = ?{n}")
    }

    /// An expiry cell read as Unix milliseconds, NULL when it is no time:
    /// any of the forms `clock::parse_timestamp` reads, or whole Unix
    /// seconds, milliseconds, microseconds or nanoseconds between 2000 and
    /// 2200, exactly as `Cell::time` reads them, so that a filter in SQL
    /// and a check in Rust judge a row alike.
    fn expiry_ms(&self, expr: &str) -> String;

    /// The password fingerprint of a row (`password::fingerprint`), from
    /// its id and its password cell.
    fn fingerprint(&self, id: &str, password: &str) -> String;

    /// A value as text, as the engine writes it (a `uuid`'s canonical
    /// text).
    fn as_text(&self, expr: &str) -> String;

    /// Binary bytes as the canonical text of a UUID for 16 of them
    /// (`user_id::uuid_text`), else as lower-case hex; text as it is.
    fn uuid_text(&self, expr: &str) -> String;

    /// 32 hex digits as the canonical text of their UUID; other text as
    /// it is (`UserId::HexUuid`'s text).
    fn hex_uuid_text(&self, expr: &str) -> String {
        format!(
            "(CASE WHEN length({expr}) = 32 THEN lower(substr({expr}, 1, 8) || '-' || substr({expr}, 9, 4) || '-' || \
             substr({expr}, 13, 4) || '-' || substr({expr}, 17, 4) || '-' || substr({expr}, 21)) ELSE {expr} END)"
        )
    }

    /// Whether a column declared integer keeps text too (as SQLite's do).
    fn integer_column_holds_text(&self) -> bool {
        false
    }

    /// `ALTER TABLE` giving `column` the type `ty`, keeping its values.
    fn change_column_type(&self, table: &str, column: &str, ty: &str) -> String {
        format!("ALTER TABLE {table} ALTER COLUMN {column} TYPE {ty}")
    }

    /// Whether a value is an integer (an id column may hold other values
    /// on an engine that does not type its columns).
    fn is_integer(&self, expr: &str) -> String;

    /// False, as a value `coalesce` can fall back to beside a comparison.
    fn falsity(&self) -> &'static str;

    /// `INSERT` that skips rows a unique index already holds.
    fn insert_ignoring(&self, table: &str, columns: &str, values: &str) -> String;

    /// The type of a column `init` makes.
    fn column_type(&self, kind: ColumnKind) -> &'static str;

    /// What follows `CREATE TABLE name (...)` for a table `init` makes.
    fn table_options(&self) -> &'static str {
        ""
    }

    /// The key of an index on `column` (quoted), for exact lookups or for
    /// lookups ignoring case.
    fn index_key(&self, column: &str, ignoring_case: bool) -> String;

    /// The `WHERE` clause of a partial index on `condition`, where the
    /// engine has them; else nothing, and the index is whole.
    fn index_filter(&self, condition: &str) -> String {
        format!(" WHERE {condition}")
    }

    /// A `FROM` item named `alias` whose rows are the elements of array
    /// parameters, one column each: on an engine where one statement over
    /// arrays beats a statement per row (a server, where each statement
    /// costs a round of its own work). `None` where it does not: the rows
    /// are then written one prepared statement each.
    fn rows_of_arrays(&self, alias: &str, columns: &[ArrayColumn<'_>]) -> Option<String>;

    /// `UPDATE table` setting `set` (column, value) from the rows of
    /// `from` that meet `condition`.
    fn update_from(
        &self,
        table: &str,
        set: &[(&str, &str)],
        from: &str,
        condition: &str,
    ) -> String {
        let set: Vec<String> = set.iter().map(|(c, v)| format!("{c} = {v}")).collect();
        format!(
            "UPDATE {table} SET {} FROM {from} WHERE {condition}",
            set.join(", ")
        )
    }

    /// Rows per array statement: enough that statements are few, few
    /// enough that the arrays stay a few megabytes.
    fn array_rows(&self) -> usize {
        5_000
    }

    /// Whether a schema change commits at once, whatever transaction it is
    /// in: then `init` stopped half way keeps what it did before.
    fn schema_changes_commit(&self) -> bool {
        false
    }

    /// Every table of the database the app works in (its schema, its
    /// current database) and each of its columns, one `(table, column)`
    /// row each, the engine's own tables left out: what recognising an
    /// app reads, in one query.
    fn every_column(&self) -> &'static str;

    /// The least time a bulk run leaves the write lock free between two
    /// batches, for the app's writers waiting for it.
    fn writer_gap(&self) -> Duration;

    /// A time of a column the server shifts by the session's zone
    /// (`Handle::shifts_by_zone`), as the app's session reads it: in
    /// `zone` (checked: an offset or a zone's name), or, for an app that
    /// sets none, in the server's default zone.
    fn read_in_app_zone(&self, expr: &str, _zone: Option<&str>) -> String {
        expr.to_string()
    }

    /// A wall-clock time of the app's session, as this session writes it
    /// into such a column for the app to read it back as is.
    fn write_in_app_zone(&self, expr: &str, _zone: Option<&str>) -> String {
        expr.to_string()
    }
}

/// What a column `init` makes holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Time,
    Integer,
    /// An integer primary key the engine numbers itself.
    Key,
    /// Ids that are not integers, compared byte for byte whatever the
    /// collation of the column they are compared with.
    IdText,
}

/// One array parameter of `rows_of_arrays`, and the column it becomes.
#[derive(Debug, Clone, Copy)]
pub struct ArrayColumn<'a> {
    pub name: &'a str,
    /// The parameter's number (`?n`).
    pub param: usize,
    pub of: Elements,
}

/// What an array parameter holds: it is bound as `Arg::Ints` or
/// `Arg::Texts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elements {
    Ints,
    Texts,
}

impl<'a> ArrayColumn<'a> {
    pub fn ints(name: &'a str, param: usize) -> Self {
        ArrayColumn {
            name,
            param,
            of: Elements::Ints,
        }
    }

    pub fn texts(name: &'a str, param: usize) -> Self {
        ArrayColumn {
            name,
            param,
            of: Elements::Texts,
        }
    }
}
