use serde_json::json;

use crate::Context;
use crate::cli::InitArgs;
use crate::db::{Db, Outcome};
use crate::error::Result;

pub fn run(ctx: &Context, args: &InitArgs) -> Result<()> {
    let path = ctx.db_path()?.to_path_buf();
    let audit = ctx.audit("init", Outcome::Ok);
    let report = Db::init(
        &path,
        ctx.cfg.busy_timeout,
        &ctx.cfg.schema,
        args.demo,
        audit,
    )?;
    for w in &report.warnings {
        ctx.out.warn(w);
    }
    if ctx.out.json {
        return ctx
            .out
            .json(&json!({ "database": path, "changed": report.changes }));
    }
    if report.changes.is_empty() {
        ctx.out.say(format!(
            "Nothing to do: {} already has everything resetctl needs.",
            path.display()
        ))?;
    } else {
        for change in &report.changes {
            ctx.out.say(change)?;
        }
    }
    Ok(())
}
