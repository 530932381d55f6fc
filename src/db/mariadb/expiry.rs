//! An expiry read in SQL as Unix milliseconds, for `Dialect::expiry_ms`:
//! `clock/stamp.rs`'s grammar, rule for rule, as PostgreSQL's `expiry.rs`
//! reads it, so that a row is live or expired the same on every engine.
//!
//! Nothing here may raise an error or a warning (which a strict session
//! turns into an error inside an `UPDATE`): the cell is read as text (a
//! `DATETIME` or `TIMESTAMP` as the session prints it, in UTC), checked
//! against the grammar, and only then are its fields cast to numbers, in
//! the `CASE` branches after the check passed. The server has no lateral
//! derived tables, so the fields are written out as expressions.

/// The grammar as one pattern.
const PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}(:[0-9]{2})?)?)?)?$";

/// SQL for the expiry `expr` (a cell of any type) as Unix milliseconds.
pub fn expiry_ms(expr: &str) -> String {
    let s = format!(
        r"regexp_replace(cast(({expr}) AS char), '^[ \\t\\n\\f\\r]+|[ \\t\\n\\f\\r]+$', '')"
    );
    let sub = |from: usize, len: usize| format!("substring({s}, {from}, {len})");
    // Digits the pattern matched, as a number (0 when absent).
    let num = |text: &str| format!("coalesce(cast(nullif({text}, '') AS signed), 0)");
    let (y, mo, d) = (num(&sub(1, 4)), num(&sub(6, 2)), num(&sub(9, 2)));
    let (h, mi, sec) = (num(&sub(12, 2)), num(&sub(15, 2)), num(&sub(18, 2)));
    let rest = format!("substring({s}, 20)");
    let frac = format!(
        "(CASE WHEN left({rest}, 1) = '.' THEN regexp_substr(substring({rest}, 2), '^[0-9]+') ELSE '' END)"
    );
    let zone =
        format!("substring({rest}, CASE WHEN {frac} = '' THEN 1 ELSE char_length({frac}) + 2 END)");
    let (zh, zm) = (
        num(&format!("substring({zone}, 2, 2)")),
        num(&format!("substring({zone}, 5, 2)")),
    );
    let ms = num(&format!("left(concat({frac}, '00'), 3)"));
    // Howard Hinnant's days_from_civil: years that begin in March, so the
    // leap day ends one.
    let yy = format!("({y} - CASE WHEN {mo} <= 2 THEN 1 ELSE 0 END)");
    let days = format!(
        "(({yy} DIV 400) * 146097 + ({yy} % 400) * 365 + ({yy} % 400) DIV 4 - ({yy} % 400) DIV 100 \
         + (153 * (({mo} + 9) % 12) + 2) DIV 5 + {d} - 1 - 719468)"
    );
    let month_days = format!(
        "CASE WHEN {mo} = 2 THEN CASE WHEN {y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0) \
         THEN 29 ELSE 28 END WHEN {mo} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    );
    let zsign = format!("CASE WHEN left({zone}, 1) = '-' THEN -1 ELSE 1 END");
    let n = format!("cast({s} AS decimal(20, 0))");
    format!(
        "cast((CASE \
           WHEN {s} REGEXP '^-?[0-9]{{1,19}}$' THEN CASE \
             WHEN {n} BETWEEN 946684800 AND 7258118399 THEN {n} * 1000 \
             WHEN {n} BETWEEN 946684800000 AND 7258118399999 THEN {n} \
             WHEN {n} BETWEEN 946684800000000 AND 7258118399999999 THEN {n} DIV 1000 \
             WHEN {n} BETWEEN 946684800000000000 AND 7258118399999999999 THEN {n} DIV 1000000 \
             END \
           WHEN coalesce(NOT ({s} REGEXP '{PATTERN}'), true) THEN NULL \
           WHEN {y} < 1 OR {mo} NOT BETWEEN 1 AND 12 OR {d} < 1 OR {d} > {month_days} \
             OR {h} > 23 OR {mi} > 59 OR {sec} > 60 OR {zh} > 23 OR {zm} > 59 \
             OR (BINARY {} = 't' AND {zone} = '') THEN NULL \
           ELSE {days} * 86400000 \
             + ({h} * 3600 + {mi} * 60 + {sec} - {zsign} * ({zh} * 3600 + {zm} * 60)) * 1000 \
             + {ms} \
           END) AS signed)",
        sub(11, 1)
    )
}
