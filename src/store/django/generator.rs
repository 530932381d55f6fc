//! Django's `PasswordResetTokenGenerator`, step for step: a token is the
//! time stamp in base 36, a dash, and every other hex digit of an HMAC
//! (keyed with SHA-256 of a fixed salt and the secret) of the user's id,
//! password hash, `last_login`, the stamp and the email, then whatever the
//! site adds (django-allauth: the user's email addresses). The stamp
//! counts seconds since 2001 on the app's wall clock (`TIME_ZONE`).

use base64ct::{Base64UrlUnpadded, Encoding};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::db::UserRow;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::user::UserId;

const KEY_SALT: &str = "django.contrib.auth.tokens.PasswordResetTokenGenerator";

/// What a Django token is made from, read from the user's row.
pub struct Made {
    pub row: UserRow,
    pub password: String,
    /// `last_login` as Django puts it in the token: whole seconds, no zone.
    pub last_login: String,
    pub email: String,
    /// What the site appends to Django's hashed value (its
    /// `_make_hash_value`): empty for Django itself.
    pub extra: String,
}

/// The key, the older keys still accepted, the lifetime and the clock.
pub struct Generator {
    /// As `framework` names the site, for the messages.
    pub framework: &'static str,
    pub secret: Option<Secret>,
    pub fallbacks: Vec<Secret>,
    pub timeout: TimeDelta,
    pub zone: Tz,
}

impl Generator {
    /// Seconds from 2001-01-01 to `t` on the app's clock, as Django counts.
    pub fn seconds(&self, t: DateTime<Utc>) -> i64 {
        let wall = crate::clock::wall_clock(t, self.zone);
        let epoch = NaiveDate::from_ymd_opt(2001, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default();
        (wall - epoch).num_seconds()
    }

    /// The stamp of a token made at `now` that Django refuses from
    /// `expires` on. Django accepts a token while its age on the app's
    /// clock is at most the timeout, so the stamp is one second less than
    /// the wall-clock time of `expires` minus the timeout. Where a clock
    /// turned back between now and then shows `expires` before it shows
    /// `now`, the link lives the ttl on the wall clock instead: a stamp
    /// for `expires` would be refused from the start.
    pub fn stamp(&self, expires: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
        let (at_expiry, at_now) = (self.seconds(expires), self.seconds(now));
        let refused_at = if at_expiry > at_now {
            at_expiry
        } else {
            at_now + (expires - now).num_seconds().max(1)
        };
        refused_at - self.timeout.num_seconds() - 1
    }

    /// When a token stamped `ts` and made at `from` stops working: the
    /// first moment from then at which its age on the app's clock exceeds
    /// the timeout. Django itself takes a token again while a clock turned
    /// back repeats an hour; resetctl never brings one back.
    pub fn expiry(&self, ts: i64, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let refused = self
            .wall(ts)?
            .checked_add_signed(self.timeout)?
            .checked_add_signed(TimeDelta::seconds(1))?;
        Some(crate::clock::first_reaching(self.zone, refused, from))
    }

    /// When a token of unknown origin stamped `ts` was made, at the latest
    /// by `now`: the last moment the app's clock showed the stamp (Django
    /// stamps a token with the time it makes it).
    pub fn made_at(&self, ts: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        Some(crate::clock::last_showing(self.zone, self.wall(ts)?, now))
    }

    /// A stamp as the app's wall clock shows it.
    fn wall(&self, ts: i64) -> Option<chrono::NaiveDateTime> {
        NaiveDate::from_ymd_opt(2001, 1, 1)?
            .and_hms_opt(0, 0, 0)?
            .checked_add_signed(TimeDelta::try_seconds(ts)?)
    }

    pub fn secret(&self) -> Result<&Secret> {
        self.secret
            .as_ref()
            .ok_or_else(|| super::no_secret(self.framework))
    }

    /// `_make_token_with_timestamp`: the stamp in base 36, a dash, and
    /// every other hex digit of the salted HMAC of the row.
    pub fn make(&self, m: &Made, ts: i64, secret: &Secret) -> Result<String> {
        let key = Sha256::new()
            .chain_update(KEY_SALT)
            .chain_update(secret.expose())
            .finalize();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
            .map_err(|e| Error::internal(format!("HMAC key: {e}")))?;
        mac.update(
            format!(
                "{}{}{}{ts}{}{}",
                m.row.user.id, m.password, m.last_login, m.email, m.extra
            )
            .as_bytes(),
        );
        let hex = crate::token::lower_hex(&mac.finalize().into_bytes());
        let half: String = hex.chars().step_by(2).collect();
        Ok(format!("{}-{half}", base36(ts)))
    }

    /// `check_token`, apart from the timeout: the key or a fallback made it.
    pub fn made_by_a_key(&self, m: &Made, token: &str) -> Result<Option<i64>> {
        let Some((stamp, _)) = token.split_once('-') else {
            return Ok(None);
        };
        let Some(ts) = from_base36(stamp) else {
            return Ok(None);
        };
        for secret in std::iter::once(self.secret()?).chain(&self.fallbacks) {
            let made = self.make(m, ts, secret)?;
            if subtle_eq(made.as_bytes(), token.as_bytes()) {
                return Ok(Some(ts));
            }
        }
        Ok(None)
    }
}

/// Django's `str(last_login.replace(microsecond=0, tzinfo=None))`: the
/// stored time to the second, `YYYY-MM-DD HH:MM:SS`, in UTC when it has an
/// offset.
pub fn login_text(stored: &str) -> String {
    let s = stored.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
        return t
            .with_timezone(&Utc)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
    }
    s.get(..19).unwrap_or(s).replacen('T', " ", 1)
}

