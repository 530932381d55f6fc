//! What resetctl's audit table is: its name, its columns in every version,
//! and the table `init` makes.

use crate::db::dialect::{ColumnKind, Dialect};
use crate::user::IdKind;

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

/// Added since the first version, in the order `init` adds them.
pub const NEWER_AUDIT_COLUMNS: [&str; 2] = ["real_at", "run"];

/// The audit table and its indexes, with the engine's types for the
/// numbered id, the user's id and the indexed subject; everything else
/// is text everywhere. The user's id is an integer where the app's ids
/// are, else text (see `ids::AuditId`).
pub fn create_audit(d: &dyn Dialect, ids: IdKind) -> String {
    let (id, int, key_text) = (
        d.column_type(ColumnKind::Key),
        d.column_type(if ids == IdKind::Integer {
            ColumnKind::Integer
        } else {
            ColumnKind::IdText
        }),
        d.column_type(ColumnKind::Text),
    );
    let no_user = d.index_filter("user_id IS NULL");
    let options = d.table_options();
    format!(
        "
CREATE TABLE resetctl_audit (
  id {id},
  at TEXT NOT NULL,             -- RFC 3339 UTC
  actor TEXT NOT NULL,
  action TEXT NOT NULL,         -- init, issue, revoke, purge, redeem, email
  outcome TEXT NOT NULL,        -- ok, unknown-user, asked, rejected, failed
  user_id {int},
  subject {key_text},           -- the user as shown to people, or what was typed
  detail TEXT,
  reason TEXT,
  expires TEXT,                 -- issue: the expiry written, to recognise our token
  password_check TEXT,          -- issue: fingerprint of the password hash then
  real_at TEXT,                 -- the real time, when RESETCTL_NOW set the clock
  run TEXT                      -- bulk issue: the run that wrote the row
){options};
CREATE INDEX resetctl_audit_user_idx ON resetctl_audit (user_id, id);
CREATE INDEX resetctl_audit_subject_idx ON resetctl_audit (subject, id){no_user};
"
    )
}
