//! `issue --from FILE|-`: one USER per line, read a batch at a time. Lines
//! are bounded (an overlong one is reported, and skipped without being
//! held in memory), blank lines and `#` comments are skipped, and a UTF-8
//! byte-order mark, as some editors save, is not part of the first USER.

use std::fs::File;
use std::io::{self, BufRead, BufReader};

use crate::error::{Error, Kind, Result};
use crate::input::{self, Line};
use crate::text::shown;

/// A line longer than this is not a USER.
pub const MAX_LINE: usize = 4096;

/// One line of the list, as read.
pub enum Entry {
    Line {
        line_no: u64,
        text: String,
    },
    /// A line longer than any USER: reported, not looked up.
    TooLong {
        line_no: u64,
    },
}

pub struct UserList {
    reader: Box<dyn BufRead>,
    line_no: u64,
}

impl UserList {
    /// FILE, or standard input for `-`.
    pub fn open(path: &str) -> Result<UserList> {
        let reader: Box<dyn BufRead> = if path == "-" {
            Box::new(BufReader::new(io::stdin()))
        } else {
            match File::open(path) {
                Ok(f) if f.metadata().is_ok_and(|m| m.is_dir()) => {
                    return Err(Error::io(format!(
                        "{} is a directory, not a list of users",
                        shown(path)
                    )));
                }
                Ok(f) => Box::new(BufReader::new(f)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(Error::new(
                        Kind::NoInput,
                        format!("the user list {} does not exist", shown(path)),
                    ));
                }
                Err(e) => return Err(Error::io(format!("cannot read {}: {e}", shown(path)))),
            }
        };
        Ok(UserList::new(reader))
    }

    pub fn new(reader: Box<dyn BufRead>) -> UserList {
        UserList { reader, line_no: 0 }
    }

    /// Up to `max` USER lines; none at the end of the list.
    pub fn next_batch(&mut self, max: usize) -> Result<Vec<Entry>> {
        let mut entries = Vec::new();
        while entries.len() < max {
            self.line_no += 1;
            let text = match input::read_line(&mut self.reader, MAX_LINE).map_err(read_error)? {
                Line::Eof => break,
                Line::TooLong => {
                    self.skip_rest_of_line()?;
                    entries.push(Entry::TooLong {
                        line_no: self.line_no,
                    });
                    continue;
                }
                Line::Text(t) => String::from_utf8_lossy(&t).into_owned(),
            };
            let text = if self.line_no == 1 {
                text.strip_prefix('\u{feff}').unwrap_or(&text).to_string()
            } else {
                text
            };
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            entries.push(Entry::Line {
                line_no: self.line_no,
                text: text.to_string(),
            });
        }
        Ok(entries)
    }

    /// Reads past the rest of an overlong line a buffer at a time, keeping
    /// none of it: a gigabyte without a newline costs no memory.
    fn skip_rest_of_line(&mut self) -> Result<()> {
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(read_error(e)),
            };
            if buf.is_empty() {
                return Ok(());
            }
            match buf.iter().position(|&b| b == b'\n') {
                Some(at) => {
                    self.reader.consume(at + 1);
                    return Ok(());
                }
                None => {
                    let n = buf.len();
                    self.reader.consume(n);
                }
            }
        }
    }
}

fn read_error(e: io::Error) -> Error {
    Error::io(format!("cannot read the user list: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(bytes: &[u8]) -> UserList {
        UserList::new(Box::new(io::Cursor::new(bytes.to_vec())))
    }

    fn texts(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                Entry::Line { line_no, text } => format!("{line_no}:{text}"),
                Entry::TooLong { line_no } => format!("{line_no}:too long"),
            })
            .collect()
    }

    #[test]
    fn a_bom_blank_lines_and_comments_are_not_users() {
        let mut l = list(b"\xef\xbb\xbfalice\n\n# a comment\n  bob  \r\n");
        assert_eq!(texts(&l.next_batch(10).unwrap()), ["1:alice", "4:bob"]);
        assert!(l.next_batch(10).unwrap().is_empty());
    }

    #[test]
    fn an_overlong_line_is_reported_and_the_next_one_read() {
        let mut bytes = vec![b'x'; 3 * MAX_LINE];
        bytes.extend_from_slice(b"\ncarol\n");
        let mut l = list(&bytes);
        assert_eq!(texts(&l.next_batch(10).unwrap()), ["1:too long", "2:carol"]);
    }
}
