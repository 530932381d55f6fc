//! Better Auth 1.7's own code on a test's database
//! (tests/support/better_auth/harness.mjs): its migrations, sign-up,
//! sign-in, reset request and reset, and its scrypt hash. Each call is one
//! Node process; its answer is the exit status (0 yes, 1 refused) and one
//! JSON line.

use std::ffi::OsStr;
use std::process::Command;

use super::frameworks::{Answer, run};
use super::tools::{env_dir, program, support};

/// Better Auth with the app's settings, as environment variables the
/// harness reads (`STORE_IDENTIFIER`, `REVOKE_SESSIONS_ON_PASSWORD_RESET`,
/// `RESET_PASSWORD_TOKEN_EXPIRES_IN`, `BETTER_AUTH_URL`).
#[derive(Clone, Default)]
pub struct BetterAuth {
    pub env: Vec<(&'static str, String)>,
}

impl BetterAuth {
    pub fn new() -> BetterAuth {
        BetterAuth {
            env: vec![("BETTER_AUTH_URL", "https://example.com".to_string())],
        }
    }

    pub fn with(mut self, var: &'static str, value: &str) -> BetterAuth {
        self.env.retain(|(k, _)| *k != var);
        self.env.push((var, value.to_string()));
        self
    }

    /// resetctl's config for this app: `framework = "better-auth"` with
    /// `extra` lines of [better_auth], and no issue limit.
    pub fn config(extra: &str) -> String {
        format!("framework = \"better-auth\"\n[better_auth]\n{extra}[limits]\nissue = \"off\"\n")
    }

    /// `node harness.mjs COMMAND [DB] ARGS...` at `at` (RFC 3339), or now.
    pub fn call(
        &self,
        db: Option<&OsStr>,
        at: Option<&str>,
        command: &str,
        args: &[&str],
    ) -> Answer {
        let modules = env_dir().join("better_auth/node_modules");
        assert!(
            modules.join("better-auth").is_dir(),
            "Better Auth is missing ({}): run scripts/test-env to install it",
            modules.display()
        );
        let mut c = Command::new(program("node"));
        c.arg(support("better_auth/harness.mjs")).arg(command);
        if let Some(db) = db {
            c.arg(db);
        }
        c.args(args)
            .env("BETTER_AUTH_MODULES", modules)
            .env("TZ", "UTC")
            .env_remove("AT")
            .env_remove("STORE_IDENTIFIER")
            .env_remove("REVOKE_SESSIONS_ON_PASSWORD_RESET")
            .env_remove("RESET_PASSWORD_TOKEN_EXPIRES_IN");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        if let Some(at) = at {
            c.env("AT", at);
        }
        run(c, "Better Auth")
    }

    /// A field of the answer's JSON line, as text.
    pub fn field(answer: &Answer, name: &str) -> String {
        let v: serde_json::Value = serde_json::from_str(&answer.line).unwrap();
        match &v[name] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Better Auth's own `hashPassword`.
    pub fn hash(&self, password: &str) -> String {
        let a = self.call(None, None, "hash", &[password]);
        assert!(a.ok, "{}", a.line);
        BetterAuth::field(&a, "hash")
    }

    /// Better Auth's own `verifyPassword`.
    pub fn verify(&self, hash: &str, password: &str) -> bool {
        self.call(None, None, "verify", &[hash, password]).ok
    }

    /// Its migrations, which must succeed.
    pub fn migrate(&self, db: &OsStr) {
        let a = self.call(Some(db), None, "migrate", &[]);
        assert!(a.ok, "{}", a.line);
    }

    /// `signUpEmail` at `at`, which must succeed: the new user's id.
    pub fn sign_up(&self, db: &OsStr, at: &str, email: &str, password: &str) -> String {
        let name = email.split('@').next().unwrap_or(email);
        let a = self.call(Some(db), Some(at), "sign-up", &[email, password, name]);
        assert!(a.ok, "{}", a.line);
        BetterAuth::field(&a, "user_id")
    }

    /// `signInEmail` at `at`: accepted, and the session cookie.
    pub fn sign_in(&self, db: &OsStr, at: &str, email: &str, password: &str) -> Answer {
        self.call(Some(db), Some(at), "sign-in", &[email, password])
    }

    /// `requestPasswordReset` at `at` with `redirectTo: "/reset-password"`.
    pub fn request_reset(&self, db: &OsStr, at: &str, email: &str) -> Answer {
        self.call(
            Some(db),
            Some(at),
            "request-reset",
            &[email, "/reset-password"],
        )
    }

    /// `resetPassword` with the token at `at`.
    pub fn reset(&self, db: &OsStr, at: &str, token: &str, password: &str) -> Answer {
        self.call(Some(db), Some(at), "reset", &[token, password])
    }

    /// `getSession` with the cookie at `at`.
    pub fn session_valid(&self, db: &OsStr, at: &str, cookie: &str) -> bool {
        self.call(Some(db), Some(at), "session-valid", &[cookie]).ok
    }

    /// How many sessions of the user Better Auth still holds, at `at`.
    pub fn sessions(&self, db: &OsStr, at: &str, email: &str) -> i64 {
        let a = self.call(Some(db), Some(at), "sessions", &[email]);
        let v: serde_json::Value = serde_json::from_str(&a.line).unwrap();
        v["count"].as_i64().unwrap_or_else(|| panic!("{}", a.line))
    }

    /// Every verification row, as Better Auth's adapter reads it.
    pub fn verifications(&self, db: &OsStr) -> Vec<serde_json::Value> {
        let a = self.call(Some(db), None, "verifications", &[]);
        assert!(a.ok, "{}", a.line);
        let v: serde_json::Value = serde_json::from_str(&a.line).unwrap();
        v["rows"].as_array().unwrap().clone()
    }
}
