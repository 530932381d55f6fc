use serde_json::json;

use crate::audit::{Action, Outcome};
use crate::cli::PurgeArgs;
use crate::clock::{self, parse_duration};
use crate::context::Context;
use crate::db::Access;
use crate::error::{Error, Result};

pub fn run(ctx: &Context, args: &PurgeArgs) -> Result<()> {
    // A store that keeps nothing has no tokens to purge; its audit table
    // grows all the same, and can be pruned.
    let stateless = ctx.store.cannot_revoke();
    if let (Some(why), None) = (stateless, &args.audit_older_than) {
        return Err(Error::config(why)
            .with_hint("purge --audit-older-than DURATION still prunes the audit table"));
    }
    let older_than = parse_duration(&args.older_than)?;
    let cutoff = ctx.now - older_than;
    // Entries within the rate-limit window are what the limit counts:
    // never pruned, whatever the duration asked.
    let audit_cutoff = args
        .audit_older_than
        .as_deref()
        .map(parse_duration)
        .transpose()?
        .map(|d| {
            let window = ctx
                .cfg
                .issue_limit
                .map_or(chrono::TimeDelta::zero(), |l| l.window);
            clock::rfc3339(ctx.now - d.max(window))
        });
    let mut db = ctx.open(Access::ReadWrite)?;
    let (n, pruned) = db.write(|tx| {
        let n = match stateless {
            Some(_) => 0,
            None => ctx.store.purge(tx, cutoff)?,
        };
        let now = clock::rfc3339(ctx.now);
        let pruned = audit_cutoff
            .as_deref()
            .map(|c| tx.prune_audit(c, &now))
            .transpose()?;
        // A purge that found nothing changed nothing: cron running every
        // minute should not fill the audit table.
        if n > 0 || pruned.is_some_and(|p| p > 0) {
            let mut audit = ctx.audit(Action::Purge, Outcome::Ok);
            let mut detail = format!("{n} expired tokens (older than {})", args.older_than.trim());
            if let (Some(p), Some(c)) = (pruned, &audit_cutoff) {
                detail.push_str(&format!("; {p} audit entries from before {c}"));
            }
            audit.detail = Some(detail);
            tx.record(&audit)?;
        }
        Ok((n, pruned))
    })?;
    if ctx.out.json {
        let mut v = json!({ "purged": n });
        if let Some(p) = pruned {
            v["audit_deleted"] = json!(p);
        }
        return ctx.out.json(&v);
    }
    if !ctx.out.quiet {
        if stateless.is_none() {
            ctx.out.line(format!(
                "Purged {n} expired reset token{}.",
                if n == 1 { "" } else { "s" }
            ))?;
        }
        if let (Some(p), Some(c)) = (pruned, &audit_cutoff) {
            ctx.out.line(format!(
                "Deleted {p} audit entr{} from before {c}.",
                if p == 1 { "y" } else { "ies" }
            ))?;
        }
    }
    Ok(())
}
