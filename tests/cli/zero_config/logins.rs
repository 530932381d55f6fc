//! On PostgreSQL, the connection that read the catalogue to recognise the
//! app is the one the command goes on with: one login per run.

use super::{init_and_doctor, made_by, run_code};
use crate::common::frameworks::Laravel;
use crate::common::postgres::cluster;
use crate::common::{Backend, TestEnv};
use crate::postgres::logins;

/// The server log's length now, to count logins after it.
fn log_mark() -> usize {
    cluster().log().lines().count()
}

#[track_caller]
fn one_login(env: &TestEnv, args: &[&str]) {
    let from = log_mark();
    run_code(env, None, args, 0);
    let seen = logins(&env.server_db().name, from);
    assert_eq!(seen.len(), 1, "{args:?}: {seen:?}");
}

#[test]
fn issue_with_no_config_logs_in_once_on_postgresql() {
    let env = TestEnv::demo_on(Backend::Postgres);
    one_login(&env, &["issue", "alice"]);
    assert_eq!(env.token_row(1).0.map(|t| t.len()), Some(64));
    let laravel = Laravel::new("password_reset_tokens");
    let env = made_by(&laravel, Backend::Postgres, &["alice@example.com"]);
    init_and_doctor(
        &env,
        None,
        "laravel",
        "recognised by table password_reset_tokens beside users with password and remember_token",
    );
    one_login(&env, &["issue", "alice@example.com"]);
    let rows = env.rows("SELECT email FROM password_reset_tokens");
    assert_eq!(rows, [[Some("alice@example.com".to_string())]]);
}
