use crate::audit::AuditRow;
use crate::cli::ListArgs;
use crate::clock;
use crate::context::Context;
use crate::db::{Access, Tx};
use crate::error::Result;
use crate::service::lock::{any_recorded, holding_now, words};
use crate::store::TokenFilter;
use crate::text::printable;
use crate::user::UserId;
use crate::user::UserJson;

pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    let filter = match (args.active, args.expired) {
        (true, _) => TokenFilter::Active,
        (_, true) => TokenFilter::Expired,
        _ => TokenFilter::All,
    };
    let db = ctx.open(Access::ReadOnly)?;
    let tx = db.read();
    // A second connection only when some account was ever locked.
    let locks_db = match any_recorded(&tx)? {
        true => Some(ctx.open(Access::ReadOnly)?),
        false => None,
    };
    let locks = Locks {
        tx: locks_db.as_ref().map(|db| db.read()),
    };
    if ctx.out.json {
        return as_json(ctx, &tx, &locks, filter);
    }
    let now = ctx.now;
    let mut table = ctx.out.table(&[
        "ID", "USERNAME", "EMAIL", "STATE", "EXPIRES", "LEFT", "LOCKED",
    ]);
    let mut n = 0u64;
    let left_out = ctx
        .store
        .each_outstanding(&tx, filter, now, &mut |user, state| {
            let expires = state.expires();
            let locked = locks.of(ctx, &user.id)?;
            table.add_row(vec![
                comfy_table::Cell::new(printable(&user.id.text())),
                comfy_table::Cell::new(user.username.as_deref().map_or("-".into(), printable)),
                comfy_table::Cell::new(user.email.as_deref().map_or("-".into(), printable)),
                ctx.out.state_cell(state.name()),
                comfy_table::Cell::new(expires.map_or("?".into(), clock::rfc3339)),
                comfy_table::Cell::new(state.left(now)),
                comfy_table::Cell::new(locked.as_ref().map_or("-".into(), words)),
            ]);
            n += 1;
            Ok(())
        })?;
    warn_left_out(ctx, &tx, left_out);
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

/// One JSON array, streamed: a million rows never sit in memory.
fn as_json(ctx: &Context, tx: &Tx<'_>, locks: &Locks<'_>, filter: TokenFilter) -> Result<()> {
    let now = ctx.now;
    let mut array = ctx.out.json_array();
    let left_out = ctx
        .store
        .each_outstanding(tx, filter, now, &mut |user, state| {
            let (expires_at, seconds_left) = state.json_fields(now);
            let locked = locks.of(ctx, &user.id)?;
            array.push(&ListJson {
                user: user.json(),
                state: state.name(),
                expires_at,
                seconds_left,
                locked: locked.as_ref().map(|l| LockJson {
                    at: &l.at,
                    actor: &l.actor,
                    reason: l.reason.as_deref(),
                }),
            })
        })?;
    array.finish()?;
    warn_left_out(ctx, tx, left_out);
    Ok(())
}

/// Locks, looked up on a connection of their own (a server engine cannot
/// run a query on the one streaming the list), and only if any account
/// was ever locked.
struct Locks<'a> {
    tx: Option<Tx<'a>>,
}

impl Locks<'_> {
    fn of(&self, ctx: &Context, id: &UserId) -> Result<Option<AuditRow>> {
        match &self.tx {
            Some(tx) => holding_now(ctx, tx, id),
            None => Ok(None),
        }
    }
}

/// Rows holding a token under an id no command can name (not an integer
/// where ids are, NULL) are not listed, but they are not hidden either.
fn warn_left_out(ctx: &Context, tx: &crate::db::Tx<'_>, left_out: u64) {
    if left_out > 0 {
        let why = if tx.id_kind() == crate::user::IdKind::Integer {
            "have an id that is not an integer"
        } else {
            "have no id"
        };
        ctx.out.warn(format!(
            "{left_out} row(s) holding a reset token {why} and were left out"
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
    /// The lock that holds (`issue --lock`), or null.
    locked: Option<LockJson<'a>>,
}

#[derive(serde::Serialize)]
struct LockJson<'a> {
    at: &'a str,
    actor: &'a str,
    reason: Option<&'a str>,
}
