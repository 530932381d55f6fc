//! What every command needs: the settings, the output, the clock reading of
//! this run, and who is acting and why.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::cli::{By, Cli};
use crate::clock;
use crate::config::Config;
use crate::db::{Access, AuditEntry, Db, Lookup, Outcome, Tx, UserRow};
use crate::error::{Error, Result, shown};
use crate::output::Output;

pub struct Context {
    pub cfg: Config,
    pub out: Output,
    /// One reading of the clock for the whole run, so every row and message
    /// of a command agrees on "now".
    pub now: DateTime<Utc>,
    /// The system clock, when `RESETCTL_NOW` replaced it: every audit row
    /// then records both.
    pub real_now: Option<DateTime<Utc>>,
    pub actor: String,
    pub reason: Option<String>,
}

const MAX_ACTOR: usize = 128;
const MAX_REASON: usize = 1000;

impl Context {
    pub fn from_cli(cli: &Cli) -> Result<Context> {
        let (mut cfg, warnings) = match cli.config.as_deref().filter(|p| !p.as_os_str().is_empty())
        {
            Some(path) => Config::from_file(path)?,
            None => (Config::default(), Vec::new()),
        };
        // --db and RESETCTL_DB (merged by clap, the flag first) over the file.
        if let Some(db) = cli.db.clone().filter(|p| !p.as_os_str().is_empty()) {
            cfg.database = Some(db);
        }
        let actor = match &cli.actor {
            Some(a) => a.clone(),
            None => ["SUDO_USER", "USER", "LOGNAME"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.is_empty())
                .unwrap_or_else(|| "unknown".into()),
        };
        check_text("--actor", &actor, MAX_ACTOR)?;
        if actor.trim().is_empty() {
            return Err(Error::usage("--actor must not be empty"));
        }
        if let Some(r) = &cli.reason {
            check_text("--reason", r, MAX_REASON)?;
        }
        let out = Output::new(cli.json, cli.quiet, cli.color);
        for w in warnings {
            out.warn(w);
        }
        Ok(Context {
            cfg,
            out,
            now: clock::now()?,
            real_now: clock::is_set().then(chrono::Utc::now),
            actor,
            reason: cli.reason.clone().filter(|r| !r.trim().is_empty()),
        })
    }

    pub fn db_path(&self) -> Result<&Path> {
        self.cfg.database.as_deref().ok_or_else(|| {
            Error::usage("no database given").with_hint("pass --db PATH or set RESETCTL_DB")
        })
    }

    pub fn open(&self, access: Access) -> Result<Db> {
        Db::open(
            self.db_path()?,
            access,
            self.cfg.busy_timeout,
            &self.cfg.schema,
        )
    }

    /// An audit row for this run, to be completed by the command.
    pub fn audit(&self, action: &'static str, outcome: Outcome) -> AuditEntry {
        AuditEntry {
            at: clock::rfc3339(self.now),
            actor: self.actor.clone(),
            reason: self.reason.clone(),
            action,
            outcome,
            user_id: None,
            subject: None,
            detail: None,
            expires: None,
            password_check: None,
            real_at: self.real_now.map(clock::rfc3339),
            run: None,
        }
    }

    /// The one user a USER argument names: 67 when there is none.
    pub fn resolve(&self, tx: &Tx<'_>, input: &str, by: Option<By>) -> Result<UserRow> {
        // Pasted names often come with a stray space or newline.
        let input = input.trim();
        reject_token_as_user(input)?;
        let lookup = lookup_kind(input, by);
        let mut found = tx.find_users(input, lookup)?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(no_such_user(
                input,
                lookup,
                self.cfg.schema.username.is_some(),
            )),
            n => Err(Error::no_user(format!(
                "{} is ambiguous: {n} users have that email when case is ignored",
                shown(input)
            ))
            .with_hint("give the email exactly as stored, or the user's id")),
        }
    }
}

/// How to read a USER argument: as `--by` says, else guessed from its shape.
pub fn lookup_kind(input: &str, by: Option<By>) -> Lookup {
    match by {
        Some(By::Email) => Lookup::Email,
        Some(By::Username) => Lookup::Username,
        Some(By::Id) => Lookup::Id,
        None => Lookup::guess(input),
    }
}

/// A token pasted where a USER belongs is refused before it can reach an
/// error message or the audit table.
pub fn reject_token_as_user(input: &str) -> Result<()> {
    if crate::token::looks_like_token(input) {
        return Err(
            Error::bad_input("that looks like a reset token or link, not a user")
                .with_hint("to see whose token it is: resetctl inspect --token -  (and paste it)"),
        );
    }
    Ok(())
}

fn no_such_user(input: &str, lookup: Lookup, has_usernames: bool) -> Error {
    let what = match lookup {
        Lookup::Email => "with email",
        Lookup::Username => "with username",
        Lookup::Id => "with id",
    };
    let e = Error::no_user(format!("no user {what} {}", shown(input)));
    if lookup == Lookup::Username && !has_usernames {
        e.with_hint("this database has no usernames: give an email or an id")
    } else {
        e
    }
}

/// Actor and reason go into the audit table and onto screens: keep them to
/// one reasonable line.
fn check_text(flag: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::usage(format!(
            "{flag} must not contain control characters"
        )));
    }
    if value.chars().count() > max {
        return Err(Error::usage(format!(
            "{flag} is longer than {max} characters"
        )));
    }
    Ok(())
}
