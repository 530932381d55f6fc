use serde_json::json;

use crate::audit::{Action, Outcome};
use crate::cli::InitArgs;
use crate::context::Context;
use crate::db::Db;
use crate::error::Result;

pub fn run(ctx: &Context, args: &InitArgs) -> Result<()> {
    let at = ctx.db_location()?;
    let (mut db, created) = Db::create(at, ctx.cfg.busy_timeout, &ctx.cfg.schema)?;
    // Everything added in one transaction, in this order, with its audit
    // entry in the same transaction when anything changed.
    let added = db.write(|tx| {
        let mut changes = tx.prepare_users_table()?;
        changes.extend(ctx.store.prepare(tx)?);
        changes.extend(tx.prepare_email_index()?);
        changes.extend(tx.prepare_audit_table()?);
        if args.demo {
            changes.extend(tx.add_demo_users()?);
        }
        if !changes.is_empty() {
            let mut audit = ctx.audit(Action::Init, Outcome::Ok);
            audit.detail = Some(changes.join("; "));
            tx.record(&audit)?;
        }
        Ok(changes)
    })?;
    let changes: Vec<String> = created.into_iter().chain(added).collect();
    for w in db.init_warnings()? {
        ctx.out.warn(w);
    }
    if ctx.out.json {
        return ctx
            .out
            .json(&json!({ "database": at.to_string(), "changed": changes }));
    }
    if changes.is_empty() {
        ctx.out.say(format!(
            "Nothing to do: {at} already has everything resetctl needs."
        ))?;
    } else {
        for change in &changes {
            ctx.out.say(change)?;
        }
    }
    Ok(())
}
