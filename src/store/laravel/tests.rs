use super::*;

fn store() -> Laravel {
    Laravel::new(&schema(), &LaravelSettings::default())
}

const T: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

#[test]
fn reads_laravels_link_and_a_bare_token() {
    let p = store()
        .parse(&format!(
            "https://app.test/reset-password/{T}?email=a%2Bb%40example.com"
        ))
        .unwrap();
    assert_eq!(p.token.expose(), T);
    assert_eq!(p.names.as_deref(), Some("a+b@example.com"));
    let p = store().parse(T).unwrap();
    assert!(p.names.is_none());
    assert_eq!(store().parse("abc").unwrap_err().exit_code(), 65);
}

#[test]
fn links_carry_the_email_encoded() {
    let user = User {
        id: crate::user::UserId::Int(1),
        username: None,
        email: Some("a+b@example.com".into()),
    };
    let t = Token::parse(T).unwrap();
    assert_eq!(
        store().link(DEFAULT_LINK, &t, Some(&user)),
        format!("https://example.com/reset-password/{T}?email=a%2Bb%40example.com")
    );
}

#[test]
fn created_at_is_read_in_the_apps_zone() {
    let berlin = Laravel::new(
        &schema(),
        &LaravelSettings {
            timezone: "Europe/Berlin".parse().unwrap(),
            ..LaravelSettings::default()
        },
    );
    // 11:00 in Berlin in November is 10:00 UTC: expires 11:00 UTC.
    let e = berlin.expiry(Some("2026-11-21 11:00:00".into())).unwrap();
    assert_eq!(crate::clock::rfc3339(e), "2026-11-21T11:00:00Z");
    // An offset says which clock it is in.
    let e = berlin.expiry(Some("2026-11-21T10:00:00Z".into())).unwrap();
    assert_eq!(crate::clock::rfc3339(e), "2026-11-21T11:00:00Z");
    assert!(berlin.expiry(None).is_none());
}
