//! Decoys for `--no-enumerate`: a link for a name that matches nobody
//! reads as a real one does. Django's link shows the user's id and a
//! stamped token, so a decoy gets an id no user has and a token with the
//! stamp a real one would have, each derived from the name as typed and
//! the app's key: the same name gets the same answer, as a known user
//! does, and nobody without the key can tell it from a real one.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Django;
use super::generator::{Generator, Made};
use crate::db::{Tx, UserRow};
use crate::error::{Error, Result};
use crate::store::Lifetime;
use crate::token::Token;
use crate::user::{IdKind, Typed, User, UserId};

/// How many ids are tried for one nobody has, before taking one past the
/// highest.
const PROBES: i64 = 64;

/// A token made as Django makes one, stamped as a real one would be, from
/// a row no user has.
pub fn token(tokens: &Generator, id: UserId, typed: &Typed<'_>, life: Lifetime) -> Result<Token> {
    let nobody = Made {
        row: UserRow {
            user: User {
                id,
                username: None,
                email: None,
            },
            password_fingerprint: String::new(),
        },
        password: String::new(),
        last_login: String::new(),
        email: typed.key.clone(),
        extra: String::new(),
    };
    let text = tokens.make(
        &nobody,
        tokens.stamp(life.expires, life.now),
        tokens.secret()?,
    )?;
    Token::from_text(&text).ok_or_else(|| Error::internal("a Django token out of shape"))
}

impl Django {
    /// The id a decoy's link shows: the one typed, else one no user has,
    /// picked by the name and the key: of the table's range where ids are
    /// integers, else a UUID (what ids that are not integers mostly are).
    pub(super) fn decoy_id(&self, tx: &Tx<'_>, typed: &Typed<'_>) -> Result<UserId> {
        if let Some(id) = &typed.id {
            return Ok(id.clone());
        }
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.tokens.secret()?.expose().as_bytes())
                .map_err(|e| Error::internal(format!("HMAC key: {e}")))?;
        mac.update(b"resetctl decoy id\0");
        mac.update(typed.key.as_bytes());
        let digest = mac.finalize().into_bytes();
        if tx.id_kind() != IdKind::Integer {
            let mut uuid = [0u8; 16];
            uuid.copy_from_slice(&digest[..16]);
            // Version 4, RFC 4122 variant: shaped as random UUIDs are.
            uuid[6] = (uuid[6] & 0x0f) | 0x40;
            uuid[8] = (uuid[8] & 0x3f) | 0x80;
            let text = crate::user_id::uuid_text(&uuid);
            return Ok(tx.id_from_text(&text).unwrap_or(UserId::Text(text)));
        }
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&digest[..8]);
        let seed = (u64::from_le_bytes(seed) >> 1) as i64;
        let highest = self.highest_id(tx)?.max(1);
        for k in 0..PROBES.min(highest) {
            let id = UserId::Int(1 + (seed + k) % highest);
            if self.row(tx, &id)?.is_none() {
                return Ok(id);
            }
        }
        Ok(UserId::Int(highest.saturating_add(1 + seed % PROBES)))
    }

    fn highest_id(&self, tx: &Tx<'_>) -> Result<i64> {
        let sql = format!(
            "SELECT max({}) FROM {}",
            tx.q(&self.schema.id),
            tx.q(&self.schema.table)
        );
        Ok(tx
            .first(&sql, &[], |r| r.opt_int(0))?
            .flatten()
            .unwrap_or(0))
    }
}
