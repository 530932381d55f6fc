use std::collections::HashSet;
use std::io::IsTerminal;

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::types::Value;

use super::bulk;
use crate::Context;
use crate::cli::{By, IssueArgs, QrWhen};
use crate::clock::{self, format_duration, parse_duration};
use crate::config::TokenStorage;
use crate::config::check_link;
use crate::context::lookup_kind;
use crate::db::{
    self, Access, AuditEntry, Db, Lookup, Outcome, TokenWriter, Tx, User, UserJson, UserRow,
};
use crate::error::{Error, Kind, Result, clean};
use crate::mail::{self, Mailer, ResetMail};
use crate::token::{self, Token};

/// What every token of one run shares: its lifetime and its link.
pub(super) struct Plan {
    pub ttl: TimeDelta,
    pub expires: DateTime<Utc>,
    pub expires_text: String,
    pub expires_cell: Value,
    pub template: String,
}

/// A token made for one USER argument. `user` is `None` for an unknown user
/// under `--no-enumerate`: the token is then a decoy, stored nowhere.
pub(super) struct Issued {
    pub input: String,
    pub user: Option<User>,
    pub token: Token,
}

pub fn run(ctx: &mut Context, args: &IssueArgs) -> Result<()> {
    let plan = plan(ctx, args)?;
    if args.force && ctx.reason.is_none() {
        return Err(Error::usage(
            "--force needs --reason: bypassing the rate limit is recorded with why",
        ));
    }
    let bulk = args.all || args.from.is_some();
    if bulk && !args.users.is_empty() {
        return Err(Error::usage("give USERs, or --all, or --from, not several"));
    }
    if !bulk && args.batch.is_some() {
        return Err(Error::usage("--batch goes with --all or --from"));
    }
    let pace = args.rate.as_deref().map(bulk::parse_rate).transpose()?;
    // A broken [email] section is found before anything is issued.
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
    if bulk {
        return bulk::run(ctx, args, &plan, mailer.as_ref(), pace);
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
                    issued.push(unknown_user(ctx_ref, tx, args, input)?);
                    continue;
                }
                Err(e) => return Err(e),
            };
            // Under --no-enumerate every argument gets its own answer, as an
            // unknown one would: merging two names of one user would tell.
            if !seen.insert(row.user.id) && !args.no_enumerate {
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
            let token = issue_token(ctx_ref, tx, &row, &plan, forced)?;
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
        let (delivery, failure) = deliver(ctx, &mut db, mailer.as_ref(), args, item, &plan)?;
        failures.extend(failure);
        report(ctx, args, item, &delivery, &plan)?;
    }
    match failures.len() {
        0 => Ok(()),
        1 if issued.len() == 1 => Err(failures.remove(0).1),
        n => {
            // Several users: each failure on its own line, then the verdict.
            for (_, e) in &failures {
                ctx.out.warn(&e.message);
            }
            let revoked = failures.iter().filter(|(r, _)| *r).count();
            Err(Error::new(
                failure_kind(failures.iter().map(|(_, e)| e.kind)),
                format!(
                    "{n} of {} reset links could not be sent; {revoked} of their tokens were revoked",
                    issued.len()
                ),
            ))
        }
    }
}

/// Retrying makes sense if any failure was temporary.
pub(super) fn failure_kind(kinds: impl Iterator<Item = Kind>) -> Kind {
    let kinds: Vec<Kind> = kinds.collect();
    if kinds.contains(&Kind::TempFail) {
        Kind::TempFail
    } else {
        kinds.first().copied().unwrap_or(Kind::Unavailable)
    }
}

