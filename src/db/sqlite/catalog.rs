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
/// key alone or under a unique index of its own.
pub fn id_column(conn: &Connection, s: &Schema) -> rusqlite::Result<Option<IdColumn>> {
    let found: Option<(String, i64, i64, bool)> = conn
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
        .optional()?;
    Ok(found.map(|(ty, pk, pk_cols, unique)| IdColumn {
        kind: kind_of(&ty),
        ty: IdType::Declared(ty),
        unique: (pk == 1 && pk_cols == 1) || unique,
    }))
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
