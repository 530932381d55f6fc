use std::collections::HashSet;

use chrono::{DateTime, TimeDelta};
use serde_json::json;

use crate::Context;
use crate::cli::{By, IssueArgs};
use crate::clock::{self, format_duration, parse_duration};
use crate::config::check_link;
use crate::context::lookup_kind;
use crate::db::{self, Access, Lookup, Outcome, Tx, User};
use crate::error::{Error, Kind, Result, clean};
use crate::token::{self, Token};

/// A token made for one USER argument. `user` is `None` for an unknown user
/// under `--no-enumerate`: the token is then a decoy, stored nowhere.
struct Issued {
    input: String,
    user: Option<User>,
    token: Token,
}

pub fn run(ctx: &mut Context, args: &IssueArgs) -> Result<()> {
    let ttl = match &args.ttl {
        Some(t) => parse_duration(t)?,
        None => ctx.cfg.ttl,
    };
    if ttl <= TimeDelta::zero() || ttl > ctx.cfg.max_ttl {
        return Err(Error::bad_input(format!(
            "--ttl must be more than 0s and at most {}",
            format_duration(ctx.cfg.max_ttl)
        )));
    }
    if args.force && ctx.reason.is_none() {
        return Err(Error::usage(
            "--force needs --reason: bypassing the rate limit is recorded with why",
        ));
    }
    let template = args.link.clone().unwrap_or_else(|| ctx.cfg.link.clone());
    check_link(&template)?;
    // Whole seconds, so every stored form (text or number) says the same.
    let expires = DateTime::from_timestamp((ctx.now + ttl).timestamp(), 0)
        .ok_or_else(|| Error::bad_input("--ttl takes the expiry out of range"))?;
    let expires_text = clock::rfc3339(expires);
    let expires_cell = db::expiry_cell(expires, ctx.cfg.expires_format);

    let mut db = ctx.open(Access::ReadWrite)?;
    let ctx_ref = &*ctx;
    let issued = db.write(|tx| {
        let mut issued = Vec::new();
        let mut seen = HashSet::new();
        for input in &args.users {
            let row = match ctx_ref.resolve(tx, input, args.by) {
                Ok(row) => row,
                Err(e) if e.kind == Kind::NoUser && args.no_enumerate => {
                    // Keyed as lookups match (emails ignoring case), and limited
                    // like a real user, so a 75 tells nothing either.
                    let subject = match lookup_kind(input, args.by) {
                        Lookup::Email => clean(&input.trim().to_lowercase(), 256),
                        _ => clean(input.trim(), 256),
                    };
                    if !args.force {
                        check_rate_limit(ctx_ref, tx, None, &subject, input)?;
                    }
                    let mut audit = ctx_ref.audit("issue", Outcome::UnknownUser);
                    audit.subject = Some(subject);
                    tx.record(&audit)?;
                    issued.push(Issued {
                        input: input.clone(),
                        user: None,
                        token: Token::generate()?,
                    });
                    continue;
                }
                Err(e) => return Err(e),
            };
            if !seen.insert(row.user.id) {
                continue;
            }
            let label = row.user.label();
            let shown_as = if args.no_enumerate {
                input.as_str()
            } else {
                label.as_str()
            };
            let forced = match check_rate_limit(ctx_ref, tx, Some(row.user.id), &label, shown_as) {
                Err(e) if !args.force => return Err(e),
                Err(_) => "; forced past the rate limit",
                Ok(()) => "",
            };
            let token = Token::generate()?;
            tx.set_token(
                row.user.id,
                &token.stored(ctx_ref.cfg.token_storage),
                &expires_cell,
            )?;
            let mut audit = ctx_ref.audit("issue", Outcome::Ok);
            audit.user_id = Some(row.user.id);
            audit.subject = Some(label);
            audit.detail = Some(format!(
                "expires {expires_text} (ttl {}){forced}",
                format_duration(ttl)
            ));
            audit.expires = Some(expires_text.clone());
            audit.password_check = Some(row.password_fingerprint.clone());
            tx.record(&audit)?;
            issued.push(Issued {
                input: input.clone(),
                user: Some(row.user),
                token,
            });
        }
        Ok(issued)
    })?;

    for item in &issued {
        let link = token::link(&template, &item.token);
        if ctx.out.json {
            // Under --no-enumerate every user object holds only what was
            // typed, known or not, so the output cannot tell them apart.
            let user = match &item.user {
                Some(u) if !args.no_enumerate => u.json(),
                _ => typed_user(&item.input, args.by),
            };
            ctx.out.json(&json!({
                "user": user,
                "token": item.token.expose(),
                "link": link,
                "expires_at": expires_text,
                "sent": false,
            }))?;
        } else {
            if !ctx.out.quiet {
                // Under --no-enumerate every user is named as typed, so the
                // answer for an unknown user cannot be told apart.
                let who = match (&item.user, args.no_enumerate) {
                    (Some(u), false) => u.label(),
                    _ => item.input.clone(),
                };
                ctx.out.line(format!(
                    "{who}: reset link valid until {expires_text} ({})",
                    clock::relative(expires, ctx.now)
                ))?;
            }
            ctx.out.line(link)?;
        }
    }
    Ok(())
}

/// `limits.issue`: at most N issues per user in the window. Fails with 75
/// and the time the next issue will be allowed.
fn check_rate_limit(
    ctx: &Context,
    tx: &Tx<'_>,
    user_id: Option<i64>,
    subject: &str,
    shown_as: &str,
) -> Result<()> {
    let Some(limit) = ctx.cfg.issue_limit else {
        return Ok(());
    };
    let since = clock::rfc3339(ctx.now - limit.window);
    let Some(at) = tx.nth_recent_issue(user_id, subject, &since, limit.count)? else {
        return Ok(());
    };
    let retry = clock::parse_timestamp(&at).map(|t| t + limit.window);
    let when = retry.map_or_else(
        || "later".to_string(),
        |t| format!("at {} ({})", clock::rfc3339(t), clock::relative(t, ctx.now)),
    );
    Err(Error::new(
        Kind::TempFail,
        format!(
            "rate limit reached for {shown_as}: {} reset tokens issued in the last {}; try again {when}",
            limit.count,
            format_duration(limit.window)
        ),
    )
    .with_hint("or pass --force (recorded in the audit trail with --actor and --reason)"))
}

/// The `user` object built from the USER argument alone.
fn typed_user(input: &str, by: Option<By>) -> serde_json::Value {
    let lookup = lookup_kind(input, by);
    let id = (lookup == Lookup::Id)
        .then(|| input.parse::<i64>().ok())
        .flatten();
    json!({
        "id": id,
        "username": (lookup == Lookup::Username).then_some(input),
        "email": (lookup == Lookup::Email).then_some(input),
    })
}
