//! The file's values as the app reads them. Laravel reads its keys through
//! `env()`, which gives words meaning; other apps read the plain value.

use zeroize::Zeroize;

/// What the dotenv file left set, wiped from memory when dropped: the
/// values hold passwords.
pub(super) struct Vars(Vec<(String, String)>);

impl Vars {
    pub(super) fn new(vars: Vec<(String, String)>) -> Vars {
        Vars(vars)
    }

    /// The value as the file set it, if it set one.
    pub(super) fn raw(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A plain value (Rails, Better Auth): an empty one counts as unset.
    pub(super) fn plain(&self, key: &str) -> Option<&str> {
        self.raw(key).filter(|v| !v.is_empty())
    }

    /// The value through Laravel's `env()` (`Illuminate\Support\Env::get`):
    /// `null`/`(null)` in any case is no value; `empty`/`(empty)` is "";
    /// `true`/`(true)` and `false`/`(false)` become booleans, here the
    /// strings PHP casts them to ("1" and ""); otherwise one pair of
    /// matching surrounding quotes is taken off (when no line break is
    /// inside, as its regex `\A(['"])(.*)\1\z` wants).
    pub(super) fn env(&self, key: &str) -> Option<String> {
        let value = self.raw(key)?;
        match value.to_ascii_lowercase().as_str() {
            "null" | "(null)" => return None,
            "empty" | "(empty)" | "false" | "(false)" => return Some(String::new()),
            "true" | "(true)" => return Some("1".into()),
            _ => {}
        }
        Some(unquoted(value).to_string())
    }

    /// `env()`, an empty value counting as unset: what a key that names a
    /// host, a user or an address means when empty.
    pub(super) fn env_set(&self, key: &str) -> Option<String> {
        self.env(key).filter(|v| !v.is_empty())
    }

    /// Those of `keys` the file sets, in that order: what a value was made
    /// from, for `doctor`.
    pub(super) fn present(&self, keys: &[&'static str]) -> Vec<&'static str> {
        keys.iter()
            .copied()
            .filter(|k| self.raw(k).is_some())
            .collect()
    }
}

fn unquoted(value: &str) -> &str {
    let b = value.as_bytes();
    let quoted = b.len() >= 2
        && matches!(b[0], b'\'' | b'"')
        && b[b.len() - 1] == b[0]
        && !value[1..value.len() - 1].contains('\n');
    if quoted {
        &value[1..value.len() - 1]
    } else {
        value
    }
}

impl Drop for Vars {
    fn drop(&mut self) {
        for (_, v) in &mut self.0 {
            v.zeroize();
        }
    }
}
