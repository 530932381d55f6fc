//! Users as people and scripts name them and see them: a USER argument
//! (email, username or id, told apart by its shape or by `--by`), how a
//! user is shown, and the `user` object of JSON output.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::text::{printable, push_printable, shown};
pub use crate::user_id::{IdKind, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: Option<String>,
    pub email: Option<String>,
}

impl User {
    /// How people see the user: `alice <alice@example.com>`.
    pub fn label(&self) -> String {
        match (&self.username, &self.email) {
            (Some(u), Some(e)) => {
                // One allocation: bulk issue labels every user it audits.
                let mut s = String::with_capacity(u.len() + e.len() + 3);
                push_printable(&mut s, u);
                s.push_str(" <");
                push_printable(&mut s, e);
                s.push('>');
                s
            }
            (Some(u), None) => printable(u),
            (None, Some(e)) => printable(e),
            (None, None) => format!("user {}", printable(&self.id.text())),
        }
    }

    /// The `user` object of JSON output, borrowed: streaming commands print
    /// one per row, and building a map for each was a measurable cost.
    pub fn json(&self) -> UserJson<'_> {
        UserJson {
            id: Some(Cow::Borrowed(&self.id)),
            username: self.username.as_deref(),
            email: self.email.as_deref(),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct UserJson<'a> {
    /// `None` only for a user named by what was typed under --no-enumerate.
    pub id: Option<Cow<'a, UserId>>,
    pub username: Option<&'a str>,
    pub email: Option<&'a str>,
}

impl<'a> UserJson<'a> {
    /// The `user` object built from a USER argument alone (see `Typed`).
    pub fn typed(input: &'a str, lookup: Lookup, id: Option<&'a UserId>) -> UserJson<'a> {
        UserJson {
            id: id.map(Cow::Borrowed),
            username: (lookup == Lookup::Username).then_some(input),
            email: (lookup == Lookup::Email).then_some(input),
        }
    }
}

/// How a USER argument names its user (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lookup {
    Email,
    Username,
    Id,
}

/// What tells a USER argument's kind apart: the type of the ids, and
/// whether users have usernames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Names {
    pub ids: IdKind,
    pub usernames: bool,
}

impl Lookup {
    /// `@` means email; an argument shaped like an id (all digits where
    /// ids are integers, a UUID elsewhere) means id; anything else a
    /// username, or an id where there are no usernames and ids are not
    /// integers (text ids have no shape of their own).
    pub fn guess(input: &str, names: Names) -> Lookup {
        if input.contains('@') {
            Lookup::Email
        } else if names.ids.shaped_like_id(input)
            || (names.ids != IdKind::Integer && !names.usernames)
        {
            Lookup::Id
        } else {
            Lookup::Username
        }
    }

    /// As `--by` says, else guessed from the argument's shape.
    pub fn of(input: &str, by: Option<Lookup>, names: Names) -> Lookup {
        by.unwrap_or_else(|| Lookup::guess(input, names))
    }

    /// 67, for a USER that names nobody.
    pub fn no_such_user(self, input: &str, has_usernames: bool) -> Error {
        let what = match self {
            Lookup::Email => "with email",
            Lookup::Username => "with username",
            Lookup::Id => "with id",
        };
        let e = Error::no_user(format!("no user {what} {}", shown(input)));
        if self == Lookup::Username && !has_usernames {
            e.with_hint("this database has no usernames: give an email or an id")
        } else {
            e
        }
    }
}

/// A USER argument as typed, for answers that must not depend on whether
/// it names an account (`--no-enumerate`).
#[derive(Debug, Clone)]
pub struct Typed<'a> {
    pub input: &'a str,
    pub lookup: Lookup,
    /// The name as lookups read it: emails ignoring case, ids in their
    /// canonical text (`099` is `99` where ids are integers). Every
    /// spelling of one name shares it, as every spelling of a known user
    /// names that user.
    pub key: String,
    /// The id typed, when one was and it is an id of the database's kind.
    pub id: Option<UserId>,
}

impl<'a> Typed<'a> {
    pub fn new(input: &'a str, by: Option<Lookup>, names: Names) -> Typed<'a> {
        let trimmed = input.trim();
        let lookup = Lookup::of(trimmed, by, names);
        let id = (lookup == Lookup::Id)
            .then(|| UserId::parse(names.ids, trimmed))
            .flatten();
        let key = match (lookup, &id) {
            (Lookup::Email, _) => crate::text::clean(&trimmed.to_lowercase(), 256),
            (Lookup::Id, Some(id)) => format!("id {}", crate::text::clean(&id.text(), 256)),
            (Lookup::Id, None) if names.ids == IdKind::Integer => {
                let digits = trimmed.trim_start_matches('0');
                format!("id {}", if digits.is_empty() { "0" } else { digits })
            }
            (Lookup::Id, None) => format!("id {}", crate::text::clean(trimmed, 256)),
            (Lookup::Username, _) => crate::text::clean(trimmed, 256),
        };
        Typed {
            input: trimmed,
            lookup,
            key,
            id,
        }
    }
}

/// A token pasted where a USER belongs is refused before it can reach an
/// error message or the audit table.
pub fn reject_token_as_user(input: &str) -> Result<()> {
    if crate::token::looks_like_token(input) {
        return Err(
            Error::bad_input("that looks like a reset token or link, not a user")
                .with_hint("to see whose token it is: resetctl inspect --token -  (and paste it)"),
        );
    }
    Ok(())
}
