//! The audit table the tool owns: who did what, when, and why. It never
//! holds a token, a token hash or a password.

use rusqlite::{OptionalExtension, Row, params};

use super::Tx;
use crate::error::Result;

pub const AUDIT_TABLE: &str = "resetctl_audit";

/// The columns of every version of the audit table; `init` adds the
/// newer ones (`NEWER_AUDIT_COLUMNS`) to a table an older version made.
pub const AUDIT_COLUMNS: [&str; 11] = [
    "id",
    "at",
    "actor",
    "action",
    "outcome",
    "user_id",
    "subject",
    "detail",
    "reason",
    "expires",
    "password_check",
];

/// Added since the first version, with their types, in the order `init`
/// adds them.
pub const NEWER_AUDIT_COLUMNS: [(&str, &str); 2] = [("real_at", "TEXT"), ("run", "TEXT")];

pub const CREATE_AUDIT: &str = "
CREATE TABLE resetctl_audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,             -- RFC 3339 UTC
  actor TEXT NOT NULL,
  action TEXT NOT NULL,         -- init, issue, revoke, purge, redeem, email
  outcome TEXT NOT NULL,        -- ok, unknown-user, rejected, failed
  user_id INTEGER,
  subject TEXT,                 -- the user as shown to people, or what was typed
  detail TEXT,
  reason TEXT,
  expires TEXT,                 -- issue: the expiry written, to recognise our token
  password_check TEXT,          -- issue: fingerprint of the password hash then
  real_at TEXT,                 -- the real time, when RESETCTL_NOW set the clock
  run TEXT                      -- bulk issue: the run that wrote the row
);
CREATE INDEX resetctl_audit_user_idx ON resetctl_audit (user_id, id);
CREATE INDEX resetctl_audit_subject_idx ON resetctl_audit (subject, id) WHERE user_id IS NULL;
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// `issue --no-enumerate` for a user that does not exist.
    UnknownUser,
    /// A redeem refused: unknown, expired or dead token.
    Rejected,
    /// An email that could not be delivered.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::UnknownUser => "unknown-user",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
        }
    }
}

/// One row to write. `at`, `actor` and `reason` come from the run; the rest
/// from the command.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub reason: Option<String>,
    pub action: &'static str,
    pub outcome: Outcome,
    pub user_id: Option<i64>,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub expires: Option<String>,
    pub password_check: Option<String>,
    /// The real time, when `RESETCTL_NOW` set the clock `at` was read from.
    pub real_at: Option<String>,
    /// The bulk run an issue belongs to.
    pub run: Option<String>,
}

/// One row as read back for people and scripts (no internal columns).
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub outcome: String,
    pub user_id: Option<i64>,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub reason: Option<String>,
    pub real_at: Option<String>,
    pub run: Option<String>,
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    pub subject: Option<String>,
    pub action: Option<String>,
    pub since: Option<String>,
    pub limit: Option<usize>,
}

pub(crate) const INSERT: &str = "INSERT INTO resetctl_audit \
     (at, actor, action, outcome, user_id, subject, detail, reason, expires, password_check, real_at, run) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

const ROW_COLUMNS: &str =
    "id, at, actor, action, outcome, user_id, subject, detail, reason, real_at, run";

// Statements looking up one user's history, kept here so the query-plan test
// checks the very text that runs.
pub(crate) const LAST_OK: &str = "SELECT id, at, actor, action, outcome, user_id, subject, detail, reason, real_at, run \
     FROM resetctl_audit WHERE user_id = ?1 AND action = ?2 AND outcome = 'ok' ORDER BY id DESC LIMIT 1";

/// For a known user (by id), then for an unknown name under --no-enumerate.
pub(crate) const NTH_RECENT_ISSUE: [&str; 2] = [
    "SELECT at FROM resetctl_audit WHERE user_id = ?1 AND action = 'issue' \
     AND outcome = 'ok' AND at > ?3 ORDER BY id DESC LIMIT 1 OFFSET ?4",
    "SELECT at FROM resetctl_audit WHERE user_id IS NULL AND subject = ?2 AND action = 'issue' \
     AND outcome = 'unknown-user' AND at > ?3 AND ?1 IS NULL ORDER BY id DESC LIMIT 1 OFFSET ?4",
];

fn audit_row(r: &Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        outcome: r.get(4)?,
        user_id: r.get(5)?,
        subject: r.get(6)?,
        detail: r.get(7)?,
        reason: r.get(8)?,
        real_at: r.get(9)?,
        run: r.get(10)?,
    })
}

impl Tx<'_> {
    pub fn record(&self, e: &AuditEntry) -> Result<()> {
        self.conn
            .prepare_cached(INSERT)
            .and_then(|mut st| {
                st.execute(params![
                    e.at,
                    e.actor,
                    e.action,
                    e.outcome.as_str(),
                    e.user_id,
                    e.subject,
                    e.detail,
                    e.reason,
                    e.expires,
                    e.password_check,
                    e.real_at,
                    e.run
                ])
            })
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Deletes entries recorded before `cutoff` (RFC 3339), except what
    /// live tokens still need: each user's newest successful issue (the
    /// "password changed since" check and bulk resumes read it) and newest
    /// successful email (resuming a `--send` run reads it).
    pub fn prune_audit(&self, cutoff: &str) -> Result<u64> {
        self.conn
            .execute(
                "DELETE FROM resetctl_audit WHERE at < ?1 AND id NOT IN \
                 (SELECT max(id) FROM resetctl_audit WHERE user_id IS NOT NULL \
                  AND outcome = 'ok' AND action IN ('issue', 'email') GROUP BY user_id, action)",
                [cutoff],
            )
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// The newest successful `action` for a user.
    pub fn last_ok(&self, user_id: i64, action: &str) -> Result<Option<AuditRow>> {
        self.conn
            .query_row(LAST_OK, params![user_id, action], audit_row)
            .optional()
            .map_err(|e| self.err(e))
    }

    /// For the issue rate limit: the time of the `nth` most recent issue
    /// (1 = newest) after `since`, to a user, or to an unknown name
    /// under `--no-enumerate` when `user_id` is `None`. `None` when there
    /// were fewer.
    pub fn nth_recent_issue(
        &self,
        user_id: Option<i64>,
        subject: &str,
        since: &str,
        nth: u32,
    ) -> Result<Option<String>> {
        let sql = NTH_RECENT_ISSUE[usize::from(user_id.is_none())];
        self.conn
            .query_row(
                sql,
                params![user_id, subject, since, nth.saturating_sub(1)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Rows matching the filter, newest first.
    pub fn audit_rows(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        let limit = f.limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {ROW_COLUMNS} FROM resetctl_audit \
                 WHERE (?1 IS NULL OR user_id = ?1) \
                 AND (?2 IS NULL OR subject = ?2 COLLATE NOCASE \
                      OR subject LIKE ?6 ESCAPE '\\' OR subject LIKE ?7 ESCAPE '\\') \
                 AND (?3 IS NULL OR action = ?3) \
                 AND (?4 IS NULL OR at >= ?4) \
                 ORDER BY id DESC LIMIT ?5"
            ))
            .map_err(|e| self.err(e))?;
        // A user shown as `name <email>` is found by either part.
        let like = f.subject.as_deref().map(|s| {
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        });
        let by_name = like.as_ref().map(|s| format!("{s} <%"));
        let by_email = like.as_ref().map(|s| format!("%<{s}>"));
        stmt.query_map(
            params![
                f.user_id, f.subject, f.action, f.since, limit, by_name, by_email
            ],
            audit_row,
        )
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }
}
