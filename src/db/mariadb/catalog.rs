//! What the server's `information_schema` says of the app's tables, in the
//! database the URL names.

use std::collections::HashSet;

use super::Conn;
use crate::db::engine::{About, CaseLookup, Cells as _, Matching, Table};
use crate::db::failure::{IdColumn, IdType};
use crate::db::names::{Ident, Schema};
use crate::error::Result;
use crate::user::IdKind;

impl Conn {
    pub(super) fn table(&self, name: &str) -> Result<Table> {
        let mut kind: Option<String> = None;
        self.each(
            "SELECT TABLE_TYPE FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?1",
            &[name.into()],
            |r| {
                kind = r.text(0)?;
                Ok(())
            },
        )?;
        match kind.as_deref() {
            None => return Ok(Table::Missing),
            Some("VIEW" | "SYSTEM VIEW") => return Ok(Table::View),
            Some(_) => {}
        }
        let mut names = HashSet::new();
        self.each(
            "SELECT lower(COLUMN_NAME) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?1",
            &[name.into()],
            |r| {
                names.insert(r.text(0)?.unwrap_or_default());
                Ok(())
            },
        )?;
        Ok(Table::Columns(names))
    }

    /// Whether an index has `column` first. The server has no index on an
    /// expression: under a case-insensitive collation one index on the
    /// column serves both kinds of lookup, as
    /// `Dialect::equals_ignoring_case` is written to use it; under one
    /// that tells case apart, lookups ignoring case go through the
    /// lower-case copy's index (`case.rs`), or through none.
    pub(super) fn has_index_on(
        &self,
        table: &Ident,
        column: &Ident,
        serving: Matching,
    ) -> Result<bool> {
        if serving == Matching::IgnoringCase {
            return match self.case_lookup(table, column)? {
                CaseLookup::Column => self.first_in_an_index(table, column),
                CaseLookup::Lowered(copy) => self.first_in_an_index(table, &copy),
                CaseLookup::Scan => Ok(false),
            };
        }
        self.first_in_an_index(table, column)
    }

    fn first_in_an_index(&self, table: &Ident, column: &Ident) -> Result<bool> {
        let mut found = false;
        self.each(
            "SELECT EXISTS (SELECT 1 FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?1 AND SEQ_IN_INDEX = 1 \
             AND lower(COLUMN_NAME) = lower(?2))",
            &[table.name().into(), column.name().into()],
            |r| {
                found = r.flag(0)?;
                Ok(())
            },
        )?;
        Ok(found)
    }

    /// The id column's type, and whether a unique index (the primary key's,
    /// or one of its own) has it alone.
    pub(super) fn id_column(&self, s: &Schema) -> Result<Option<IdColumn>> {
        let mut found: Option<(String, String, bool)> = None;
        self.each(
            "SELECT c.DATA_TYPE, c.COLUMN_TYPE, EXISTS (SELECT 1 FROM information_schema.STATISTICS i \
               WHERE i.TABLE_SCHEMA = c.TABLE_SCHEMA AND i.TABLE_NAME = c.TABLE_NAME \
               AND i.COLUMN_NAME = c.COLUMN_NAME AND i.NON_UNIQUE = 0 AND i.SUB_PART IS NULL \
               AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS o \
                 WHERE o.TABLE_SCHEMA = i.TABLE_SCHEMA AND o.TABLE_NAME = i.TABLE_NAME \
                 AND o.INDEX_NAME = i.INDEX_NAME AND o.SEQ_IN_INDEX > 1)) \
             FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = DATABASE() \
             AND c.TABLE_NAME = ?1 AND lower(c.COLUMN_NAME) = lower(?2)",
            &[s.table.name().into(), s.id.name().into()],
            |r| {
                found = Some((
                    r.text(0)?.unwrap_or_default().to_ascii_lowercase(),
                    r.text(1)?.unwrap_or_default(),
                    r.flag(2)?,
                ));
                Ok(())
            },
        )?;
        Ok(found.map(|(ty, shown, unique)| IdColumn {
            // Django's `UUIDField` where the server has no `uuid` type.
            kind: match ty.as_str() {
                "char" if shown.eq_ignore_ascii_case("char(32)") => Some(IdKind::HexUuid),
                "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" => {
                    Some(IdKind::Integer)
                }
                "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" => {
                    Some(IdKind::Text)
                }
                // The server's own `uuid` type (10.7+) reads as its
                // canonical text and takes a UUID in either form.
                "uuid" => Some(IdKind::Uuid),
                "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => {
                    Some(IdKind::Bytes)
                }
                _ => None,
            },
            ty: IdType::Of(shown),
            unique,
        }))
    }

    pub(super) fn about(&self) -> Result<About> {
        let mut version = String::new();
        self.each("SELECT VERSION()", &[], |r| {
            version = r.text(0)?.unwrap_or_default();
            Ok(())
        })?;
        let maria = version.to_ascii_lowercase().contains("mariadb");
        Ok(About {
            kind: if maria { "mariadb" } else { "mysql" },
            shown: format!(
                "{} {version} (server)",
                if maria { "MariaDB" } else { "MySQL" }
            ),
            version,
            journal_mode: None,
        })
    }

    /// A `TIMESTAMP` column: the server keeps it as a moment and shows it
    /// on each session's clock, with no offset. A `DATETIME` is shown as
    /// written, whatever the zone.
    pub(super) fn shifts_by_zone(&self, table: &str, column: &str) -> Result<bool> {
        let mut found = false;
        self.each(
            "SELECT EXISTS (SELECT 1 FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?1 \
             AND lower(COLUMN_NAME) = lower(?2) AND DATA_TYPE = 'timestamp')",
            &[table.into(), column.into()],
            |r| {
                found = r.flag(0)?;
                Ok(())
            },
        )?;
        Ok(found)
    }

    pub(super) fn has_tables_besides(&self, besides: &str) -> Result<bool> {
        let mut any = false;
        self.each(
            "SELECT EXISTS (SELECT 1 FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ?1)",
            &[besides.into()],
            |r| {
                any = r.flag(0)?;
                Ok(())
            },
        )?;
        Ok(any)
    }
}
