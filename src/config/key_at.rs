//! Which key of a TOML document a byte offset belongs to, for naming the
//! key in an error. The line alone cannot tell: an element of a multi-line
//! array, a key of a multi-line inline table or a line inside a multi-line
//! string all sit on lines that do not start with their key.

/// The full key path (`django.secret_key_fallbacks`) at `offset` of `text`,
/// or `None` when the offset is outside any key (an empty top-level line).
pub fn key_at(text: &str, offset: usize) -> Option<Vec<String>> {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut scan = Scan::default();
    scan.run(&text[..end]);
    scan.path(&text[end..])
}

/// What the document says up to the offset: the table of the last header,
/// the inline tables and arrays still open, and the key being defined.
#[derive(Default)]
struct Scan {
    table: Vec<String>,
    frames: Vec<Frame>,
    key: Vec<String>,
    in_value: bool,
}

struct Frame {
    array: bool,
    /// The key whose value opened it.
    path: Vec<String>,
    /// The key and state of the level it was opened in, back when it closes.
    saved_key: Vec<String>,
}

impl Scan {
    fn run(&mut self, text: &str) {
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            rest = if self.at_key() {
                self.key_char(c, rest)
            } else {
                self.value_char(c, rest)
            };
        }
    }

    /// Whether a key comes next (not a value, nor an array element).
    fn at_key(&self) -> bool {
        !self.in_value && self.frames.last().is_none_or(|f| !f.array)
    }

    /// Where keys are defined now: the last header, or the innermost open
    /// inline table or array.
    fn base(&self) -> Vec<String> {
        match self.frames.last() {
            Some(f) => f.path.clone(),
            None => self.table.clone(),
        }
    }

    fn key_char<'t>(&mut self, c: char, rest: &'t str) -> &'t str {
        match c {
            '\n' if self.frames.is_empty() => self.key.clear(),
            '#' => return skip_comment(rest),
            '[' if self.frames.is_empty() && self.key.is_empty() => {
                let (parts, after) = header(rest);
                self.table = parts;
                return after;
            }
            '"' | '\'' => {
                let (part, after) = string(rest);
                self.key.push(part.to_string());
                return after;
            }
            '=' => self.in_value = true,
            '}' => self.close(),
            c if is_bare(c) => {
                let len = rest.find(|c| !is_bare(c)).unwrap_or(rest.len());
                self.key.push(rest[..len].to_string());
                return &rest[len..];
            }
            _ => {}
        }
        &rest[c.len_utf8()..]
    }

    fn value_char<'t>(&mut self, c: char, rest: &'t str) -> &'t str {
        match c {
            '\n' if self.frames.is_empty() => {
                self.key.clear();
                self.in_value = false;
            }
            '#' => return skip_comment(rest),
            '"' | '\'' => return string(rest).1,
            '{' | '[' => {
                let mut path = self.base();
                path.extend(self.key.iter().cloned());
                self.frames.push(Frame {
                    array: c == '[',
                    path,
                    saved_key: std::mem::take(&mut self.key),
                });
                self.in_value = false;
            }
            ']' => self.close(),
            ',' if self.frames.last().is_some_and(|f| !f.array) => {
                self.key.clear();
                self.in_value = false;
            }
            _ => {}
        }
        &rest[c.len_utf8()..]
    }

    /// An inline table or array closes: its key-value is being finished.
    fn close(&mut self) {
        if let Some(f) = self.frames.pop() {
            self.key = f.saved_key;
            self.in_value = true;
        }
    }

    /// The key at the offset: in a value, the key being defined; at a key,
    /// the key written from the offset on (an unknown or duplicate key).
    fn path(&self, after: &str) -> Option<Vec<String>> {
        let mut path = self.base();
        if self.frames.last().is_some_and(|f| f.array) {
            return Some(path);
        }
        path.extend(self.key.iter().cloned());
        if !self.in_value {
            path.extend(key_ahead(after));
        }
        (!path.is_empty()).then_some(path)
    }
}

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn skip_comment(rest: &str) -> &str {
    &rest[rest.find('\n').unwrap_or(rest.len())..]
}

