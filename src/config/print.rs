//! The settings in force written as a config file (`doctor
//! --print-config`): every key the run used, so that `--config` gives the
//! same run without recognising the app again. Secrets are never written:
//! a comment says where resetctl reads each one.

use std::fmt::Write as _;

use super::Config;
use crate::db::Location;
use crate::store::registry;
use crate::store::settings::{SectionKey, config_word, toml_text};

impl Config {
    /// The config file, as TOML with a comment on where it came from.
    pub fn to_file(&self) -> String {
        let mut out = String::new();
        self.head(&mut out);
        self.schema_section(&mut out);
        self.store_section(&mut out);
        self.token_section(&mut out);
        self.password_section(&mut out);
        self.email_section(&mut out);
        out
    }

    fn head(&self, out: &mut String) {
        let name = self.store.framework.name();
        out.push_str("# resetctl config, written by `resetctl doctor --print-config`\n");
        if let Some(why) = &self.origin.detected {
            let _ = writeln!(out, "# framework {name}: {why}");
        }
        let _ = writeln!(out, "framework = {}", toml_text(name));
        match (&self.origin.app_env, &self.database) {
            (Some((path, _)), _) => {
                let path = std::path::absolute(path).unwrap_or(path.clone());
                let _ = writeln!(out, "app_env = {}", toml_text(&path.display().to_string()));
                if !self.origin.from_app.contains(&"database")
                    && let Some(at) = &self.database
                {
                    database(out, at);
                }
            }
            (None, Some(at)) => database(out, at),
            (None, None) => out.push_str("# database: give it with --db or RESETCTL_DB\n"),
        }
        let _ = writeln!(out, "busy_timeout = {}", seconds(self.busy_timeout));
    }

    fn schema_section(&self, out: &mut String) {
        let s = &self.schema;
        out.push_str("\n[schema]\n");
        let mut key = |k: &str, v: &str| {
            let _ = writeln!(out, "{k} = {}", toml_text(v));
        };
        key("table", s.table.name());
        key("id", s.id.name());
        key("username", s.username.as_ref().map_or("", |u| u.name()));
        key("email", s.email.name());
        key("password", s.password.name());
        if self.store.framework.defaults().token_on_user_row {
            key("token", s.token.name());
            key("expires", s.expires.name());
            key(
                "expires_format",
                &config_word(self.store.row.expires_format),
            );
            key("token_storage", &config_word(self.store.row.storage));
        }
        if let Some(sessions) = &s.sessions {
            out.push_str("\n[sessions]\n");
            let _ = writeln!(out, "table = {}", toml_text(sessions.table.name()));
            let _ = writeln!(out, "user_column = {}", toml_text(sessions.user.name()));
        }
    }

    fn store_section(&self, out: &mut String) {
        let keys = self.store.framework.section();
        let section = registry::find(self.store.framework.name()).and_then(|k| k.section);
        let (Some(section), false) = (section, keys.is_empty()) else {
            return;
        };
        let _ = writeln!(out, "\n[{section}]");
        for key in keys {
            let _ = match key {
                SectionKey::Value(k, v) => writeln!(out, "{k} = {v}"),
                SectionKey::Secret(k, from) => {
                    writeln!(out, "# {k}: not written here; read from {from}")
                }
            };
        }
    }

    fn token_section(&self, out: &mut String) {
        let duration = |d| toml_text(&crate::clock::format_duration(d));
        out.push_str("\n[token]\n");
        let _ = writeln!(out, "ttl = {}", duration(self.ttl));
        let _ = writeln!(out, "max_ttl = {}", duration(self.max_ttl));
        if let Some(from) = &self.origin.site {
            let _ = writeln!(out, "# the link's site came from {from}");
        }
        let _ = writeln!(out, "link = {}", toml_text(&self.link));
        let limit = match &self.issue_limit {
            Some(l) => format!("{}/{}", l.count, crate::clock::format_duration(l.window)),
            None => "off".to_string(),
        };
        let _ = writeln!(out, "\n[limits]\nissue = {}", toml_text(&limit));
    }

    fn password_section(&self, out: &mut String) {
        let (p, h) = (&self.policy, &self.hashing);
        out.push_str("\n[password]\n");
        let _ = writeln!(out, "min_length = {}", p.min_length);
        let _ = writeln!(out, "max_length = {}", p.max_length);
        let _ = writeln!(out, "format = {}", toml_text(h.format.as_str()));
        let a = &h.argon2;
        let _ = writeln!(
            out,
            "argon2 = {{ m_cost = {}, t_cost = {}, p_cost = {} }}",
            a.m_cost, a.t_cost, a.p_cost
        );
        let _ = writeln!(
            out,
            "bcrypt = {{ cost = {}, prefix = {} }}",
            h.bcrypt_cost,
            toml_text(h.bcrypt_prefix.as_str())
        );
        let _ = writeln!(out, "pbkdf2 = {{ iterations = {} }}", h.pbkdf2_iterations);
    }

    fn email_section(&self, out: &mut String) {
        let e = &self.email;
        out.push_str("\n[email]\n");
        let mut key = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                let _ = writeln!(out, "{k} = {}", toml_text(&v));
            }
        };
        let path = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
        if self.origin.from_app.contains(&"transport") {
            key(
                "# transport",
                Some("from the app's env file (app_env)".into()),
            );
        } else if e.has_credentials() {
            key(
                "# transport",
                Some("holds a password: give it with RESETCTL_SMTP_URL".into()),
            );
        } else {
            key("transport", e.transport.clone());
        }
        if !self.origin.from_app.contains(&"from") {
            key("from", e.from.clone());
        }
        key("subject", e.subject.clone());
        key("template", path(&e.template));
        key("html_template", path(&e.html_template));
        key("ca_cert", path(&e.ca_cert));
        if let Some(t) = e.timeout {
            let _ = writeln!(out, "timeout = {}", seconds(t));
        }
    }
}

/// The database, without a password a URL may hold.
fn database(out: &mut String, at: &Location) {
    if let Location::Url(_) = at {
        out.push_str(
            "# a password in the URL is not written here: give it in RESETCTL_DB or the client's own file\n",
        );
    }
    let shown = match at {
        Location::File(path) => std::path::absolute(path)
            .unwrap_or(path.clone())
            .display()
            .to_string(),
        Location::Url(_) => at.to_string(),
    };
    let _ = writeln!(out, "database = {}", toml_text(&shown));
}

/// A duration as the file takes it, in whole seconds (resetctl reads no
/// finer unit).
fn seconds(d: std::time::Duration) -> String {
    toml_text(&crate::clock::format_duration(chrono::TimeDelta::seconds(
        d.as_secs() as i64,
    )))
}
