use serde_json::json;

use crate::Context;
use crate::cli::PurgeArgs;
use crate::clock::parse_duration;
use crate::db::{Access, Outcome};
use crate::error::Result;

pub fn run(ctx: &mut Context, args: &PurgeArgs) -> Result<()> {
    let older_than = parse_duration(&args.older_than)?;
    let cutoff = ctx.now - older_than;
    let mut db = ctx.open(Access::ReadWrite)?;
    let ctx_ref = &*ctx;
    let n = db.write(|tx| {
        let n = tx.purge_expired(cutoff)?;
        // A purge that found nothing changed nothing: cron running every
        // minute should not fill the audit table.
        if n > 0 {
            let mut audit = ctx_ref.audit("purge", Outcome::Ok);
            audit.detail = Some(format!(
                "{n} expired tokens (older than {})",
                args.older_than.trim()
            ));
            tx.record(&audit)?;
        }
        Ok(n)
    })?;
    if ctx.out.json {
        return ctx.out.json(&json!({ "purged": n }));
    }
    if !ctx.out.quiet {
        ctx.out.line(format!(
            "Purged {n} expired reset token{}.",
            if n == 1 { "" } else { "s" }
        ))?;
    }
    Ok(())
}
