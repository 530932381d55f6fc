//! The issue rate limit (`limits.issue`), counted on the audit trail: per
//! user, and under `--no-enumerate` per name as typed (spelled the way
//! lookups read it), known or not, so a limit tells known from unknown by
//! nothing.

use crate::audit::{Action, Outcome};
use crate::clock::{self, format_duration};
use crate::context::Context;
use crate::db::Tx;
use crate::error::{Error, Kind, Result};
use crate::user::{Typed, UserId};

/// At most N issues per user in the window. Fails with 75 and the time the
/// next issue will be allowed. `user_id` is `None` for a `--no-enumerate`
/// request, counted under `subject`, the name as typed; `shown_as` is how
/// the error names it.
pub fn check(
    ctx: &Context,
    tx: &Tx<'_>,
    user_id: Option<&UserId>,
    subject: &str,
    shown_as: &str,
) -> Result<()> {
    let Some(limit) = ctx.cfg.issue_limit else {
        return Ok(());
    };
    let since = clock::rfc3339(ctx.now - limit.window);
    let Some(at) = tx.nth_recent_issue(user_id, subject, &since, limit.count)? else {
        return Ok(());
    };
    let retry = clock::parse_timestamp(&at).map(|t| t + limit.window);
    let when = retry.map_or_else(
        || "later".to_string(),
        |t| format!("at {} ({})", clock::rfc3339(t), clock::relative(t, ctx.now)),
    );
    Err(Error::new(
        Kind::TempFail,
        format!(
            "rate limit reached for {shown_as}: {} reset tokens issued in the last {}; try again {when}",
            limit.count,
            format_duration(limit.window)
        ),
    )
    .with_hint("or pass --force (recorded in the audit trail with --actor and --reason)"))
}

/// A `--no-enumerate` request, recorded under the name as typed whether
/// it matched an account (`asked`, beside the user's own issue entry) or
/// not (`unknown-user`, answered with a decoy stored nowhere): the rate
/// limit counts these per name, so it tells nothing either.
pub fn record_request(ctx: &Context, tx: &Tx<'_>, typed: &Typed<'_>, known: bool) -> Result<()> {
    let outcome = if known {
        Outcome::Asked
    } else {
        Outcome::UnknownUser
    };
    let mut audit = ctx.audit(Action::Issue, outcome);
    audit.subject = Some(typed.key.clone());
    tx.record(&audit)
}
