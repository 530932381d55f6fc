//! Sessions as each framework's own code keeps and judges them, for the
//! frameworks of `frameworks.rs`: a login that leaves what a browser
//! would hold (a session key, Devise's session and remember-me values,
//! Laravel's session id and recaller), and whether a later request with
//! it is still authenticated. All run on the wall clock: no `AT`.

use std::path::Path;

use super::frameworks::{Answer, Devise, Django, Laravel};

/// A command whose answer must be yes: its line.
#[track_caller]
fn accepted(a: Answer) -> String {
    assert!(a.ok, "{}", a.line);
    a.line
}

impl Django {
    /// `Client.login` (allauth's login view under `ALLAUTH=1`), which must
    /// succeed: the key of the session it saved in `django_session`.
    pub fn session_login(&self, db: &Path, username: &str, password: &str) -> String {
        accepted(self.call(db, None, "session-login", &[username, password]))
    }

    /// Whether a request carrying the session cookie is authenticated,
    /// as Django's middleware decides it (the session's auth hash against
    /// the user's current password). Django deletes a session it refuses.
    pub fn session_valid(&self, db: &Path, key: &str) -> bool {
        self.call(db, None, "session-check", &[key]).ok
    }
}

impl Devise {
    /// `User.serialize_into_session(user)`: the `[[id], salt]` Warden keeps
    /// in the session cookie, as JSON.
    pub fn session_key(&self, db: &Path, email: &str) -> String {
        accepted(self.call(db, None, "session-salt", &[email]))
    }

    /// `User.serialize_from_session(*key)` returns the user.
    pub fn session_valid(&self, db: &Path, key: &str) -> bool {
        self.call(db, None, "session-check", &[key]).ok
    }

    /// `remember_me!` and `User.serialize_into_cookie(user)`: the
    /// remember-me cookie's `[[id], salt, generated_at]`, as JSON.
    pub fn remember_key(&self, db: &Path, email: &str) -> String {
        accepted(self.call(db, None, "remember-me", &[email]))
    }

    /// `User.serialize_from_cookie(*key)` returns the user.
    pub fn remember_valid(&self, db: &Path, key: &str) -> bool {
        self.call(db, None, "remember-check", &[key]).ok
    }
}

impl Laravel {
    /// `SessionGuard::attempt(credentials, remember: true)` with the
    /// database session driver, which must succeed: the session id (its
    /// `sessions` row carries the user id) and the recaller cookie's
    /// `id|remember_token|password hash`.
    pub fn session_login(&self, db: &Path, email: &str, password: &str) -> (String, String) {
        let line = accepted(self.call(db, None, "session-login", &[email, password]));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let field = |name: &str| {
            v[name]
                .as_str()
                .unwrap_or_else(|| panic!("{line}"))
                .to_string()
        };
        (field("session"), field("recaller"))
    }

    /// A request with the session cookie: DatabaseSessionHandler reads a
    /// session whose login the guard resolves to a user.
    pub fn session_valid(&self, db: &Path, id: &str) -> bool {
        self.call(db, None, "session-check", &[id]).ok
    }

    /// A request with only the remember-me cookie: the guard finds the
    /// user by `retrieveByToken(id, remember_token)`.
    pub fn remember_valid(&self, db: &Path, recaller: &str) -> bool {
        self.call(db, None, "remember-check", &[recaller]).ok
    }
}
