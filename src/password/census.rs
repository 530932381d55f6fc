//! `format = "auto"`: what a sample of the table's password hashes says
//! the application verifies. Each stored hash names its own scheme (the way
//! Django's `identify_hasher` reads a prefix); the scheme most of them use,
//! with the parameters most of those use, is what `redeem` writes.

use std::collections::BTreeMap;
use std::fmt;

use super::scheme::{Argon2Cost, BCRYPT_FLOOR, BcryptPrefix, PBKDF2_FLOOR, Scheme};
use crate::error::{Error, Result};

/// What `auto` reads: the newest users' hashes, enough to see what the
/// application writes today. Rows without a hash (SSO or invited users,
/// often the newest) are passed over, but never more than `rows` of them
/// are looked at, so the read costs the same on any table.
#[derive(Debug, Clone, Copy)]
pub struct SampleSize {
    /// At most this many of the newest users are looked at...
    pub rows: usize,
    /// ...and of those, the first this many holding a hash are read.
    pub hashes: usize,
}

pub const SAMPLE: SampleSize = SampleSize {
    rows: 100_000,
    hashes: 1_000,
};

/// What one stored password value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// NULL or empty: no password set.
    Empty,
    /// Django's `!...` marker for an account that cannot log in.
    Unusable,
    /// A hash resetctl can write again.
    Writable(Scheme),
    /// Anything else, by a short name that is never part of the hash itself.
    Other(String),
}

/// Reads what kind of hash `stored` is.
pub fn identify(stored: &str) -> Seen {
    let s = stored.trim();
    if s.is_empty() {
        return Seen::Empty;
    }
    if s.starts_with('!') {
        return Seen::Unusable;
    }
    if let Some(scheme) = bcrypt(s)
        .or_else(|| argon2(s, false))
        .or_else(|| s.strip_prefix("argon2").and_then(|rest| argon2(rest, true)))
        .or_else(|| django_pbkdf2(s))
        .or_else(|| super::scrypt::is_hash(s).then_some(Scheme::BetterAuthScrypt))
    {
        return Seen::Writable(scheme);
    }
    Seen::Other(label(s))
}

/// `$2b$12$` + 53 characters of bcrypt's base64.
fn bcrypt(s: &str) -> Option<Scheme> {
    let b = s.as_bytes();
    if b.len() != 60 || b[0] != b'$' || b[3] != b'$' || b[6] != b'$' {
        return None;
    }
    let prefix = match &s[1..3] {
        "2a" => BcryptPrefix::TwoA,
        "2b" => BcryptPrefix::TwoB,
        "2y" => BcryptPrefix::TwoY,
        _ => return None,
    };
    let cost: u32 = s[4..6].parse().ok().filter(|c| (4..=31).contains(c))?;
    let body_ok = b[7..]
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'.' || c == b'/');
    body_ok.then_some(Scheme::Bcrypt { prefix, cost })
}

/// `$argon2id$v=19$m=..,t=..,p=..$salt$hash`. Argon2i and Argon2d are
/// left to `label`: an app that checks the variant would refuse Argon2id.
fn argon2(s: &str, django: bool) -> Option<Scheme> {
    let mut parts = s.split('$');
    let (empty, variant, version, params) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let (salt, hash) = (parts.next()?, parts.next()?);
    if !empty.is_empty()
        || variant != "argon2id"
        || version != "v=19"
        || salt.is_empty()
        || hash.is_empty()
        || parts.next().is_some()
    {
        return None;
    }
    let mut cost = Argon2Cost {
        m_cost: 0,
        t_cost: 0,
        p_cost: 0,
    };
    for kv in params.split(',') {
        let (k, v) = kv.split_once('=')?;
        let v: u32 = v.parse().ok()?;
        match k {
            "m" => cost.m_cost = v,
            "t" => cost.t_cost = v,
            "p" => cost.p_cost = v,
            _ => return None,
        }
    }
    // Bounds of the Argon2 specification and of a machine that can run it.
    let plausible = (8..=4 * 1024 * 1024).contains(&cost.m_cost)
        && (1..=64).contains(&cost.t_cost)
        && (1..=64).contains(&cost.p_cost);
    plausible.then_some(Scheme::Argon2id { cost, django })
}

/// Django's `pbkdf2_sha256$<iterations>$<salt>$<base64>`.
fn django_pbkdf2(s: &str) -> Option<Scheme> {
    let mut parts = s.split('$');
    if parts.next()? != "pbkdf2_sha256" {
        return None;
    }
    let iterations: u32 = parts.next()?.parse().ok()?;
    let (salt, hash) = (parts.next()?, parts.next()?);
    // More than 100 million iterations would take minutes: not an app's hash.
    let ok = (1..=100_000_000).contains(&iterations)
        && !salt.is_empty()
        && !hash.is_empty()
        && parts.next().is_none();
    ok.then_some(Scheme::DjangoPbkdf2 { iterations })
}

