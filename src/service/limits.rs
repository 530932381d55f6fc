//! The issue rate limit (`limits.issue`), counted on the audit trail: per
//! user, and under `--no-enumerate` per name that matches nobody, spelled
//! the way lookups read it, so a limit tells known from unknown by nothing.

use crate::audit::{Action, Outcome};
use crate::clock::{self, format_duration};
use crate::context::Context;
use crate::db::Tx;
use crate::error::{Error, Kind, Result};
use crate::text::clean;
use crate::user::Lookup;

/// At most N issues per user in the window. Fails with 75 and the time the
/// next issue will be allowed. `user_id` is `None` for an unknown name,
/// counted under `subject`; `shown_as` is how the error names it.
pub fn check(
    ctx: &Context,
    tx: &Tx<'_>,
    user_id: Option<i64>,
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

/// The audit key of a name that matches nobody, normalised as lookups
/// read it: emails ignoring case, ids as numbers (`099` is `99`). So every
/// spelling of one unknown name shares one rate-limit bucket, as every
/// spelling of a known user shares that user's.
pub fn unknown_subject(input: &str, by: Option<Lookup>) -> String {
    let input = input.trim();
    match Lookup::of(input, by) {
        Lookup::Email => clean(&input.to_lowercase(), 256),
        Lookup::Id => {
            let digits = input.trim_start_matches('0');
            format!("id {}", if digits.is_empty() { "0" } else { digits })
        }
        Lookup::Username => clean(input, 256),
    }
}

/// An unknown user under `--no-enumerate`: audited (and so rate-limited)
/// like a real one, and answered with a decoy token stored nowhere.
pub fn record_unknown(ctx: &Context, tx: &Tx<'_>, input: &str, by: Option<Lookup>) -> Result<()> {
    let mut audit = ctx.audit(Action::Issue, Outcome::UnknownUser);
    audit.subject = Some(unknown_subject(input, by));
    tx.record(&audit)
}
