//! The statements of the row-columns store, built once per run from the
//! schema's names and the engine's dialect.

use super::TimeColumn;
use crate::db::{AUDIT_TABLE, ArrayColumn, Dialect, Elements, Schema, Tx, id_text, user_columns};
use crate::user::IdKind;

pub(super) struct Sql {
    pub(super) state_by_id: String,
    pub(super) by_token: String,
    pub(super) outstanding: [String; 3],
    pub(super) count_outstanding: String,
    pub(super) set_token: String,
    /// The batch's tokens in one statement, where the engine writes
    /// batches as arrays.
    pub(super) set_tokens: Option<String>,
    pub(super) clear_token: String,
    pub(super) clear_token_if: String,
    pub(super) clear_all: String,
    pub(super) purge: String,
    pub(super) redeem: String,
}

impl Sql {
    pub(super) fn new(s: &Schema, time: &TimeColumn, tx: &Tx<'_>) -> Sql {
        let d = tx.dialect();
        let (t, id, pw, tok, exp) = (
            d.q(&s.table),
            d.q(&s.id),
            d.q(&s.password),
            d.q(&s.token),
            d.q(&s.expires),
        );
        let has_token = format!("{t}.{tok} IS NOT NULL AND {t}.{tok} <> ''");
        let token_is = |n| d.equals_exactly(&format!("{t}.{tok}"), n);
        let row_expiry_ms = row_expiry_ms(d, &format!("{t}.{exp}"), time);
        let dead = dead(s, d, tx.id_kind(), &has_token, &row_expiry_ms);
        let token_state = format!("({has_token}), {t}.{exp}, {dead}");
        // Listing never issues, so it skips hashing every row's password.
        let listed = format!(
            "SELECT {}, {token_state} FROM {t}",
            user_columns(s, d, tx.id_kind(), false)
        );
        let expiry_ms = format!("coalesce({row_expiry_ms}, 0)");
        let outstanding =
            |cond: &str| format!("{listed} WHERE {has_token}{cond} ORDER BY {t}.{id}");
        let clear = format!("UPDATE {t} SET {tok} = NULL, {exp} = NULL WHERE {has_token}");
        Sql {
            state_by_id: format!("SELECT {token_state} FROM {t} WHERE {t}.{id} = ?1"),
            by_token: format!(
                "SELECT {}, {token_state} FROM {t} WHERE {}",
                user_columns(s, d, tx.id_kind(), true),
                token_is(1)
            ),
            outstanding: [
                outstanding(""),
                outstanding(&format!(" AND {expiry_ms} > ?1 AND NOT {dead}")),
                outstanding(&format!(" AND ({expiry_ms} <= ?1 OR {dead})")),
            ],
            count_outstanding: format!("SELECT count(*) FROM {t} WHERE {has_token}"),
            set_token: format!("UPDATE {t} SET {tok} = ?1, {exp} = ?2 WHERE {id} = ?3"),
            set_tokens: set_tokens(s, tx),
            clear_token: format!("{clear} AND {id} = ?1"),
            clear_token_if: format!("{clear} AND {id} = ?1 AND {}", token_is(2)),
            purge: format!("{clear} AND ({expiry_ms} <= ?1 OR {dead})"),
            clear_all: clear,
            redeem: format!(
                "UPDATE {t} SET {pw} = ?1, {tok} = NULL, {exp} = NULL WHERE {id} = ?2 AND {}",
                token_is(3)
            ),
        }
    }
}

/// One statement setting a batch's tokens, the tokens and ids sent as
/// arrays (`?1`, `?3`) with one expiry (`?2`); `None` where the ids cannot
/// travel as an array.
fn set_tokens(s: &Schema, tx: &Tx<'_>) -> Option<String> {
    let d = tx.dialect();
    let (t, id, tok, exp) = (d.q(&s.table), d.q(&s.id), d.q(&s.token), d.q(&s.expires));
    let ids = ArrayColumn {
        name: "id",
        param: 3,
        of: id_elements(tx.id_kind())?,
    };
    let rows = d.rows_of_arrays("resetctl_rows", &[ArrayColumn::texts("token", 1), ids])?;
    Some(d.update_from(
        &t,
        &[(&tok, "resetctl_rows.token"), (&exp, "?2")],
        &rows,
        &format!("{t}.{id} = resetctl_rows.id"),
    ))
}

/// How the batch's ids are sent as an array: integers, or text where ids
/// are text. Other ids (a UUID type, bytes) would need a conversion the
/// array cannot carry in every engine's SQL: their tokens are written a
/// statement each.
fn id_elements(ids: IdKind) -> Option<Elements> {
    match ids {
        IdKind::Integer => Some(Elements::Ints),
        IdKind::Text => Some(Elements::Texts),
        IdKind::Uuid | IdKind::HexUuid | IdKind::Bytes => None,
    }
}

/// The row's expiry as Unix milliseconds, whatever the column holds.
fn row_expiry_ms(d: &dyn Dialect, column: &str, time: &TimeColumn) -> String {
    match time {
        TimeColumn::Expires(_) => d.expiry_ms(column),
        TimeColumn::SentAt { within } => {
            format!("({} + {})", d.expiry_ms(column), within.num_milliseconds())
        }
    }
}

/// Dead: the newest issue resetctl recorded for this user is this very
/// token (same expiry) and the password hash has changed since (see the
/// README's "inspect" section). One index search per row. Every column is
/// named with its table's full name and nothing is aliased: an app's table
/// may be called anything, `a` included, and the users table can never be
/// called resetctl_audit.
fn dead(s: &Schema, d: &dyn Dialect, ids: IdKind, has_token: &str, row_expiry_ms: &str) -> String {
    let (t, id, pw) = (d.q(&s.table), d.q(&s.id), d.q(&s.password));
    let id_text = id_text(d, ids, &format!("{t}.{id}"));
    let fingerprint = d.fingerprint(&id_text, &format!("{t}.{pw}"));
    let a = AUDIT_TABLE;
    format!(
        "({has_token} AND coalesce((SELECT {} = {row_expiry_ms} \
         AND {a}.password_check <> {fingerprint} \
         FROM {a} WHERE {a}.user_id = {id_text} AND {a}.action = 'issue' AND {a}.outcome = 'ok' \
         ORDER BY {a}.id DESC LIMIT 1), {}))",
        d.expiry_ms(&format!("{a}.expires")),
        d.falsity(),
    )
}
