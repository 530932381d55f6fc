//! The state of a user's token at a moment, whatever store holds it, and
//! how commands show it.

use chrono::{DateTime, Utc};

use crate::clock;

/// The state of a user's token at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    None,
    Active(DateTime<Utc>),
    /// Past its expiry, or with an expiry that cannot be read.
    Expired(Option<DateTime<Utc>>),
    /// Killed by a password change since it was issued; answers as expired.
    Dead(Option<DateTime<Utc>>),
}

/// Which outstanding tokens to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFilter {
    All = 0,
    Active = 1,
    Expired = 2,
}

impl TokenState {
    /// From what a store read: whether there is a token, its expiry (`None`
    /// when missing or unreadable), and whether it is dead.
    pub fn of(
        has_token: bool,
        expires: Option<DateTime<Utc>>,
        dead: bool,
        now: DateTime<Utc>,
    ) -> TokenState {
        match (has_token, expires) {
            (false, _) => TokenState::None,
            (true, t) if dead => TokenState::Dead(t),
            (true, Some(t)) if t > now => TokenState::Active(t),
            (true, t) => TokenState::Expired(t),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TokenState::None => "none",
            TokenState::Active(_) => "active",
            TokenState::Expired(_) | TokenState::Dead(_) => "expired",
        }
    }

    pub fn expires(self) -> Option<DateTime<Utc>> {
        match self {
            TokenState::None => None,
            TokenState::Active(t) => Some(t),
            TokenState::Expired(t) | TokenState::Dead(t) => t,
        }
    }

    pub fn is_dead(self) -> bool {
        matches!(self, TokenState::Dead(_))
    }

    /// `expires_at` and `seconds_left` for JSON.
    pub fn json_fields(self, now: DateTime<Utc>) -> (Option<String>, Option<i64>) {
        let t = self.expires();
        let left = match self {
            TokenState::Dead(_) => None,
            _ => t.map(|t| (t - now).num_seconds()),
        };
        (t.map(clock::rfc3339), left)
    }

    /// Time left in words, for tables.
    pub fn left(self, now: DateTime<Utc>) -> String {
        match self {
            TokenState::Dead(_) => "password changed".into(),
            _ => self
                .expires()
                .map_or("-".into(), |t| clock::relative(t, now)),
        }
    }

    /// "active, expires 2026-11-21T11:00:00Z (in 59m)" and the like.
    pub fn describe(self, now: DateTime<Utc>) -> String {
        match self {
            TokenState::None => "none".into(),
            TokenState::Active(t) => format!(
                "active, expires {} ({})",
                clock::rfc3339(t),
                clock::relative(t, now)
            ),
            TokenState::Expired(Some(t)) => {
                format!(
                    "expired at {} ({})",
                    clock::rfc3339(t),
                    clock::relative(t, now)
                )
            }
            TokenState::Expired(None) => "expired (its expiry cannot be read)".into(),
            TokenState::Dead(_) => "expired: the password was changed after it was issued".into(),
        }
    }
}
