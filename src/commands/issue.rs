use std::collections::HashSet;
use std::io::IsTerminal;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use crate::Context;
use crate::cli::{By, IssueArgs, QrWhen};
use crate::clock::{self, format_duration, parse_duration};
use crate::config::check_link;
use crate::context::lookup_kind;
use crate::db::{self, Access, Lookup, Outcome, Tx, User};
use crate::error::{Error, Kind, Result, clean};
use crate::mail::{self, Mailer, ResetMail};
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
    let expires_cell = db::expiry_cell(expires, ctx.cfg.expires_format); // A broken [email] section is found before anything is issued.
    let mailer = if args.send {
        Some(Mailer::new(&ctx.cfg.email)?)
    } else {
        None
    };
    // Under --no-enumerate a delivery failure cannot be reported per user
    // (an unknown user has nothing to fail), so an unreachable server is
    // found first, the same for everyone.
    if let (Some(m), true) = (&mailer, args.no_enumerate) {
        m.probe().map_err(|e| {
            Error::new(
                e.kind(),
                format!("the mail server cannot be used: {}", e.describe()),
            )
        })?;
    }
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

    let mut failures = Vec::new();
    for item in &issued {
        let delivery = match (&mailer, &item.user) {
            (None, _) => Delivery::NotAsked,
            // An unknown user under --no-enumerate: nothing to send, and the
            // same answer as a sent one.
            (Some(_), None) => Delivery::Sent(None),
            (Some(mailer), Some(user)) => {
                let link = token::link(&template, &item.token);
                let mail = ResetMail {
                    user,
                    link: &link,
                    expires,
                    ttl,
                    date: ctx.now,
                };
                match mailer.send_reset(&mail) {
                    Ok(masked) => {
                        record_email(
                            ctx,
                            &mut db,
                            user,
                            Outcome::Ok,
                            format!("reset link sent to {masked}"),
                        )?;
                        Delivery::Sent(Some(masked))
                    }
                    Err(e) => {
                        // The link never reached the user: take the token back,
                        // unless something issued another one since.
                        let stored = item.token.stored(ctx.cfg.token_storage);
                        let revoked = db.write(|tx| tx.clear_token_if(user.id, &stored))?;
                        let what = if revoked {
                            "; the token was revoked"
                        } else {
                            ""
                        };
                        let detail = format!("reset link not sent: {}{what}", e.describe());
                        record_email(ctx, &mut db, user, Outcome::Failed, detail)?;
                        if args.no_enumerate {
                            // Answered like a success; the audit trail has it.
                            Delivery::Sent(None)
                        } else {
                            let to = user
                                .email
                                .as_deref()
                                .map_or("the user".to_string(), mail::mask);
                            failures.push((
                                revoked,
                                Error::new(
                                    e.kind(),
                                    format!(
                                        "could not send the reset link to {to}: {}{what}",
                                        e.describe()
                                    ),
                                ),
                            ));
                            Delivery::Failed(e.describe())
                        }
                    }
                }
            }
        };
        report(ctx, args, item, &delivery, &template, expires)?;
    }
    match failures.len() {
        0 => Ok(()),
        1 if issued.len() == 1 => Err(failures.remove(0).1),
        n => {
            // Several users: each failure on its own line, then the verdict.
            // Retrying makes sense if any failure was temporary.
            let kind = if failures.iter().any(|(_, e)| e.kind == Kind::TempFail) {
                Kind::TempFail
            } else {
                Kind::Unavailable
            };
            for (_, e) in &failures {
                ctx.out.warn(&e.message);
            }
            let revoked = failures.iter().filter(|(r, _)| *r).count();
            Err(Error::new(
                kind,
                format!(
                    "{n} of {} reset links could not be sent; {revoked} of their tokens were revoked",
                    issued.len()
                ),
            ))
        }
    }
}

enum Delivery {
    NotAsked,
    /// Sent, to this masked address (`None`: nothing to send, answered as sent).
    Sent(Option<String>),
    Failed(String),
}

/// Prints what happened to one USER.
fn report(
    ctx: &mut Context,
    args: &IssueArgs,
    item: &Issued,
    delivery: &Delivery,
    template: &str,
    expires: DateTime<Utc>,
) -> Result<()> {
    let link = token::link(template, &item.token);
    let expires_text = clock::rfc3339(expires);
    let show_link = args.print || matches!(delivery, Delivery::NotAsked);
    if ctx.out.json {
        // Under --no-enumerate every user object holds only what was typed,
        // known or not, so the output cannot tell them apart.
        let user = match &item.user {
            Some(u) if !args.no_enumerate => u.json(),
            _ => typed_user(&item.input, args.by),
        };
        let mut v = json!({ "user": user, "expires_at": expires_text });
        match delivery {
            Delivery::NotAsked => v["sent"] = json!(false),
            Delivery::Sent(to) => {
                v["sent"] = json!(true);
                v["to"] = json!(if args.no_enumerate { None } else { to.clone() });
            }
            Delivery::Failed(why) => {
                v["sent"] = json!(false);
                v["error"] = json!(why);
            }
        }
        if show_link && !matches!(delivery, Delivery::Failed(_)) {
            v["token"] = json!(item.token.expose());
            v["link"] = json!(link);
        }
        return ctx.out.json(&v);
    }
    let when = format!(
        "valid until {expires_text} ({})",
        clock::relative(expires, ctx.now)
    );
    // Under --no-enumerate every user is named as typed, so the answer for
    // an unknown user cannot be told apart.
    let who = match (&item.user, args.no_enumerate) {
        (Some(u), false) => u.label(),
        _ => item.input.clone(),
    };
    match delivery {
        Delivery::Failed(_) => return Ok(()),
        Delivery::NotAsked => ctx.out.say(format!("{who}: reset link {when}"))?,
        Delivery::Sent(_) if args.no_enumerate => ctx.out.say(format!(
            "If {who} has an account, a reset link was sent to its email address, {when}."
        ))?,
        Delivery::Sent(to) => ctx.out.say(format!(
            "Sent a reset link to {} for {who}, {when}.",
            to.as_deref().unwrap_or("the user")
        ))?,
    }
    if show_link {
        ctx.out.line(&link)?;
        let draw = match args.qr {
            None => false,
            Some(QrWhen::Always) => true,
            Some(QrWhen::Auto) => std::io::stdout().is_terminal(),
        };
        if draw {
            ctx.out.line(qr_code(&link)?)?;
        }
    }
    Ok(())
}

/// The link as a QR code of Unicode half blocks, light on dark as a phone
/// camera reads it from a terminal, with its quiet zone.
fn qr_code(link: &str) -> Result<String> {
    let code = qrcode::QrCode::new(link.as_bytes())
        .map_err(|e| Error::bad_input(format!("the link cannot be drawn as a QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .build())
}

fn record_email(
    ctx: &Context,
    db: &mut db::Db,
    user: &User,
    outcome: Outcome,
    detail: String,
) -> Result<()> {
    let mut audit = ctx.audit("email", outcome);
    audit.user_id = Some(user.id);
    audit.subject = Some(user.label());
    audit.detail = Some(detail);
    db.write(|tx| tx.record(&audit))
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
