//! Bounded reads of one line from standard input, for secrets: the buffer is
//! sized up front (so it never reallocates and leaves copies behind) and wiped
//! when dropped.

use std::io::{self, BufRead};

use zeroize::Zeroizing;

use crate::error::{Error, Result};

pub enum Line {
    /// Nothing left to read.
    Eof,
    /// The line went on past the limit; the rest was not read.
    TooLong,
    /// The line without its `\n` or `\r\n`.
    Text(Zeroizing<Vec<u8>>),
}

pub fn read_line(reader: &mut impl BufRead, max: usize) -> io::Result<Line> {
    // One extra byte for a `\r` before the newline.
    let cap = max + 1;
    let mut buf = Zeroizing::new(Vec::with_capacity(cap));
    let mut saw_any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        saw_any = true;
        let (take, newline) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (available.len(), false),
        };
        if buf.len() + take > cap {
            return Ok(Line::TooLong);
        }
        buf.extend_from_slice(&available[..take]);
        reader.consume(take + usize::from(newline));
        if newline {
            break;
        }
    }
    if !saw_any {
        return Ok(Line::Eof);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    if buf.len() > max {
        return Ok(Line::TooLong);
    }
    Ok(Line::Text(buf))
}

/// A token argument: the token or link itself, or `-` for the first line of
/// stdin (which keeps it out of the process list). The token store reads
/// it (`TokenStore::parse`): each framework's links differ.
pub fn token_arg(arg: &str) -> Result<Zeroizing<String>> {
    if arg != "-" {
        return Ok(Zeroizing::new(arg.to_string()));
    }
    // Room for a long reset link around the token.
    match read_line(&mut std::io::stdin().lock(), 8192) {
        Ok(Line::Text(line)) => Ok(Zeroizing::new(String::from_utf8_lossy(&line).into_owned())),
        Ok(Line::TooLong) => Err(Error::bad_input(
            "malformed reset token: the first line of standard input is too long",
        )),
        Ok(Line::Eof) => Err(Error::bad_input("no token on standard input")),
        Err(e) => Err(Error::io(format!("cannot read standard input: {e}"))),
    }
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: Line) -> Vec<u8> {
        match l {
            Line::Text(t) => t.to_vec(),
            Line::Eof => panic!("eof"),
            Line::TooLong => panic!("too long"),
        }
    }

    #[test]
    fn reads_lines_one_at_a_time() {
        let mut r = io::Cursor::new(b"first\r\nsecond\nlast".to_vec());
        assert_eq!(text(read_line(&mut r, 10).unwrap()), b"first");
        assert_eq!(text(read_line(&mut r, 10).unwrap()), b"second");
        assert_eq!(text(read_line(&mut r, 10).unwrap()), b"last");
        assert!(matches!(read_line(&mut r, 10).unwrap(), Line::Eof));
    }

    #[test]
    fn empty_line_is_not_eof() {
        let mut r = io::Cursor::new(b"\n".to_vec());
        assert_eq!(text(read_line(&mut r, 10).unwrap()), b"");
    }

    #[test]
    fn stops_at_the_limit() {
        let mut r = io::Cursor::new(vec![b'a'; 2 << 20]);
        assert!(matches!(read_line(&mut r, 1024).unwrap(), Line::TooLong));
        let mut r = io::Cursor::new(b"abcd\n".to_vec());
        assert_eq!(text(read_line(&mut r, 4).unwrap()), b"abcd");
        let mut r = io::Cursor::new(b"abcde\n".to_vec());
        assert!(matches!(read_line(&mut r, 4).unwrap(), Line::TooLong));
    }
}
