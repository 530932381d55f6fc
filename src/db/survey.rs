//! What the database holds of what resetctl needs. Every command reads
//! this before it acts and stops at the first gap; `doctor` shows all of it.

use super::audit::{AUDIT_COLUMNS, AUDIT_TABLE, NEWER_AUDIT_COLUMNS};
use super::{Db, Ident, Location, Schema};
use crate::error::{Error, Result};

/// One mapped column and whether the table has it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ColumnCheck {
    /// The `[schema]` key that names it.
    pub key: &'static str,
    pub column: String,
    pub found: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditTable {
    Found,
    Missing,
    /// Made by an older resetctl: `init` adds the columns it lacks.
    Outdated(&'static str),
    /// Its `user_id` holds integers only, and the app's ids are not
    /// integers: `init` widens it.
    Narrow,
    /// A table of that name that is not resetctl's.
    Foreign,
}

#[derive(Debug)]
pub struct Survey {
    /// `None` when the users table is missing.
    pub columns: Option<Vec<ColumnCheck>>,
    /// Why the id column cannot name one user, if it cannot.
    pub id_problem: Option<Error>,
    pub audit: AuditTable,
}

/// A column of the users table that a token store keeps its token in, by
/// the `[schema]` key that names it.
pub type StoreColumn<'a> = (&'static str, &'a Ident);

impl Db {
    /// The app's mapped columns and `store_columns`, each found or not,
    /// the id column, and resetctl's audit table.
    pub fn survey(&self, store_columns: &[StoreColumn<'_>]) -> Result<Survey> {
        let tx = self.read();
        let s = tx.schema();
        let mut survey = Survey {
            columns: None,
            id_problem: None,
            audit: match tx.columns_of(AUDIT_TABLE)? {
                Some(cols) if AUDIT_COLUMNS.iter().all(|c| cols.contains(*c)) => {
                    match NEWER_AUDIT_COLUMNS.iter().find(|c| !cols.contains(**c)) {
                        Some(c) => AuditTable::Outdated(c),
                        None if tx.audit_too_narrow()? => AuditTable::Narrow,
                        None => AuditTable::Found,
                    }
                }
                Some(_) => AuditTable::Foreign,
                None => AuditTable::Missing,
            },
        };
        let Some(present) = tx.columns_of(s.table.name())? else {
            return Ok(survey);
        };
        let mut mapped = vec![("id", &s.id)];
        mapped.extend(s.username.as_ref().map(|u| ("username", u)));
        mapped.push(("email", &s.email));
        // A password kept elsewhere is its store's to check.
        if s.password_row.is_none() {
            mapped.push(("password", &s.password));
        }
        mapped.extend(store_columns.iter().copied());
        let columns: Vec<ColumnCheck> = mapped
            .into_iter()
            .map(|(key, col)| ColumnCheck {
                key,
                column: col.name().to_string(),
                found: present.contains(&col.name().to_ascii_lowercase()),
            })
            .collect();
        if columns[0].found {
            survey.id_problem = tx.id_column_problem()?;
        }
        survey.columns = Some(columns);
        Ok(survey)
    }

    pub(super) fn check_schema(&self, store_columns: &[StoreColumn<'_>]) -> Result<()> {
        let survey = self.survey(store_columns)?;
        match survey
            .problems(self.location(), self.read().schema())
            .into_iter()
            .next()
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl Survey {
    /// Whether the users table has `column`, one of those surveyed.
    pub fn found(&self, column: &Ident) -> bool {
        self.columns
            .iter()
            .flatten()
            .any(|c| c.found && c.column == column.name())
    }

    /// Every gap that stops a command, first the one commands report.
    pub fn problems(&self, at: &Location, s: &Schema) -> Vec<Error> {
        let hint = || format!("run: resetctl --db {at} init");
        let mut problems = Vec::new();
        match &self.columns {
            None => problems
                .push(Error::config(format!("{at} has no table {}", s.table)).with_hint(hint())),
            Some(columns) => {
                for c in columns.iter().filter(|c| !c.found) {
                    problems.push(
                        Error::config(format!("table {} has no column {}", s.table, c.column))
                            .with_hint(hint()),
                    );
                }
            }
        }
        problems.extend(self.id_problem.clone());
        match self.audit {
            AuditTable::Found => {}
            AuditTable::Foreign => problems.push(
                Error::config(format!(
                    "table {AUDIT_TABLE} exists but is not resetctl's audit table"
                ))
                .with_hint("rename or drop that table, then run resetctl init"),
            ),
            AuditTable::Outdated(column) => problems.push(
                Error::config(format!(
                    "{AUDIT_TABLE} was made by an older resetctl and lacks the column {column}"
                ))
                .with_hint(hint()),
            ),
            AuditTable::Narrow => problems.push(
                Error::config(format!(
                    "{AUDIT_TABLE}.user_id holds only integers, and {}.{} holds ids that are not",
                    s.table, s.id
                ))
                .with_hint(hint()),
            ),
            AuditTable::Missing => problems
                .push(Error::config(format!("{at} has no table {AUDIT_TABLE}")).with_hint(hint())),
        }
        problems
    }
}
