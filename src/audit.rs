//! The audit trail as the rest of resetctl sees it: who did what, when and
//! why, with what outcome. It never holds a token, a token hash or a
//! password. (How it is stored is `db::audit`'s business.)

use crate::user::UserId;
use std::fmt;

/// What was done. `init` through `email`, as `--action` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Action {
    Init,
    Issue,
    Revoke,
    Purge,
    Redeem,
    Email,
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// `issue --no-enumerate` for a user that does not exist.
    UnknownUser,
    /// `issue --no-enumerate` for a user that exists, recorded under the
    /// name as typed (the issue itself has an entry of its own).
    Asked,
    /// A redeem refused: unknown, expired or dead token.
    Rejected,
    /// An email that could not be delivered.
    Failed,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Init,
        Action::Issue,
        Action::Revoke,
        Action::Purge,
        Action::Redeem,
        Action::Email,
    ];

    /// As the audit table writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Init => "init",
            Action::Issue => "issue",
            Action::Revoke => "revoke",
            Action::Purge => "purge",
            Action::Redeem => "redeem",
            Action::Email => "email",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Ok,
        Outcome::UnknownUser,
        Outcome::Asked,
        Outcome::Rejected,
        Outcome::Failed,
    ];

    /// As the audit table writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::UnknownUser => "unknown-user",
            Outcome::Asked => "asked",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry to write. `at`, `actor`, `reason` and `real_at` come from the
/// run (see `Context::audit`); the rest from what was done.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub reason: Option<String>,
    pub action: Action,
    pub outcome: Outcome,
    pub user_id: Option<UserId>,
    pub subject: Option<String>,
    pub detail: Option<String>,
    /// For an issue: the expiry written, to recognise the token again.
    pub expires: Option<String>,
    /// For an issue: the password fingerprint then (see `password::fingerprint`).
    pub password_check: Option<String>,
    /// The real time, when `RESETCTL_NOW` set the clock `at` was read from.
    pub real_at: Option<String>,
    /// The bulk run an issue belongs to.
    pub run: Option<String>,
}

/// One entry as read back for people and scripts.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: Action,
    pub outcome: Outcome,
    pub user_id: Option<UserId>,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub reason: Option<String>,
    pub real_at: Option<String>,
    pub run: Option<String>,
}

/// Which entries `audit` shows.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub user_id: Option<UserId>,
    pub subject: Option<String>,
    pub action: Option<Action>,
    pub since: Option<String>,
    pub limit: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_written() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(Action::parse("drop"), None);
    }
}
