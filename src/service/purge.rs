//! Purging: tokens expired at least a while ago (and those a password
//! change killed) cleared, and the audit table pruned when asked, keeping
//! what live tokens and the rate limit still read. Audited when anything
//! went.

use chrono::TimeDelta;

use crate::audit::{Action, Outcome};
use crate::clock;
use crate::context::Context;
use crate::db::Access;
use crate::error::{Error, Result};

pub struct PurgeRequest {
    /// Tokens expired at least this long ago.
    pub older_than: TimeDelta,
    /// As typed, for the audit entry.
    pub older_than_text: String,
    /// Audit entries recorded before this long ago, if asked.
    pub audit_older_than: Option<TimeDelta>,
}

pub struct Purged {
    /// Tokens cleared; `None` for a store that keeps none.
    pub tokens: Option<u64>,
    /// Audit entries deleted, and from before when.
    pub audit: Option<(u64, String)>,
}

pub fn purge(ctx: &Context, req: &PurgeRequest) -> Result<Purged> {
    // A store that keeps nothing has no tokens to purge; its audit table
    // grows all the same, and can be pruned.
    let kept = ctx.store.kept();
    if let (Err(why), None) = (kept, &req.audit_older_than) {
        return Err(Error::config(why)
            .with_hint("purge --audit-older-than DURATION still prunes the audit table"));
    }
    let cutoff = ctx.now - req.older_than;
    // Entries within the rate-limit window are what the limit counts:
    // never pruned, whatever the duration asked.
    let window = ctx.cfg.issue_limit.map_or(TimeDelta::zero(), |l| l.window);
    let audit_cutoff = req
        .audit_older_than
        .map(|d| clock::rfc3339(ctx.now - d.max(window)));
    let now = clock::rfc3339(ctx.now);
    let mut db = ctx.open(Access::ReadWrite)?;
    db.write(|tx| {
        let tokens = kept.ok().map(|k| k.purge(tx, cutoff)).transpose()?;
        let pruned = audit_cutoff
            .as_deref()
            .map(|c| tx.prune_audit(c, &now))
            .transpose()?;
        let n = tokens.unwrap_or(0);
        // A purge that found nothing changed nothing: cron running every
        // minute should not fill the audit table.
        if n > 0 || pruned.is_some_and(|p| p > 0) {
            let mut audit = ctx.audit(Action::Purge, Outcome::Ok);
            let mut detail = format!("{n} expired tokens (older than {})", req.older_than_text);
            if let (Some(p), Some(c)) = (pruned, &audit_cutoff) {
                detail.push_str(&format!("; {p} audit entries from before {c}"));
            }
            audit.detail = Some(detail);
            tx.record(&audit)?;
        }
        Ok(Purged {
            tokens,
            audit: pruned.zip(audit_cutoff.clone()),
        })
    })
}