/// A name for a hash resetctl does not write, taken from its prefix only
/// (`md5`, `sha1`, `$6$`, `{SSHA}`, `argon2i`), so no part of the hash
/// itself is ever shown.
fn label(s: &str) -> String {
    let tidy = |name: &str| {
        (!name.is_empty()
            && name.len() <= 24
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        .then(|| name.to_string())
    };
    let found = if let Some(rest) = s.strip_prefix('$') {
        rest.split('$')
            .next()
            .and_then(tidy)
            .map(|n| format!("${n}$"))
    } else if let Some(rest) = s.strip_prefix('{') {
        rest.split('}')
            .next()
            .and_then(tidy)
            .map(|n| format!("{{{n}}}"))
    } else if let Some(at) = s.find(['$', ':']) {
        tidy(&s[..at])
    } else {
        None
    };
    found.unwrap_or_else(|| "unrecognised".to_string())
}

/// What a sample held.
#[derive(Debug, Clone, Default)]
pub struct Census {
    /// Rows read.
    pub sampled: usize,
    /// Rows without a password, or with an unusable one.
    pub without_hash: usize,
    /// Hashes by family (a format name, or the label of a kind resetctl
    /// does not write), most common first once the sample is complete.
    pub families: Vec<(String, usize)>,
    /// The hashes resetctl can write again, for their parameters.
    writable: Vec<Scheme>,
}

impl Census {
    /// Counts one stored value. Called once per sampled row, so nothing is
    /// allocated for the hashes an application normally holds.
    pub fn add(&mut self, value: Option<&str>) {
        self.sampled += 1;
        let family = match identify(value.unwrap_or("")) {
            Seen::Empty | Seen::Unusable => {
                self.without_hash += 1;
                return;
            }
            Seen::Writable(scheme) => {
                self.writable.push(scheme);
                std::borrow::Cow::Borrowed(scheme.format_name())
            }
            Seen::Other(name) => std::borrow::Cow::Owned(name),
        };
        match self.families.iter_mut().find(|(f, _)| *f == family) {
            Some((_, n)) => *n += 1,
            None => self.families.push((family.into_owned(), 1)),
        }
    }

    /// A census of the values, in order.
    pub fn of<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Census {
        let mut census = Census::default();
        for v in values {
            census.add(v);
        }
        census
    }

    pub fn hashes(&self) -> usize {
        self.families.iter().map(|(_, n)| n).sum()
    }

    /// The most common hash the sample held that resetctl can write, with
    /// its parameters as found (before any floor): what `doctor` reports.
    pub fn found(&self) -> Option<Scheme> {
        (!self.writable.is_empty()).then(|| most_common(&self.writable))
    }

    /// The scheme to write: `None` when there are no hashes at all yet.
    /// No family holding more than half the hashes, or a winner resetctl
    /// cannot write, is a configuration error (78) saying what was seen.
    pub fn choose(&mut self) -> Result<Option<Scheme>> {
        self.families
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let Some((leader, count)) = self.families.first() else {
            return Ok(None);
        };
        let total = self.hashes();
        let hint = "set [password] format in the config file to the scheme the application verifies: argon2id, bcrypt, django-pbkdf2, django-argon2 or better-auth-scrypt";
        if count * 2 <= total {
            return Err(Error::config(format!(
                "password.format = auto found no clear majority among {total} password hashes: {self}"
            ))
            .with_hint(hint));
        }
        let winners: Vec<Scheme> = self
            .writable
            .iter()
            .filter(|s| s.format_name() == leader)
            .copied()
            .collect();
        if winners.is_empty() {
            return Err(Error::config(format!(
                "password.format = auto: most password hashes are of a kind resetctl does not write ({self})"
            ))
            .with_hint(hint));
        }
        Ok(Some(floored(most_common(&winners))))
    }
}

/// "998 bcrypt, 2 md5" (and how many rows had no password).
impl fmt::Display for Census {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .families
            .iter()
            .map(|(name, n)| format!("{n} {name}"))
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// The most frequent scheme (parameters included); among equals, the
/// strongest, so a tie never lowers the cost.
fn most_common(schemes: &[Scheme]) -> Scheme {
    let mut counts: BTreeMap<Key, (usize, Scheme)> = BTreeMap::new();
    for s in schemes {
        counts.entry(Key::of(s)).or_insert((0, *s)).0 += 1;
    }
    let best = counts
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| a.0.cmp(b.0)));
    best.map_or(schemes[0], |(_, (_, s))| *s)
}

/// Orders schemes of one family by strength, for tie-breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Argon2(u32, u32, u32),
    Bcrypt(u32, BcryptPrefix),
    Pbkdf2(u32),
    Scrypt,
}

impl Key {
    fn of(s: &Scheme) -> Key {
        match *s {
            Scheme::Argon2id { cost, .. } => Key::Argon2(cost.m_cost, cost.t_cost, cost.p_cost),
            Scheme::Bcrypt { prefix, cost } => Key::Bcrypt(cost, prefix),
            Scheme::DjangoPbkdf2 { iterations } => Key::Pbkdf2(iterations),
            Scheme::BetterAuthScrypt => Key::Scrypt,
        }
    }
}

/// Raises what the table uses to the floors, never lowers it.
fn floored(s: Scheme) -> Scheme {
    match s {
        Scheme::Argon2id { cost, django } => {
            let floor = Argon2Cost::default();
            Scheme::Argon2id {
                cost: Argon2Cost {
                    m_cost: cost.m_cost.max(floor.m_cost),
                    t_cost: cost.t_cost.max(floor.t_cost),
                    p_cost: cost.p_cost.max(floor.p_cost),
                },
                django,
            }
        }
        Scheme::Bcrypt { prefix, cost } => Scheme::Bcrypt {
            prefix,
            cost: cost.max(BCRYPT_FLOOR),
        },
        Scheme::DjangoPbkdf2 { iterations } => Scheme::DjangoPbkdf2 {
            iterations: iterations.max(PBKDF2_FLOOR),
        },
        // Its parameters are fixed: there is nothing to raise.
        Scheme::BetterAuthScrypt => s,
    }
}

#[cfg(test)]
mod tests;