/// The lifetime and link every token of this run gets.
fn plan(ctx: &Context, args: &IssueArgs) -> Result<Plan> {
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
    let template = args.link.clone().unwrap_or_else(|| ctx.cfg.link.clone());
    check_link(&template)?;
    // Whole seconds, so every stored form (text or number) says the same.
    let expires = DateTime::from_timestamp((ctx.now + ttl).timestamp(), 0)
        .ok_or_else(|| Error::bad_input("--ttl takes the expiry out of range"))?;
    Ok(Plan {
        ttl,
        expires,
        expires_text: clock::rfc3339(expires),
        expires_cell: db::expiry_cell(expires, ctx.cfg.expires_format),
        template,
    })
}

/// Stores a new token for a user and audits it, with what a later redeem
/// needs to tell whether the password changed since.
pub(super) fn issue_token(
    ctx: &Context,
    tx: &Tx<'_>,
    row: &UserRow,
    plan: &Plan,
    note: &str,
) -> Result<Token> {
    let token = Token::generate()?;
    Issuer::new(ctx, plan, note).issue(tx, row, &token)?;
    Ok(token)
}

/// Writes tokens with their audit rows. What the rows of one run share
/// (time, actor, reason, expiry, detail) is made once, not once per user.
pub(super) struct Issuer<'a> {
    storage: TokenStorage,
    expires_cell: &'a Value,
    audit: AuditEntry,
}

