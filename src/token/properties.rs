//! Property tests of tokens and links as people paste them.

use proptest::prelude::*;

use super::Token;

proptest! {
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
}
