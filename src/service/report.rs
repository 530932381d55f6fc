//! What an issue prints for each USER: a line and the link, a QR code, or
//! one JSON object, the same whether it ran alone or in a bulk run.

use std::io::IsTerminal;

use super::plan::Plan;
use super::request::IssueRequest;
use crate::clock;
use crate::context::Context;
use crate::error::{Kind, Result};
use crate::output::QrWhen;
use crate::text::printable;
use crate::token::Token;
use crate::user::{Lookup, User, UserId, UserJson};

/// A token made for one USER argument. `user` is `None` for an unknown user
/// under `--no-enumerate`: the token is then a decoy, stored nowhere.
pub struct Issued {
    pub input: String,
    pub user: Option<User>,
    /// The user the printed link names, where it is not `user`: under
    /// `--no-enumerate`, one made from what was typed.
    pub link_user: Option<Box<User>>,
    pub token: Token,
    /// Under `--no-enumerate`: what the USER argument was read as, and
    /// the id it typed, if it typed one.
    pub typed: Option<(Lookup, Option<UserId>)>,
}

pub enum Delivery {
    NotAsked,
    /// Sent, to this masked address (`None`: nothing to send, answered as sent).
    Sent(Option<String>),
    Failed(String),
}

/// Retrying makes sense if any failure was temporary.
pub fn failure_kind(kinds: impl Iterator<Item = Kind>) -> Kind {
    let kinds: Vec<Kind> = kinds.collect();
    if kinds.contains(&Kind::TempFail) {
        Kind::TempFail
    } else {
        kinds.first().copied().unwrap_or(Kind::Unavailable)
    }
}

/// Prints what happened to one USER.
pub fn report(
    ctx: &Context,
    args: &IssueRequest,
    item: &Issued,
    delivery: &Delivery,
    plan: &Plan,
) -> Result<()> {
    let link = match (&item.link_user, args.no_enumerate) {
        (Some(u), _) => plan.link(ctx, &item.token, Some(u.as_ref())),
        (None, true) => plan.link(ctx, &item.token, None),
        (None, false) => plan.link(ctx, &item.token, item.user.as_ref()),
    };
    let show_link = args.print || matches!(delivery, Delivery::NotAsked);
    if ctx.out.json {
        return as_json(ctx, args, item, delivery, plan, show_link.then_some(&link));
    }
    if matches!(delivery, Delivery::Failed(_)) {
        return Ok(());
    }
    ctx.out.say(headline(ctx, args, item, delivery, plan))?;
    if show_link {
        // The template is outside text too: `--link` or the config file.
        ctx.out.line(printable(&link))?;
        let draw = match args.qr {
            None => false,
            Some(QrWhen::Always) => true,
            Some(QrWhen::Auto) => std::io::stdout().is_terminal(),
        };
        if draw {
            ctx.out.line(crate::output::qr_code(&link)?)?;
        }
    }
    Ok(())
}

/// One object a line. Under --no-enumerate every user object holds only
/// what was typed, known or not, so the output cannot tell them apart.
fn as_json(
    ctx: &Context,
    args: &IssueRequest,
    item: &Issued,
    delivery: &Delivery,
    plan: &Plan,
    link: Option<&String>,
) -> Result<()> {
    let user = match &item.user {
        Some(u) if !args.no_enumerate => u.json(),
        _ => {
            let (lookup, id) = item
                .typed
                .as_ref()
                .map_or((Lookup::Username, None), |(l, id)| (*l, id.as_ref()));
            UserJson::typed(&item.input, lookup, id)
        }
    };
    let link = link.filter(|_| !matches!(delivery, Delivery::Failed(_)));
    let (sent, to, error) = match delivery {
        Delivery::NotAsked => (false, None, None),
        Delivery::Sent(to) => (
            true,
            Some(to.as_deref().filter(|_| !args.no_enumerate)),
            None,
        ),
        Delivery::Failed(why) => (false, None, Some(why.as_str())),
    };
    ctx.out.json(&IssueJson {
        user,
        expires_at: &plan.expires_text,
        sent,
        to,
        error,
        token: link.map(|_| item.token.expose()),
        link: link.map(String::as_str),
        locked: args.lock && !matches!(delivery, Delivery::Failed(_)),
    })
}

/// The line above the link. Under --no-enumerate every user is named as
/// typed, so the answer for an unknown user cannot be told apart.
fn headline(
    ctx: &Context,
    args: &IssueRequest,
    item: &Issued,
    delivery: &Delivery,
    plan: &Plan,
) -> String {
    let when = format!(
        "valid until {} ({})",
        plan.expires_text,
        clock::relative(plan.until, ctx.now)
    );
    let who = match (&item.user, args.no_enumerate) {
        (Some(u), false) => u.label(),
        _ => printable(&item.input),
    };
    match delivery {
        Delivery::Sent(_) if args.no_enumerate => {
            format!("If {who} has an account, a reset link was sent to its email address, {when}.")
        }
        Delivery::Sent(to) => format!(
            "Sent a reset link to {} for {who}{}, {when}.",
            to.as_deref().unwrap_or("the user"),
            if args.lock {
                " and locked the account"
            } else {
                ""
            }
        ),
        Delivery::NotAsked | Delivery::Failed(_) if args.lock => {
            format!("{who}: account locked (old password and sessions ended); reset link {when}")
        }
        Delivery::NotAsked | Delivery::Failed(_) => format!("{who}: reset link {when}"),
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
    /// Present (true) under `--lock`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    locked: bool,
}