impl<'a> Issuer<'a> {
    pub fn new(ctx: &Context, plan: &'a Plan, note: &str) -> Issuer<'a> {
        let mut audit = ctx.audit("issue", Outcome::Ok);
        audit.detail = Some(format!(
            "expires {} (ttl {}){note}",
            plan.expires_text,
            format_duration(plan.ttl)
        ));
        audit.expires = Some(plan.expires_text.clone());
        Issuer {
            storage: ctx.cfg.token_storage,
            expires_cell: &plan.expires_cell,
            audit,
        }
    }

    pub fn issue(&self, tx: &Tx<'_>, row: &UserRow, token: &Token) -> Result<()> {
        self.writer(tx)?.write(
            row.user.id,
            &self.stored(token),
            &row.user.label(),
            &row.password_fingerprint,
        )
    }

    /// What the token column gets for `token`.
    pub fn stored(&self, token: &Token) -> String {
        token.stored(self.storage)
    }

    /// Writes tokens with this run's expiry and audit row.
    pub fn writer<'t, 'c>(&self, tx: &'t Tx<'c>) -> Result<TokenWriter<'t, 'c>> {
        tx.token_writer(self.expires_cell, &self.audit)
    }
}

/// An unknown user under `--no-enumerate`: audited, rate-limited like a
/// real one, and answered with a decoy token stored nowhere.
fn unknown_user(ctx: &Context, tx: &Tx<'_>, args: &IssueArgs, input: &str) -> Result<Issued> {
    // Keyed as lookups match (emails ignoring case), and limited like a real
    // user, so a 75 tells nothing either.
    let subject = match lookup_kind(input, args.by) {
        Lookup::Email => clean(&input.trim().to_lowercase(), 256),
        _ => clean(input.trim(), 256),
    };
    if !args.force {
        check_rate_limit(ctx, tx, None, &subject, input)?;
    }
    let mut audit = ctx.audit("issue", Outcome::UnknownUser);
    audit.subject = Some(subject);
    tx.record(&audit)?;
    Ok(Issued {
        input: input.to_string(),
        user: None,
        token: Token::generate()?,
    })
}

pub(super) enum Delivery {
    NotAsked,
    /// Sent, to this masked address (`None`: nothing to send, answered as sent).
    Sent(Option<String>),
    Failed(String),
}

/// Emails one token if asked. A failure takes the token back (unless
/// another was issued since) and is audited; it is returned with whether
/// the token was revoked, unless `--no-enumerate` hides it.
pub(super) fn deliver(
    ctx: &Context,
    db: &mut Db,
    mailer: Option<&Mailer>,
    args: &IssueArgs,
    item: &Issued,
    plan: &Plan,
) -> Result<(Delivery, Option<(bool, Error)>)> {
    let (mailer, user) = match (mailer, &item.user) {
        (None, _) => return Ok((Delivery::NotAsked, None)),
        // An unknown user under --no-enumerate: nothing to send, and the
        // same answer as a sent one.
        (Some(_), None) => return Ok((Delivery::Sent(None), None)),
        (Some(m), Some(u)) => (m, u),
    };
    let link = token::link(&plan.template, &item.token);
    let mail = ResetMail {
        user,
        link: &link,
        expires: plan.expires,
        ttl: plan.ttl,
        date: ctx.now,
    };
    let e = match mailer.send_reset(&mail) {
        Ok(masked) => {
            let detail = format!("reset link sent to {masked}");
            record_email(ctx, db, user, Outcome::Ok, detail)?;
            return Ok((Delivery::Sent(Some(masked)), None));
        }
        Err(e) => e,
    };
    let stored = item.token.stored(ctx.cfg.token_storage);
    let revoked = db.write(|tx| tx.clear_token_if(user.id, &stored))?;
    let what = if revoked {
        "; the token was revoked"
    } else {
        ""
    };
    let detail = format!("reset link not sent: {}{what}", e.describe());
    record_email(ctx, db, user, Outcome::Failed, detail)?;
    if args.no_enumerate {
        // Answered like a success; the audit trail has it.
        return Ok((Delivery::Sent(None), None));
    }
    let to = user
        .email
        .as_deref()
        .map_or("the user".to_string(), mail::mask);
    let error = Error::new(
        e.kind(),
        format!(
            "could not send the reset link to {to}: {}{what}",
            e.describe()
        ),
    );
    Ok((Delivery::Failed(e.describe()), Some((revoked, error))))
}

/// Prints what happened to one USER.
pub(super) fn report(
    ctx: &mut Context,
    args: &IssueArgs,
    item: &Issued,
    delivery: &Delivery,
    plan: &Plan,
) -> Result<()> {
    let link = token::link(&plan.template, &item.token);
    let show_link = args.print || matches!(delivery, Delivery::NotAsked);
    if ctx.out.json {
        // Under --no-enumerate every user object holds only what was typed,
        // known or not, so the output cannot tell them apart.
        let user = match &item.user {
            Some(u) if !args.no_enumerate => u.json(),
            _ => typed_user(&item.input, args.by),
        };
        let shown = show_link && !matches!(delivery, Delivery::Failed(_));
        let (sent, to, error) = match delivery {
            Delivery::NotAsked => (false, None, None),
            Delivery::Sent(to) => (
                true,
                Some(to.as_deref().filter(|_| !args.no_enumerate)),
                None,
            ),
            Delivery::Failed(why) => (false, None, Some(why.as_str())),
        };
        return ctx.out.json(&IssueJson {
            user,
            expires_at: &plan.expires_text,
            sent,
            to,
            error,
            token: shown.then(|| item.token.expose()),
            link: shown.then_some(link.as_str()),
        });
    }
    let when = format!(
        "valid until {} ({})",
        plan.expires_text,
        clock::relative(plan.expires, ctx.now)
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

/// The audit row of one email, sent or not.
pub(super) fn record_email(
    ctx: &Context,
    db: &mut Db,
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
fn typed_user(input: &str, by: Option<By>) -> UserJson<'_> {
    let lookup = lookup_kind(input, by);
    UserJson {
        id: (lookup == Lookup::Id)
            .then(|| input.parse::<i64>().ok())
            .flatten(),
        username: (lookup == Lookup::Username).then_some(input),
        email: (lookup == Lookup::Email).then_some(input),
    }
}

/// One issued token in JSON. A struct of borrowed fields, not a map built
/// per user: bulk runs print a million of these.
#[derive(serde::Serialize)]
struct IssueJson<'a> {
    user: UserJson<'a>,
    expires_at: &'a str,
    sent: bool,
    /// Present once sent: the masked address, or null when it is not told.
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<&'a str>,
}
