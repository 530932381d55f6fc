//! MariaDB's and MySQL's SQL where engines differ. Expiries are read by
//! the SQL of `expiry.rs`, which follows the grammar Rust reads them with.

use std::time::Duration;

use super::Mariadb;
use super::expiry::expiry_ms;
use crate::db::dialect::{ArrayColumn, ColumnKind, Dialect, Elements};
use crate::db::names::Ident;

impl Dialect for Mariadb {
    fn q(&self, name: &Ident) -> String {
        format!("`{name}`")
    }

    /// The plain comparison finds the row through the column's own index
    /// under the usual case-insensitive collations (`utf8mb4_unicode_ci`,
    /// `utf8mb4_general_ci`, `utf8mb4_0900_ai_ci`); `lower()` on both sides
    /// keeps to case alone what such a collation would also let pass
    /// (accents, trailing spaces).
    fn equals_ignoring_case(&self, column: &str, n: usize) -> String {
        format!("({column} = ?{n} AND lower({column}) = lower(?{n}))")
    }

    /// Byte for byte, whatever the column's collation, still through the
    /// column's index.
    fn equals_exactly(&self, column: &str, n: usize) -> String {
        format!("({column} = ?{n} AND BINARY {column} = ?{n})")
    }

    fn expiry_ms(&self, expr: &str) -> String {
        expiry_ms(expr)
    }

    fn fingerprint(&self, id: &str, password: &str) -> String {
        format!(
            "lower(left(sha2(concat('resetctl password fingerprint', char(0), cast(({id}) AS char), \
             CASE WHEN ({password}) IS NULL THEN char(0) ELSE concat(char(1), ({password})) END), 256), 32))"
        )
    }

    fn as_text(&self, expr: &str) -> String {
        format!("cast(({expr}) AS char)")
    }

    fn hex_uuid_text(&self, expr: &str) -> String {
        format!(
            "(CASE WHEN length({expr}) = 32 THEN \
             lower(insert(insert(insert(insert({expr}, 9, 0, '-'), 14, 0, '-'), 19, 0, '-'), 24, 0, '-')) \
             ELSE {expr} END)"
        )
    }

    fn uuid_text(&self, expr: &str) -> String {
        format!(
            "lower(CASE WHEN length({expr}) = 16 THEN \
             insert(insert(insert(insert(hex({expr}), 9, 0, '-'), 14, 0, '-'), 19, 0, '-'), 24, 0, '-') \
             ELSE hex({expr}) END)"
        )
    }

    fn change_column_type(&self, table: &str, column: &str, ty: &str) -> String {
        format!("ALTER TABLE {table} MODIFY {column} {ty}")
    }

    /// Id columns are typed, and checked to be integers: only NULL is not
    /// one.
    fn is_integer(&self, expr: &str) -> String {
        format!("({expr}) IS NOT NULL")
    }

    fn falsity(&self) -> &'static str {
        "false"
    }

    fn insert_ignoring(&self, table: &str, columns: &str, values: &str) -> String {
        format!("INSERT IGNORE INTO {table} ({columns}) VALUES ({values})")
    }

    fn column_type(&self, kind: ColumnKind) -> &'static str {
        match kind {
            ColumnKind::Text => "varchar(255)",
            // A binary string meets text of any collation: compared with
            // the app's id column it is neither an error nor a scan.
            ColumnKind::IdText => "varbinary(255)",
            ColumnKind::Time => "datetime(6)",
            ColumnKind::Integer => "bigint",
            ColumnKind::Key => "bigint AUTO_INCREMENT PRIMARY KEY",
        }
    }

    /// Whatever the database's default: a `latin1` table cannot hold every
    /// email, nor be compared with the session's `utf8mb4` text.
    fn table_options(&self) -> &'static str {
        " DEFAULT CHARSET=utf8mb4"
    }

    /// No index on an expression: the column's own serves both kinds of
    /// lookup (`equals_ignoring_case`).
    fn index_key(&self, column: &str, _ignoring_case: bool) -> String {
        column.to_string()
    }

    /// No partial indexes: the whole column's index serves the same
    /// lookups.
    fn index_filter(&self, _condition: &str) -> String {
        String::new()
    }

    /// `JSON_TABLE` over one JSON array of rows: the engine binds the
    /// statement's arrays, zipped, as the first of them (`run.rs`), since
    /// joining one table per array on its ordinal would cost a pass over
    /// one array for each row of the other.
    fn rows_of_arrays(&self, alias: &str, columns: &[ArrayColumn<'_>]) -> Option<String> {
        let mut columns = columns.to_vec();
        columns.sort_by_key(|c| c.param);
        let first = columns.first()?.param;
        let defs: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let ty = match c.of {
                    Elements::Ints => "bigint",
                    Elements::Texts => "text",
                };
                format!("{} {ty} PATH '$[{i}]'", c.name)
            })
            .collect();
        Some(format!(
            "JSON_TABLE(?{first}, '$[*]' COLUMNS ({})) AS {alias}",
            defs.join(", ")
        ))
    }

    /// Qualified targets, which a join needs and the server takes.
    fn update_from(
        &self,
        table: &str,
        set: &[(&str, &str)],
        from: &str,
        condition: &str,
    ) -> String {
        let set: Vec<String> = set
            .iter()
            .map(|(c, v)| format!("{table}.{c} = {v}"))
            .collect();
        format!(
            "UPDATE {table} JOIN {from} ON {condition} SET {}",
            set.join(", ")
        )
    }

    /// `CREATE` and `ALTER` end the transaction they are in.
    fn schema_changes_commit(&self) -> bool {
        true
    }

    /// The server wakes lock waiters at once.
    fn every_column(&self) -> &'static str {
        "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE()"
    }

    fn writer_gap(&self) -> Duration {
        Duration::ZERO
    }

    /// An app that sets no `time_zone` (Laravel's default connection)
    /// works in the server's default one, `@@global.time_zone`, which may
    /// be `SYSTEM` (the server host's zone): the server converts, since
    /// only it knows that zone. `CONVERT_TZ` is the conversion the server
    /// makes of a `TIMESTAMP` a session writes or reads, so a wall-clock
    /// time that comes twice (or never) lands where the app's would.
    fn read_in_app_zone(&self, expr: &str, zone: Option<&str>) -> String {
        format!(
            "CONVERT_TZ({expr}, @@session.time_zone, {})",
            app_zone(zone)
        )
    }

    fn write_in_app_zone(&self, expr: &str, zone: Option<&str>) -> String {
        format!(
            "CONVERT_TZ({expr}, {}, @@session.time_zone)",
            app_zone(zone)
        )
    }
}

/// The app session's zone in SQL: the one it sets (checked to be an offset
/// or a name, so it needs no escaping), else the server's default.
fn app_zone(zone: Option<&str>) -> String {
    match zone {
        Some(z) => format!("'{z}'"),
        None => "@@global.time_zone".into(),
    }
}
