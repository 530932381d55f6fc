use super::*;

fn hints() -> Hints {
    Hints {
        table: "users".into(),
        password: "password_hash".into(),
    }
}

fn name(c: &Catalog) -> String {
    match recognise(c, &hints()) {
        Ok(d) => d.kind.name.to_string(),
        Err(e) => format!("78: {}", e.message),
    }
}

const DJANGO_USER: &[&str] = &[
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "email",
    "date_joined",
];
const LARAVEL_USERS: &[&str] = &["id", "name", "email", "password", "remember_token"];
const RESET: &[&str] = &["email", "token", "created_at"];

#[test]
fn each_app_is_told_by_the_tables_its_own_code_makes() {
    let django = Catalog::of(&[
        ("auth_user", DJANGO_USER),
        ("django_site", &["id", "domain"]),
    ]);
    assert_eq!(name(&django), "django");
    let found = recognise(&django, &hints()).unwrap().found;
    assert!(found.site_query.is_some());
    let allauth = Catalog::of(&[
        ("auth_user", DJANGO_USER),
        (
            "account_emailaddress",
            &["id", "email", "verified", "primary", "user_id"],
        ),
    ]);
    assert_eq!(name(&allauth), "allauth");
    let devise = Catalog::of(&[(
        "users",
        &[
            "id",
            "email",
            "encrypted_password",
            "reset_password_token",
            "reset_password_sent_at",
        ],
    )]);
    assert_eq!(name(&devise), "devise");
    for table in ["password_reset_tokens", "password_resets"] {
        let laravel = Catalog::of(&[("users", LARAVEL_USERS), (table, RESET)]);
        let d = recognise(&laravel, &hints()).unwrap();
        assert_eq!(d.kind.name, "laravel");
        assert_eq!(d.found.settings, vec![("table", table.to_string())]);
    }
    let better_auth = Catalog::of(&[
        ("user", &["id", "name", "email", "emailVerified"]),
        (
            "account",
            &["id", "accountId", "providerId", "userId", "password"],
        ),
        ("session", &["id", "token", "userId"]),
        ("verification", &["id", "identifier", "value", "expiresAt"]),
    ]);
    assert_eq!(name(&better_auth), "better-auth");
    let layout = Catalog::of(&[("users", &["id", "email", "password_hash"])]);
    assert_eq!(name(&layout), "none");
}

#[test]
fn an_empty_database_or_an_unknown_users_table_is_the_default_layout() {
    assert_eq!(name(&Catalog::of(&[])), "none");
    assert_eq!(name(&Catalog::of(&[("resetctl_audit", &["id"])])), "none");
    assert_eq!(name(&Catalog::of(&[("users", &["id", "login"])])), "none");
}

#[test]
fn two_apps_or_none_is_78_naming_what_was_found() {
    let both = Catalog::of(&[
        (
            "users",
            &["id", "email", "password", "remember_token", "password_hash"],
        ),
        ("password_resets", RESET),
    ]);
    let e = recognise(&both, &hints()).err().unwrap();
    assert!(e.message.contains("more than one app"), "{}", e.message);
    assert!(e.hint.unwrap().contains("\"none\" or \"laravel\""));
    let two_tables = Catalog::of(&[
        ("users", LARAVEL_USERS),
        ("password_resets", RESET),
        ("password_reset_tokens", RESET),
    ]);
    let e = name(&two_tables);
    assert!(e.contains("both reset tables"), "{e}");
    let unknown = Catalog::of(&[("orders", &["id"]), ("products", &["id"])]);
    let e = name(&unknown);
    assert!(e.contains("tables: orders, products"), "{e}");
}

#[test]
fn an_app_not_served_yet_is_named_not_misread() {
    let rails = Catalog::of(&[
        ("users", &["id", "email_address", "password_digest"]),
        ("sessions", &["id", "user_id"]),
    ]);
    let e = name(&rails);
    assert!(
        e.starts_with("78: this database looks like a Rails 8 app"),
        "{e}"
    );
    assert!(e.contains("changed nothing"), "{e}");
}
