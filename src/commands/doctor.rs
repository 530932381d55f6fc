//! `doctor`: every check the other commands make before they act, made at
//! once and reported whole, with nothing changed. The first problem's exit
//! code is the verdict.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cli::DoctorArgs;
use crate::context::Context;
use crate::db::{AuditTable, ColumnCheck, Db};
use crate::error::{Error, Result};
use crate::mail::Mailer;
use crate::password;
use crate::store::Description;

#[derive(Serialize)]
struct Report {
    ok: bool,
    framework: &'static str,
    database: Database,
    table: Table,
    token_store: Description,
    password: Password,
    link: String,
    email: Email,
    problems: Vec<Problem>,
}

#[derive(Serialize)]
struct Database {
    path: Option<String>,
    /// The engine, its version and journal mode: `None` when the database
    /// could not be read.
    kind: Option<&'static str>,
    version: Option<String>,
    journal_mode: Option<String>,
    #[serde(skip)]
    shown: Option<String>,
    /// Why it could not be opened, if it could not.
    error: Option<String>,
}

#[derive(Serialize)]
struct Table {
    name: String,
    found: Option<bool>,
    columns: Vec<ColumnCheck>,
    audit_table: Option<bool>,
    token_index: Option<bool>,
}

#[derive(Serialize)]
struct Password {
    format: &'static str,
    /// The scheme `redeem` writes; `None` when it cannot be known.
    writes: Option<&'static str>,
    parameters: Option<serde_json::Value>,
    /// The same in words: `bcrypt ($2y$, cost 12)`.
    described: Option<String>,
    /// Under `auto`: what the sample held.
    sample: Option<Sample>,
}

#[derive(Serialize)]
struct Sample {
    users: usize,
    without_password: usize,
    hashes: BTreeMap<String, usize>,
    /// The most common hash found, with its parameters as stored
    /// (`redeem` never writes below the floors).
    most_common: Option<serde_json::Value>,
    #[serde(skip)]
    most_common_described: Option<String>,
}

#[derive(Serialize)]
struct Email {
    configured: bool,
    transport: Option<String>,
    tested: bool,
    reachable: Option<bool>,
}

#[derive(Serialize)]
struct Problem {
    code: u8,
    message: String,
    hint: Option<String>,
}

pub fn run(ctx: &Context, args: &DoctorArgs) -> Result<()> {
    let cfg = &ctx.cfg;
    let s = &cfg.schema;
    let mut problems: Vec<Error> = Vec::new();
    let mut report = Report {
        ok: false,
        framework: cfg.store.framework.name(),
        database: Database {
            path: cfg.database.as_ref().map(ToString::to_string),
            kind: None,
            version: None,
            journal_mode: None,
            shown: None,
            error: None,
        },
        table: Table {
            name: s.table.to_string(),
            found: None,
            columns: Vec::new(),
            audit_table: None,
            token_index: None,
        },
        token_store: ctx.store.describe(),
        password: Password {
            format: cfg.hashing.format.as_str(),
            writes: None,
            parameters: None,
            described: None,
            sample: None,
        },
        link: cfg.link.clone(),
        email: Email {
            configured: cfg.email.is_configured() || args.smtp,
            transport: None,
            tested: false,
            reachable: None,
        },
        problems: Vec::new(),
    };

    let db = ctx
        .db_location()
        .and_then(|at| Db::open_to_survey(at, cfg.busy_timeout, s));
    let mut can_sample = false;
    match db
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|db| Ok((db, db.survey(&ctx.store.user_columns())?)))
    {
        Ok((db, survey)) => {
            report.database.shown = Some(survey.engine.to_string());
            report.database.kind = Some(survey.engine.kind);
            report.database.version = Some(survey.engine.version.clone());
            report.database.journal_mode = survey.engine.journal_mode.clone();
            report.table.found = Some(survey.columns.is_some());
            report.table.audit_table = Some(survey.audit == AuditTable::Found);
            if survey.columns.is_some() {
                report.table.token_index = ctx.store.lookup_index(&db.read())?;
            }
            can_sample = survey
                .columns
                .as_ref()
                .is_some_and(|c| c.iter().any(|c| c.key == "password" && c.found));
            report.table.columns = survey.columns.clone().unwrap_or_default();
            problems.extend(survey.problems(db.location(), s));
            problems.extend(ctx.store.problems(&db.read())?);
        }
        Err(e) => {
            report.database.error = Some(e.message.clone());
            problems.push(e);
        }
    }

    let sample = |add: &mut dyn FnMut(Option<&str>)| match (&db, can_sample) {
        (Ok(db), true) => db.read().each_password_sampled(password::SAMPLE, add),
        _ => Err(Error::config("the password column cannot be read")),
    };
    match cfg.hashing.choose(sample) {
        Ok(choice) => {
            report.password.writes = Some(choice.scheme.format_name());
            report.password.parameters = Some(choice.scheme.parameters());
            report.password.described = Some(choice.scheme.describe());
            report.password.sample = choice.census.map(|c| Sample {
                users: c.sampled,
                without_password: c.without_hash,
                hashes: c.families.iter().cloned().collect(),
                most_common: c.found().map(|s| {
                    let mut v = s.parameters();
                    v["format"] = serde_json::json!(s.format_name());
                    v
                }),
                most_common_described: c.found().map(|s| s.describe()),
            });
        }
        // Only a verdict on the hashes themselves is news; an unreadable
        // table is already reported above.
        Err(e) if can_sample => problems.push(e),
        Err(_) => {}
    }

    if report.email.configured {
        match Mailer::new(&cfg.email) {
            Ok(mailer) => {
                report.email.transport = Some(mailer.describe());
                if args.smtp {
                    report.email.tested = true;
                    let probe = mailer.probe();
                    report.email.reachable = Some(probe.is_ok());
                    if let Err(e) = probe {
                        problems.push(Error::new(
                            e.kind(),
                            format!("the mail server cannot be used: {}", e.describe()),
                        ));
                    }
                }
            }
            Err(e) => problems.push(e),
        }
    }

    report.ok = problems.is_empty();
    report.problems = problems
        .iter()
        .map(|e| Problem {
            code: e.exit_code(),
            message: e.message.clone(),
            hint: e.hint.clone(),
        })
        .collect();
    if ctx.out.json {
        ctx.out.json(&report)?;
    } else if !ctx.out.quiet {
        for line in describe(&report) {
            ctx.out.line(line)?;
        }
    }
    // One line per problem; the last ends the run as any error does, with
    // the exit code of the first.
    let Some((last, rest)) = problems.split_last() else {
        return Ok(());
    };
    ctx.out.flush()?;
    for e in rest {
        eprintln!("resetctl: error: {}", e.message);
    }
    Err(Error::new(problems[0].kind, last.message.clone()))
}

