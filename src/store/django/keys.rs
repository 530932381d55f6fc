//! Django keeps a `UUIDField` primary key as 32 hex digits where the engine
//! has no UUID type (SQLite, MariaDB/MySQL: `char(32)`), yet hashes and
//! links its hyphenated text (`str(user.pk)`). From the column alone such a
//! key cannot be told from text that merely looks like hex, so every link
//! made from the stored digits could be refused by the app: such databases
//! are refused instead, before anything is issued.

use crate::db::{Schema, Tx};
use crate::error::{Error, Result};
use crate::user::IdKind;

/// 78 when the users table keys with 32 hex digits.
pub(super) fn hex_uuid_keys(
    tx: &Tx<'_>,
    schema: &Schema,
    framework: &str,
) -> Result<Option<Error>> {
    if tx.id_kind() != IdKind::Text {
        return Ok(None);
    }
    let id = tx.q(&schema.id);
    let sql = format!(
        "SELECT {id} FROM {} WHERE {id} IS NOT NULL LIMIT 1",
        tx.q(&schema.table)
    );
    let sample = tx.first(&sql, &[], |r| r.opt_text(0))?.flatten();
    Ok(sample.filter(|s| is_hex_uuid(s)).map(|_| {
        Error::config(format!(
            "{} keeps its ids as 32 hex digits, as Django keeps a UUID primary key on this engine; framework = \"{framework}\" does not make links for such keys yet",
            schema.table
        ))
        .with_hint("reset the password from the app (manage.py changepassword)")
    }))
}

fn is_hex_uuid(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_32_hex_digits_look_like_djangos_stored_uuids() {
        assert!(super::is_hex_uuid("0b1c2d3e4f5041728394a5b6c7d8e9f0"));
        assert!(!super::is_hex_uuid("0b1c2d3e-4f50-4172-8394-a5b6c7d8e9f0"));
        assert!(!super::is_hex_uuid("user_0b1c2d3e4f5041728394a5b6c7d8e"));
        assert!(!super::is_hex_uuid("42"));
    }
}
