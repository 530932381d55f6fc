//! Where tokens come from: the OS CSPRNG, or for a bulk run a plan that
//! hands them out in the order of the token index (`plan.rs`).

use zeroize::{Zeroize, Zeroizing};

use super::plan::{Plan, WINDOW, leading};
use super::{HEX_LEN, MAX_LEN, Token, os_random};
use crate::error::{Error, Result};

/// Tokens for one command. Each is 32 bytes straight from the OS CSPRNG,
/// used once, unless a bulk run planned them (`plan.rs`: HMAC-SHA256 under
/// a key the OS drew); they are only fetched 128 at a time, because one
/// system call per token was a measurable share of a million-user run.
/// Bytes are wiped as they are handed out and when the source is dropped.
pub struct TokenSource {
    pool: Zeroizing<[u8; TokenSource::POOL]>,
    used: usize,
    plan: Option<Plan>,
}

impl Default for TokenSource {
    fn default() -> TokenSource {
        TokenSource::new()
    }
}

impl TokenSource {
    const POOL: usize = 128 * HEX_LEN / 2;

    pub fn new() -> TokenSource {
        TokenSource {
            pool: Zeroizing::new([0u8; TokenSource::POOL]),
            used: TokenSource::POOL,
            plan: None,
        }
    }

    /// Plans the next `n` tokens (at most `WINDOW`) of `next_token`:
    /// `index_key` draws one as its store would and says what the store's
    /// index orders by for it, or `None` when it orders by nothing the
    /// token decides (then tokens stay drawn as they come).
    pub fn plan(
        &mut self,
        n: usize,
        mut index_key: impl FnMut(&mut TokenSource) -> Result<Option<Vec<u8>>>,
    ) -> Result<()> {
        self.plan = None;
        // A store whose index no token orders says so at once, before a
        // plan is keyed and sized for nothing.
        if index_key(self)?.is_none() {
            return Ok(());
        }
        let n = n.min(WINDOW);
        self.plan = Some(Plan::new(n)?);
        for i in 0..n as u32 {
            if let Some(plan) = &mut self.plan {
                plan.aim(i);
            }
            let Some(key) = index_key(self)? else {
                self.plan = None;
                return Ok(());
            };
            if let Some(plan) = &mut self.plan {
                plan.place(leading(&key), i);
            }
        }
        if let Some(plan) = &mut self.plan {
            plan.sort();
        }
        Ok(())
    }

    /// Planned tokens not handed out yet.
    pub fn planned(&self) -> usize {
        self.plan.as_ref().map_or(0, Plan::left)
    }

    pub fn next_token(&mut self) -> Result<Token> {
        if let Some(token) = self.plan.as_mut().and_then(Plan::next_token) {
            return Ok(token);
        }
        if self.used == TokenSource::POOL {
            os_random(self.pool.as_mut())?;
            self.used = 0;
        }
        let bytes = &mut self.pool[self.used..self.used + HEX_LEN / 2];
        let token = Token::from_bytes(bytes);
        bytes.zeroize();
        self.used += HEX_LEN / 2;
        Ok(token)
    }

