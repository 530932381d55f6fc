//! `revoke USER...` and `revoke --all`: the reset service does the work
//! (`service::revoke`); this asks first on a terminal and says what
//! happened.

use std::io::{BufRead, IsTerminal, Write};

use serde_json::json;

use crate::cli::RevokeArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::service::revoke;

pub fn run(ctx: &Context, args: &RevokeArgs) -> Result<()> {
    revoke::possible(ctx)?;
    if args.all {
        return revoke_all(ctx, args.yes);
    }
    for r in revoke::users(ctx, &args.users, args.by)? {
        let user = &r.user;
        if ctx.out.json {
            ctx.out
                .json(&json!({ "user": user.json(), "revoked": r.revoked, "locked": r.locked }))?;
            continue;
        }
        if r.revoked {
            ctx.out
                .say(format!("Revoked the reset token of {}.", user.label()))?;
        } else {
            ctx.out.say(format!(
                "{} has no reset token; nothing to revoke.",
                user.label()
            ))?;
        }
        if r.locked {
            ctx.out.say(format!(
                "{} stays locked: the old password and sessions still do not work; a new link (resetctl issue) or a password an admin sets lets them back in.",
                user.label()
            ))?;
        }
    }
    Ok(())
}

fn revoke_all(ctx: &Context, yes: bool) -> Result<()> {
    if !yes {
        // Counted first, without the write lock: a person may take their
        // time to answer.
        let n = revoke::outstanding(ctx)?;
        if !std::io::stdin().is_terminal() {
            return Err(Error::usage(
                "revoke --all needs --yes when not run from a terminal",
            ));
        }
        if !confirm(&format!("Revoke all {n} outstanding reset tokens? [y/N] "))? {
            ctx.out.say("Nothing revoked.")?;
            return Ok(());
        }
    }
    let n = revoke::all(ctx)?;
    if ctx.out.json {
        return ctx.out.json(&json!({ "revoked": n }));
    }
    ctx.out.say(format!(
        "Revoked {n} reset token{}.",
        if n == 1 { "" } else { "s" }
    ))?;
    Ok(())
}

fn confirm(question: &str) -> Result<bool> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::io(format!("cannot read the answer: {e}")))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
