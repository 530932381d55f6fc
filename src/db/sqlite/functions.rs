//! The functions each connection registers, so that SQL filters judge a
//! row exactly as the commands' own checks in Rust do: the same code runs
//! in both.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;

use super::cell;
use crate::password::fingerprint;
use crate::user::UserId;

/// SQL name of the function that reads any stored expiry form as Unix
/// milliseconds (NULL when it is no time).
pub const EXPIRY_MS_FN: &str = "resetctl_expiry_ms";

/// SQL name of `password::fingerprint` (user id, password cell).
pub const FINGERPRINT_FN: &str = "resetctl_password_fingerprint";

pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    // Any form of expiry an application wrote, so SQL compares times,
    // never text.
    conn.create_scalar_function(EXPIRY_MS_FN, 1, flags, |ctx| {
        Ok(cell(ctx.get_raw(0)).time().map(|t| t.timestamp_millis()))
    })?;
    // So the "password changed since issue" check runs inside the
    // statements themselves.
    conn.create_scalar_function(FINGERPRINT_FN, 2, flags, |ctx| {
        // The id comes as its canonical text (`ids::id_text`), or as the
        // integer. A row with no id has no fingerprint: it is left out by
        // every command, never an error here.
        let id = match ctx.get_raw(0) {
            ValueRef::Integer(n) => UserId::Int(n),
            ValueRef::Text(t) => UserId::Text(String::from_utf8_lossy(t).into_owned()),
            _ => return Ok(None),
        };
        let hash = cell(ctx.get_raw(1)).text();
        Ok(Some(fingerprint(&id, hash.as_deref().map(str::as_bytes))))
    })
}
