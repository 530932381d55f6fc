//! Audit entries written by the thousand, for a bulk run.

use super::INSERT;
use crate::audit::AuditEntry;
use crate::db::dialect::ArrayColumn;
use crate::db::{Arg, Prepared, Tx};
use crate::error::Result;

/// The entries of a batch in one statement, where the engine writes
/// batches as arrays: the fields that differ per user come as arrays.
fn insert_rows(tx: &Tx<'_>) -> Option<String> {
    let rows = tx.dialect().rows_of_arrays(
        "resetctl_rows",
        &[
            ArrayColumn::ints("user_id", 5),
            ArrayColumn::texts("subject", 6),
            ArrayColumn::texts("password_check", 10),
        ],
    )?;
    Some(format!(
        "INSERT INTO resetctl_audit \
         (at, actor, action, outcome, user_id, subject, detail, reason, expires, password_check, real_at, run) \
         SELECT ?1, ?2, ?3, ?4, resetctl_rows.user_id, resetctl_rows.subject, ?7, ?8, ?9, \
         resetctl_rows.password_check, ?11, ?12 FROM {rows}"
    ))
}

/// Writes audit entries that share most of their fields, binding those once:
/// a bulk run writes a million of them, and binding twelve values per user
/// was a measurable share of its time. Where the engine takes arrays the
/// entries are gathered and written by `finish` in one statement.
pub struct AuditWriter<'t> {
    insert: Prepared<'t>,
    gathered: Option<Gathered>,
    array_rows: usize,
}

#[derive(Default)]
struct Gathered {
    user_ids: Vec<i64>,
    subjects: Vec<String>,
    checks: Vec<Option<String>>,
}

impl<'t> AuditWriter<'t> {
    /// Entries like `shared`; each `write` sets user, subject and
    /// password check. Call `finish` after the last.
    pub fn new(tx: &Tx<'t>, shared: &AuditEntry) -> Result<AuditWriter<'t>> {
        let rows = insert_rows(tx);
        let as_arrays = rows.is_some();
        let mut insert = tx.prepare(rows.as_deref().unwrap_or(INSERT))?;
        insert.bind(1, (&shared.at).into())?;
        insert.bind(2, (&shared.actor).into())?;
        insert.bind(3, shared.action.as_str().into())?;
        insert.bind(4, shared.outcome.as_str().into())?;
        insert.bind(7, shared.detail.as_ref().into())?;
        insert.bind(8, shared.reason.as_ref().into())?;
        insert.bind(9, shared.expires.as_ref().into())?;
        insert.bind(11, shared.real_at.as_ref().into())?;
        insert.bind(12, shared.run.as_ref().into())?;
        Ok(AuditWriter {
            insert,
            gathered: as_arrays.then(Gathered::default),
            array_rows: tx.dialect().array_rows(),
        })
    }

    pub fn write(
        &mut self,
        user_id: i64,
        subject: &str,
        password_check: Option<&str>,
    ) -> Result<()> {
        if let Some(g) = &mut self.gathered {
            g.user_ids.push(user_id);
            g.subjects.push(subject.to_string());
            g.checks.push(password_check.map(str::to_string));
            return if g.user_ids.len() >= self.array_rows {
                self.write_gathered()
            } else {
                Ok(())
            };
        }
        self.insert.bind(5, user_id.into())?;
        self.insert.bind(6, subject.into())?;
        self.insert.bind(10, password_check.into())?;
        self.insert.queue()
    }

    /// Writes what is still gathered.
    pub fn finish(mut self) -> Result<()> {
        self.write_gathered()
    }

    fn write_gathered(&mut self) -> Result<()> {
        let Some(g) = self.gathered.as_mut().filter(|g| !g.user_ids.is_empty()) else {
            return Ok(());
        };
        let g = std::mem::take(g);
        let subjects: Vec<Option<&str>> = g.subjects.iter().map(|s| Some(s.as_str())).collect();
        let checks: Vec<Option<&str>> = g.checks.iter().map(Option::as_deref).collect();
        self.insert.bind(5, Arg::Ints(&g.user_ids))?;
        self.insert.bind(6, Arg::Texts(&subjects))?;
        self.insert.bind(10, Arg::Texts(&checks))?;
        self.insert.run().map(drop)
    }
}
