//! A Rails app with Devise and no resetctl config: the secret Devise
//! derives its token key from is the app's SECRET_KEY_BASE, taken from the
//! process environment or from the app's env file, and Devise's own
//! PasswordsController takes the token resetctl issues with it.

use super::{bare, init, json_run, run, text, with_app_env};
use crate::common::TestEnv;
use crate::common::frameworks::{Devise, Framework, OLD_PASSWORD};

const EMAIL: &str = "dave@corp.co";
/// The app's own secret_key_base (not the one the other tests use).
const APP_SECRET: &str = "0f3c9a1e7b5d4c2a8e6f1b3d5c7a9e2f4b6d8c0a1e3f5b7d9c2e4a6f8b0d1c3e5";

/// The app's database, made by Devise with the app's secret, prepared by
/// `init` (which needs no secret).
fn app() -> (TestEnv, Devise) {
    let env = TestEnv::empty();
    let devise = Devise {
        secret_key_base: APP_SECRET.to_string(),
        env: Vec::new(),
    };
    devise.create_user(&env.db, EMAIL, OLD_PASSWORD);
    init(&env);
    (env, devise)
}

/// Makes the command of one case.
type Runner<'a> = Box<dyn Fn() -> assert_cmd::Command + 'a>;

#[test]
fn secret_key_base_in_the_environment_or_the_app_env_file_signs_tokens_devise_takes() {
    let (env, devise) = app();
    let file = env.path(".env");
    std::fs::write(
        &file,
        format!("RAILS_ENV=production\nSECRET_KEY_BASE={APP_SECRET}\n"),
    )
    .unwrap();
    let in_env = || {
        let mut c = bare(&env);
        c.arg("--db")
            .arg(&env.db)
            .env("SECRET_KEY_BASE", APP_SECRET);
        c
    };
    let in_file = || {
        let mut c = with_app_env(&env, &file);
        c.arg("--db").arg(&env.db);
        c
    };
    let cases: [(&str, Runner, String); 2] = [
        (
            "environment",
            Box::new(in_env),
            "SECRET_KEY_BASE in the environment".to_string(),
        ),
        (
            "file",
            Box::new(in_file),
            format!("SECRET_KEY_BASE in {}", file.display()),
        ),
    ];
    for (i, (case, cmd, from)) in cases.iter().enumerate() {
        let doctor = json_run(cmd(), &["doctor"], 0);
        assert_eq!(doctor["framework"], "devise", "{case}: {doctor}");
        assert_eq!(doctor["secret"], from.as_str(), "{case}: {doctor}");
        let words = text(&run(cmd(), &["doctor"], 0).stdout);
        assert!(
            words.contains(&format!("App secret   from {from}")),
            "{case}: {words}"
        );

        let issued = json_run(cmd(), &["issue", EMAIL], 0);
        let token = issued["token"].as_str().unwrap();
        let stored = devise.row(&env.db, EMAIL)["reset_password_token"].clone();
        assert!(
            stored.is_string() && stored != token,
            "{case}: Devise keeps an HMAC: {stored}"
        );
        let password = format!("new password {i}");
        let reset = devise.reset(&env.db, "2026-11-21T10:30:00Z", token, &password);
        assert!(reset.ok, "{case}: Devise refused: {}", reset.line);
        assert!(devise.sign_in(&env.db, EMAIL, &password).ok, "{case}");
        assert!(
            devise.row(&env.db, EMAIL)["reset_password_token"].is_null(),
            "{case}"
        );
    }
    let actions = super::actions(&env);
    assert_eq!(actions, ["init ok", "issue ok", "issue ok"]);
}

#[test]
fn the_environment_wins_over_the_file_and_without_either_issue_fails_changing_nothing() {
    let (env, devise) = app();
    let file = env.path(".env");
    std::fs::write(&file, "SECRET_KEY_BASE=not-the-apps-secret\n").unwrap();
    let c = || {
        let mut c = with_app_env(&env, &file);
        c.arg("--db")
            .arg(&env.db)
            .env("SECRET_KEY_BASE", APP_SECRET);
        c
    };
    let issued = json_run(c(), &["issue", EMAIL], 0);
    let doctor = json_run(c(), &["doctor"], 0);
    assert_eq!(doctor["secret"], "SECRET_KEY_BASE in the environment");
    assert_eq!(
        doctor["app_env"]["keys"],
        serde_json::json!([]),
        "the file's key is not in force"
    );
    let words = text(&run(c(), &["doctor"], 0).stdout);
    assert!(
        words.contains(&format!(
            "App env      {}: none of its keys used",
            file.display()
        )),
        "{words}"
    );
    let token = issued["token"].as_str().unwrap();
    assert!(
        devise
            .reset(&env.db, "2026-11-21T10:30:00Z", token, "new password 1")
            .ok
    );

    let before = env.bytes();
    let mut none = bare(&env);
    none.arg("--db").arg(&env.db);
    let out = run(none, &["issue", EMAIL], 78);
    crate::common::assert_one_line_error(&out.stderr, "secret");
    assert_eq!(text(&out.stdout), "");
    assert_eq!(env.bytes(), before, "nothing changed");
    assert!(devise.row(&env.db, EMAIL)["reset_password_token"].is_null());
}
