use std::collections::HashSet;
use std::io::{BufRead, IsTerminal, Write};

use serde_json::json;

use crate::audit::{Action, Outcome};
use crate::cli::RevokeArgs;
use crate::context::Context;
use crate::db::Access;
use crate::error::{Error, Result};
use crate::user::User;

pub fn run(ctx: &Context, args: &RevokeArgs) -> Result<()> {
    if let Some(why) = ctx.store.cannot_revoke() {
        return Err(Error::config(why));
    }
    if args.all {
        return revoke_all(ctx, args.yes);
    }
    let mut db = ctx.open(Access::ReadWrite)?;
    // Every USER is resolved before anything changes: one typo revokes nothing.
    let results: Vec<(User, bool)> = db.write(|tx| {
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        for input in &args.users {
            let row = tx.resolve(input, args.by)?;
            if seen.insert(row.user.id) {
                rows.push(row);
            }
        }
        let mut results = Vec::new();
        for row in rows {
            let revoked = ctx.store.revoke(tx, row.user.id)?;
            if revoked {
                let mut audit = ctx.audit(Action::Revoke, Outcome::Ok);
                audit.user_id = Some(row.user.id);
                audit.subject = Some(row.user.label());
                tx.record(&audit)?;
            }
            results.push((row.user, revoked));
        }
        Ok(results)
    })?;
    for (user, revoked) in results {
        if ctx.out.json {
            ctx.out
                .json(&json!({ "user": user.json(), "revoked": revoked }))?;
        } else if revoked {
            ctx.out
                .say(format!("Revoked the reset token of {}.", user.label()))?;
        } else {
            ctx.out.say(format!(
                "{} has no reset token; nothing to revoke.",
                user.label()
            ))?;
        }
    }
    Ok(())
}

fn revoke_all(ctx: &Context, yes: bool) -> Result<()> {
    let mut db = ctx.open(Access::ReadWrite)?;
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::usage(
                "revoke --all needs --yes when not run from a terminal",
            ));
        }
        // Asked before taking the write lock: a person may take their time.
        let n = ctx.store.count_outstanding(&db.read())?;
        if !confirm(&format!("Revoke all {n} outstanding reset tokens? [y/N] "))? {
            ctx.out.say("Nothing revoked.")?;
            return Ok(());
        }
    }
    let n = db.write(|tx| {
        let n = ctx.store.revoke_all(tx)?;
        if n > 0 {
            let mut audit = ctx.audit(Action::Revoke, Outcome::Ok);
            audit.detail = Some(format!("all: {n} tokens"));
            tx.record(&audit)?;
        }
        Ok(n)
    })?;
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
