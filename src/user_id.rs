//! A user's id as the application keys its users table: an integer, text
//! (random strings, ULIDs, UUIDs kept as text), a UUID kept as its 32 hex
//! digits, or bytes (a UUID kept in 16 binary bytes). Every id has one
//! canonical text: the integer in decimal, the text as stored, a UUID (in
//! hex digits or 16 bytes) as a lower-case 8-4-4-4-12 UUID. That text
//! is what people see, what the password fingerprint is salted with, what
//! Django's link carries and what the audit table keeps of an id that is
//! not an integer.

use std::fmt;

/// One user's id, in the form the database holds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UserId {
    Int(i64),
    Text(String),
    /// A UUID as its 32 hex digits, as the column holds them.
    HexUuid(String),
    Bytes(Vec<u8>),
}

/// What the mapped id column holds, as its type says: how a typed id is
/// turned into a `UserId` and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdKind {
    #[default]
    Integer,
    Text,
    /// A UUID type of the engine's own: read and bound as its text.
    Uuid,
    /// A UUID kept as 32 hex digits in a `char(32)` column, as Django keeps
    /// a `UUIDField` where the engine has no UUID type: bound as the
    /// digits, known (hashed, linked, audited) by its canonical text, as
    /// the app's own `str(user.pk)` has it.
    HexUuid,
    /// A UUID in 16 binary bytes (or any blob).
    Bytes,
}

impl UserId {
    /// The id's canonical text.
    pub fn text(&self) -> String {
        self.to_string()
    }

    /// The integer, for an integer id.
    pub fn int(&self) -> Option<i64> {
        match self {
            UserId::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// An id typed (or read back as text) where ids are of `kind`; `None`
    /// when no id of that kind is written so.
    pub fn parse(kind: IdKind, s: &str) -> Option<UserId> {
        match kind {
            IdKind::Integer => s.parse().ok().map(UserId::Int),
            IdKind::Text => (!s.is_empty()).then(|| UserId::Text(s.to_string())),
            IdKind::Uuid => uuid_bytes(s).map(|b| UserId::Text(uuid_text(&b))),
            IdKind::HexUuid => uuid_bytes(s).map(|b| UserId::HexUuid(hex::encode(b))),
            IdKind::Bytes => uuid_bytes(s).map(|b| UserId::Bytes(b.to_vec())),
        }
    }
}

impl IdKind {
    /// Whether `s` has the shape of an id of this kind, so that a USER
    /// argument of that shape names a user by id.
    pub fn shaped_like_id(self, s: &str) -> bool {
        match self {
            IdKind::Integer => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
            IdKind::Text | IdKind::Uuid | IdKind::HexUuid | IdKind::Bytes => {
                uuid_bytes(s).is_some()
            }
        }
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserId::Int(n) => write!(f, "{n}"),
            UserId::Text(s) => f.write_str(s),
            UserId::HexUuid(s) => match uuid_bytes(s) {
                Some(uuid) => f.write_str(&uuid_text(&uuid)),
                None => f.write_str(s),
            },
            UserId::Bytes(b) => match <&[u8; 16]>::try_from(b.as_slice()) {
                Ok(uuid) => f.write_str(&uuid_text(uuid)),
                Err(_) => f.write_str(&crate::token::lower_hex(b)),
            },
        }
    }
}

/// A number for an integer id (as before ids of other types), else its
/// canonical text.
impl serde::Serialize for UserId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            UserId::Int(n) => s.serialize_i64(*n),
            other => s.serialize_str(&other.text()),
        }
    }
}

/// The 16 bytes of a UUID written 8-4-4-4-12 or as 32 hex digits, in
/// either case.
pub fn uuid_bytes(s: &str) -> Option<[u8; 16]> {
    let b = s.as_bytes();
    let hex: Vec<u8> = match b.len() {
        36 if [8, 13, 18, 23].iter().all(|&i| b[i] == b'-') => {
            b.iter().copied().filter(|&c| c != b'-').collect()
        }
        32 => b.to_vec(),
        _ => return None,
    };
    let mut out = [0u8; 16];
    hex::decode_to_slice(&hex, &mut out).ok()?;
    Some(out)
}

/// A UUID's canonical text: lower case, 8-4-4-4-12.
pub fn uuid_text(b: &[u8; 16]) -> String {
    let h = crate::token::lower_hex(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

    #[test]
    fn canonical_text_of_each_form() {
        assert_eq!(UserId::Int(42).text(), "42");
        assert_eq!(UserId::Text("abc".into()).text(), "abc");
        let bytes = uuid_bytes(UUID).unwrap();
        assert_eq!(UserId::Bytes(bytes.to_vec()).text(), UUID);
        assert_eq!(UserId::Bytes(vec![1, 2]).text(), "0102");
    }

    #[test]
    fn parsed_as_the_column_holds_ids() {
        assert_eq!(UserId::parse(IdKind::Integer, "42"), Some(UserId::Int(42)));
        assert_eq!(UserId::parse(IdKind::Integer, "x"), None);
        let upper = UUID.to_uppercase();
        assert_eq!(
            UserId::parse(IdKind::Uuid, &upper),
            Some(UserId::Text(UUID.into()))
        );
        assert_eq!(
            UserId::parse(IdKind::Bytes, &UUID.replace('-', "")).map(|i| i.text()),
            Some(UUID.to_string())
        );
        assert_eq!(UserId::parse(IdKind::Uuid, "42"), None);
        assert_eq!(
            UserId::parse(IdKind::Text, "42"),
            Some(UserId::Text("42".into()))
        );
    }

    #[test]
    fn json_keeps_integers_numbers() {
        assert_eq!(serde_json::to_string(&UserId::Int(7)).unwrap(), "7");
        assert_eq!(
            serde_json::to_string(&UserId::Text("u1".into())).unwrap(),
            "\"u1\""
        );
    }
}
