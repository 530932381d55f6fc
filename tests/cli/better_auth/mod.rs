//! `framework = "better-auth"`, proven by Better Auth 1.7's own code
//! (tests/support/better_auth/harness.mjs) on SQLite, PostgreSQL and
//! MariaDB: the
//! database is made by its migrations and sign-up, its `resetPassword`
//! judges the rows resetctl wrote, its sign-in the passwords, and resetctl
//! redeems the tokens its own request made.

mod issued;
mod kept;
mod redeemed;

use std::ffi::OsString;
use std::path::PathBuf;

use crate::common::better_auth::BetterAuth;
use crate::common::frameworks::OLD_PASSWORD;
use crate::common::{Backend, TestEnv};

/// A Better Auth app's database and resetctl's config for it.
pub struct App {
    pub env: TestEnv,
    pub cfg: PathBuf,
    pub ba: BetterAuth,
    /// The users' ids, in the order they signed up.
    pub ids: Vec<String>,
}

impl App {
    /// Better Auth's migrations, then each email signed up at NOW with
    /// OLD_PASSWORD (Better Auth's own hash), then `resetctl init` with
    /// `[better_auth]` holding `extra` and Better Auth run with `ba_env`.
    pub fn new(
        backend: Backend,
        emails: &[&str],
        extra: &str,
        ba_env: &[(&'static str, &str)],
    ) -> App {
        let env = TestEnv::empty_on(backend);
        let mut ba = BetterAuth::new();
        for (k, v) in ba_env {
            ba = ba.with(k, v);
        }
        let db = env.db_value();
        ba.migrate(&db);
        let ids = emails
            .iter()
            .map(|e| ba.sign_up(&db, crate::common::NOW, e, OLD_PASSWORD))
            .collect();
        let cfg = env.config(&BetterAuth::config(extra));
        env.cmd_with(&cfg).arg("init").assert().success();
        App { env, cfg, ba, ids }
    }

    pub fn db(&self) -> OsString {
        self.env.db_value()
    }

    /// `issue USER` at `at` (or NOW): the token and link.
    pub fn issue(&self, at: Option<&str>, user: &str) -> (String, String) {
        let v = self.env.json_at(&self.cfg, at, &["issue", user]);
        (
            v["token"].as_str().unwrap().to_string(),
            v["link"].as_str().unwrap().to_string(),
        )
    }

    /// `inspect USER`'s state at `at`.
    pub fn state(&self, at: Option<&str>, user: &str) -> String {
        let v = self.env.json_at(&self.cfg, at, &["inspect", user]);
        v["state"].as_str().unwrap().to_string()
    }

    /// The verification rows: id, identifier, value, and expiresAt and
    /// createdAt as `toISOString()` text.
    pub fn rows(&self) -> Vec<Vec<Option<String>>> {
        let b = self.env.backend();
        self.env.rows(&format!(
            "SELECT \"id\", \"identifier\", \"value\", {}, {} FROM \"verification\" \
             ORDER BY \"expiresAt\", \"identifier\"",
            iso(b, "expiresAt"),
            iso(b, "createdAt")
        ))
    }

    /// `redeem -` with the token (or link) and password on stdin: exit
    /// code, stdout and stderr.
    pub fn redeem(&self, at: &str, token: &str, password: &str) -> (Option<i32>, String, String) {
        let out = self
            .env
            .cmd_with(&self.cfg)
            .env("RESETCTL_NOW", at)
            .args(["redeem", "-", "--password-stdin"])
            .write_stdin(format!("{token}\n{password}\n"))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// A time column as Better Auth reads it, as `toISOString()` writes it,
/// on any engine: SQLite holds that very text.
pub fn iso(backend: Backend, column: &str) -> String {
    let c = format!("\"{column}\"");
    match backend {
        Backend::Sqlite => c,
        Backend::Postgres => {
            format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
        }
        // Better Auth's driver writes its UTC wall clock in the server's
        // default zone: the text it reads back is the time there.
        Backend::Mariadb => {
            let c = format!("CONVERT_TZ({c}, @@session.time_zone, @@global.time_zone)");
            format!(
                "CONCAT(DATE_FORMAT({c}, '%Y-%m-%dT%H:%i:%s.'), LPAD(FLOOR(MICROSECOND({c}) / 1000), 3, '0'), 'Z')"
            )
        }
    }
}
