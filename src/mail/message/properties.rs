//! Property tests of email templates.

use proptest::prelude::*;

use crate::mail::check_template;

proptest! {
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
}
