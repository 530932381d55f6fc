//! The slow part of Laravel's tokens, bcrypt, spread over every core; and
//! the `remember_token` a reset gives the user.

use super::TOKEN_COST;
use crate::error::{Error, Result};
use crate::password::{BcryptPrefix, Scheme};
use crate::store::NewToken;

/// A token's bcrypt hashes, made on every core: bulk runs spend nearly
/// all their time here.
pub fn hash_all(tokens: &[NewToken<'_>]) -> Result<Vec<String>> {
    let scheme = Scheme::Bcrypt {
        prefix: BcryptPrefix::TwoY,
        cost: TOKEN_COST,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let per = tokens.len().div_ceil(cores).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = tokens
            .chunks(per)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|t| scheme.hash(t.token.expose()))
                        .collect::<Result<Vec<String>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(tokens.len());
        for p in parts {
            let hashes = p
                .join()
                .map_err(|_| Error::internal("a hashing thread failed"))??;
            all.extend(hashes);
        }
        Ok(all)
    })
}

/// One token's hash, as `hash_all` makes it.
pub fn hash_one(token: &crate::token::Token) -> Result<String> {
    Scheme::Bcrypt {
        prefix: BcryptPrefix::TwoY,
        cost: TOKEN_COST,
    }
    .hash(token.expose())
}

/// Laravel's `Str::random(60)`.
pub fn remember_token() -> Result<String> {
    crate::password::random_alphanumeric(60)
}
