//! What PostgreSQL's catalogue says of the app's tables, for the checks
//! every command makes: tables are found through the session's
//! `search_path`, as the app's own queries find them.

use std::collections::HashSet;

use super::Conn;
use crate::db::engine::{About, Cells as _, Matching, Table};
use crate::db::failure::{IdColumn, IdType};
use crate::db::names::{Ident, Schema};
use crate::error::Result;
use crate::user::IdKind;

/// An index's first key as `pg_get_indexdef` writes it (`email`,
/// `"Email"`, `lower((email)::text)`), as bare lower-case letters:
/// `email`, `loweremail`.
fn bare(def: &str) -> String {
    let mut s = def.to_ascii_lowercase();
    for noise in ["::text", "::character varying", "::varchar"] {
        s = s.replace(noise, "");
    }
    s.retain(|c| !matches!(c, '"' | '(' | ')') && !c.is_whitespace());
    s
}

/// What a column of this type (as `format_type` writes it) holds.
fn kind_of(ty: &str) -> Option<IdKind> {
    match ty.split('(').next().unwrap_or(ty) {
        "smallint" | "integer" | "bigint" => Some(IdKind::Integer),
        "text" | "character varying" | "character" | "citext" => Some(IdKind::Text),
        "uuid" => Some(IdKind::Uuid),
        "bytea" => Some(IdKind::Bytes),
        _ => None,
    }
}

/// A name as a quoted identifier, for `to_regclass`.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Conn {
    pub(super) fn table(&self, name: &str) -> Result<Table> {
        let mut kind: Option<String> = None;
        self.each(
            "SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?1)",
            &[quoted(name).as_str().into()],
            |r| {
                kind = r.text(0)?;
                Ok(())
            },
        )?;
        match kind.as_deref() {
            None => return Ok(Table::Missing),
            Some("v" | "m") => return Ok(Table::View),
            Some(_) => {}
        }
        let mut names = HashSet::new();
        self.each(
            "SELECT lower(attname::text) FROM pg_attribute \
             WHERE attrelid = to_regclass(?1) AND attnum > 0 AND NOT attisdropped",
            &[quoted(name).as_str().into()],
            |r| {
                names.insert(r.text(0)?.unwrap_or_default());
                Ok(())
            },
        )?;
        Ok(Table::Columns(names))
    }

    /// Whether a full index has `column` first: plain for exact lookups,
    /// as `lower(column)` for lookups ignoring case.
    pub(super) fn has_index_on(
        &self,
        table: &Ident,
        column: &Ident,
        serving: Matching,
    ) -> Result<bool> {
        let mut firsts = Vec::new();
        self.each(
            "SELECT pg_get_indexdef(indexrelid, 1, true) FROM pg_index \
             WHERE indrelid = to_regclass(?1) AND indpred IS NULL",
            &[quoted(table.name()).as_str().into()],
            |r| {
                firsts.push(r.text(0)?.unwrap_or_default());
                Ok(())
            },
        )?;
        let col = column.name().to_ascii_lowercase();
        let lowered = format!("lower{col}");
        Ok(firsts.iter().map(|d| bare(d)).any(|first| match serving {
            Matching::IgnoringCase => first == lowered,
            Matching::Exact => first == col,
            Matching::Any => first == col || first == lowered,
        }))
    }

    /// The id column's type, and whether a unique index (the primary key's,
    /// or one of its own) has it alone.
    pub(super) fn id_column(&self, s: &Schema) -> Result<Option<IdColumn>> {
        let mut found: Option<(String, bool)> = None;
        self.each(
            "SELECT format_type(a.atttypid, a.atttypmod), EXISTS (SELECT 1 FROM pg_index i \
               WHERE i.indrelid = a.attrelid AND i.indisunique AND i.indnatts = 1 \
               AND i.indkey[0] = a.attnum AND i.indpred IS NULL) \
             FROM pg_attribute a WHERE a.attrelid = to_regclass(?1) AND lower(a.attname::text) = lower(?2)",
            &[quoted(s.table.name()).as_str().into(), s.id.name().into()],
            |r| {
                found = Some((r.text(0)?.unwrap_or_default(), r.flag(1)?));
                Ok(())
            },
        )?;
        Ok(found.map(|(ty, unique)| IdColumn {
            kind: kind_of(&ty),
            ty: IdType::Of(ty),
            unique,
        }))
    }

    pub(super) fn about(&self) -> Result<About> {
        let mut version = String::new();
        self.each("SHOW server_version", &[], |r| {
            version = r.text(0)?.unwrap_or_default();
            Ok(())
        })?;
        Ok(About {
            kind: "postgresql",
            shown: format!("PostgreSQL {version} (server)"),
            version,
            journal_mode: None,
        })
    }

    /// Tables of the first schema on the `search_path`, where `init` works.
    pub(super) fn has_tables_besides(&self, besides: &str) -> Result<bool> {
        let mut any = false;
        self.each(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename <> ?1)",
            &[besides.into()],
            |r| {
                any = r.flag(0)?;
                Ok(())
            },
        )?;
        Ok(any)
    }
}
