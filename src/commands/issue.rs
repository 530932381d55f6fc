use std::collections::HashSet;
use std::io::IsTerminal;
use std::time::Instant;

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
use crate::error::{Error, Kind, Result, clean, printable};
use crate::mail::{self, Mailer, ResetMail, SendError};
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

pub fn run(ctx: &Context, args: &IssueArgs) -> Result<()> {
    let plan = plan(ctx, args)?;
    if args.force && ctx.reason.is_none() {
        return Err(Error::usage(
            "--force needs --reason: bypassing the rate limit is recorded with why",
        ));
    }
    let bulk = args.all || args.from.is_some();
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
    match &mailer {
        None => print_run(ctx, &mut db, args, &plan),
        Some(m) => send_run(ctx, &mut db, m, args, &plan),
    }
}

/// One USER argument, resolved: a user to issue to, or (under
/// `--no-enumerate`) a name that matches nobody.
struct Target {
    input: String,
    row: Option<UserRow>,
    /// The audit note for an issue past the rate limit.
    note: &'static str,
}

/// Resolves every USER and checks the rate limit before anything is
/// issued or sent: one unknown USER (without `--no-enumerate`) or one
/// user past the limit (without `--force`) stops the command whole.
fn targets(ctx: &Context, tx: &Tx<'_>, args: &IssueArgs) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    let mut seen = HashSet::new();
    for input in &args.users {
        let row = match ctx.resolve(tx, input, args.by) {
            Ok(row) => row,
            Err(e) if e.kind == Kind::NoUser && args.no_enumerate => {
                if !args.force {
                    check_rate_limit(ctx, tx, None, &unknown_subject(input, args.by), input)?;
                }
                targets.push(Target {
                    input: input.clone(),
                    row: None,
                    note: "",
                });
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
        let shown_as = if args.no_enumerate { input } else { &label };
        let note = match check_rate_limit(ctx, tx, Some(row.user.id), &label, shown_as) {
            Err(e) if !args.force => return Err(e),
            Err(_) => "; forced past the rate limit",
            Ok(()) => "",
        };
        targets.push(Target {
            input: input.clone(),
            row: Some(row),
            note,
        });
    }
    Ok(targets)
}

/// Without `--send`: the links are written out, and flushed, before the
/// tokens commit (a few lines, never more than a pipe holds). If they
/// cannot be written (a full disk, a closed pipe), nothing is issued and
/// every earlier token still works: no user ends up holding a token whose
/// link nobody saw.
fn print_run(ctx: &Context, db: &mut Db, args: &IssueArgs, plan: &Plan) -> Result<()> {
    db.write(|tx| {
        let mut issued = Vec::new();
        for t in targets(ctx, tx, args)? {
            let token = Token::generate()?;
            match &t.row {
                Some(row) => Issuer::new(ctx, plan, t.note).issue(tx, row, &token)?,
                None => record_unknown(ctx, tx, &t.input, args.by)?,
            }
            issued.push(Issued {
                input: t.input,
                user: t.row.map(|r| r.user),
                token,
            });
        }
        for item in &issued {
            report(ctx, args, item, &Delivery::NotAsked, plan)?;
        }
        ctx.out.flush()
    })
}

/// With `--send`: each link is emailed first and its token stored only
/// once the server took the message, so a failed or uncertain delivery
/// leaves the user's earlier token as it was. Under `--no-enumerate` every
/// answer waits for the same deadline, one delivery's timeout, whether a
/// message went out or there was nobody to send it to.
fn send_run(
    ctx: &Context,
    db: &mut Db,
    mailer: &Mailer,
    args: &IssueArgs,
    plan: &Plan,
) -> Result<()> {
    let targets = targets(ctx, &db.read(), args)?;
    let total = targets.len();
    let mut failures = Vec::new();
    for t in targets {
        let by = Instant::now() + mailer.timeout();
        let token = Token::generate()?;
        let sent = t
            .row
            .as_ref()
            .map(|row| send(ctx, mailer, &row.user, &token, plan, by));
        if args.no_enumerate {
            std::thread::sleep(by.saturating_duration_since(Instant::now()));
        }
        let delivery = db.write(|tx| match (&t.row, &sent) {
            (Some(row), Some(Ok(masked))) => {
                let to = (&row.user, row.password_fingerprint.as_str());
                store_sent(ctx, tx, to, &token, plan, masked, t.note, None)?;
                Ok(Delivery::Sent(Some(masked.clone())))
            }
            (Some(row), Some(Err(e))) => {
                record_failed(ctx, tx, &row.user, e)?;
                Ok(Delivery::Failed(e.describe()))
            }
            (_, _) => {
                record_unknown(ctx, tx, &t.input, args.by)?;
                Ok(Delivery::Sent(None))
            }
        })?;
        // Under --no-enumerate a failure is answered like a success; the
        // audit trail has it.
        let delivery = match delivery {
            Delivery::Failed(_) if args.no_enumerate => Delivery::Sent(None),
            d => d,
        };
        if let (Some(row), Some(Err(e)), false) = (&t.row, &sent, args.no_enumerate) {
            failures.push(send_failure(&row.user, e));
        }
        let item = Issued {
            input: t.input,
            user: t.row.map(|r| r.user),
            token,
        };
        report(ctx, args, &item, &delivery, plan)?;
    }
    match failures.len() {
        0 => Ok(()),
        1 if total == 1 => Err(failures.remove(0)),
        n => {
            // Several users: each failure on its own line, then the verdict.
            for e in &failures {
                ctx.out.warn(&e.message);
            }
            Err(Error::new(
                failure_kind(failures.iter().map(|e| e.kind)),
                format!(
                    "{n} of {total} reset links could not be sent; their users' earlier tokens are unchanged"
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
    // A link too long for a QR code is found before anything is issued:
    // every link of a run is the template around 64 characters.
    if args.qr.is_some() {
        qr_code(&template.replace("{token}", &"0".repeat(token::HEX_LEN)))?;
    }
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

    /// Marks the issues as a bulk run's, so a user listed twice is known.
    pub fn in_run(mut self, run: Option<&str>) -> Self {
        self.audit.run = run.map(str::to_string);
        self
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

/// The audit key of a name that matches nobody, normalised as lookups
/// read it: emails ignoring case, ids as numbers (`099` is `99`). So every
/// spelling of one unknown name shares one rate-limit bucket, as every
/// spelling of a known user shares that user's.
fn unknown_subject(input: &str, by: Option<By>) -> String {
    let input = input.trim();
    match lookup_kind(input, by) {
        Lookup::Email => clean(&input.to_lowercase(), 256),
        Lookup::Id => {
            let digits = input.trim_start_matches('0');
            format!("id {}", if digits.is_empty() { "0" } else { digits })
        }
        Lookup::Username => clean(input, 256),
    }
}

/// An unknown user under `--no-enumerate`: audited (and so rate-limited)
/// like a real one, and answered with a decoy token stored nowhere.
fn record_unknown(ctx: &Context, tx: &Tx<'_>, input: &str, by: Option<By>) -> Result<()> {
    let mut audit = ctx.audit("issue", Outcome::UnknownUser);
    audit.subject = Some(unknown_subject(input, by));
    tx.record(&audit)
}

pub(super) enum Delivery {
    NotAsked,
    /// Sent, to this masked address (`None`: nothing to send, answered as sent).
    Sent(Option<String>),
    Failed(String),
}

/// Emails one token's link, by `by` at the latest. Nothing is stored here:
/// the caller stores the token only once the message went out.
pub(super) fn send(
    ctx: &Context,
    mailer: &Mailer,
    user: &User,
    token: &Token,
    plan: &Plan,
    by: Instant,
) -> std::result::Result<String, SendError> {
    let link = token::link(&plan.template, token);
    let mail = ResetMail {
        user,
        link: &link,
        expires: plan.expires,
        ttl: plan.ttl,
        date: ctx.now,
    };
    mailer.send_reset(&mail, by)
}

/// Stores a token whose email went out: the token and its issue row, then
/// the email row, in the transaction given, so the email row always comes
/// after the issue it carried (what a resumed run checks).
/// `to` is the user and the fingerprint of the password the token is for.
#[allow(clippy::too_many_arguments)]
pub(super) fn store_sent(
    ctx: &Context,
    tx: &Tx<'_>,
    to: (&User, &str),
    token: &Token,
    plan: &Plan,
    masked: &str,
    note: &str,
    run: Option<&str>,
) -> Result<()> {
    let (user, password_check) = to;
    let issuer = Issuer::new(ctx, plan, note).in_run(run);
    issuer.writer(tx)?.write(
        user.id,
        &issuer.stored(token),
        &user.label(),
        password_check,
    )?;
    let mut audit = ctx.audit("email", Outcome::Ok);
    audit.user_id = Some(user.id);
    audit.subject = Some(user.label());
    audit.detail = Some(format!("reset link sent to {masked}"));
    tx.record(&audit)
}

/// Records an email that did not go out, or may not have: no token was
/// stored for it, so the user's earlier token is as it was.
pub(super) fn record_failed(ctx: &Context, tx: &Tx<'_>, user: &User, e: &SendError) -> Result<()> {
    let consequence = if e.uncertain {
        "no token was stored, so if the message does arrive its link will not work"
    } else {
        "no token was stored; an earlier one still works"
    };
    let mut audit = ctx.audit("email", Outcome::Failed);
    audit.user_id = Some(user.id);
    audit.subject = Some(user.label());
    audit.detail = Some(format!(
        "reset link not sent: {}; {consequence}",
        e.describe()
    ));
    tx.record(&audit)
}

/// The error a failed delivery ends the command with.
pub(super) fn send_failure(user: &User, e: &SendError) -> Error {
    let to = user
        .email
        .as_deref()
        .map_or("the user".to_string(), mail::mask);
    let what = if e.uncertain {
        format!(
            "could not confirm the reset link reached {to}: {}; no token was stored, so if it arrives its link will not work",
            e.describe()
        )
    } else {
        format!(
            "could not send the reset link to {to}: {}; no token was stored, an earlier one still works",
            e.describe()
        )
    };
    Error::new(e.kind(), what)
}

/// Prints what happened to one USER.
pub(super) fn report(
    ctx: &Context,
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
        _ => printable(&item.input),
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
