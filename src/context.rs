//! What every command needs: the settings, the token store they name, the
//! output, the clock reading of this run, and who is acting and why.

use chrono::{DateTime, Utc};

use crate::audit::{Action, AuditEntry, Outcome};
use crate::cli::Cli;
use crate::clock;
use std::cell::Cell;
use std::path::PathBuf;

use crate::config::{Config, Given, Loaded};
use crate::db::Spare;
use crate::db::{Access, Db, Location};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::store::TokenStore;

pub struct Context {
    pub cfg: Config,
    pub store: Box<dyn TokenStore>,
    pub out: Output,
    /// One reading of the clock for the whole run, so every row and message
    /// of a command agrees on "now".
    pub now: DateTime<Utc>,
    /// The system clock, when `RESETCTL_NOW` replaced it: every audit row
    /// then records both.
    pub real_now: Option<DateTime<Utc>>,
    pub actor: String,
    pub reason: Option<String>,
    /// The connection that recognised the app, for the first open.
    spare: Cell<Option<Spare>>,
}

const MAX_ACTOR: usize = 128;
const MAX_REASON: usize = 1000;

impl Context {
    pub fn from_cli(cli: &Cli) -> Result<Context> {
        let given_path = |p: &Option<PathBuf>| p.clone().filter(|p| !p.as_os_str().is_empty());
        let Loaded {
            cfg,
            warnings,
            spare,
        } = Config::load(&Given {
            file: given_path(&cli.config).as_deref(),
            // --db and RESETCTL_DB (merged by clap, the flag first) over the file.
            database: given_path(&cli.db)
                .map(|db| Location::parse(&db, None))
                .transpose()?,
            app_env: given_path(&cli.app_env),
        })?;
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
            store: crate::store::for_config(&cfg.schema, &cfg.store),
            cfg,
            out,
            now: clock::now()?,
            real_now: clock::is_set().then(chrono::Utc::now),
            actor,
            reason: cli.reason.clone().filter(|r| !r.trim().is_empty()),
            spare: Cell::new(spare),
        })
    }

    /// The connection that recognised the app, once.
    pub fn spare(&self) -> Option<Spare> {
        self.spare.take()
    }

    pub fn db_location(&self) -> Result<&Location> {
        self.cfg.database.as_ref().ok_or_else(|| {
            Error::usage("no database given").with_hint("pass --db PATH or set RESETCTL_DB")
        })
    }

    /// The database, checked for what the token store and every command
    /// need.
    pub fn open(&self, access: Access) -> Result<Db> {
        let db = Db::open(
            self.db_location()?,
            access,
            self.cfg.busy_timeout,
            &self.cfg.schema,
            &self.store.user_columns(),
            self.spare.take(),
        )?;
        if let Some(e) = self.store.problems(&db.read())?.into_iter().next() {
            return Err(e);
        }
        Ok(db)
    }

    /// An audit entry for this run, to be completed with what was done.
    pub fn audit(&self, action: Action, outcome: Outcome) -> AuditEntry {
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