    /// A token of `len` characters (at most `MAX_LEN`) drawn uniformly
    /// from `alphabet` (at most 256 characters, ASCII), for applications
    /// whose own tokens have that shape. A byte at or above the largest
    /// multiple of the alphabet's size is dropped, so no character is
    /// likelier than another.
    pub fn next_text(&mut self, alphabet: &[u8], len: usize) -> Result<Token> {
        let size = alphabet.len();
        if size == 0 || size > 256 || len > MAX_LEN || !alphabet.is_ascii() {
            return Err(Error::internal("a token alphabet or length out of bounds"));
        }
        let limit = 256 - 256 % size;
        let mut text = Zeroizing::new([0u8; MAX_LEN]);
        let mut filled = 0;
        while filled < len {
            if self.used == TokenSource::POOL {
                os_random(self.pool.as_mut())?;
                self.used = 0;
            }
            let b = usize::from(self.pool[self.used]);
            self.pool[self.used] = 0;
            self.used += 1;
            if b < limit {
                text[filled] = alphabet[b % size];
                filled += 1;
            }
        }
        Ok(Token {
            text,
            len: len as u8,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn a_token_source_hands_out_distinct_tokens_and_wipes_what_it_gave() {
        let mut source = TokenSource::new();
        let tokens: Vec<String> = (0..300)
            .map(|_| source.next_token().unwrap().expose().to_string())
            .collect();
        let distinct: HashSet<&String> = tokens.iter().collect();
        assert_eq!(distinct.len(), 300, "no token handed out twice");
        assert!(tokens.iter().all(
            |t| t.len() == HEX_LEN && t.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
        ));
        // 300 = two whole pools and 44 tokens of the third.
        let given = 44 * HEX_LEN / 2;
        assert!(
            source.pool[..given].iter().all(|&b| b == 0),
            "handed-out bytes wiped"
        );
        assert!(
            source.pool[given..].iter().any(|&b| b != 0),
            "the rest still unused"
        );
    }

    #[test]
    fn text_tokens_have_the_alphabet_and_length_asked_for() {
        const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut source = TokenSource::new();
        let mut seen = HashSet::new();
        let mut counts = [0u32; 62];
        for _ in 0..2000 {
            let t = source.next_text(ALNUM, 24).unwrap();
            assert_eq!(t.expose().len(), 24);
            for b in t.expose().bytes() {
                counts[ALNUM.iter().position(|&c| c == b).unwrap()] += 1;
            }
            assert!(seen.insert(t.expose().to_string()), "no token twice");
        }
        // 48,000 characters, about 774 each: every one drawn, none favoured.
        assert!(
            counts.iter().all(|&n| (550..1000).contains(&n)),
            "{counts:?}"
        );
        assert!(source.next_text(b"", 24).is_err());
        assert!(source.next_text(ALNUM, MAX_LEN + 1).is_err());
    }

    fn sha256_key(source: &mut TokenSource) -> Result<Option<Vec<u8>>> {
        Ok(Some(source.next_token()?.sha256_hex().into_bytes()))
    }

    #[test]
    fn planned_tokens_come_in_the_order_of_their_digests_then_from_the_os() {
        let mut source = TokenSource::new();
        source.plan(1000, sha256_key).unwrap();
        assert_eq!(source.planned(), 1000);
        let tokens: Vec<Token> = (0..1200).map(|_| source.next_token().unwrap()).collect();
        assert_eq!(source.planned(), 0);
        let digests: Vec<String> = tokens.iter().map(Token::sha256_hex).collect();
        let leads: Vec<&str> = digests[..1000].iter().map(|d| &d[..4]).collect();
        assert!(
            leads.windows(2).all(|w| w[0] <= w[1]),
            "planned ones sorted"
        );
        assert!(
            leads[1000 - 1] > "f000" && leads[0] < "1000",
            "spread over the whole range"
        );
        let distinct: HashSet<&str> = tokens.iter().map(Token::expose).collect();
        assert_eq!(distinct.len(), 1200);
        assert!(
            tokens
                .iter()
                .all(|t| t.expose().len() == HEX_LEN && is_lower_hex(t.expose()))
        );
    }

    #[test]
    fn a_run_plans_again_once_its_plan_is_used_up() {
        let mut source = TokenSource::new();
        source.plan(100, sha256_key).unwrap();
        let mut drawn: Vec<String> = (0..100)
            .map(|_| source.next_token().unwrap().expose().to_string())
            .collect();
        source.plan(60, sha256_key).unwrap();
        assert_eq!(source.planned(), 60);
        let again: Vec<Token> = (0..60).map(|_| source.next_token().unwrap()).collect();
        let digests: Vec<String> = again.iter().map(Token::sha256_hex).collect();
        assert!(digests.windows(2).all(|w| w[0][..4] <= w[1][..4]));
        drawn.extend(again.iter().map(|t| t.expose().to_string()));
        assert_eq!(drawn.iter().collect::<HashSet<_>>().len(), 160);
    }

    #[test]
    fn two_plans_draw_different_tokens() {
        let draw = || {
            let mut source = TokenSource::new();
            source.plan(50, sha256_key).unwrap();
            (0..50)
                .map(|_| source.next_token().unwrap().expose().to_string())
                .collect::<HashSet<_>>()
        };
        assert!(draw().is_disjoint(&draw()));
    }

    #[test]
    fn a_store_whose_index_follows_no_token_gets_no_plan() {
        let mut source = TokenSource::new();
        source.plan(100, |_| Ok(None)).unwrap();
        assert_eq!(source.planned(), 0);
        assert_eq!(source.next_token().unwrap().expose().len(), HEX_LEN);
    }

    fn is_lower_hex(s: &str) -> bool {
        s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    }
}
