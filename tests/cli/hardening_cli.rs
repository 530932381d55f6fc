//! Defects of the command line a hostile review reproduced: secrets that
//! help, usage errors and config errors echoed, a password scheme chosen
//! by rows without passwords, and files a read-only command left behind.

use crate::common::TestEnv;

const DB_PASSWORD: &str = "Db-Pa55word-7f3c";
const CONFIG_SECRET: &str = "Cfg-Secret-91ab";

// Proves --help, on the top level and on subcommands, names the variables
// it reads but never shows their values.
#[test]
fn help_names_environment_variables_without_their_values() {
    let env = TestEnv::demo();
    for args in [&["--help"][..], &["issue", "--help"], &["redeem", "--help"]] {
        let out = env
            .cmd()
            .env(
                "RESETCTL_DB",
                format!("postgres://app:{DB_PASSWORD}@db.internal/app"),
            )
            .env("RESETCTL_CONFIG", format!("/etc/{CONFIG_SECRET}.toml"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains(DB_PASSWORD), "{args:?}:\n{text}");
        assert!(!text.contains(CONFIG_SECRET), "{args:?}:\n{text}");
        assert!(text.contains("RESETCTL_DB"), "{args:?}:\n{text}");
        assert!(text.contains("RESETCTL_CONFIG"), "{args:?}:\n{text}");
    }
}
