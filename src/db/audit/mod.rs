//! The audit table resetctl owns, and every statement on it: what it is
//! (`table.rs`), entries written one at a time (here) or by the thousand
//! (`writer.rs`), and what is read back.

mod table;
mod writer;

pub use table::{AUDIT_COLUMNS, AUDIT_TABLE, NEWER_AUDIT_COLUMNS, create_audit};
pub use writer::AuditWriter;

use super::ids::AuditId;
use super::{Arg, Row, Tx};
use crate::audit::{Action, AuditEntry, AuditFilter, AuditRow, Outcome};
use crate::error::{Error, Result};
use crate::user::UserId;

/// One entry, every field bound.
const INSERT: &str = "INSERT INTO resetctl_audit \
     (at, actor, action, outcome, user_id, subject, detail, reason, expires, password_check, real_at, run) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

const ROW_COLUMNS: &str =
    "id, at, actor, action, outcome, user_id, subject, detail, reason, real_at, run";

// Statements looking up one user's history, public so the query-plan test
// checks the very text that runs.
pub const LAST_OK: &str = "SELECT id, at, actor, action, outcome, user_id, subject, detail, reason, real_at, run \
     FROM resetctl_audit WHERE user_id = ?1 AND action = ?2 AND outcome = 'ok' ORDER BY id DESC LIMIT 1";

/// A user's newest entry of an action, whatever its outcome.
pub const LAST_ANY: &str = "SELECT id FROM resetctl_audit WHERE user_id = ?1 AND action = ?2 \
     ORDER BY id DESC LIMIT 1";

/// For a known user (by id), then for a name typed under --no-enumerate,
/// known or not: `?1` the user or name, `?2` the time after which, `?3`
/// the offset.
pub const NTH_RECENT_ISSUE: [&str; 2] = [
    "SELECT at FROM resetctl_audit WHERE user_id = ?1 AND action = 'issue' \
     AND outcome = 'ok' AND at > ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3",
    "SELECT at FROM resetctl_audit WHERE user_id IS NULL AND subject = ?1 AND action = 'issue' \
     AND outcome IN ('unknown-user', 'asked') AND at > ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3",
];

fn audit_row(tx: &Tx<'_>, r: &Row<'_>) -> Result<AuditRow> {
    let unknown = |what: &str, value: String| {
        Error::config(format!(
            "{AUDIT_TABLE} holds an {what} resetctl does not know ({}): written by hand or by a newer version",
            crate::text::shown(&value)
        ))
    };
    let action = r.text(3)?;
    let outcome = r.text(4)?;
    Ok(AuditRow {
        id: r.int(0)?,
        at: r.text(1)?,
        actor: r.text(2)?,
        action: Action::parse(&action).ok_or_else(|| unknown("action", action.clone()))?,
        outcome: Outcome::parse(&outcome).ok_or_else(|| unknown("outcome", outcome.clone()))?,
        user_id: tx.audit_id(r.cell(5)?),
        subject: r.opt_text(6)?,
        detail: r.opt_text(7)?,
        reason: r.opt_text(8)?,
        real_at: r.opt_text(9)?,
        run: r.opt_text(10)?,
    })
}

/// A `LIKE` pattern for details holding `note` (its own wildcards dropped).
fn containing(note: &str) -> String {
    format!("%{}%", note.replace(['%', '_'], ""))
}

/// What an issue recorded about its token.
pub struct IssueTrace {
    pub id: i64,
    /// When it was issued (RFC 3339).
    pub at: String,
    pub expires: Option<String>,
    pub password_check: Option<String>,
}