/// A string at the start of `rest` (any of TOML's four kinds): its raw
/// content, and what follows it. Unterminated, it runs to the end.
fn string(rest: &str) -> (&str, &str) {
    let quote = &rest[..1];
    let triple = quote.repeat(3);
    if rest.starts_with(&triple) {
        let body = &rest[3..];
        return match find_closing(body, &triple, quote == "\"") {
            Some(end) => (&body[..end], &body[end + 3..]),
            None => (body, ""),
        };
    }
    let body = &rest[1..];
    let line = &body[..body.find('\n').unwrap_or(body.len())];
    match find_closing(line, quote, quote == "\"") {
        Some(end) => (&body[..end], &body[end + 1..]),
        None => (line, &body[line.len()..]),
    }
}

/// Where `close` ends a string body, skipping backslash escapes in basic
/// strings.
fn find_closing(body: &str, close: &str, escapes: bool) -> Option<usize> {
    let mut i = 0;
    while i < body.len() {
        if escapes && body[i..].starts_with('\\') {
            i += 1 + body[i + 1..].chars().next().map_or(0, char::len_utf8);
        } else if body[i..].starts_with(close) {
            return Some(i);
        } else {
            i += body[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

/// `[a.b]` or `[[a.b]]` at the start of `rest`: its key parts, and what
/// follows it.
fn header(rest: &str) -> (Vec<String>, &str) {
    let inner = rest.trim_start_matches('[');
    let (parts, after) = dotted_key(inner);
    let after = after
        .trim_start_matches([' ', '\t'])
        .trim_start_matches(']');
    (parts, after)
}

/// The key written at the start of `rest`, up to what ends it.
fn key_ahead(rest: &str) -> Vec<String> {
    dotted_key(rest).0
}

fn dotted_key(mut rest: &str) -> (Vec<String>, &str) {
    let mut parts = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t', '.']);
        match rest.chars().next() {
            Some('"' | '\'') => {
                let (part, after) = string(rest);
                parts.push(part.to_string());
                rest = after;
            }
            Some(c) if is_bare(c) => {
                let len = rest.find(|c| !is_bare(c)).unwrap_or(rest.len());
                parts.push(rest[..len].to_string());
                rest = &rest[len..];
            }
            _ => return (parts, rest),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key at the first occurrence of `mark` in `text`.
    fn at(text: &str, mark: &str) -> Option<String> {
        let offset = text.find(mark).expect("mark in text");
        key_at(text, offset).map(|p| p.join("."))
    }

    #[test]
    fn a_value_on_its_keys_line() {
        let t = "database = 5\n[django]\nsecret_key = 123 # x\n\"time_zone\" = 'UTC'\n";
        assert_eq!(at(t, "5"), Some("database".into()));
        assert_eq!(at(t, "123"), Some("django.secret_key".into()));
        assert_eq!(at(t, "'UTC'"), Some("django.time_zone".into()));
        assert_eq!(at(t, "secret_key"), Some("django.secret_key".into()));
        assert_eq!(at("\n\nx = 1", "\n"), None);
    }

    #[test]
    fn values_that_span_lines_belong_to_their_key() {
        let t = "[django]\nsecret_key_fallbacks = [\n  \"ok\", # a = 1\n  98765,\n]\n";
        assert_eq!(at(t, "98765"), Some("django.secret_key_fallbacks".into()));
        let t = "[ email ] # mail\ntransport = \"\"\"smtp://u:p@h\nfake = 4\n";
        assert_eq!(at(t, "fake"), Some("email.transport".into()));
        assert_eq!(at(t, "4"), Some("email.transport".into()));
        let t = "django = {\n  time_zone = \"UTC\",\n  secret_key = 77,\n}\n";
        assert_eq!(at(t, "77"), Some("django.secret_key".into()));
        assert_eq!(at(t, "\"UTC\""), Some("django.time_zone".into()));
        let t = "[password]\nargon2 = { m_cost = [1, 2], t_cost = 9 }\n";
        assert_eq!(at(t, "2]"), Some("password.argon2.m_cost".into()));
        assert_eq!(at(t, "9"), Some("password.argon2.t_cost".into()));
    }

    #[test]
    fn strings_hide_what_looks_like_syntax() {
        let t = "[django]\nsecret_key = \"a\\\"b = [\" \nnext = 5\n";
        assert_eq!(at(t, "5"), Some("django.next".into()));
        let t = "[django]\nsecret_key = 'a[b' \ndjango.time_zone = 5\n";
        assert_eq!(at(t, "5"), Some("django.django.time_zone".into()));
        let t = "[devise]\nsecret_key_base = \"abc\n";
        assert_eq!(at(t, "abc"), Some("devise.secret_key_base".into()));
        let t = "[[x.y]]\nz = 1";
        assert_eq!(at(t, "1"), Some("x.y.z".into()));
    }
}
