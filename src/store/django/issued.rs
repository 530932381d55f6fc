//! What resetctl knows of the Django links it issued, from its audit
//! table: each issue's expiry and a fingerprint of the row it was made
//! from. Issuing again does not end an earlier link (Django keeps
//! nothing that could), so a user's token is active while any of their
//! links since the last redeem still works.

use chrono::{DateTime, Utc};

use super::Django;
use crate::audit::Action;
use crate::db::{IssueTrace, Tx};
use crate::error::Result;
use crate::store::TokenState;
use crate::user::{User, UserId};

impl Django {
    /// When resetctl made the link stamped `ts` for this user, from the
    /// issue entries whose links may still work: the one whose expiry a
    /// link with that stamp made then would have.
    pub(super) fn issued_at(
        &self,
        tx: &Tx<'_>,
        user_id: &UserId,
        ts: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let since = crate::clock::rfc3339(now - self.tokens.timeout);
        Ok(tx
            .issues_expiring_after(user_id, 0, &since)?
            .into_iter()
            .rev()
            .find_map(|t| {
                let at = crate::clock::parse_timestamp(&t.at)?;
                let expires = crate::clock::parse_timestamp(t.expires.as_deref()?)?;
                (self.tokens.stamp(expires, at) == ts).then_some(at)
            }))
    }

    /// Active until the latest expiry of the links that still work; else
    /// the newest link's state (expired, or dead once the row changed).
    pub(super) fn issued_state(
        &self,
        tx: &Tx<'_>,
        user: &User,
        now: DateTime<Utc>,
    ) -> Result<TokenState> {
        let Some(newest) = tx.last_issue(&user.id)? else {
            return Ok(TokenState::None);
        };
        let redeemed = tx.last_ok(&user.id, Action::Redeem)?.map_or(0, |r| r.id);
        if redeemed > newest.id {
            return Ok(TokenState::None);
        }
        let now_text = crate::clock::rfc3339(now);
        let current = self.row(tx, &user.id)?.map(|m| Self::check_of(&m));
        let works = |t: &IssueTrace| current.is_some() && t.password_check == current;
        let expiry = |t: &IssueTrace| t.expires.as_deref().and_then(crate::clock::parse_timestamp);
        let latest = tx
            .issues_expiring_after(&user.id, redeemed, &now_text)?
            .iter()
            .filter(|t| works(t))
            .filter_map(expiry)
            .filter(|t| *t > now)
            .max();
        Ok(match latest {
            Some(t) => TokenState::Active(t),
            None => TokenState::of(true, expiry(&newest), !works(&newest), now),
        })
    }
}
