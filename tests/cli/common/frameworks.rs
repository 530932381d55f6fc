//! The frameworks' own code, run on a test's database: a Rails app with
//! Devise (tests/support/devise_app), Laravel's password broker
//! (tests/support/laravel_app) and a stock Django site
//! (tests/support/django_site), also with django-allauth. Each call is one process of the real
//! framework; its answer is the exit status (0 yes, 1 refused) and one line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use super::tools::{program, support};
use super::{Backend, TestEnv, assert_one_line_error};

/// The password every user a framework creates starts with.
pub const OLD_PASSWORD: &str = "old password 1";

/// A framework whose own code makes an app's tables and users.
pub trait Framework {
    /// Creates a user with `password` through the framework's model:
    /// `name` is a Django username (its email name@example.com), or the
    /// email for Devise and Laravel.
    fn create_user(&self, db: &Path, name: &str, password: &str);
}

/// An app's database on SQLite: see `framework_app_on`.
pub fn framework_app(
    framework: &impl Framework,
    users: &[&str],
    config: &str,
) -> (TestEnv, PathBuf) {
    framework_app_on(framework, Backend::Sqlite, users, config)
}

/// An app's database on `backend`, made by the framework's own migrations
/// and models with these users (each with OLD_PASSWORD), then prepared by
/// `resetctl init` with this config: the env and the config file.
pub fn framework_app_on(
    framework: &impl Framework,
    backend: Backend,
    users: &[&str],
    config: &str,
) -> (TestEnv, PathBuf) {
    let env = TestEnv::empty_on(backend);
    let db = PathBuf::from(env.db_value());
    for name in users {
        framework.create_user(&db, name, OLD_PASSWORD);
    }
    let cfg = env.config(config);
    env.cmd_with(&cfg).arg("init").assert().success();
    (env, cfg)
}

/// The harness's `create`, which must succeed.
#[track_caller]
fn created(a: Answer) {
    assert!(a.ok, "{}", a.line);
}

/// What a framework said: accepted (or done), and its line.
#[derive(Debug)]
pub struct Answer {
    pub ok: bool,
    pub line: String,
}

/// Runs one framework process: exit 0 or 1 is its answer, anything else
/// fails the test.
pub fn run(mut c: Command, what: &str) -> Answer {
    let out = c.output().unwrap();
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{what} itself failed ({code}): {line}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Answer {
        ok: code == 0,
        line,
    }
}

/// The Rails app, with the app's secret and Devise's settings.
pub struct Devise {
    pub secret_key_base: String,
    pub env: Vec<(&'static str, String)>,
}

impl Devise {
    pub const SECRET: &'static str = "resetctl-test-secret-key-base";

    pub fn new() -> Devise {
        Devise {
            secret_key_base: Devise::SECRET.to_string(),
            env: Vec::new(),
        }
    }

    /// resetctl's config for this app: `framework = "devise"` with its
    /// secret and `extra` lines of [devise], and no issue limit.
    pub fn config(extra: &str) -> String {
        format!(
            "framework = \"devise\"\n[devise]\nsecret_key_base = \"{}\"\n{extra}[limits]\nissue = \"off\"\n",
            Devise::SECRET
        )
    }

    pub fn with(mut self, var: &'static str, value: &str) -> Devise {
        self.env.push((var, value.to_string()));
        self
    }

    /// `ruby app.rb COMMAND DB ARGS...` at `at` (RFC 3339), or now.
    pub fn call(&self, db: &Path, at: Option<&str>, command: &str, args: &[&str]) -> Answer {
        let mut c = Command::new(program("ruby"));
        c.arg(support("devise_app/app.rb"))
            .arg(command)
            .arg(db)
            .args(args)
            .env("SECRET_KEY_BASE", &self.secret_key_base)
            .env_remove("AT")
            .env_remove("DATABASE_URL");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        if let Some(at) = at {
            c.env("AT", at);
        }
        run(c, "the Devise app")
    }

    /// Devise's `PUT /users/password` with the token and a new password.
    pub fn reset(&self, db: &Path, at: &str, token: &str, password: &str) -> Answer {
        self.call(db, Some(at), "reset", &[token, password])
    }

