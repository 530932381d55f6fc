//! What an issue run is asked to do, as the `issue` command builds it from
//! its arguments: the service never sees the command line's own types.

use crate::output::QrWhen;
use crate::user::Lookup;

#[derive(Debug, Clone, Default)]
pub struct IssueRequest {
    /// The USERs named; empty for a bulk run.
    pub users: Vec<String>,
    pub by: Option<Lookup>,
    /// Bulk: every user.
    pub all: bool,
    /// Bulk: the users listed in this file (`-` for standard input).
    pub from: Option<String>,
    /// Bulk: leave users that hold a live token alone.
    pub skip_active: bool,
    /// Bulk: only count.
    pub dry_run: bool,
    /// Bulk: users per transaction.
    pub batch: Option<u32>,
    /// Bulk with `send`: at most this many emails a second (`10/s`).
    pub rate: Option<String>,
    /// How long the token lives (`1h`), over the configured ttl.
    pub ttl: Option<String>,
    /// The link template, over the configured one.
    pub link: Option<String>,
    pub no_enumerate: bool,
    pub force: bool,
    /// Lock each account too (`issue --lock`).
    pub lock: bool,
    pub send: bool,
    /// With `send`, print the link too.
    pub print: bool,
    pub qr: Option<QrWhen>,
}
