//! `doctor`: every check the other commands make before they act, made at
//! once and reported whole, with nothing changed. Each check fills its
//! part of the report (`report.rs`) and adds the problems it found; the
//! first problem's exit code is the verdict.

mod report;
mod words;

use crate::context::Context;
use crate::db::{AuditTable, Db};
use crate::error::{Error, Result};
use crate::mail::Mailer;
use crate::password;
pub use report::Report;
use report::{AppEnvUsed, Database, Email, Password, Problem, Sample, Table};
pub use words::describe;

/// What `doctor` found, and every problem, in the order found.
pub struct Checked {
    pub report: Report,
    pub problems: Vec<Error>,
}

/// Runs every check; `smtp` also connects to the mail server.
pub fn check(ctx: &Context, smtp: bool) -> Result<Checked> {
    let mut report = blank(ctx, smtp);
    let mut problems = Vec::new();
    let db = ctx
        .db_location()
        .and_then(|at| Db::open_to_survey(at, ctx.cfg.busy_timeout, &ctx.cfg.schema, ctx.spare()));
    let can_sample = survey(ctx, db.as_ref(), &mut report, &mut problems)?;
    passwords(
        ctx,
        db.as_ref().ok().filter(|_| can_sample),
        &mut report,
        &mut problems,
    );
    if report.email.configured {
        mail(ctx, smtp, &mut report, &mut problems);
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
    Ok(Checked { report, problems })
}

/// The report before any check: what the configuration says.
fn blank(ctx: &Context, smtp: bool) -> Report {
    let cfg = &ctx.cfg;
    Report {
        ok: false,
        framework: cfg.store.framework.name(),
        detected: cfg.origin.detected.clone(),
        app_env: cfg.origin.app_env.as_ref().map(|(path, keys)| AppEnvUsed {
            path: path.display().to_string(),
            keys: keys.clone(),
        }),
        database: Database {
            path: cfg.database.as_ref().map(ToString::to_string),
            kind: None,
            version: None,
            journal_mode: None,
            shown: None,
            error: None,
        },
        table: Table {
            name: cfg.schema.table.to_string(),
            found: None,
            columns: Vec::new(),
            audit_table: None,
            token_index: None,
        },
        token_store: ctx.store.describe(),
        password: Password {
            format: cfg.hashing.format.as_str(),
            auto: cfg.hashing.format == password::Format::Auto,
            writes: None,
            parameters: None,
            described: None,
            sample: None,
        },
        link: cfg.link.clone(),
        link_site: cfg.origin.site.clone(),
        secret: cfg.origin.secret.clone(),
        lock: None,
        email: Email {
            configured: cfg.email.is_configured() || smtp,
            transport: None,
            tested: false,
            reachable: None,
        },
        problems: Vec::new(),
    }
}

/// The database, the table and its columns, the audit table, and what
/// the store needs. Whether the password column can be sampled.
fn survey(
    ctx: &Context,
    db: std::result::Result<&Db, &Error>,
    report: &mut Report,
    problems: &mut Vec<Error>,
) -> Result<bool> {
    let survey = db.map_err(Clone::clone).and_then(|db| {
        Ok((
            db,
            db.survey(&ctx.store.user_columns())?,
            db.read().engine()?,
        ))
    });
    let (db, survey, engine) = match survey {
        Ok(found) => found,
        Err(e) => {
            report.database.error = Some(e.message.clone());
            problems.push(e);
            return Ok(false);
        }
    };
    report.database.shown = Some(engine.to_string());
    report.database.kind = Some(engine.kind);
    report.database.version = Some(engine.version);
    report.database.journal_mode = engine.journal_mode;
    report.table.found = Some(survey.columns.is_some());
    report.table.audit_table = Some(survey.audit == AuditTable::Found);
    if survey.columns.is_some() {
        report.table.token_index = ctx.store.lookup_index(&db.read())?;
        report.lock = Some(ctx.store.lock_reach(&db.read())?);
    }
    let can_sample =
        ctx.cfg.schema.password_row.is_some() || survey.found(&ctx.cfg.schema.password);
    report.table.columns = survey.columns.clone().unwrap_or_default();
    problems.extend(survey.problems(db.location(), &ctx.cfg.schema));
    problems.extend(ctx.store.problems(&db.read())?);
    Ok(can_sample)
}

/// The scheme `redeem` would write, and under `auto` from which hashes.
/// Only a verdict on the hashes themselves is news: an unreadable table
/// was reported by the survey.
fn passwords(ctx: &Context, db: Option<&Db>, report: &mut Report, problems: &mut Vec<Error>) {
    let sample = |add: &mut dyn FnMut(Option<&str>)| match db {
        Some(db) => db.read().each_password_sampled(password::SAMPLE, add),
        None => Err(Error::config("the password column cannot be read")),
    };
    match ctx.cfg.hashing.choose(sample) {
        Ok(choice) => {
            let p = &mut report.password;
            p.writes = Some(choice.scheme.format_name());
            p.parameters = Some(choice.scheme.parameters());
            p.described = Some(choice.scheme.describe());
            p.sample = choice.census.map(|c| Sample {
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
        Err(e) if db.is_some() => problems.push(e),
        Err(_) => {}
    }
}

/// The mail settings, and with `smtp` the server itself.
fn mail(ctx: &Context, smtp: bool, report: &mut Report, problems: &mut Vec<Error>) {
    let mailer = match Mailer::new(&ctx.cfg.email) {
        Ok(m) => m,
        Err(e) => return problems.push(e),
    };
    report.email.transport = Some(mailer.describe());
    if !smtp {
        return;
    }
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
