//! `doctor --print-config` round trips: the settings in force, written
//! as a config file and given back with `--config` alone, make the same
//! run (framework, table, link, mail), and the text holds no secret.

use std::path::{Path, PathBuf};

use super::django::{on_site, site};
use super::laravel::{from_file, laravel_from};
use super::{bare, json_run, laravel_env_file, run, text, with_app_env};
use crate::common::frameworks::{Django, OLD_PASSWORD};
use crate::common::{NOW, TestEnv, closed_port, mariadb, postgres};
use crate::on_every_engine;

const MAIL_PASSWORD: &str = "m4il-Pa55-word";

/// What must be the same after the round trip.
fn summary(doctor: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "framework": doctor["framework"],
        "token_store": doctor["token_store"],
        "table": doctor["table"]["name"],
        "link": doctor["link"],
        "email": doctor["email"]["transport"],
        "database": doctor["database"]["path"],
    })
}

/// Writes the printed text as a private config file.
fn written(env: &TestEnv, printed: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = env.path("printed.toml");
    std::fs::write(&path, printed).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn with_config(env: &TestEnv, config: &Path) -> assert_cmd::Command {
    let mut c = bare(env);
    c.arg("--config").arg(config);
    c
}

/// `doctor --print-config`, which `--json` wraps as {"config": TEXT}.
fn printed(c: impl Fn() -> assert_cmd::Command) -> String {
    let plain = text(&run(c(), &["doctor", "--print-config"], 0).stdout);
    let wrapped = json_run(c(), &["doctor", "--print-config"], 0);
    assert_eq!(wrapped["config"], plain.as_str());
    plain
}

on_every_engine! {
    fn laravel_with_its_env_file_round_trips_without_its_passwords(backend) {
        let env = TestEnv::empty_on(backend);
        let mail = [("MAIL_USERNAME", "shop".to_string()), ("MAIL_PASSWORD", MAIL_PASSWORD.to_string())];
        let file = laravel_env_file(&env, closed_port(), &mail);
        let laravel = laravel_from(&file);
        assert!(laravel.call(from_file(), None, "create", &["dave@corp.co", OLD_PASSWORD]).ok);
        run(with_app_env(&env, &file), &["init"], 0);
        let given = json_run(with_app_env(&env, &file), &["doctor"], 0);

        let text = printed(|| with_app_env(&env, &file));
        assert!(text.contains(&format!("app_env = \"{}\"", file.display())), "{text}");
        for secret in [MAIL_PASSWORD, postgres::PASSWORD, mariadb::PASSWORD] {
            assert!(!text.contains(secret), "{secret} printed:\n{text}");
        }
        let config = written(&env, &text);
        let again = json_run(with_config(&env, &config), &["doctor"], 0);
        assert_eq!(summary(&again), summary(&given), "{text}");
        assert_eq!(again["framework"], "laravel");
        assert_eq!(again["token_store"]["table"], "password_resets");

        let issued = json_run(with_config(&env, &config), &["issue", "dave@corp.co"], 0);
        let link = issued["link"].as_str().unwrap();
        assert!(link.starts_with("https://shop.example.org/reset-password/"), "{link}");
        let token = issued["token"].as_str().unwrap();
        assert!(laravel.token_exists(from_file(), NOW, "dave@corp.co", token));
        assert_eq!(crate::app_env_apps::actions(&env), ["init ok", "issue ok"]);
    }
}

#[test]
fn django_with_its_site_round_trips_without_its_secret_key() {
    let (env, django) = site();
    let given = json_run(on_site(&env), &["doctor"], 0);
    let text = printed(|| on_site(&env));
    assert!(!text.contains(Django::SECRET), "{text}");
    assert!(text.contains("read from RESETCTL_APP_SECRET"), "{text}");
    assert!(
        text.contains("link = \"https://shop.example.org/reset/{uid}/{token}/\""),
        "{text}"
    );
    let config = written(&env, &text);
    let again = || {
        let mut c = with_config(&env, &config);
        c.env("RESETCTL_APP_SECRET", Django::SECRET);
        c
    };
    assert_eq!(
        summary(&json_run(again(), &["doctor"], 0)),
        summary(&given),
        "{text}"
    );
    let out = run(again(), &["issue", "erin"], 0);
    let link = super::text(&out.stdout).lines().nth(1).unwrap().to_string();
    assert!(
        link.starts_with("https://shop.example.org/reset/MQ/"),
        "{link}"
    );
    assert!(
        django
            .confirm(&env.db, "2026-11-21T10:30:00Z", &link, "new password 22")
            .ok
    );
    assert_eq!(super::actions(&env), ["init ok", "issue ok"]);
}

#[test]
fn devise_printed_config_names_where_the_secret_is_never_its_value() {
    let env = TestEnv::empty();
    let devise = crate::common::frameworks::Devise::new();
    crate::common::frameworks::Framework::create_user(
        &devise,
        &env.db,
        "dave@corp.co",
        OLD_PASSWORD,
    );
    let file = env.path(".env");
    std::fs::write(
        &file,
        format!(
            "SECRET_KEY_BASE={}\nDATABASE_URL={}\n",
            devise.secret_key_base,
            env.db.display()
        ),
    )
    .unwrap();
    run(with_app_env(&env, &file), &["init"], 0);
    let given = json_run(with_app_env(&env, &file), &["doctor"], 0);
    let text = printed(|| with_app_env(&env, &file));
    assert!(!text.contains(&devise.secret_key_base), "{text}");
    let config = written(&env, &text);
    assert_eq!(
        summary(&json_run(with_config(&env, &config), &["doctor"], 0)),
        summary(&given),
        "{text}"
    );
    let token = json_run(with_config(&env, &config), &["issue", "dave@corp.co"], 0)["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        devise
            .reset(&env.db, "2026-11-21T10:30:00Z", &token, "new password 22")
            .ok
    );
    assert_eq!(super::actions(&env), ["init ok", "issue ok"]);
}