/// Django's `int_to_base36`.
pub fn base36(mut n: i64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n <= 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Django's `base36_to_int`, which refuses more than 13 digits.
pub fn from_base36(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 13 {
        return None;
    }
    i64::from_str_radix(s, 36).ok()
}

/// Equal bytes, compared in time that does not depend on where they differ.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Django's `urlsafe_base64_encode(force_bytes(user.pk))`: the id's text
/// (a UUID's `str()` is its canonical text).
pub fn uid(id: &UserId) -> String {
    Base64UrlUnpadded::encode_string(id.text().as_bytes())
}

/// The id's text a uid carries; the users table reads it as its ids are.
pub fn id_of_uid(uid: &str) -> Option<String> {
    let bytes = Base64UrlUnpadded::decode_vec(uid.trim_end_matches('=')).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user::User;

    fn generator(zone: &str) -> Generator {
        Generator {
            framework: "django",
            secret: Some(Secret::new("django-insecure-resetctl-test-vector")),
            fallbacks: vec![Secret::new("an-older-key")],
            timeout: TimeDelta::days(3),
            zone: zone.parse().unwrap(),
        }
    }

    fn made(last_login: &str) -> Made {
        Made {
            row: UserRow {
                user: User {
                    id: UserId::Int(42),
                    username: Some("alice".into()),
                    email: Some("alice@example.com".into()),
                },
                password_fingerprint: String::new(),
            },
            password: "pbkdf2_sha256$1000000$salt$hash=".into(),
            last_login: last_login.into(),
            email: "alice@example.com".into(),
            extra: String::new(),
        }
    }

    /// Made by Django 6.1's own `salted_hmac` and `int_to_base36` over
    /// the same value `_make_hash_value` builds.
    #[test]
    fn makes_djangos_tokens() {
        let g = generator("UTC");
        let secret = g.secret.clone().unwrap();
        let m = made("2026-11-21 10:00:00");
        assert_eq!(
            g.make(&m, 820_000_000, &secret).unwrap(),
            "dk7g1s-e8f33d6edd1f588936273d746de2e919"
        );
        assert_eq!(
            g.make(&made(""), 820_000_000, &secret).unwrap(),
            "dk7g1s-1e60dffb730b0d622dc0d9c4aba56daf"
        );
        assert_eq!(
            g.made_by_a_key(&m, "dk7g1s-e8f33d6edd1f588936273d746de2e919")
                .unwrap(),
            Some(820_000_000)
        );
        let old = g.make(&m, 5, &Secret::new("an-older-key")).unwrap();
        assert_eq!(g.made_by_a_key(&m, &old).unwrap(), Some(5));
        assert_eq!(g.made_by_a_key(&m, "dk7g1s-00").unwrap(), None);
        assert_eq!(g.made_by_a_key(&m, "nodash").unwrap(), None);
    }

    /// Made by django-allauth 65.22's `EmailAwarePasswordResetTokenGenerator`
    /// for the same row with three addresses (its hashed value ends
    /// `...alice@example.comZed@example.com|alice@example.com|bob@example.com`).
    #[test]
    fn makes_allauths_keys_with_the_addresses_appended() {
        let g = generator("UTC");
        let secret = g.secret.clone().unwrap();
        let mut m = made("2026-11-21 10:00:00");
        m.extra = "Zed@example.com|alice@example.com|bob@example.com".into();
        assert_eq!(
            g.make(&m, 820_000_000, &secret).unwrap(),
            "dk7g1s-0bb9634f2b6c8f7e1a6feca78af0e0db"
        );
    }

    #[test]
    fn base36_as_django_writes_it() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
        assert_eq!(from_base36("10"), Some(36));
        assert_eq!(from_base36("00000000000000"), None);
    }

    #[test]
    fn uids_are_unpadded_urlsafe_base64_of_the_id() {
        assert_eq!(uid(&UserId::Int(42)), "NDI");
        assert_eq!(uid(&UserId::Int(1)), "MQ");
        assert_eq!(id_of_uid("NDI").as_deref(), Some("42"));
        assert_eq!(id_of_uid("!!"), None);
        let uuid = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
        let bytes = crate::user_id::uuid_bytes(uuid).unwrap().to_vec();
        assert_eq!(
            id_of_uid(&uid(&UserId::Bytes(bytes))).as_deref(),
            Some(uuid)
        );
    }

    #[test]
    fn last_login_to_the_second() {
        assert_eq!(
            login_text("2026-11-21 10:00:00.123456"),
            "2026-11-21 10:00:00"
        );
        assert_eq!(
            login_text("2026-11-21 11:00:00+01:00"),
            "2026-11-21 10:00:00"
        );
    }

    #[test]
    fn a_stamp_is_seconds_on_the_apps_clock() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        let utc = generator("UTC").seconds(at);
        // Chicago is six hours behind UTC in November.
        assert_eq!(utc - generator("America/Chicago").seconds(at), 6 * 3600);
        let g = generator("UTC");
        let issued = at - TimeDelta::hours(1);
        assert_eq!(g.expiry(g.stamp(at, issued), issued), Some(at));
        // Refused one second after its age reaches the timeout, as Django does.
        assert_eq!(
            g.expiry(utc - 259_200, issued),
            Some(at + TimeDelta::seconds(1))
        );
        assert_eq!(g.expiry(i64::MAX, issued), None);
        // Chicago turns its clock back at 07:00Z on 2026-11-01: a link made
        // at 06:00Z (01:00 CDT) for an hour would end at 01:00 CST, which
        // the clock has shown already; it lives an hour on the wall clock.
        let c = generator("America/Chicago");
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let made = t("2026-11-01T06:00:00Z");
        let ts = c.stamp(made + TimeDelta::hours(1), made);
        assert_eq!(c.expiry(ts, made), Some(t("2026-11-01T08:00:00Z")));
        // Made in the repeated hour, for 30 minutes: refused at the second
        // 01:35, not the first.
        let repeat = t("2026-11-01T07:05:00Z");
        let ts = c.stamp(repeat + TimeDelta::minutes(30), repeat);
        assert_eq!(c.expiry(ts, repeat), Some(t("2026-11-01T07:35:00Z")));
    }
}
