//! `purge [--older-than D] [--audit-older-than D]`: the reset service does
//! the work (`service::purge`); this says how much went.

use serde_json::json;

use crate::cli::PurgeArgs;
use crate::clock::parse_duration;
use crate::context::Context;
use crate::error::Result;
use crate::service::purge::{PurgeRequest, purge};

pub fn run(ctx: &Context, args: &PurgeArgs) -> Result<()> {
    let req = PurgeRequest {
        older_than: parse_duration(&args.older_than)?,
        older_than_text: args.older_than.trim().to_string(),
        audit_older_than: args
            .audit_older_than
            .as_deref()
            .map(parse_duration)
            .transpose()?,
    };
    let purged = purge(ctx, &req)?;
    if ctx.out.json {
        let mut v = json!({ "purged": purged.tokens.unwrap_or(0) });
        if let Some((p, _)) = &purged.audit {
            v["audit_deleted"] = json!(p);
        }
        return ctx.out.json(&v);
    }
    if ctx.out.quiet {
        return Ok(());
    }
    if let Some(n) = purged.tokens {
        ctx.out.line(format!(
            "Purged {n} expired reset token{}.",
            if n == 1 { "" } else { "s" }
        ))?;
    }
    if let Some((p, c)) = &purged.audit {
        ctx.out.line(format!(
            "Deleted {p} audit entr{} from before {c}.",
            if *p == 1 { "y" } else { "ies" }
        ))?;
    }
    Ok(())
}
