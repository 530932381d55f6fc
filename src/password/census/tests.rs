//! What `auto` reads from the hashes it is shown.

use super::*;

const B2Y12: &str = "$2y$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
const B2B10: &str = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
const B2A12: &str = "$2a$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
const PBKDF2: &str =
    "pbkdf2_sha256$1000000$abcdefghijklmnopqrstuv$QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=";
const ARGON: &str = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$c29tZWhhc2hzb21laGFzaA";

fn census(values: &[&str]) -> Census {
    Census::of(values.iter().map(|v| Some(*v)))
}

#[test]
fn identifies_each_kind_by_its_own_prefix() {
    assert_eq!(
        identify(B2Y12),
        Seen::Writable(Scheme::Bcrypt {
            prefix: BcryptPrefix::TwoY,
            cost: 12
        })
    );
    assert_eq!(
        identify(PBKDF2),
        Seen::Writable(Scheme::DjangoPbkdf2 {
            iterations: 1_000_000
        })
    );
    let argon = Argon2Cost {
        m_cost: 65536,
        t_cost: 3,
        p_cost: 4,
    };
    assert_eq!(
        identify(ARGON),
        Seen::Writable(Scheme::Argon2id {
            cost: argon,
            django: false
        })
    );
    assert_eq!(
        identify(&format!("argon2{ARGON}")),
        Seen::Writable(Scheme::Argon2id {
            cost: argon,
            django: true
        })
    );
    assert_eq!(identify(""), Seen::Empty);
    assert_eq!(identify("!kQ3x9unusablepassword"), Seen::Unusable);
    for (stored, name) in [
        ("md5$salt$0123456789abcdef", "md5"),
        ("sha1:1000:abcd:ef01", "sha1"),
        ("$6$rounds=5000$salt$hash", "$6$"),
        ("{SSHA}c2VjcmV0", "{SSHA}"),
        ("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA", "$argon2i$"),
        (
            "$2x$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
            "$2x$",
        ),
        ("5f4dcc3b5aa765d61d8327deb882cf99", "unrecognised"),
        ("app-set-hash", "unrecognised"),
        ("pbkdf2_sha256$9999999999$s$h", "pbkdf2_sha256"),
    ] {
        assert_eq!(identify(stored), Seen::Other(name.into()), "{stored}");
    }
}

#[test]
fn the_majority_and_its_parameters_win_never_below_the_floor() {
    let mut c = census(&[B2Y12, B2Y12, B2B10, "md5$a$b"]);
    assert_eq!(
        c.choose().unwrap(),
        Some(Scheme::Bcrypt {
            prefix: BcryptPrefix::TwoY,
            cost: 12
        })
    );
    assert_eq!(c.to_string(), "3 bcrypt, 1 md5");
    let weak = "$2a$04$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
    assert_eq!(
        census(&[weak]).choose().unwrap(),
        Some(Scheme::Bcrypt {
            prefix: BcryptPrefix::TwoA,
            cost: 10
        })
    );
    let old = "pbkdf2_sha256$260000$abc$def";
    assert_eq!(
        census(&[old]).choose().unwrap(),
        Some(Scheme::DjangoPbkdf2 {
            iterations: 600_000
        })
    );
    let weak_argon = "$argon2id$v=19$m=4096,t=1,p=1$c2FsdA$aGFzaA";
    assert_eq!(
        census(&[weak_argon]).choose().unwrap(),
        Some(Scheme::Argon2id {
            cost: Argon2Cost::default(),
            django: false
        })
    );
    // A tie in parameters goes to the stronger.
    assert_eq!(
        census(&[B2A12, B2B10]).choose().unwrap(),
        Some(Scheme::Bcrypt {
            prefix: BcryptPrefix::TwoA,
            cost: 12
        })
    );
}

#[test]
fn no_hashes_means_no_opinion() {
    let mut c = Census::of([None, Some(""), Some("!unusable")]);
    assert_eq!(c.choose().unwrap(), None);
    assert_eq!((c.sampled, c.without_hash, c.hashes()), (3, 3, 0));
}

#[test]
fn unknown_or_split_tables_are_78_saying_what_was_seen() {
    let e = census(&["md5$a$b", "md5$c$d", "sha1:x"])
        .choose()
        .unwrap_err();
    assert_eq!(e.exit_code(), 78);
    assert!(e.message.contains("2 md5, 1 sha1"), "{}", e.message);
    let e = census(&[B2Y12, PBKDF2]).choose().unwrap_err();
    assert_eq!(e.exit_code(), 78);
    assert!(e.message.contains("no clear majority"), "{}", e.message);
    assert!(
        e.message.contains("1 bcrypt, 1 django-pbkdf2"),
        "{}",
        e.message
    );
    assert!(e.hint.unwrap().contains("format"));
}

#[test]
fn better_auths_scrypt_is_recognised_and_kept_as_it_is() {
    let by_better_auth = "c285fcae9d0636e3c0771d881ede1ed0:bad695b67022b08a9fdfaf3c00a9c9295cebab086fe2d48b65aed2d35786f851e463669ab3feeefb8bccf0e8711a44af1b8a478458090afcf4ca4a8cb3811863";
    assert_eq!(
        identify(by_better_auth),
        Seen::Writable(Scheme::BetterAuthScrypt)
    );
    let mut c = census(&[by_better_auth, by_better_auth, B2Y12]);
    assert_eq!(c.choose().unwrap(), Some(Scheme::BetterAuthScrypt));
    assert_eq!(c.to_string(), "2 better-auth-scrypt, 1 bcrypt");
    // Upper-case hex is not what Better Auth writes, nor what it can match.
    assert_eq!(
        identify(&by_better_auth.to_uppercase()),
        Seen::Other("unrecognised".into())
    );
}
