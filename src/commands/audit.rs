//! `audit`: the trail the service finds (`service::lookup`), newest first,
//! as a table or a JSON array.

use serde_json::json;

use crate::audit::AuditFilter;
use crate::cli::AuditArgs;
use crate::clock::{self, parse_duration};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::service::lookup::audit_trail;
use crate::text::printable;

pub fn run(ctx: &Context, args: &AuditArgs) -> Result<()> {
    let since = args.since.as_deref().map(|s| since(ctx, s)).transpose()?;
    let filter = AuditFilter {
        action: args.action,
        since,
        limit: (args.limit > 0).then_some(args.limit),
        ..AuditFilter::default()
    };
    let rows = audit_trail(ctx, filter, args.user.as_deref())?;
    if ctx.out.json {
        let mut array = ctx.out.json_array();
        for r in &rows {
            array.push(&json!({
                "id": r.id,
                "at": r.at,
                "actor": r.actor,
                "action": r.action.as_str(),
                "outcome": r.outcome.as_str(),
                "user_id": r.user_id,
                "subject": r.subject,
                "detail": r.detail,
                "reason": r.reason,
                "real_at": r.real_at,
            }))?;
        }
        return array.finish();
    }
    if rows.is_empty() {
        ctx.out.say("No audit entries.")?;
        return Ok(());
    }
    let mut table = ctx.out.table(&[
        "AT", "ACTOR", "ACTION", "OUTCOME", "USER", "DETAIL", "REASON",
    ]);
    // Every cell is escaped: the table may hold what an SMTP server said,
    // or what another program wrote.
    let cell = |v: Option<&str>| v.map_or("-".to_string(), printable);
    for r in &rows {
        let at = match &r.real_at {
            None => printable(&r.at),
            Some(real) => format!("{} (clock set; real {})", printable(&r.at), printable(real)),
        };
        table.add_row(vec![
            at,
            printable(&r.actor),
            r.action.to_string(),
            r.outcome.to_string(),
            cell(r.subject.as_deref()),
            cell(r.detail.as_deref()),
            cell(r.reason.as_deref()),
        ]);
    }
    ctx.out.print_table(&table)
}

/// `--since`: a time (RFC 3339 or SQLite's form), or a duration before now.
/// A bare number is refused: `24` is far likelier a forgotten unit than 1970.
fn since(ctx: &Context, text: &str) -> Result<String> {
    let bare_number = text.trim().bytes().all(|b| b.is_ascii_digit());
    if let Some(t) = clock::parse_timestamp(text).filter(|_| !bare_number) {
        return Ok(clock::rfc3339(t));
    }
    parse_duration(text)
        .map(|d| clock::rfc3339(ctx.now - d))
        .map_err(|_| {
            Error::bad_input(format!(
                "--since {}: not a time or a duration",
                crate::text::shown(text)
            ))
            .with_hint("e.g. --since 24h or --since 2026-11-01T00:00:00Z")
        })
}
