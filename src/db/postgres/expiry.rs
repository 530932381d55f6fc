//! An expiry read in SQL as Unix milliseconds, for `Dialect::expiry_ms`:
//! `clock/stamp.rs`'s grammar, rule for rule, so that a row is live or
//! expired the same in a `list` or `purge` filter as in `inspect`, and as
//! on SQLite (whose filters call the Rust reading itself).
//!
//! Nothing here can raise an error, whatever the cell holds: a statement
//! that raised would stop `purge` and `list` on one odd row. Text is never
//! cast to `timestamptz`, which raises on `2026-02-30`, takes `tomorrow`
//! for a time that is always a day off, and gives `infinity`. A text
//! expiry is checked against the grammar, whose fields sit at fixed
//! places, and the instant worked out from them with integer arithmetic;
//! the fields are cast to numbers only in the `CASE` branches after the
//! check passed (`CASE` tests its branches in order, which `AND` and `OR`
//! do not promise). Only a `timestamptz`, `timestamp` or `date` column
//! goes through `::timestamptz`, from its own text, which the session
//! prints as ISO on UTC; `infinity`, BC and years past 9999 are then left
//! out, as the grammar leaves them out. Anything else is NULL, which every
//! caller counts as expired.

/// The grammar as one pattern, with no captures (a regular expression
/// with captures costs a hundred times more per row).
const PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}(?::[0-9]{2})?)?)?)?$";

/// SQL for the expiry `expr` (a cell of any type) as Unix milliseconds.
pub fn expiry_ms(expr: &str) -> String {
    format!(
        "(CASE WHEN pg_typeof({expr}) IN ('timestamp with time zone'::regtype, \
           'timestamp without time zone'::regtype, 'date'::regtype) \
         THEN (SELECT CASE WHEN isfinite(t) AND t >= '0001-01-01 00:00:00+00' \
                 AND t < '10000-01-01 00:00:00+00' \
               THEN floor(extract(epoch FROM t) * 1000)::bigint END \
               FROM (SELECT ({expr})::text::timestamptz AS t OFFSET 0) AS resetctl_t) \
         ELSE {} END)",
        from_text(expr)
    )
}

/// The text path: whole Unix seconds, milliseconds, microseconds or
/// nanoseconds between 2000 and 2200, or a date and time of the grammar.
fn from_text(expr: &str) -> String {
    // Digits the pattern matched, as a number (0 when absent).
    let num = |text: &str| format!("coalesce(nullif({text}, '')::bigint, 0)");
    let (y, mo, d) = (num("y"), num("mo"), num("d"));
    let (h, mi, sec) = (num("h"), num("mi"), num("sec"));
    let (zh, zm) = (num("substr(zone, 2, 2)"), num("substr(zone, 5, 2)"));
    let ms = num("left(frac || '00', 3)");
    // Howard Hinnant's days_from_civil: years that begin in March, so the
    // leap day ends one.
    let yy = format!("({y} - CASE WHEN {mo} <= 2 THEN 1 ELSE 0 END)");
    let days = format!(
        "(({yy} / 400) * 146097 + ({yy} % 400) * 365 + ({yy} % 400) / 4 - ({yy} % 400) / 100 \
         + (153 * (({mo} + 9) % 12) + 2) / 5 + {d} - 1 - 719468)"
    );
    let month_days = format!(
        "CASE WHEN {mo} = 2 THEN CASE WHEN {y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0) \
         THEN 29 ELSE 28 END WHEN {mo} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    );
    let zsign = "CASE WHEN left(zone, 1) = '-' THEN -1 ELSE 1 END";
    format!(
        "(SELECT (CASE \
           WHEN n IS NOT NULL THEN CASE \
             WHEN n BETWEEN 946684800 AND 7258118399 THEN n * 1000 \
             WHEN n BETWEEN 946684800000 AND 7258118399999 THEN n \
             WHEN n BETWEEN 946684800000000 AND 7258118399999999 THEN div(n, 1000) \
             WHEN n BETWEEN 946684800000000000 AND 7258118399999999999 THEN div(n, 1000000) \
             END \
           WHEN NOT dated THEN NULL \
           WHEN {y} < 1 OR {mo} NOT BETWEEN 1 AND 12 OR {d} < 1 OR {d} > {month_days} \
             OR {h} > 23 OR {mi} > 59 OR {sec} > 60 OR {zh} > 23 OR {zm} > 59 \
             OR (sep = 't' AND zone = '') THEN NULL \
           ELSE {days} * 86400000 \
             + ({h} * 3600 + {mi} * 60 + {sec} - {zsign} * ({zh} * 3600 + {zm} * 60)) * 1000 \
             + {ms} \
           END)::bigint \
         FROM (SELECT n, dated, y, mo, d, sep, h, mi, sec, frac, \
                 substr(rest, CASE WHEN frac = '' THEN 1 ELSE length(frac) + 2 END) AS zone \
               FROM (SELECT n, dated, rest, substr(s, 1, 4) AS y, substr(s, 6, 2) AS mo, \
                       substr(s, 9, 2) AS d, substr(s, 11, 1) AS sep, substr(s, 12, 2) AS h, \
                       substr(s, 15, 2) AS mi, substr(s, 18, 2) AS sec, \
                       CASE WHEN left(rest, 1) = '.' THEN \
                         split_part(translate(substr(rest, 2), 'Zz+-', '||||'), '|', 1) \
                       ELSE '' END AS frac \
                     FROM (SELECT s, substr(s, 20) AS rest, \
                             coalesce(s ~ '{PATTERN}', false) AS dated, \
                             substring(s FROM '^-?[0-9]{{1,19}}$')::numeric AS n \
                           FROM (SELECT btrim(({expr})::text, E' \\t\\n\\f\\r') AS s) \
                           AS resetctl_s OFFSET 0) AS resetctl_p OFFSET 0) AS resetctl_f \
               OFFSET 0) AS resetctl_z)"
    )
}
