//! The users holding reset rows, in id order, each with the state of the
//! row that lasts longest: a user may hold several (Better Auth's own
//! request keeps the earlier ones).

use chrono::{DateTime, Utc};

use super::BetterAuth;
use super::row_id::is_reset_row;
use super::rows::state_of;
use crate::db::{Fetched, Tx, id_text, user_columns};
use crate::error::Result;
use crate::store::{TokenFilter, TokenState};
use crate::user::User;

/// The state of the row that expires last (one whose expiry is no time
/// counts as long expired); `None` without rows.
pub fn best(
    expiries: impl Iterator<Item = Option<DateTime<Utc>>>,
    now: DateTime<Utc>,
) -> TokenState {
    let mut found = false;
    let mut last: Option<DateTime<Utc>> = None;
    for e in expiries {
        found = true;
        if let Some(t) = e {
            last = Some(last.map_or(t, |l| l.max(t)));
        }
    }
    if found {
        state_of(last, now)
    } else {
        TokenState::None
    }
}

impl BetterAuth {
    pub(super) fn outstanding(
        &self,
        tx: &Tx<'_>,
        filter: TokenFilter,
        now: DateTime<Utc>,
        f: &mut dyn FnMut(&User, TokenState) -> Result<()>,
    ) -> Result<u64> {
        let (s, v) = (&self.schema, &self.settings.verification);
        let (t, u) = (tx.q(&v.table), tx.q(&s.table));
        let sql = format!(
            "SELECT {}, {t}.{}, {t}.{}, {} FROM {t} JOIN {u} ON {} = {t}.{} ORDER BY {u}.{}",
            user_columns(s, tx.dialect(), tx.id_kind(), false),
            tx.q(&v.id),
            tx.q(&v.identifier),
            self.date_read(
                tx,
                &v.table,
                &v.expires_at,
                &format!("{t}.{}", tx.q(&v.expires_at))
            )?,
            id_text(tx.dialect(), tx.id_kind(), &format!("{u}.{}", tx.q(&s.id))),
            tx.q(&v.value),
            tx.q(&s.id),
        );
        let mut left_out = 0;
        let mut users: Vec<(User, Vec<Option<DateTime<Utc>>>)> = Vec::new();
        tx.each(&sql, &[], &mut |row| {
            if !is_reset_row(&row.text(4)?, &row.text(5)?) {
                return Ok(());
            }
            let expires = row.cell(6)?.time();
            match Fetched::read(row, tx.id_kind())? {
                Fetched::Row(r) => match users.last_mut() {
                    Some((last, e)) if last.id == r.user.id => e.push(expires),
                    _ => users.push((r.user, vec![expires])),
                },
                Fetched::BadId(..) => left_out += 1,
            }
            Ok(())
        })?;
        for (user, expiries) in users {
            let state = best(expiries.into_iter(), now);
            let wanted = match filter {
                TokenFilter::All => true,
                TokenFilter::Active => matches!(state, TokenState::Active(_)),
                TokenFilter::Expired => !matches!(state, TokenState::Active(_)),
            };
            if wanted {
                f(&user, state)?;
            }
        }
        Ok(left_out)
    }
}