    pub fn sign_in(&self, db: &Path, email: &str, password: &str) -> Answer {
        self.call(db, None, "sign-in", &[email, password])
    }

    /// The row as stored: encrypted_password, reset_password_token,
    /// reset_password_sent_at.
    pub fn row(&self, db: &Path, email: &str) -> serde_json::Value {
        let a = self.call(db, None, "row", &[email]);
        assert!(a.ok, "{}", a.line);
        serde_json::from_str(&a.line).unwrap()
    }
}

impl Framework for Devise {
    fn create_user(&self, db: &Path, email: &str, password: &str) {
        created(self.call(db, None, "create", &[email, password]));
    }
}

/// Sixteen `redeem`s of one token or link at once, each with its own new
/// password: exactly one wins (0) and the others are refused (77). Returns
/// the winner's password.
pub fn race_redeem(env: &TestEnv, config: Option<&Path>, token: &str) -> String {
    const N: usize = 16;
    let children: Vec<Child> = (0..N)
        .map(|i| {
            let mut c = env.std_cmd();
            if let Some(config) = config {
                c.arg("--config").arg(config);
            }
            let mut child = c.args(["redeem", "-", "--password-stdin"]).spawn().unwrap();
            let mut stdin = child.stdin.take().unwrap();
            stdin
                .write_all(format!("{token}\npassword number {i}\n").as_bytes())
                .unwrap();
            child
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let winners: Vec<usize> = (0..N)
        .filter(|&i| outputs[i].status.code() == Some(0))
        .collect();
    assert_eq!(winners.len(), 1, "exactly one redeem succeeds");
    for (i, out) in outputs.iter().enumerate().filter(|(i, _)| *i != winners[0]) {
        assert_eq!(
            out.status.code(),
            Some(77),
            "loser {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_one_line_error(&out.stderr, "");
    }
    format!("password number {}", winners[0])
}

/// Laravel 8.83's password broker and user provider, booted on the file
/// (`hashing.bcrypt.verify` on).
pub struct Laravel {
    pub env: Vec<(&'static str, String)>,
}

impl Laravel {
    /// With `RESET_TABLE` set to `table`.
    pub fn new(table: &str) -> Laravel {
        Laravel {
            env: vec![("RESET_TABLE", table.to_string())],
        }
    }

    /// resetctl's config for this app: `framework = "laravel"` with
    /// `extra` lines of [laravel], and no issue limit.
    pub fn config(extra: &str) -> String {
        format!("framework = \"laravel\"\n[laravel]\n{extra}[limits]\nissue = \"off\"\n")
    }

    pub fn with(mut self, var: &'static str, value: &str) -> Laravel {
        self.env.push((var, value.to_string()));
        self
    }

    /// `php app.php COMMAND DB ARGS...` at `at` (RFC 3339), or now.
    pub fn call(&self, db: &Path, at: Option<&str>, command: &str, args: &[&str]) -> Answer {
        let mut c = Command::new(program("php"));
        c.arg(support("laravel_app/app.php"))
            .arg(command)
            .arg(db)
            .args(args)
            .env_remove("AT");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        if let Some(at) = at {
            c.env("AT", at);
        }
        run(c, "the Laravel app")
    }

    /// `Password::tokenExists` at `at`.
    pub fn token_exists(&self, db: &Path, at: &str, email: &str, token: &str) -> bool {
        self.call(db, Some(at), "token-exists", &[email, token]).ok
    }

    /// The provider's credential check, as a login makes it.
    pub fn check(&self, db: &Path, email: &str, password: &str) -> bool {
        self.call(db, None, "check", &[email, password]).ok
    }

    /// The user's row and the reset rows for the email, as `row` prints
    /// them: `user: password=... remember_token=...`, then `reset: ...`.
    pub fn row(&self, db: &Path, email: &str) -> String {
        self.call(db, None, "row", &[email]).line
    }
}

impl Framework for Laravel {
    fn create_user(&self, db: &Path, email: &str, password: &str) {
        created(self.call(db, None, "create", &[email, password]));
    }
}

/// A stock Django site (tests/support/django_site) on the file, with its
/// `SECRET_KEY` and settings.
#[derive(Clone)]
pub struct Django {
    pub python: std::path::PathBuf,
    pub env: Vec<(&'static str, String)>,
}

impl Django {
    pub const SECRET: &'static str = "django-insecure-resetctl-test-key";

    /// The latest Django, or 4.2 LTS with `lts`.
    pub fn new(lts: bool) -> Django {
        Django {
            python: if lts {
                super::tools::stock_django42()
            } else {
                super::tools::stock_django()
            },
            env: vec![("SECRET_KEY", Django::SECRET.to_string())],
        }
    }

    /// resetctl's config for this site: `framework = "django"` with its
    /// SECRET_KEY and `extra` lines of [django], and no issue limit.
    pub fn config(extra: &str) -> String {
        format!(
            "framework = \"django\"\n[django]\nsecret_key = \"{}\"\n{extra}[limits]\nissue = \"off\"\n",
            Django::SECRET
        )
    }

    pub fn with(mut self, var: &'static str, value: &str) -> Django {
        self.env.retain(|(k, _)| *k != var);
        self.env.push((var, value.to_string()));
        self
    }

    /// `site.py COMMAND DB ARGS...` at `at` (RFC 3339), or now.
    pub fn call(&self, db: &Path, at: Option<&str>, command: &str, args: &[&str]) -> Answer {
        let mut c = Command::new(&self.python);
        c.arg(support("django_site/site.py"))
            .arg(command)
            .arg(db)
            .args(args)
            .env_remove("AT")
            .env_remove("ALLAUTH")
            .env_remove("SITES")
            .env_remove("USER_ID")
            .env_remove("SECRET_KEY_FALLBACKS")
            .env_remove("TIME_ZONE")
            .env_remove("PASSWORD_RESET_TIMEOUT");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        if let Some(at) = at {
            c.env("AT", at);
        }
        run(c, "the Django site")
    }

    /// `PasswordResetConfirmView`: open the link, set the password.
    pub fn confirm(&self, db: &Path, at: &str, link: &str, password: &str) -> Answer {
        self.call(db, Some(at), "confirm", &[link, password])
    }

    /// `authenticate()` and a login (which sets `last_login`).
    pub fn login(&self, db: &Path, username: &str, password: &str) -> bool {
        self.call(db, None, "login", &[username, password]).ok
    }

    /// The `auth_user` row as stored.
    pub fn row(&self, db: &Path, username: &str) -> serde_json::Value {
        let a = self.call(db, None, "row", &[username]);
        assert!(a.ok, "{}", a.line);
        serde_json::from_str(&a.line).unwrap()
    }
}

impl Framework for Django {
    fn create_user(&self, db: &Path, name: &str, password: &str) {
        let email = format!("{name}@example.com");
        created(self.call(db, None, "create", &[name, &email, password]));
    }
}

/// The latest Django site with django-allauth (`ALLAUTH=1`): `confirm`
/// is allauth's `PasswordResetFromKeyView`, `login` its login view, and
/// `create` adds allauth's EmailAddress row.
#[derive(Clone)]
pub struct Allauth(pub Django);

impl Allauth {
    pub fn new() -> Allauth {
        Allauth(Django::new(false).with("ALLAUTH", "1"))
    }

    /// resetctl's config for this site: `framework = "allauth"` with its
    /// SECRET_KEY and `extra` lines of [django], and no issue limit.
    pub fn config(extra: &str) -> String {
        Django::config(extra).replacen("\"django\"", "\"allauth\"", 1)
    }

    /// The link allauth's own reset request mails (`http://testserver/...`).
    pub fn reset_link(&self, db: &Path, at: &str, username: &str) -> String {
        let a = self.call(db, Some(at), "reset-link", &[username]);
        assert!(a.ok, "{}", a.line);
        a.line
    }
}

impl std::ops::Deref for Allauth {
    type Target = Django;

    fn deref(&self) -> &Django {
        &self.0
    }
}

impl Framework for Allauth {
    fn create_user(&self, db: &Path, name: &str, password: &str) {
        self.0.create_user(db, name, password);
    }
}
