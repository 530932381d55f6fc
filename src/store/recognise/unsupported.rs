//! Apps whose password resets resetctl cannot write yet, by the tables
//! their generators make: their databases are named and left alone, so
//! nobody takes a half-fitting layout for theirs.

use crate::db::Catalog;

/// One app, and how its database shows.
struct App {
    /// Which app, and what shows it: the words after "looks like".
    why: &'static str,
    looks: fn(&Catalog) -> bool,
}

const APPS: &[App] = &[
    App {
        why: "a Rails 8 app with the authentication generator's has_secure_password (users.email_address and password_digest, a sessions table): its reset tokens are signed messages, not rows",
        looks: |c| {
            c.has("users", &["email_address", "password_digest"]) && c.has("sessions", &["user_id"])
        },
    },
    App {
        why: "a Phoenix app with phx.gen.auth (table users_tokens with token and context)",
        looks: |c| c.has("users_tokens", &["user_id", "token", "context"]),
    },
    App {
        why: "a Symfony app with the reset-password bundle (table reset_password_request with selector and hashed_token)",
        looks: |c| c.has("reset_password_request", &["selector", "hashed_token"]),
    },
    App {
        why: "an ASP.NET Core Identity app (table AspNetUsers with PasswordHash and SecurityStamp)",
        looks: |c| c.has("aspnetusers", &["passwordhash", "securitystamp"]),
    },
];

/// Which unserved app the database looks like, in words.
pub fn app(catalog: &Catalog) -> Option<&'static str> {
    APPS.iter().find(|a| (a.looks)(catalog)).map(|a| a.why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_app_is_told_by_its_generators_tables() {
        let rails = Catalog::of(&[
            (
                "users",
                &["id", "email_address", "password_digest", "created_at"],
            ),
            ("sessions", &["id", "user_id", "ip_address", "user_agent"]),
        ]);
        assert!(app(&rails).unwrap().contains("Rails 8"));
        let phoenix = Catalog::of(&[
            ("users", &["id", "email", "hashed_password"]),
            (
                "users_tokens",
                &["id", "user_id", "token", "context", "sent_to"],
            ),
        ]);
        assert!(app(&phoenix).unwrap().contains("Phoenix"));
        let symfony = Catalog::of(&[(
            "reset_password_request",
            &["id", "user_id", "selector", "hashed_token", "expires_at"],
        )]);
        assert!(app(&symfony).unwrap().contains("Symfony"));
        let aspnet = Catalog::of(&[("AspNetUsers", &["Id", "PasswordHash", "SecurityStamp"])]);
        assert!(app(&aspnet).unwrap().contains("ASP.NET"));
        let plain = Catalog::of(&[("users", &["id", "email", "password_hash"])]);
        assert_eq!(app(&plain), None);
    }
}
