//! Property tests for the parsers: durations, the timestamp forms apps
//! write, tokens and links, templates, bounded line reads.

use chrono::{DateTime, FixedOffset, Utc};
use proptest::prelude::*;

use crate::clock::{format_duration, parse_duration, parse_timestamp, rfc3339};
use crate::input::{Line, read_line};
use crate::mail::check_template;
use crate::token::Token;

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2000 to 2200, whole seconds: the years an integer is read as a time
    // in, by its magnitude (clock::from_unix_number).
    (946_684_800i64..7_258_118_400).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

proptest! {
    #[test]
    fn durations_round_trip(secs in 1i64..(100 * 365 * 86_400)) {
        let d = chrono::TimeDelta::seconds(secs);
        prop_assert_eq!(parse_duration(&format_duration(d)).unwrap(), d);
    }

    #[test]
    fn durations_never_panic(text in "\\PC{0,40}") {
        if let Ok(d) = parse_duration(&text) {
            prop_assert!(d.num_seconds() >= 0);
        }
    }

    #[test]
    fn every_timestamp_form_reads_back_the_same_instant(t in instant(), offset_min in -14 * 60i32..=14 * 60) {
        let offset = FixedOffset::east_opt(offset_min * 60).unwrap();
        for form in [
            rfc3339(t),
            t.with_timezone(&offset).to_rfc3339(),
            t.format("%Y-%m-%d %H:%M:%S").to_string(),
            t.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
            t.timestamp().to_string(),
            t.timestamp_millis().to_string(),
            t.timestamp_micros().to_string(),
            (i128::from(t.timestamp()) * 1_000_000_000).to_string(),
        ] {
            prop_assert_eq!(parse_timestamp(&form), Some(t), "{}", form);
        }
    }

    #[test]
    fn timestamps_never_panic(text in "\\PC{0,40}") {
        let _ = parse_timestamp(&text);
    }

    #[test]
    fn tokens_are_found_in_every_pasted_form(bytes in proptest::array::uniform32(any::<u8>()), upper in any::<bool>(), pad in "[ \\t\\n]{0,3}") {
        let hex = hex::encode(bytes);
        let shown = if upper { hex.to_uppercase() } else { hex.clone() };
        for input in [
            format!("{pad}{shown}{pad}"),
            format!("https://example.com/reset-password?token={shown}"),
            format!("https://app.test/r?a=1&token={shown}#x"),
            format!("https://app.test/reset/{shown}"),
        ] {
            let token = Token::parse(&input).unwrap();
            prop_assert_eq!(token.expose(), hex.as_str());
        }
    }

    #[test]
    fn anything_else_is_a_clean_65(text in "\\PC{0,100}") {
        match Token::parse(&text) {
            Ok(t) => prop_assert!(t.expose().len() == 64 && t.expose().bytes().all(|b| b.is_ascii_hexdigit())),
            Err(e) => {
                prop_assert_eq!(e.exit_code(), 65);
                prop_assert!(!e.message.contains('\n'));
            }
        }
    }

    #[test]
    fn templates_of_known_placeholders_pass_and_nothing_panics(
        parts in proptest::collection::vec(prop_oneof![
            Just("{username}".to_string()), Just("{email}".to_string()), Just("{link}".to_string()),
            Just("{expires_at}".to_string()), Just("{ttl}".to_string()), Just("{{".to_string()), Just("}}".to_string()),
            "[^{}]{0,10}",
        ], 0..12),
        junk in "\\PC{0,40}",
    ) {
        let known = ["username", "email", "link", "expires_at", "ttl"];
        prop_assert!(check_template(&parts.concat(), &known).is_ok());
        let _ = check_template(&junk, &known);
    }

    #[test]
    fn line_reads_respect_their_limit(data in proptest::collection::vec(any::<u8>(), 0..3000), max in 1usize..1500) {
        let mut r = std::io::Cursor::new(data);
        match read_line(&mut r, max).unwrap() {
            Line::Text(t) => prop_assert!(t.len() <= max && !t.contains(&b'\n')),
            Line::TooLong | Line::Eof => {}
        }
    }
}
