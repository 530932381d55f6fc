//! Databases of apps resetctl cannot serve yet, as their generators make
//! them (tests/support/unsupported/APP.ENGINE.sql): with no config file,
//! `issue`, `init` and `doctor` each exit 78 with one line naming the app,
//! and the database is left exactly as it was.

use super::{has_audit_table, run_code};
use crate::common::tools::support;
use crate::common::{Backend, TestEnv, assert_one_line_error};
use crate::on_every_engine;

/// The fixture of `app` in `backend`'s dialect.
fn fixture(app: &str, backend: Backend) -> String {
    let dialect = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
        Backend::Mariadb => "mariadb",
    };
    let path = support(&format!("unsupported/{app}.{dialect}.sql"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every table's name, and every row of each, as text; on SQLite the
/// file's bytes too.
pub fn dump(env: &TestEnv) -> (Vec<String>, Vec<Vec<Option<String>>>, Vec<u8>) {
    let list = match env.backend() {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        Backend::Postgres => {
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = current_schema() ORDER BY 1"
        }
        Backend::Mariadb => {
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = DATABASE() ORDER BY 1"
        }
    };
    let tables: Vec<String> = env
        .rows(list)
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    let mut rows = Vec::new();
    for table in &tables {
        rows.push(vec![Some(table.clone())]);
        rows.extend(env.rows(&format!("SELECT * FROM \"{table}\" ORDER BY 1")));
    }
    let bytes = match env.backend() {
        Backend::Sqlite => std::fs::read(&env.db).unwrap(),
        _ => Vec::new(),
    };
    (tables, rows, bytes)
}

/// The app's database is refused by every command, naming the app
/// (`words`), and left as it was.
fn refused_and_left_alone(backend: Backend, app: &str, words: &str, tables: usize) {
    let env = TestEnv::empty_on(backend);
    env.sql(&fixture(app, backend));
    let before = dump(&env);
    assert_eq!(before.0.len(), tables, "{:?}", before.0);
    assert!(
        before.1.len() > tables,
        "the fixture has rows: {:?}",
        before.1
    );
    for args in [
        &["issue", "alice@example.com"][..],
        &["init"],
        &["init", "--demo"],
        &["doctor"],
        &["--json", "doctor"],
    ] {
        let out = run_code(&env, None, args, 78);
        assert_one_line_error(&out.stderr, &format!("this database looks like {words}"));
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(
            text.lines()
                .next()
                .unwrap()
                .ends_with("; resetctl cannot serve that app yet, so it changed nothing"),
            "{args:?}: {text}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(!has_audit_table(&env));
    assert_eq!(dump(&env), before, "the database is as it was");
}

on_every_engine! {
    fn a_rails_8_authentication_app_is_named_and_left_alone(backend) {
        // SQLite counts its sqlite_sequence too.
        let tables = if backend == Backend::Sqlite { 5 } else { 4 };
        refused_and_left_alone(
            backend,
            "rails8",
            "a Rails 8 app with the authentication generator's has_secure_password",
            tables,
        );
    }

    fn a_phoenix_phx_gen_auth_app_is_named_and_left_alone(backend) {
        let tables = if backend == Backend::Sqlite { 4 } else { 3 };
        refused_and_left_alone(backend, "phoenix", "a Phoenix app with phx.gen.auth", tables);
    }

    fn a_symfony_reset_password_bundle_app_is_named_and_left_alone(backend) {
        let tables = if backend == Backend::Sqlite { 4 } else { 3 };
        refused_and_left_alone(
            backend,
            "symfony",
            "a Symfony app with the reset-password bundle",
            tables,
        );
    }

    fn an_aspnet_core_identity_app_is_named_and_left_alone(backend) {
        refused_and_left_alone(backend, "aspnet", "an ASP.NET Core Identity app", 4);
    }
}
