use std::collections::HashSet;

use serde_json::json;

use crate::Context;
use crate::cli::{By, IssueArgs};
use crate::clock::{self, format_duration, parse_duration};
use crate::config::check_link;
use crate::context::lookup_kind;
use crate::db::{Access, Lookup, Outcome, User};
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
    if ttl <= chrono::TimeDelta::zero() || ttl > ctx.cfg.max_ttl {
        return Err(Error::bad_input(format!(
            "--ttl must be more than 0s and at most {}",
            format_duration(ctx.cfg.max_ttl)
        )));
    }
    let template = args.link.clone().unwrap_or_else(|| ctx.cfg.link.clone());
    check_link(&template)?;
    let expires = ctx.now + ttl;
    let expires_text = clock::rfc3339(expires);

    let mut db = ctx.open(Access::ReadWrite)?;
    let ctx_ref = &*ctx;
    let issued = db.write(|tx| {
        let mut issued = Vec::new();
        let mut seen = HashSet::new();
        for input in &args.users {
            let row = match ctx_ref.resolve(tx, input, args.by) {
                Ok(row) => row,
                Err(e) if e.kind == Kind::NoUser && args.no_enumerate => {
                    let mut audit = ctx_ref.audit("issue", Outcome::UnknownUser);
                    audit.subject = Some(clean(input, 256));
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
            let token = Token::generate()?;
            tx.set_token(row.user.id, &token.sha256_hex(), &expires_text)?;
            let mut audit = ctx_ref.audit("issue", Outcome::Ok);
            audit.user_id = Some(row.user.id);
            audit.subject = Some(row.user.label());
            audit.detail = Some(format!(
                "expires {expires_text} (ttl {})",
                format_duration(ttl)
            ));
            audit.expires = Some(expires_text.clone());
            audit.password_check = Some(row.password_fingerprint());
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
            let user = match &item.user {
                Some(u) => u.json(),
                None => decoy_user(&item.input, args.by),
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

/// The `user` object for an unknown user: the same fields, holding only
/// what was typed.
fn decoy_user(input: &str, by: Option<By>) -> serde_json::Value {
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
