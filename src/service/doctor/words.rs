//! `doctor`'s report in words: one line per check, as support staff read
//! it.

use super::report::Report;
use crate::db::AUDIT_TABLE;
use crate::store::Description;

/// The report in words, one line per check.
pub fn describe(r: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    let mut row = |key: &str, value: String| lines.push(format!("{key:<13}{value}"));
    row("Database", database(r));
    if let Some(app) = &r.app_env {
        row("App env", format!("{}: {}", app.path, keys(&app.keys)));
    }
    row("Framework", framework(r));
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
        row("Audit table", format!("{AUDIT_TABLE}: {}", found(audit)));
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
    row("Passwords", passwords(r));
    row("Link", link(r));
    if let Some(from) = &r.secret {
        row("App secret", format!("from {from}"));
    }
    if let Some(reach) = &r.lock {
        row("--lock", reach.join("; "));
    }
    row("Mail", mail(r));
    if r.ok {
        lines.push("Ready: every command can run with this configuration.".into());
    }
    lines
}

fn framework(r: &Report) -> String {
    match &r.detected {
        Some(why) => format!("{} ({why})", r.framework),
        None => format!("{} (set by framework in the config file)", r.framework),
    }
}

fn link(r: &Report) -> String {
    let link = crate::text::printable(&r.link);
    match &r.link_site {
        Some(from) => format!("{link} (site from {from})"),
        None => link,
    }
}

fn found(f: bool) -> &'static str {
    if f { "found" } else { "MISSING" }
}

fn database(r: &Report) -> String {
    match (&r.database.path, &r.database.shown) {
        (None, _) => "none given (--db, RESETCTL_DB or database in the config file)".to_string(),
        (Some(p), Some(storage)) => format!("{p}: {storage}"),
        (Some(p), None) => format!(
            "{p}: {}",
            r.database.error.as_deref().unwrap_or("cannot be read")
        ),
    }
}

/// What `redeem` writes, and under `auto` from which hashes.
fn passwords(r: &Report) -> String {
    let writes = match &r.password.described {
        Some(scheme) => format!("redeem writes {scheme}"),
        None => "cannot tell what redeem writes".to_string(),
    };
    let from = match &r.password.sample {
        None if r.password.auto => String::new(),
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
    format!("{writes}{from}")
}

fn mail(r: &Report) -> String {
    match (&r.email.transport, r.email.reachable) {
        (None, _) if !r.email.configured => {
            "not configured (only issue --send and redeem --notify need it)".to_string()
        }
        (None, _) => "cannot be used (see below)".to_string(),
        (Some(t), None) => format!("{t}: not tested (doctor --smtp tests it)"),
        (Some(t), Some(true)) => format!("{t}: the server answered; nothing was sent"),
        (Some(t), Some(false)) => format!("{t}: cannot be reached (see below)"),
    }
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

fn keys(keys: &[&str]) -> String {
    if keys.is_empty() {
        "none of its keys used".into()
    } else {
        format!("{} used", keys.join(", "))
    }
}
