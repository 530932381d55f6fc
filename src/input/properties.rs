//! Property tests of bounded line reads.

use proptest::prelude::*;

use super::{Line, read_line};

proptest! {
    #[test]
    fn line_reads_respect_their_limit(data in proptest::collection::vec(any::<u8>(), 0..3000), max in 1usize..1500) {
        let mut r = std::io::Cursor::new(data);
        match read_line(&mut r, max).unwrap() {
            Line::Text(t) => prop_assert!(t.len() <= max && !t.contains(&b'\n')),
            Line::TooLong | Line::Eof => {}
        }
    }
}
