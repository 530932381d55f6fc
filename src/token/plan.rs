//! The order of a bulk run's tokens. Random tokens land all over the
//! token index, so every batch of a run rewrote most of that index's
//! pages and journaled them again: a million-user run cost twice one
//! UPDATE. A plan draws the run's tokens ahead, sorts them by what the
//! index orders by, and hands them out in that order: the users of one
//! batch get tokens from one stretch of the index, and each batch writes
//! only its own stretch.
//!
//! Holding a million tokens would take 32 MB, so a token is not kept but
//! made again when its turn comes: token `i` is HMAC-SHA256 of `i` under
//! a key of 32 bytes from the OS CSPRNG, drawn for this plan alone. The
//! key is wiped once the HMAC is keyed; the keyed state stays in memory
//! while the plan lasts, and is never written anywhere. Each `i` is
//! handed out once. Without the key, a token says nothing of any other.

use hmac::{Hmac, Mac};
use zeroize::{Zeroize, Zeroizing};

use super::{HEX_LEN, Token, os_random};
use crate::error::{Error, Result};

type HmacSha256 = Hmac<sha2::Sha256>;

/// Tokens planned at most at once: 8 bytes each while the plan lasts.
/// A longer run plans again when these are used up.
pub const WINDOW: usize = 1 << 20;

pub struct Plan {
    key: HmacSha256,
    /// What the index orders by (its leading 32 bits, high) and the
    /// token's number (low), sorted: the order tokens are handed out in.
    order: Vec<u64>,
    next: usize,
    /// While the plan is drawn: the number of the token to make next.
    aim: Option<u32>,
}

impl Plan {
    pub fn new(n: usize) -> Result<Plan> {
        let mut seed = Zeroizing::new([0u8; 32]);
        os_random(seed.as_mut())?;
        let key = HmacSha256::new_from_slice(seed.as_ref())
            .map_err(|_| Error::internal("an HMAC key was refused"))?;
        Ok(Plan {
            key,
            order: Vec::with_capacity(n),
            next: 0,
            aim: None,
        })
    }

    pub fn aim(&mut self, i: u32) {
        self.aim = Some(i);
    }

    /// Records token `i`'s place in the index; `key` is big-endian, so
    /// that its order is the index's byte order.
    pub fn place(&mut self, key: [u8; 4], i: u32) {
        self.order
            .push(u64::from(u32::from_be_bytes(key)) << 32 | u64::from(i));
    }

    pub fn sort(&mut self) {
        self.order.sort_unstable();
    }

    pub fn left(&self) -> usize {
        self.order.len() - self.next
    }

    /// The token being drawn for the plan, else the next in its order;
    /// `None` once it is used up.
    pub fn next_token(&mut self) -> Option<Token> {
        let i = match self.aim.take() {
            Some(i) => i,
            None => {
                let i = *self.order.get(self.next)? as u32;
                self.next += 1;
                i
            }
        };
        Some(self.token(i))
    }

    fn token(&self, i: u32) -> Token {
        let mut mac = self.key.clone();
        mac.update(&i.to_le_bytes());
        let mut bytes = mac.finalize().into_bytes();
        let token = Token::from_bytes(&bytes[..HEX_LEN / 2]);
        bytes.as_mut_slice().zeroize();
        token
    }
}

/// The leading bytes of what an index orders by, as a plan keeps them.
pub fn leading(value: &[u8]) -> [u8; 4] {
    let mut key = [0u8; 4];
    let n = value.len().min(4);
    key[..n].copy_from_slice(&value[..n]);
    key
}
