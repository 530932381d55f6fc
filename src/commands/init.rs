use serde_json::json;

use crate::audit::{Action, Outcome};
use crate::cli::InitArgs;
use crate::context::Context;
use crate::db::Db;
use crate::error::{Error, Result};

pub fn run(ctx: &Context, args: &InitArgs) -> Result<()> {
    let at = ctx.db_location()?;
    let (mut db, created) = Db::create(at, ctx.cfg.busy_timeout, &ctx.cfg.schema, ctx.spare())?;
    // Everything added in one transaction, in this order, with its audit
    // entry in the same transaction when anything changed.
    let mut made = Vec::new();
    let written = db.write(|tx| {
        made.extend(tx.prepare_users_table()?);
        made.extend(ctx.store.prepare(tx)?);
        made.extend(tx.prepare_email_index()?);
        made.extend(tx.prepare_audit_table()?);
        if args.demo {
            made.extend(tx.add_demo_users()?);
        }
        if !made.is_empty() {
            let mut audit = ctx.audit(Action::Init, Outcome::Ok);
            audit.detail = Some(made.join("; "));
            tx.record(&audit)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => {}
        Err(e) if db.dialect().schema_changes_commit() && !made.is_empty() => {
            return Err(stopped_half_way(e, &made));
        }
        Err(e) => return Err(e),
    }
    let changes: Vec<String> = created.into_iter().chain(made).collect();
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

/// On an engine where schema changes commit at once, what `init` did
/// before it failed stays: the error says what that was. Running `init`
/// again adds only what is still missing.
fn stopped_half_way(mut e: Error, made: &[String]) -> Error {
    e.message = format!(
        "{}; init stopped half way, and what it did before stays (schema changes commit at once on this engine): {}",
        e.message,
        made.join("; ")
    );
    e.hint = Some(match e.hint.take() {
        Some(hint) => format!("{hint}; then run init again: it adds only what is missing"),
        None => "fix that and run init again: it adds only what is missing".into(),
    });
    e
}
