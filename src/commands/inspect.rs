//! `inspect USER` / `inspect --token TOKEN`: what the service found
//! (`service::lookup`), as JSON or in words. Never the token.

use serde_json::json;

use crate::audit::AuditRow;
use crate::cli::InspectArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input::token_arg;
use crate::service::lookup::{Inspect, Inspected, inspect};
use crate::text::printable;

pub fn run(ctx: &Context, args: &InspectArgs) -> Result<()> {
    // Parse a token before touching the database: a malformed one is 65
    // whatever the database holds.
    let presented = match args.token.as_deref() {
        Some(t) => Some(ctx.store.parse(&token_arg(t)?)?),
        None => None,
    };
    let what = match (presented, &args.user) {
        (Some(p), user) => Inspect::Token(p, user.as_deref()),
        (None, Some(user)) => Inspect::User(user),
        (None, None) => return Err(Error::usage("give a USER or --token")),
    };
    let found = inspect(ctx, what, args.by)?;
    if ctx.out.json {
        return as_json(ctx, &found);
    }
    in_words(ctx, &found)
}

fn as_json(ctx: &Context, found: &Inspected) -> Result<()> {
    let Inspected {
        user,
        state,
        issued,
        redeemed,
        locked,
    } = found;
    let (expires_at, seconds_left) = state.json_fields(ctx.now);
    let event = |r: &Option<AuditRow>| {
        r.as_ref().map(
            |r| json!({ "at": r.at, "actor": r.actor, "reason": r.reason, "real_at": r.real_at }),
        )
    };
    ctx.out.json(&json!({
        "user": user.json(),
        "state": state.name(),
        "expires_at": expires_at,
        "seconds_left": seconds_left,
        "password_changed_since_issue": state.is_dead(),
        "last_issued": event(issued),
        "last_redeemed": event(redeemed),
        "locked": event(locked),
    }))
}

fn in_words(ctx: &Context, found: &Inspected) -> Result<()> {
    let Inspected {
        user,
        state,
        issued,
        redeemed,
        locked,
    } = found;
    let now = ctx.now;
    let event = |r: &Option<AuditRow>| match r {
        None => "never".to_string(),
        Some(r) => {
            let mut s = format!("{} by {}", printable(&r.at), printable(&r.actor));
            if let Some(reason) = &r.reason {
                s.push_str(&format!(" ({})", printable(reason)));
            }
            if let Some(real) = &r.real_at {
                s.push_str(&format!(
                    "; the clock was set by RESETCTL_NOW, real time {}",
                    printable(real)
                ));
            }
            s
        }
    };
    let id = printable(&user.id.text());
    ctx.out
        .line(format!("User:           {} (id {id})", user.label()))?;
    ctx.out
        .line(format!("Token:          {}", state.describe(now)))?;
    ctx.out.line(format!("Last issued:    {}", event(issued)))?;
    ctx.out
        .line(format!("Last redeemed:  {}", event(redeemed)))?;
    if let Some(l) = locked {
        ctx.out.line(format!("Locked:         {}", lock_words(l)))?;
    }
    Ok(())
}

fn lock_words(l: &AuditRow) -> String {
    format!(
        "{}; the old password and sessions no longer work, until a new password is set",
        crate::service::lock::words(l)
    )
}
