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
}
