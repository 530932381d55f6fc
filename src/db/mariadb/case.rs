//! Finding a row by email ignoring case when the column's collation tells
//! case apart (`utf8mb4_bin`, `latin1_general_cs`...): its own index then
//! serves exact lookups only, and the server (MariaDB 10.11) has no index
//! on an expression. `init` adds an invisible generated column holding the
//! email in lower case, with an index; lookups name it. Invisible, so the
//! app's `SELECT *` and its `INSERT`s without a column list never see it;
//! virtual, so it takes no room in the rows.

use super::Conn;
use crate::db::engine::{CaseLookup, Cells as _};
use crate::db::names::Ident;
use crate::error::Result;

impl Conn {
    pub(super) fn case_lookup(&self, table: &Ident, column: &Ident) -> Result<CaseLookup> {
        let Some((_, collation)) = self.text_column(table, column)? else {
            return Ok(CaseLookup::Column);
        };
        if collation.ends_with("_ci") {
            return Ok(CaseLookup::Column);
        }
        let copy = lowered(column)?;
        Ok(match self.text_column(table, &copy)? {
            Some(_) => CaseLookup::Lowered(copy),
            None => CaseLookup::Scan,
        })
    }

    pub(super) fn add_lowered_copy(&self, table: &Ident, column: &Ident) -> Result<Option<String>> {
        if self.case_lookup(table, column)? != CaseLookup::Scan {
            return Ok(None);
        }
        let Some((ty, _)) = self.text_column(table, column)? else {
            return Ok(None);
        };
        let copy = lowered(column)?;
        // A text type is indexed by its first 255 characters, as the
        // server indexes no whole `TEXT`.
        let key = if ty.to_ascii_lowercase().contains("text") {
            format!("`{copy}`(255)")
        } else {
            format!("`{copy}`")
        };
        self.batch(&format!(
            "ALTER TABLE `{table}` ADD COLUMN `{copy}` {ty} AS (lower(`{column}`)) VIRTUAL INVISIBLE, \
             ADD INDEX `{copy}_idx` ({key})"
        ))?;
        Ok(Some(format!(
            "Added column {table}.{copy} (lower({column}), invisible, indexed): finding users by {column} ignoring case uses it"
        )))
    }

    /// A column's type (`varchar(255)`) and collation, when it holds text.
    fn text_column(&self, table: &Ident, column: &Ident) -> Result<Option<(String, String)>> {
        let mut found = None;
        self.each(
            "SELECT COLUMN_TYPE, COLLATION_NAME FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?1 AND lower(COLUMN_NAME) = lower(?2) \
             AND COLLATION_NAME IS NOT NULL",
            &[table.name().into(), column.name().into()],
            |r| {
                found = Some((r.text(0)?.unwrap_or_default(), r.text(1)?.unwrap_or_default()));
                Ok(())
            },
        )?;
        Ok(found)
    }
}

fn lowered(column: &Ident) -> Result<Ident> {
    Ident::new("column", &format!("resetctl_{}_lower", column.name()))
}