/// The report in words, one line per check.
fn describe(r: &Report) -> Vec<String> {
    let found = |f: bool| if f { "found" } else { "MISSING" };
    let mut lines = Vec::new();
    let mut row = |key: &str, value: String| lines.push(format!("{key:<13}{value}"));
    let db = match (&r.database.path, &r.database.shown) {
        (None, _) => "none given (--db, RESETCTL_DB or database in the config file)".to_string(),
        (Some(p), Some(storage)) => format!("{p}: {storage}"),
        (Some(p), None) => format!(
            "{p}: {}",
            r.database.error.as_deref().unwrap_or("cannot be read")
        ),
    };
    row("Database", db);
    row("Framework", r.framework.to_string());
    if let Some(table_found) = r.table.found {
        row(
            "Users table",
            format!("{}: {}", r.table.name, found(table_found)),
        );
        for c in &r.table.columns {
            row(
                &format!("  {}", c.key),
                format!("{}: {}", c.column, found(c.found)),
            );
        }
    }
    if let Some(audit) = r.table.audit_table {
        row("Audit table", format!("resetctl_audit: {}", found(audit)));
    }
    row("Token store", store_line(&r.token_store));
    if let Some(index) = r.table.token_index {
        row(
            "Token index",
            if index {
                "found".into()
            } else {
                "missing: looking a token up scans the table (resetctl init adds it)".into()
            },
        );
    }
    let writes = match &r.password.described {
        Some(scheme) => format!("redeem writes {scheme}"),
        None => "cannot tell what redeem writes".to_string(),
    };
    let from = match &r.password.sample {
        None if r.password.format == "auto" => String::new(),
        None => format!(" (format = {})", r.password.format),
        Some(s) if s.hashes.is_empty() => format!(
            " (format = auto: no hashes among the newest users, so {})",
            r.password.writes.unwrap_or("argon2id")
        ),
        Some(s) => {
            let mut seen: Vec<String> = s.hashes.iter().map(|(k, n)| format!("{n} {k}")).collect();
            if s.without_password > 0 {
                seen.push(format!("{} without a password", s.without_password));
            }
            let most = s
                .most_common_described
                .as_ref()
                .map(|d| format!("; most use {d}"))
                .unwrap_or_default();
            format!(
                " (format = auto, from the {} newest users with a password: {}{most})",
                s.users,
                seen.join(", ")
            )
        }
    };
    row("Passwords", format!("{writes}{from}"));
    row("Link", crate::text::printable(&r.link));
    let mail = match (&r.email.transport, r.email.reachable) {
        (None, _) if !r.email.configured => {
            "not configured (only issue --send and redeem --notify need it)".to_string()
        }
        (None, _) => "cannot be used (see below)".to_string(),
        (Some(t), None) => format!("{t}: not tested (doctor --smtp tests it)"),
        (Some(t), Some(true)) => format!("{t}: the server answered; nothing was sent"),
        (Some(t), Some(false)) => format!("{t}: cannot be reached (see below)"),
    };
    row("Mail", mail);
    if r.ok {
        lines.push("Ready: every command can run with this configuration.".into());
    }
    lines
}

/// Where the store keeps tokens, and what it needs, in words.
fn store_line(d: &Description) -> String {
    let secret = match d.secret {
        Some(true) => "; the app's secret: set",
        Some(false) => "; the app's secret: NOT SET",
        None => "",
    };
    let lives = d
        .lifetime
        .as_ref()
        .map(|l| format!("; a token lives {l}"))
        .unwrap_or_default();
    let zone = d
        .time_zone
        .as_ref()
        .map(|z| format!(" on the {z} clock"))
        .unwrap_or_default();
    format!("{}{lives}{zone}{secret}", d.kept)
}
