use serde_json::json;

use crate::audit::{Action, AuditRow};
use crate::cli::InspectArgs;
use crate::context::Context;
use crate::db::Access;
use crate::error::{Error, Result};
use crate::input::token_arg;
use crate::text::printable;

pub fn run(ctx: &Context, args: &InspectArgs) -> Result<()> {
    // Parse a token before touching the database: a malformed one is 65
    // whatever the database holds.
    let presented = match args.token.as_deref() {
        Some(t) => Some(ctx.store.parse(&token_arg(t)?)?),
        None => None,
    };
    let db = ctx.open(Access::ReadOnly)?;
    let tx = db.read();
    let (row, state) = match (presented, &args.user) {
        (Some(mut p), user) => {
            if let Some(user) = user {
                p.user = Some(tx.resolve(user, args.by)?.user);
            }
            let held = ctx.store.find(&tx, &p, ctx.now)?.ok_or_else(|| {
                Error::bad_token(
                    "no user holds this reset token: it is unknown, used up or revoked",
                )
            })?;
            (held.user, held.state)
        }
        (None, Some(user)) => {
            let row = tx.resolve(user, args.by)?;
            let state = ctx.store.state(&tx, &row.user, ctx.now)?;
            (row, state)
        }
        (None, None) => return Err(Error::usage("give a USER or --token")),
    };
    let issued = tx.last_ok(row.user.id, Action::Issue)?;
    let redeemed = tx.last_ok(row.user.id, Action::Redeem)?;

    let now = ctx.now;
    if ctx.out.json {
        let (expires_at, seconds_left) = state.json_fields(now);
        let event = |r: &Option<AuditRow>| {
            r.as_ref().map(
                |r| json!({ "at": r.at, "actor": r.actor, "reason": r.reason, "real_at": r.real_at }),
            )
        };
        return ctx.out.json(&json!({
            "user": row.user.json(),
            "state": state.name(),
            "expires_at": expires_at,
            "seconds_left": seconds_left,
            "password_changed_since_issue": state.is_dead(),
            "last_issued": event(&issued),
            "last_redeemed": event(&redeemed),
        }));
    }
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
    let id = row.user.id;
    ctx.out
        .line(format!("User:           {} (id {id})", row.user.label()))?;
    ctx.out
        .line(format!("Token:          {}", state.describe(now)))?;
    ctx.out
        .line(format!("Last issued:    {}", event(&issued)))?;
    ctx.out
        .line(format!("Last redeemed:  {}", event(&redeemed)))
}
