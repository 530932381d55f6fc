//! One entry (`NAME=value`, or a bare `NAME`): phpdotenv's `EntryParser`,
//! its `Lexer` and its `Resolver`. Errors say what is wrong, never what
//! the entry says.

use super::php_trim;

/// A value as written, its quotes and escapes done, with where each `$`
/// that may start a `${NAME}` stands (byte offsets into `chars`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Value {
    chars: String,
    vars: Vec<usize>,
}

impl Value {
    /// Every `${NAME}` at a recorded `$` replaced by `lookup(NAME)` when it
    /// has one; the replacement is not looked at again.
    pub(super) fn resolve(&self, lookup: &dyn Fn(&str) -> Option<String>) -> String {
        let mut out = String::with_capacity(self.chars.len());
        let mut done = 0;
        for &at in &self.vars {
            let Some((name, len)) = reference(&self.chars[at..]) else {
                continue;
            };
            if let Some(found) = lookup(name) {
                out.push_str(&self.chars[done..at]);
                out.push_str(&found);
                done = at + len;
            }
        }
        out.push_str(&self.chars[done..]);
        out
    }
}

/// The name and length of the `${NAME}` the text starts with, NAME being
/// letters, digits, `_` and `.`.
fn reference(text: &str) -> Option<(&str, usize)> {
    let inner = text.strip_prefix("${")?;
    let end = inner.find(|c: char| !is_name_char(c))?;
    (end > 0 && inner[end..].starts_with('}')).then(|| (&inner[..end], end + 3))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// The entry's name, and its value unless the entry is a bare name.
pub(super) fn parse(entry: &str) -> Result<(String, Option<Value>), &'static str> {
    let (name, value) = match entry.split_once('=') {
        Some((name, value)) => (php_trim(name), Some(php_trim(value))),
        None => (entry, None),
    };
    if name.is_empty() {
        return Err("an '=' with no name before it");
    }
    let name = parse_name(name)?;
    let value = value.map(parse_value).transpose()?;
    Ok((name.to_string(), value))
}

/// The name without a leading `export ` (only when the name is longer than
/// 8 characters, as phpdotenv checks) and without surrounding quotes.
fn parse_name(name: &str) -> Result<&str, &'static str> {
    let mut name = name;
    if name.chars().count() > 8
        && name.starts_with("export")
        && name[6..].starts_with([' ', '\t', '\n', '\r', '\x0b', '\x0c'])
    {
        name = name[6..].trim_start_matches(super::PHP_TRIMMED);
    }
    if name.chars().count() >= 3
        && ((name.starts_with('"') && name.ends_with('"'))
            || (name.starts_with('\'') && name.ends_with('\'')))
    {
        name = &name[1..name.len() - 1];
    }
    if name.is_empty() || !name.chars().all(is_name_char) {
        return Err("a name other than letters, digits, '_' and '.'");
    }
    Ok(name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Initial,
    Unquoted,
    SingleQuoted,
    DoubleQuoted,
    Escape,
    Whitespace,
    Comment,
}

/// The value through phpdotenv's transducer, one token at a time.
fn parse_value(value: &str) -> Result<Value, &'static str> {
    let mut out = Value::default();
    if value.is_empty() {
        return Ok(out);
    }
    let mut state = State::Initial;
    for token in Tokens(value) {
        let (text, var, next) = step(state, token)?;
        if var {
            out.vars.push(out.chars.len());
        }
        out.chars.push_str(&text);
        state = next;
    }
    match state {
        State::SingleQuoted | State::DoubleQuoted | State::Escape => {
            Err("a quote that is not closed")
        }
        _ => Ok(out),
    }
}

/// What a token adds to the value, whether it is a `$` that may start a
/// `${NAME}`, and the state after it.
fn step(state: State, token: &str) -> Result<(String, bool, State), &'static str> {
    use State::*;
    let keep = |next| Ok((token.to_string(), false, next));
    let drop = |next| Ok((String::new(), false, next));
    let space = is_space(token);
    match (state, token) {
        (Initial, "'") => drop(SingleQuoted),
        (Initial, "\"") => drop(DoubleQuoted),
        (Initial | Unquoted | Whitespace, "#") => drop(Comment),
        (Initial | Unquoted | DoubleQuoted, "$") => {
            Ok((token.to_string(), true, state.after_dollar()))
        }
        (Initial, _) => keep(Unquoted),
        (Unquoted, _) if space => drop(Whitespace),
        (Unquoted, _) => keep(Unquoted),
        (SingleQuoted, "'") => drop(Whitespace),
        (SingleQuoted, _) => keep(SingleQuoted),
        (DoubleQuoted, "\"") => drop(Whitespace),
        (DoubleQuoted, "\\") => drop(Escape),
        (DoubleQuoted, _) => keep(DoubleQuoted),
        (Escape, "\"" | "\\" | "$") => keep(DoubleQuoted),
        (Escape, _) => escape(token).map(|t| (t, false, DoubleQuoted)),
        (Whitespace, _) if space => drop(Whitespace),
        (Whitespace, _) => Err("text after a closing quote or a space in an unquoted value"),
        (Comment, _) => drop(Comment),
    }
}

impl State {
    /// A `$` leaves a double-quoted value double-quoted and makes any other
    /// value an unquoted one.
    fn after_dollar(self) -> State {
        match self {
            State::DoubleQuoted => State::DoubleQuoted,
            _ => State::Unquoted,
        }
    }
}

/// `\f`, `\n`, `\r`, `\t` or `\v` and the rest of the token after it.
fn escape(token: &str) -> Result<String, &'static str> {
    let mut chars = token.chars();
    let c = match chars.next() {
        Some('f') => '\x0c',
        Some('n') => '\n',
        Some('r') => '\r',
        Some('t') => '\t',
        Some('v') => '\x0b',
        _ => return Err("an escape in double quotes other than \\\" \\\\ \\$ \\f \\n \\r \\t \\v"),
    };
    Ok(format!("{c}{}", chars.as_str()))
}

/// PCRE's `\s` and PHP's `ctype_space` (the same six in the C locale).
fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn is_space(token: &str) -> bool {
    token.bytes().all(is_space_byte)
}

/// phpdotenv's `Lexer`: runs of line breaks, runs of other whitespace, each
/// of `\ ' " # $` alone, and runs of anything else. (Its 1000-byte cap on a
/// run changes no value, so there is none here.)
struct Tokens<'a>(&'a str);

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.0.as_bytes();
        let first = *bytes.first()?;
        let same: fn(u8) -> bool = match first {
            b'\\' | b'\'' | b'"' | b'#' | b'$' => |_| false,
            b'\r' | b'\n' => |b| b == b'\r' || b == b'\n',
            b if is_space_byte(b) => |b| is_space_byte(b) && b != b'\r' && b != b'\n',
            _ => |b| !is_space_byte(b) && !matches!(b, b'\\' | b'\'' | b'"' | b'#' | b'$'),
        };
        let len = 1 + bytes[1..].iter().take_while(|&&b| same(b)).count();
        let (token, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(token)
    }
}