impl Tx<'_> {
    pub fn record(&self, e: &AuditEntry) -> Result<()> {
        let user_id = e.user_id.as_ref().map(AuditId::of);
        let args: [Arg<'_>; 12] = [
            (&e.at).into(),
            (&e.actor).into(),
            e.action.as_str().into(),
            e.outcome.as_str().into(),
            user_id.as_ref().map_or(Arg::Null, AuditId::arg),
            e.subject.as_ref().into(),
            e.detail.as_ref().into(),
            e.reason.as_ref().into(),
            e.expires.as_ref().into(),
            e.password_check.as_ref().into(),
            e.real_at.as_ref().into(),
            e.run.as_ref().into(),
        ];
        self.execute(INSERT, &args).map(drop)
    }

    /// Deletes entries recorded before `cutoff` (RFC 3339), except what
    /// live tokens still need: each user's newest successful issue (the
    /// "password changed since" check and bulk resumes read it), newest
    /// successful email (resuming a `--send` run reads it) and newest
    /// revoke (a link a bulk run withdrew), and every issue whose link
    /// may still work at `now` (a store that keeps nothing knows its
    /// links only from these).
    pub fn prune_audit(&self, cutoff: &str, now: &str) -> Result<u64> {
        self.execute(
            "DELETE FROM resetctl_audit WHERE at < ?1 AND id NOT IN \
             (SELECT max(id) FROM resetctl_audit WHERE user_id IS NOT NULL \
              AND ((outcome = 'ok' AND action IN ('issue', 'email')) OR action = 'revoke') \
              GROUP BY user_id, action) \
             AND NOT (action = 'issue' AND outcome = 'ok' AND coalesce(expires, '') > ?2)",
            &[cutoff.into(), now.into()],
        )
    }

    /// The id of a user's newest `action` entry, whatever its outcome.
    pub fn last_any(&self, user_id: &UserId, action: Action) -> Result<Option<i64>> {
        let user_id = AuditId::of(user_id);
        self.first(LAST_ANY, &[user_id.arg(), action.as_str().into()], |r| {
            r.int(0)
        })
    }

    /// The newest successful `action` for a user.
    pub fn last_ok(&self, user_id: &UserId, action: Action) -> Result<Option<AuditRow>> {
        let user_id = AuditId::of(user_id);
        self.first(LAST_OK, &[user_id.arg(), action.as_str().into()], |r| {
            audit_row(self, r)
        })
    }

    /// The newest successful `action` for a user whose detail holds
    /// `note`, with the password fingerprint it recorded: how `inspect`
    /// tells a lock (`issue --lock`) still holds.
    pub fn last_ok_noting(
        &self,
        user_id: &UserId,
        action: Action,
        note: &str,
    ) -> Result<Option<(AuditRow, Option<String>)>> {
        let user_id = AuditId::of(user_id);
        let pattern = containing(note);
        self.first(
            "SELECT id, at, actor, action, outcome, user_id, subject, detail, reason, real_at, run, \
             password_check FROM resetctl_audit WHERE user_id = ?1 AND action = ?2 AND outcome = 'ok' \
             AND detail LIKE ?3 ORDER BY id DESC LIMIT 1",
            &[user_id.arg(), action.as_str().into(), Arg::Text(&pattern)],
            |r| Ok((audit_row(self, r)?, r.opt_text(11)?)),
        )
    }

    /// Whether any successful `action` noted `note`: one look before
    /// `list` asks it of every row.
    pub fn any_ok_noting(&self, action: Action, note: &str) -> Result<bool> {
        let pattern = containing(note);
        let found = self.first(
            "SELECT 1 FROM resetctl_audit WHERE action = ?1 AND outcome = 'ok' AND detail LIKE ?2 LIMIT 1",
            &[action.as_str().into(), Arg::Text(&pattern)],
            |_| Ok(()),
        )?;
        Ok(found.is_some())
    }

    /// A user's newest successful issue: what a store that keeps nothing
    /// knows of the token.
    pub fn last_issue(&self, user_id: &UserId) -> Result<Option<IssueTrace>> {
        let user_id = AuditId::of(user_id);
        self.first(
            "SELECT id, expires, password_check, at FROM resetctl_audit \
             WHERE user_id = ?1 AND action = 'issue' AND outcome = 'ok' ORDER BY id DESC LIMIT 1",
            &[user_id.arg()],
            |r| {
                Ok(IssueTrace {
                    id: r.int(0)?,
                    expires: r.opt_text(1)?,
                    password_check: r.opt_text(2)?,
                    at: r.text(3)?,
                })
            },
        )
    }

    /// A user's successful issues after entry `after` that expire after
    /// `now` (RFC 3339), oldest first: every link a store that keeps
    /// nothing issued and that may still work.
    pub fn issues_expiring_after(
        &self,
        user_id: &UserId,
        after: i64,
        now: &str,
    ) -> Result<Vec<IssueTrace>> {
        let user_id = AuditId::of(user_id);
        let mut found = Vec::new();
        self.each(
            "SELECT id, expires, password_check, at FROM resetctl_audit \
             WHERE user_id = ?1 AND id > ?2 AND action = 'issue' AND outcome = 'ok' \
             AND expires > ?3 ORDER BY id",
            &[user_id.arg(), after.into(), now.into()],
            &mut |r| {
                found.push(IssueTrace {
                    id: r.int(0)?,
                    expires: r.opt_text(1)?,
                    password_check: r.opt_text(2)?,
                    at: r.text(3)?,
                });
                Ok(())
            },
        )?;
        Ok(found)
    }

    /// Each user with a successful issue expiring after `now` (RFC 3339),
    /// in the order the audit table sorts their ids.
    pub fn each_issued_user(
        &self,
        now: &str,
        f: &mut dyn FnMut(UserId) -> Result<()>,
    ) -> Result<()> {
        self.each(
            "SELECT DISTINCT user_id FROM resetctl_audit WHERE action = 'issue' AND outcome = 'ok' \
             AND user_id IS NOT NULL AND expires > ?1 ORDER BY user_id",
            &[now.into()],
            &mut |r| match self.audit_id(r.cell(0)?) {
                Some(id) => f(id),
                None => Ok(()),
            },
        )
    }

    /// For the issue rate limit: the time of the `nth` most recent issue
    /// (1 = newest) after `since`, to a user, or to an unknown name
    /// under `--no-enumerate` when `user_id` is `None`. `None` when there
    /// were fewer.
    pub fn nth_recent_issue(
        &self,
        user_id: Option<&UserId>,
        subject: &str,
        since: &str,
        nth: u32,
    ) -> Result<Option<String>> {
        let sql = NTH_RECENT_ISSUE[usize::from(user_id.is_none())];
        let offset = i64::from(nth.saturating_sub(1));
        let user_id = user_id.map(AuditId::of);
        let args = [
            user_id.as_ref().map_or(Arg::Text(subject), AuditId::arg),
            since.into(),
            offset.into(),
        ];
        self.first(sql, &args, |r| r.text(0))
    }

    /// Rows matching the filter, newest first.
    pub fn audit_rows(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        let limit = f
            .limit
            .map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
        // Only the filters given become conditions: an untyped NULL
        // parameter is an error on an engine that types its parameters.
        let mut conditions = Vec::new();
        let mut args: Vec<Arg<'_>> = Vec::new();
        let user_id = f.user_id.as_ref().map(AuditId::of);
        if let Some(id) = &user_id {
            args.push(id.arg());
            conditions.push(format!("user_id = ?{}", args.len()));
        }
        // A user shown as `name <email>` is found by either part.
        let like = f.subject.as_deref().map(|s| {
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        });
        let by_name = like.as_ref().map(|s| format!("{s} <%"));
        let by_email = like.as_ref().map(|s| format!("%<{s}>"));
        if let (Some(subject), Some(by_name), Some(by_email)) = (&f.subject, &by_name, &by_email) {
            let n = args.len() + 1;
            args.extend([Arg::Text(subject), Arg::Text(by_name), Arg::Text(by_email)]);
            conditions.push(format!(
                "({} OR subject LIKE ?{} ESCAPE '\\' OR subject LIKE ?{} ESCAPE '\\')",
                self.dialect().equals_ignoring_case("subject", n),
                n + 1,
                n + 2
            ));
        }
        if let Some(action) = f.action {
            args.push(Arg::Text(action.as_str()));
            conditions.push(format!("action = ?{}", args.len()));
        }
        if let Some(since) = &f.since {
            args.push(Arg::Text(since));
            conditions.push(format!("at >= ?{}", args.len()));
        }
        args.push(limit.into());
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {} ", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM resetctl_audit {filter}ORDER BY id DESC LIMIT ?{}",
            args.len()
        );
        let mut rows = Vec::new();
        self.each(&sql, &args, &mut |r| {
            rows.push(audit_row(self, r)?);
            Ok(())
        })?;
        Ok(rows)
    }
}
