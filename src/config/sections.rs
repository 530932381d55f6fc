//! `[password]` and `[email]`: the policy, the schemes' costs within
//! their bounds, and the mail settings, with the app's env file under
//! the file's.

use super::file::{FileArgon2, FileBcrypt, FileEmail, FilePassword};
use super::{
    BCRYPT_COST, Builder, M_COST, MAX_EMAIL_TIMEOUT, MAX_PASSWORD_LIMIT, MIN_LENGTH_FLOOR, P_COST,
    PBKDF2_ITERATIONS, T_COST, bounded_duration, readable_by_others,
};
use crate::app_env::AppEnv;
use crate::error::Result;
use crate::mail::EmailSettings;
use crate::password::{Argon2Cost, BCRYPT_FLOOR};
use std::time::Duration;

impl Builder<'_> {
    pub(super) fn password(&mut self, p: &FilePassword) -> Result<()> {
        self.policy(p)?;
        if let Some(f) = p.format {
            self.cfg.hashing.format = f;
        }
        if let Some(a) = &p.argon2 {
            self.cfg.hashing.argon2 = self.argon2(a)?;
        }
        if let Some(b) = &p.bcrypt {
            self.bcrypt(b)?;
        }
        if let Some(n) = p.pbkdf2.as_ref().and_then(|k| k.iterations) {
            self.cfg.hashing.pbkdf2_iterations =
                self.in_bounds("password.pbkdf2.iterations", n, PBKDF2_ITERATIONS)?;
        }
        Ok(())
    }

    fn policy(&mut self, p: &FilePassword) -> Result<()> {
        let policy = &mut self.cfg.policy;
        if let Some(n) = p.min_length {
            policy.min_length = n;
        }
        if let Some(n) = p.max_length {
            policy.max_length = n;
        }
        let policy = self.cfg.policy;
        if policy.min_length == 0 {
            return Err(self.bad("password.min_length", "must be at least 1".into()));
        }
        if policy.min_length < MIN_LENGTH_FLOOR {
            self.warnings.push(format!(
                "password.min_length = {} is below {MIN_LENGTH_FLOOR}, the least OWASP and NIST accept for a password",
                policy.min_length
            ));
        }
        if policy.max_length < policy.min_length || policy.max_length > MAX_PASSWORD_LIMIT {
            return Err(self.bad(
                "password.max_length",
                format!("must be between password.min_length and {MAX_PASSWORD_LIMIT}"),
            ));
        }
        Ok(())
    }

    fn argon2(&self, a: &FileArgon2) -> Result<Argon2Cost> {
        let d = Argon2Cost::default();
        let cost = Argon2Cost {
            m_cost: self.in_bounds(
                "password.argon2.m_cost",
                a.m_cost.unwrap_or(d.m_cost),
                M_COST,
            )?,
            t_cost: self.in_bounds(
                "password.argon2.t_cost",
                a.t_cost.unwrap_or(d.t_cost),
                T_COST,
            )?,
            p_cost: self.in_bounds(
                "password.argon2.p_cost",
                a.p_cost.unwrap_or(d.p_cost),
                P_COST,
            )?,
        };
        if cost.m_cost < 8 * cost.p_cost {
            return Err(self.bad(
                "password.argon2.m_cost",
                "must be at least 8 × p_cost".into(),
            ));
        }
        if let Some(why) = cost.below_owasp() {
            return Err(self.bad("password.argon2", why));
        }
        Ok(cost)
    }

    fn bcrypt(&mut self, b: &FileBcrypt) -> Result<()> {
        if let Some(cost) = b.cost {
            self.cfg.hashing.bcrypt_cost =
                self.in_bounds("password.bcrypt.cost", cost, BCRYPT_COST)?;
        }
        if let Some(prefix) = b.prefix {
            if let Some(only) = self.cfg.hashing.only_prefix.filter(|p| *p != prefix) {
                return Err(self.bad(
                    "password.bcrypt.prefix",
                    format!(
                        "framework = \"{}\" verifies only ${}$ hashes (its verifier throws on others)",
                        self.cfg.store.framework.name(),
                        only.as_str()
                    ),
                ));
            }
            self.cfg.hashing.bcrypt_prefix = prefix;
        }
        if self.cfg.hashing.bcrypt_cost < BCRYPT_FLOOR {
            self.warnings.push(format!(
                "password.bcrypt.cost = {} is below OWASP's minimum of {BCRYPT_FLOOR}: fine for tests, weak for real accounts",
                self.cfg.hashing.bcrypt_cost
            ));
        }
        Ok(())
    }

    pub(super) fn email(&mut self, e: FileEmail) -> Result<()> {
        let dir = self.dir;
        let app = self.app;
        let file_transport = e.transport.is_some();
        if app.is_some_and(|a| a.mail_transport.is_some()) && !file_transport {
            self.cfg.origin.from_app.push("transport");
        }
        if app.is_some_and(|a| a.mail_from.is_some()) && e.from.is_none() {
            self.cfg.origin.from_app.push("from");
        }
        let from_app = |f: fn(&AppEnv) -> Option<String>| app.and_then(f);
        self.cfg.email = EmailSettings {
            timeout: e
                .timeout
                .as_deref()
                .map(|t| bounded_duration(t, Duration::from_secs(1), MAX_EMAIL_TIMEOUT))
                .transpose()
                .map_err(|why| self.bad("email.timeout", why))?,
            template: e.template.map(|p| dir.join(p)),
            html_template: e.html_template.map(|p| dir.join(p)),
            ca_cert: e.ca_cert.map(|p| dir.join(p)),
            // A file: outbox is a path like `database`: relative to this file.
            transport: e
                .transport
                .map(|t| match t.strip_prefix("file:") {
                    Some(p) if !p.starts_with('/') => format!("file:{}", dir.join(p).display()),
                    _ => t,
                })
                .or_else(|| from_app(|a| Some(a.mail_transport.as_ref()?.value.expose().into()))),
            from: e
                .from
                .or_else(|| from_app(|a| Some(a.mail_from.as_ref()?.value.clone()))),
            subject: e.subject,
        };
        if file_transport && self.cfg.email.has_credentials() && readable_by_others(self.path) {
            self.warnings.push(format!(
                "{} holds SMTP credentials and can be read by other users; run: chmod 600 {}",
                self.path.display(),
                self.path.display()
            ));
        }
        Ok(())
    }
}
