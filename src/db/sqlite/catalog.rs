//! What SQLite's catalogue says of the app's tables. The queries name each
//! table-valued function in full rather than alias it: no alias can
//! collide with an app's names.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension};

use crate::db::engine::{About, Matching, Table};
use crate::db::failure::{IdColumn, IdType};
use crate::db::names::{Ident, Schema};
use crate::user::IdKind;

pub fn table(conn: &Connection, name: &str) -> rusqlite::Result<Table> {
    let kind: Option<String> = conn
        .query_row(
            "SELECT type FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE AND type IN ('table', 'view')",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    match kind.as_deref() {
        None => Ok(Table::Missing),
        Some("view") => Ok(Table::View),
        Some(_) => {
            let mut stmt = conn.prepare("SELECT lower(name) FROM pragma_table_info(?1)")?;
            let names = stmt
                .query_map([name], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<HashSet<_>>>()?;
            Ok(Table::Columns(names))
        }
    }
}

/// An index serves exact lookups under the BINARY collation, and lookups
/// ignoring case under NOCASE.
pub fn has_index_on(
    conn: &Connection,
    table: &Ident,
    column: &Ident,
    serving: Matching,
) -> rusqlite::Result<bool> {
    let collate = match serving {
        Matching::Any => None,
        Matching::Exact => Some("BINARY"),
        Matching::IgnoringCase => Some("NOCASE"),
    };
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) \
         JOIN pragma_index_xinfo(pragma_index_list.name) \
         WHERE pragma_index_xinfo.seqno = 0 AND pragma_index_xinfo.name = ?2 COLLATE NOCASE \
         AND NOT pragma_index_list.partial \
         AND (?3 IS NULL OR pragma_index_xinfo.coll = ?3 COLLATE NOCASE))",
        rusqlite::params![table.name(), column.name(), collate],
        |r| r.get(0),
    )
}

/// The id column's declared type (SQLite stores whatever a row holds, and
/// reads a type holding `INT` as integer), and whether it is the primary
/// key alone or under a unique index of its own. The indexes are read only
/// when the primary key does not settle it: each table-valued function
/// prepares a statement of its own, and those were a tenth of a command on
/// one user.
pub fn id_column(conn: &Connection, s: &Schema) -> rusqlite::Result<Option<IdColumn>> {
    let mut stmt =
        conn.prepare_cached("SELECT name, upper(type), pk FROM pragma_table_info(?1)")?;
    let mut rows = stmt.query([s.table.name()])?;
    let (mut found, mut pk_columns) = (None, 0);
    while let Some(r) = rows.next()? {
        let pk: i64 = r.get(2)?;
        pk_columns += i64::from(pk > 0);
        // SQLite's NOCASE, as its lookups of the name compare.
        if r.get_ref(0)?.as_str()?.eq_ignore_ascii_case(s.id.name()) {
            found = Some((r.get::<_, String>(1)?, pk));
        }
    }
    let Some((ty, pk)) = found else {
        return Ok(None);
    };
    let unique = (pk == 1 && pk_columns == 1) || has_unique_index(conn, s)?;
    Ok(Some(IdColumn {
        kind: kind_of(&ty),
        ty: IdType::Declared(ty),
        unique,
    }))
}

/// Whether a full unique index covers the id column alone.
fn has_unique_index(conn: &Connection, s: &Schema) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) \
         WHERE pragma_index_list.\"unique\" AND NOT pragma_index_list.partial \
         AND (SELECT count(*) FROM pragma_index_info(pragma_index_list.name)) = 1 \
         AND (SELECT pragma_index_info.name FROM pragma_index_info(pragma_index_list.name)) = ?2 COLLATE NOCASE)",
        [s.table.name(), s.id.name()],
        |r| r.get(0),
    )
}

/// What a declared type holds, read as SQLite reads a type's affinity
/// (`INT` first, then text, then blob); a UUID type holds text, and
/// `char(32)` a UUID's hex digits (Django's `UUIDField` on SQLite).
fn kind_of(ty: &str) -> Option<IdKind> {
    if ty.replace(' ', "").eq_ignore_ascii_case("CHAR(32)") {
        Some(IdKind::HexUuid)
    } else if ty.contains("INT") {
        Some(IdKind::Integer)
    } else if ["CHAR", "CLOB", "TEXT", "UUID", "GUID"]
        .iter()
        .any(|t| ty.contains(t))
    {
        Some(IdKind::Text)
    } else if ty.contains("BLOB") || ty.contains("BINARY") {
        Some(IdKind::Bytes)
    } else {
        None
    }
}

/// The library's version, and the journal mode as the file says (a read:
/// nothing is changed).
pub fn about(conn: &Connection) -> rusqlite::Result<About> {
    let mode = conn.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))?;
    let version = rusqlite::version().to_string();
    Ok(About {
        kind: "sqlite",
        shown: format!("SQLite (library {version})"),
        version,
        journal_mode: Some(mode),
    })
}

/// Tables of its own, SQLite's, are not counted.
pub fn has_tables_besides(conn: &Connection, besides: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?1)",
        [besides],
        |r| r.get(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `users.id` names one user, and what it holds, for a table
    /// made by `create`.
    fn id_of(create: &str) -> Option<(bool, Option<IdKind>)> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(create).unwrap();
        id_column(&conn, &Schema::default())
            .unwrap()
            .map(|c| (c.unique, c.kind))
    }

    #[test]
    fn the_id_is_unique_as_the_sole_primary_key_or_under_a_unique_index_of_its_own() {
        let int = Some(IdKind::Integer);
        for (create, want) in [
            (
                "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)",
                Some((true, int)),
            ),
            (
                "CREATE TABLE users (ID bigint, email TEXT, PRIMARY KEY (Id))",
                Some((true, int)),
            ),
            // One column of a primary key of two names no single row.
            (
                "CREATE TABLE users (id INTEGER, org INTEGER, PRIMARY KEY (id, org))",
                Some((false, int)),
            ),
            (
                "CREATE TABLE users (id INTEGER, org INTEGER, PRIMARY KEY (org, id)); \
                 CREATE UNIQUE INDEX users_id ON users (id)",
                Some((true, int)),
            ),
            (
                "CREATE TABLE users (id INTEGER NOT NULL UNIQUE, email TEXT)",
                Some((true, int)),
            ),
            (
                "CREATE TABLE users (id text, email TEXT); CREATE UNIQUE INDEX u ON users (ID)",
                Some((true, Some(IdKind::Text))),
            ),
            // Unique only where the index's condition holds, or only with another column.
            (
                "CREATE TABLE users (id INTEGER, email TEXT); \
                 CREATE UNIQUE INDEX u ON users (id) WHERE email IS NOT NULL",
                Some((false, int)),
            ),
            (
                "CREATE TABLE users (id INTEGER, email TEXT); CREATE UNIQUE INDEX u ON users (id, email)",
                Some((false, int)),
            ),
            (
                "CREATE TABLE users (id INTEGER, email TEXT)",
                Some((false, int)),
            ),
            (
                "CREATE TABLE users (uid INTEGER PRIMARY KEY, email TEXT)",
                None,
            ),
        ] {
            assert_eq!(id_of(create), want, "{create}");
        }
    }
}
