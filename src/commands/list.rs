use crate::cli::ListArgs;
use crate::clock;
use crate::context::Context;
use crate::db::Access;
use crate::error::Result;
use crate::store::TokenFilter;
use crate::text::printable;
use crate::user::UserJson;

pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    let filter = match (args.active, args.expired) {
        (true, _) => TokenFilter::Active,
        (_, true) => TokenFilter::Expired,
        _ => TokenFilter::All,
    };
    let db = ctx.open(Access::ReadOnly)?;
    let tx = db.read();
    let now = ctx.now;
    if ctx.out.json {
        let mut array = ctx.out.json_array();
        let left_out = ctx
            .store
            .each_outstanding(&tx, filter, now, &mut |user, state| {
                let (expires_at, seconds_left) = state.json_fields(now);
                array.push(&ListJson {
                    user: user.json(),
                    state: state.name(),
                    expires_at,
                    seconds_left,
                })
            })?;
        array.finish()?;
        warn_left_out(ctx, left_out);
        return Ok(());
    }
    let mut table = ctx
        .out
        .table(&["ID", "USERNAME", "EMAIL", "STATE", "EXPIRES", "LEFT"]);
    let mut n = 0u64;
    let left_out = ctx
        .store
        .each_outstanding(&tx, filter, now, &mut |user, state| {
            let expires = state.expires();
            table.add_row(vec![
                comfy_table::Cell::new(user.id),
                comfy_table::Cell::new(user.username.as_deref().map_or("-".into(), printable)),
                comfy_table::Cell::new(user.email.as_deref().map_or("-".into(), printable)),
                ctx.out.state_cell(state.name()),
                comfy_table::Cell::new(expires.map_or("?".into(), clock::rfc3339)),
                comfy_table::Cell::new(state.left(now)),
            ]);
            n += 1;
            Ok(())
        })?;
    warn_left_out(ctx, left_out);
    if n == 0 {
        let what = match filter {
            TokenFilter::All => "outstanding",
            TokenFilter::Active => "active",
            TokenFilter::Expired => "expired",
        };
        return ctx.out.say(format!("No {what} reset tokens."));
    }
    ctx.out.print_table(&table)
}

/// Rows holding a token under an id that is not an integer are not listed
/// (no command can name them), but they are not hidden either.
fn warn_left_out(ctx: &Context, left_out: u64) {
    if left_out > 0 {
        ctx.out.warn(format!(
            "{left_out} row(s) holding a reset token have an id that is not an integer and were left out"
        ));
    }
}

/// One row of `list --json`: borrowed fields, not a map built per row.
#[derive(serde::Serialize)]
struct ListJson<'a> {
    user: UserJson<'a>,
    state: &'a str,
    expires_at: Option<String>,
    seconds_left: Option<i64>,
}
