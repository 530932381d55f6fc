//! Audit entries written by the thousand, for a bulk run.

use super::INSERT;
use crate::audit::AuditEntry;
use crate::db::dialect::ArrayColumn;
use crate::db::ids::AuditId;
use crate::db::{Arg, Prepared, Tx};
use crate::error::Result;
use crate::user::{IdKind, UserId};

/// The entries of a batch in one statement, where the engine writes
/// batches as arrays: the fields that differ per user come as arrays.
fn insert_rows(tx: &Tx<'_>) -> Option<String> {
    let user_ids = if tx.id_kind() == IdKind::Integer {
        ArrayColumn::ints("user_id", 5)
    } else {
        ArrayColumn::texts("user_id", 5)
    };
    let rows = tx.dialect().rows_of_arrays(
        "resetctl_rows",
        &[
            user_ids,
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

/// The entries gathered, each user's id in one of the two forms the audit
/// table keeps (see `AuditId`): all of one form, as a batch's users share
/// their table's kind of id.
#[derive(Default)]
struct Gathered {
    user_ids: Vec<i64>,
    text_ids: Vec<String>,
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
        user_id: &UserId,
        subject: &str,
        password_check: Option<&str>,
    ) -> Result<()> {
        let user_id = AuditId::of(user_id);
        if let Some(g) = &mut self.gathered {
            match user_id {
                AuditId::Int(n) => g.user_ids.push(n),
                AuditId::Text(t) => g.text_ids.push(t.into_owned()),
            }
            g.subjects.push(subject.to_string());
            g.checks.push(password_check.map(str::to_string));
            return if g.subjects.len() >= self.array_rows {
                self.write_gathered()
            } else {
                Ok(())
            };
        }
        self.insert.bind(5, user_id.arg())?;
        self.insert.bind(6, subject.into())?;
        self.insert.bind(10, password_check.into())?;
        self.insert.queue()
    }

    /// Writes what is still gathered.
    pub fn finish(mut self) -> Result<()> {
        self.write_gathered()
    }

    fn write_gathered(&mut self) -> Result<()> {
        let Some(g) = self.gathered.as_mut().filter(|g| !g.subjects.is_empty()) else {
            return Ok(());
        };
        let g = std::mem::take(g);
        let subjects: Vec<Option<&str>> = g.subjects.iter().map(|s| Some(s.as_str())).collect();
        let checks: Vec<Option<&str>> = g.checks.iter().map(Option::as_deref).collect();
        let text_ids: Vec<Option<&str>> = g.text_ids.iter().map(|s| Some(s.as_str())).collect();
        if text_ids.is_empty() {
            self.insert.bind(5, Arg::Ints(&g.user_ids))?;
        } else {
            self.insert.bind(5, Arg::Texts(&text_ids))?;
        }
        self.insert.bind(6, Arg::Texts(&subjects))?;
        self.insert.bind(10, Arg::Texts(&checks))?;
        self.insert.run().map(drop)
    }
}
