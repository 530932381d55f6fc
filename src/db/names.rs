//! The application's table and column names, checked as SQL identifiers
//! before any of them reaches a statement.

use crate::error::{Error, Result};
use crate::text::shown;

/// Where the application keeps its users: every name is a checked
/// identifier, so it can be put into SQL text (quoted, as the engine
/// quotes: `Tx::q`) without risk.
#[derive(Debug, Clone)]
pub struct Schema {
    pub table: Ident,
    pub id: Ident,
    /// `None` for applications without usernames.
    pub username: Option<Ident>,
    pub email: Ident,
    /// The password column: of the users table, or of `password_row`'s.
    pub password: Ident,
    pub token: Ident,
    pub expires: Ident,
    /// Where the password is when it is not on the user's row.
    pub password_row: Option<PasswordRow>,
    /// Where the app keeps its users' sessions, if in the database
    /// (`issue --lock` ends them).
    pub sessions: Option<Sessions>,
}

/// A table of sessions, one row each, naming its user in `user`.
#[derive(Debug, Clone)]
pub struct Sessions {
    pub table: Ident,
    pub user: Ident,
}

/// A password kept in a row of another table, one per user (Better Auth's
/// credential `account`): the row whose `user` column and every `also_user`
/// column hold the user's id, and whose `fixed` columns hold those values.
#[derive(Debug, Clone)]
pub struct PasswordRow {
    pub table: Ident,
    pub user: Ident,
    pub also_user: Vec<Ident>,
    /// Values resetctl itself names (never from the config file).
    pub fixed: Vec<(Ident, &'static str)>,
}

impl PasswordRow {
    /// The conditions that pick the user's row in `alias`, given the
    /// user's id as SQL (a column of the outer query, or a parameter).
    pub fn conditions(&self, q: &dyn Fn(&Ident) -> String, alias: &str, id: &str) -> String {
        let mut parts: Vec<String> = std::iter::once(&self.user)
            .chain(&self.also_user)
            .map(|c| format!("{alias}.{} = {id}", q(c)))
            .collect();
        for (c, value) in &self.fixed {
            parts.push(format!(
                "{alias}.{} = '{}'",
                q(c),
                value.replace('\'', "''")
            ));
        }
        parts.join(" AND ")
    }
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
            password_row: None,
            sessions: None,
        }
    }
}

impl Schema {
    /// Two settings naming one column would make the tool overwrite the
    /// application's data with its own; and resetctl's own tables are named
    /// in its statements without aliases, so the users table may not take
    /// their prefix.
    pub fn check(&self) -> std::result::Result<(), (&'static str, String)> {
        // A password kept in another table cannot clash with these.
        let password = self
            .password_row
            .is_none()
            .then_some(("password", &self.password));
        let mut cols: Vec<(&str, &Ident)> = [("id", &self.id), ("email", &self.email)]
            .into_iter()
            .chain(password)
            .chain([("token", &self.token), ("expires", &self.expires)])
            .collect();
        if let Some(u) = &self.username {
            cols.push(("username", u));
        }
        for (i, (ka, a)) in cols.iter().enumerate() {
            for (kb, b) in &cols[i + 1..] {
                if a.name().eq_ignore_ascii_case(b.name()) {
                    return Err((
                        "schema",
                        format!("schema.{ka} and schema.{kb} both name the column {a}"),
                    ));
                }
            }
        }
        if self
            .table
            .name()
            .to_ascii_lowercase()
            .starts_with("resetctl_")
        {
            return Err((
                "schema.table",
                format!("{} is a name resetctl keeps for its own tables", self.table),
            ));
        }
        Ok(())
    }
}

/// A table or column name matching `[A-Za-z_][A-Za-z0-9_]*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident(String);

impl Ident {
    /// A name of letters, digits and `_`, not starting with a digit. A
    /// name from the config file must also be one no engine keeps for
    /// itself: `db::app_name`.
    pub fn new(key: &str, name: &str) -> Result<Ident> {
        let mut chars = name.chars();
        let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(Ident(name.to_string()))
        } else {
            Err(Ident::invalid(key, name))
        }
    }

    /// Why `name`, given for `key`, cannot be used.
    pub(super) fn invalid(key: &str, name: &str) -> Error {
        Error::config(format!(
            "{key} = {} is not a valid SQL identifier",
            shown(name)
        ))
        .with_hint("names may hold only letters, digits and '_', and may not start with a digit")
    }

    /// A name resetctl itself knows to be valid (a framework's column).
    pub fn known(name: &'static str) -> Ident {
        Ident(name.to_string())
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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
}
