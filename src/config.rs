//! Settings in force for one run: flags and environment over built-in
//! defaults, with the database's table and column names validated as SQL
//! identifiers before any of them reaches a statement.

use std::path::PathBuf;
use std::time::Duration;

use chrono::TimeDelta;

use crate::error::{Error, Result, shown};
use crate::password::{Argon2Cost, Policy};

pub const DEFAULT_LINK: &str = "https://example.com/reset-password?token={token}";

/// Where the application keeps its users: every name is a checked
/// identifier, so it can be put into SQL text (quoted) without risk.
#[derive(Debug, Clone)]
pub struct Schema {
    pub table: Ident,
    pub id: Ident,
    /// `None` for applications without usernames.
    pub username: Option<Ident>,
    pub email: Ident,
    pub password: Ident,
    pub token: Ident,
    pub expires: Ident,
}

impl Default for Schema {
    fn default() -> Self {
        let id = |s: &str| Ident(s.to_string());
        Schema {
            table: id("users"),
            id: id("id"),
            username: Some(id("username")),
            email: id("email"),
            password: id("password_hash"),
            token: id("password_reset_token"),
            expires: id("password_reset_expires"),
        }
    }
}

/// A table or column name matching `[A-Za-z_][A-Za-z0-9_]*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident(String);

impl Ident {
    pub fn new(key: &str, name: &str) -> Result<Ident> {
        let mut chars = name.chars();
        let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(Ident(name.to_string()))
        } else {
            Err(Error::config(format!(
                "{key} = {} is not a valid SQL identifier",
                shown(name)
            ))
            .with_hint(
                "names may hold only letters, digits and '_', and may not start with a digit",
            ))
        }
    }

    pub fn name(&self) -> &str {
        &self.0
    }

    /// The name quoted for SQL text. Safe because of the check in `new`.
    pub fn q(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database: Option<PathBuf>,
    pub busy_timeout: Duration,
    pub schema: Schema,
    pub ttl: TimeDelta,
    pub max_ttl: TimeDelta,
    pub link: String,
    pub policy: Policy,
    pub argon2: Argon2Cost,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: None,
            busy_timeout: Duration::from_secs(5),
            schema: Schema::default(),
            ttl: TimeDelta::hours(1),
            max_ttl: TimeDelta::days(7),
            link: DEFAULT_LINK.to_string(),
            policy: Policy::default(),
            argon2: Argon2Cost::default(),
        }
    }
}

/// A link template must have somewhere to put the token.
pub fn check_link(template: &str) -> Result<()> {
    if template.contains("{token}") {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "the link {} has no {{token}} placeholder",
            shown(template)
        ))
        .with_hint("e.g. --link 'https://app.example/reset?token={token}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for good in ["users", "_x", "auth_user", "T1"] {
            assert!(Ident::new("schema.table", good).is_ok(), "{good}");
        }
        for bad in ["", "1users", "users;--", "a b", "a\"b", "naïve", "users.x"] {
            let e = Ident::new("schema.table", bad).unwrap_err();
            assert_eq!(e.exit_code(), 78);
            assert!(e.message.starts_with("schema.table = "), "{}", e.message);
        }
    }

    #[test]
    fn link_needs_placeholder() {
        assert!(check_link(DEFAULT_LINK).is_ok());
        assert_eq!(check_link("https://x/").unwrap_err().exit_code(), 2);
    }
}
