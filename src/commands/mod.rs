//! One file per subcommand: each turns its arguments into calls on the
//! database layer and says what happened.

mod audit;
mod bulk;
mod doctor;
mod init;
mod inspect;
mod issue;
mod list;
mod purge;
mod redeem;
mod revoke;

use chrono::{DateTime, Utc};

use crate::Context;
use crate::cli::Command;
use crate::clock;
use crate::db::UserRow;
use crate::error::{Error, Result};
use crate::input::{self, Line};
use crate::token::Token;

pub fn run(ctx: &Context, command: &Command) -> Result<()> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Issue(args) => issue::run(ctx, args),
        Command::Inspect(args) => inspect::run(ctx, args),
        Command::List(args) => list::run(ctx, args),
        Command::Revoke(args) => revoke::run(ctx, args),
        Command::Purge(args) => purge::run(ctx, args),
        Command::Redeem(args) => redeem::run(ctx, args),
        Command::Audit(args) => audit::run(ctx, args),
        Command::Doctor(args) => doctor::run(ctx, args),
        Command::Completions(args) => completions(args.shell),
    }
}

/// `completions SHELL`: the script clap_complete generates from the CLI.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(
        shell,
        &mut <crate::cli::Cli as clap::CommandFactory>::command(),
        "resetctl",
        &mut out,
    );
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out)
        .map_err(crate::output::stdout_error)
}

/// A token argument: the token or link itself, or `-` for the first line of
/// stdin (which keeps it out of the process list).
fn token_arg(arg: &str) -> Result<Token> {
    if arg != "-" {
        return Token::parse(arg);
    }
    // Room for a long reset link around the 64 characters.
    match input::read_line(&mut std::io::stdin().lock(), 8192) {
        Ok(Line::Text(line)) => Token::parse(&String::from_utf8_lossy(&line)),
        Ok(Line::TooLong) => Err(Error::bad_input(
            "malformed reset token: the first line of standard input is too long",
        )),
        Ok(Line::Eof) => Err(Error::bad_input("no token on standard input")),
        Err(e) => Err(Error::io(format!("cannot read standard input: {e}"))),
    }
}

/// The state of a user's token at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    None,
    Active(DateTime<Utc>),
    /// Past its expiry, or with an expiry that cannot be read.
    Expired(Option<DateTime<Utc>>),
    /// Killed by a password change since it was issued; answers as expired.
    Dead(Option<DateTime<Utc>>),
}

impl State {
    fn of(row: &UserRow, now: DateTime<Utc>) -> State {
        match (row.has_token, row.expires) {
            (false, _) => State::None,
            (true, t) if row.dead => State::Dead(t),
            (true, Some(t)) if t > now => State::Active(t),
            (true, t) => State::Expired(t),
        }
    }

    fn name(self) -> &'static str {
        match self {
            State::None => "none",
            State::Active(_) => "active",
            State::Expired(_) | State::Dead(_) => "expired",
        }
    }

    fn expires(self) -> Option<DateTime<Utc>> {
        match self {
            State::None => None,
            State::Active(t) => Some(t),
            State::Expired(t) | State::Dead(t) => t,
        }
    }

    /// `expires_at` and `seconds_left` for JSON.
    fn json_fields(self, now: DateTime<Utc>) -> (Option<String>, Option<i64>) {
        let t = self.expires();
        let left = match self {
            State::Dead(_) => None,
            _ => t.map(|t| (t - now).num_seconds()),
        };
        (t.map(clock::rfc3339), left)
    }

    /// Time left in words, for tables.
    fn left(self, now: DateTime<Utc>) -> String {
        match self {
            State::Dead(_) => "password changed".into(),
            _ => self
                .expires()
                .map_or("-".into(), |t| clock::relative(t, now)),
        }
    }

    /// "active, expires 2026-11-21T11:00:00Z (in 59m)" and the like.
    fn describe(self, now: DateTime<Utc>) -> String {
        match self {
            State::None => "none".into(),
            State::Active(t) => format!(
                "active, expires {} ({})",
                clock::rfc3339(t),
                clock::relative(t, now)
            ),
            State::Expired(Some(t)) => {
                format!(
                    "expired at {} ({})",
                    clock::rfc3339(t),
                    clock::relative(t, now)
                )
            }
            State::Expired(None) => "expired (its expiry cannot be read)".into(),
            State::Dead(_) => "expired: the password was changed after it was issued".into(),
        }
    }
}
