//! Text from outside resetctl (the database, an SMTP server, argv, files)
//! made safe to show or store: one line, control characters escaped, and
//! what an operator typed quoted and cut short.

/// Errors are promised to be one line: fold anything a lower layer (SQLite,
/// the OS) put on several.
pub fn one_line(s: String) -> String {
    if s.contains(['\n', '\r']) {
        s.split(['\n', '\r'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    } else {
        s
    }
}

/// A value the operator typed, made safe to store or show: control
/// characters escaped and long values cut.
pub fn clean(value: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        push_printable_char(&mut out, c);
    }
    out
}

/// Text from the database made safe for a terminal: a username holding
/// escape sequences must not repaint a support person's screen.
pub fn printable(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_printable(&mut out, value);
    out
}

/// [`printable`] onto the end of `out`.
pub fn push_printable(out: &mut String, value: &str) {
    // Nearly every name and address is printable ASCII, copied whole: a
    // bulk run labels every user it audits.
    if value.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        push_printable_char(out, c);
    }
}

fn push_printable_char(out: &mut String, c: char) {
    if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
}

/// Shows a value the operator typed inside an error message, quoted and
/// short (shorter than a token, so a token pasted in the wrong place is
/// never shown whole), so the error stays one line.
pub fn shown(value: &str) -> String {
    format!("'{}'", clean(value, 40))
}

/// A percent-encoded URL part (a user name, a password), decoded: `None`
/// when a `%` is not followed by two hex digits, or the bytes are not
/// UTF-8, rather than guessing what was meant.
pub fn percent_decoded(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let well_formed = b.iter().enumerate().all(|(i, &c)| {
        c != b'%' || (b.get(i + 1..i + 3)).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_values_are_escaped_and_cut() {
        assert_eq!(shown("bob"), "'bob'");
        assert_eq!(shown("a\nb"), "'a\\u{a}b'");
        assert_eq!(printable("ev\u{1b}[2Jil"), "ev\\u{1b}[2Jil");
        assert_eq!(printable("Zoë"), "Zoë");
        assert_eq!(printable("a\u{7f} <b>"), "a\\u{7f} <b>");
        let long = "x".repeat(1000);
        let s = shown(&long);
        assert!(s.chars().count() < 45, "{s}");
        assert!(s.ends_with("…'"));
    }
}
