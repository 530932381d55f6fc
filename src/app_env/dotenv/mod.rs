//! A dotenv file read as phpdotenv 5 (the parser Laravel ships with) reads
//! it: a port of its `Parser`, `Lines`, `EntryParser`, `Lexer`, `Loader`
//! and `Resolver`, quirks included, so a file means here what it means to
//! the app. In short:
//!
//! - Lines end at `\r\n`, `\n` or `\r`; a UTF-8 byte order mark is dropped.
//! - A line that trims to nothing or starts with `#` is skipped.
//! - A line holding `="` whose double quote is not closed on it starts a
//!   multiline entry, which runs to the next line with an unescaped `"`;
//!   one never closed is dropped silently, with the lines it swallowed.
//! - `NAME=value`, spaces around both trimmed; `export NAME=` only when
//!   the whole name is longer than 8 characters; a name may be quoted,
//!   and is then letters, digits, `_` and `.` (a leading digit is fine).
//! - A line without `=` unsets the name (and is not trimmed first).
//! - Unquoted values end at whitespace, after which only a `#` comment may
//!   follow; `#` starts a comment even mid-value; backslashes and quotes
//!   in them are literal.
//! - `'single'` quotes are literal and end on their line; `"double"`
//!   quotes know `\"`, `\\`, `\$`, `\f`, `\n`, `\r`, `\t`, `\v` and
//!   reject any other escape. After a closing quote only whitespace and a
//!   comment may follow.
//! - `${NAME}` (braces required) in unquoted and double-quoted values is
//!   replaced when NAME is known, else left as written; see [`parse`].
//! - Any bad entry rejects the whole file.

mod entry;

use std::fmt;

use entry::Value;

/// Why a file was rejected: the line its entry starts on and what is
/// wrong, never the text of the line (values are passwords).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub why: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

impl std::error::Error for ParseError {}

/// The names the file leaves set and their values, in the order each was
/// first named. The last definition of a name wins and a bare `NAME` line
/// unsets it.
///
/// `lookup` is the environment the file is loaded into (the caller's
/// process environment). As in phpdotenv's immutable repository, which
/// Laravel uses, a name `lookup` knows is never overwritten or unset by the
/// file: its value is `lookup`'s, both in the result and in every
/// `${NAME}`. Other `${NAME}`s see the file's lines above them (a later
/// definition is not seen), and a name known to neither stays `${NAME}`.
pub fn parse(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries = Vec::new();
    for (line, raw) in raw_entries(&split_lines(text)) {
        let (name, value) = entry::parse(&raw).map_err(|why| ParseError { line, why })?;
        entries.push((name, value));
    }
    Ok(load(entries, lookup))
}

/// phpdotenv's `Loader` over an immutable repository: each value is
/// resolved against what is set when its line is reached.
fn load(
    entries: Vec<(String, Option<Value>)>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    let mut set: Vec<(String, Option<String>)> = Vec::new();
    for (name, value) in entries {
        let value = value.map(|v| {
            v.resolve(&|n: &str| {
                lookup(n).or_else(|| {
                    set.iter()
                        .find(|(k, _)| k == n)
                        .and_then(|(_, v)| v.clone())
                })
            })
        });
        let value = lookup(&name).or(value);
        match set.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => set.push((name, value)),
        }
    }
    set.into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// The text's lines, split as `preg_split("/(\r\n|\n|\r)/")` splits them.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let eol = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + eol..];
    }
    lines.push(rest);
    lines
}

/// phpdotenv's `Lines::process`: the entries with the (1-based) line each
/// starts on, multiline values joined with `\n`, blank and comment lines
/// left out.
fn raw_entries(lines: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut multiline = false;
    let mut buffer: Vec<&str> = Vec::new();
    let mut first = 0;
    for (i, &line) in lines.iter().enumerate() {
        let started = looks_like_multiline_start(line);
        multiline |= started;
        let mut entry = (i + 1, line.to_string());
        if multiline {
            if buffer.is_empty() {
                first = i + 1;
            }
            buffer.push(line);
            if looks_like_multiline_stop(line, started) {
                multiline = false;
                entry = (first, buffer.join("\n"));
                buffer.clear();
            }
        }
        if !multiline && !is_comment_or_blank(&entry.1) {
            out.push(entry);
        }
    }
    out
}

fn looks_like_multiline_start(line: &str) -> bool {
    line.contains("=\"") && !looks_like_multiline_stop(line, true)
}

/// Whether the line closes a double quote: it counts the `"`s that follow
/// a character other than a backslash, once `\\` pairs are taken out (the
/// regex `(?=([^\\]"))`, byte by byte).
fn looks_like_multiline_stop(line: &str, started: bool) -> bool {
    if line == "\"" {
        return true;
    }
    let squeezed = line.replace("\\\\", "");
    let count = squeezed
        .as_bytes()
        .windows(2)
        .filter(|w| w[0] != b'\\' && w[1] == b'"')
        .count();
    if started { count > 1 } else { count >= 1 }
}

fn is_comment_or_blank(line: &str) -> bool {
    let line = php_trim(line);
    line.is_empty() || line.starts_with('#')
}

/// What PHP's `trim` removes from both ends.
const PHP_TRIMMED: [char; 6] = [' ', '\t', '\n', '\r', '\0', '\x0b'];

fn php_trim(s: &str) -> &str {
    s.trim_matches(PHP_TRIMMED)
}

#[cfg(test)]
mod tests;
