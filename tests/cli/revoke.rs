//! `revoke`: one user, several, --all with and without a terminal.

use crate::common::{TestEnv, assert_one_line_error};
use crate::on_every_engine;

on_every_engine! {
    fn revokes_a_users_token(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        env.cmd()
            .args(["--reason", "customer asked", "revoke", "alice@example.com"])
            .assert()
            .success()
            .stdout("Revoked the reset token of alice <alice@example.com>.\n");
        assert_eq!(env.token_row(1), (None, None));
        env.cmd()
            .args(["inspect", "--token", &token])
            .assert()
            .code(77);
        let last = env.audit().pop().unwrap();
        assert_eq!(
            (last.action.as_str(), last.user_id, last.reason.as_deref()),
            ("revoke", Some(1), Some("customer asked"))
        );
    }
}

on_every_engine! {
    fn revoking_a_user_without_token_succeeds_and_says_so(backend) {
        let env = TestEnv::demo_on(backend);
        let before = env.bytes();
        env.cmd()
            .args(["revoke", "bob"])
            .assert()
            .success()
            .stdout("bob <bob@example.com> has no reset token; nothing to revoke.\n");
        assert_eq!(env.bytes(), before);
        let v = env.json(&["revoke", "bob"]);
        assert_eq!(v["revoked"], false);
    }
}

on_every_engine! {
    fn a_typo_among_several_users_revokes_nothing(backend) {
        let env = TestEnv::demo_on(backend);
        env.issue("alice");
        env.issue("bob");
        let before = env.bytes();
        let out = env.cmd().args(["revoke", "alice", "bbo"]).output().unwrap();
        assert_eq!(out.status.code(), Some(67));
        assert_one_line_error(&out.stderr, "no user with username 'bbo'");
        assert_eq!(env.bytes(), before);
    }
}

on_every_engine! {
    fn all_needs_yes_without_a_terminal(backend) {
        let env = TestEnv::demo_on(backend);
        env.issue("alice");
        env.issue("bob");
        let before = env.bytes();
        let out = env.cmd().args(["revoke", "--all"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_one_line_error(&out.stderr, "needs --yes");
        assert_eq!(env.bytes(), before);
        env.cmd()
            .args(["revoke", "--all", "--yes"])
            .assert()
            .success()
            .stdout("Revoked 2 reset tokens.\n");
        assert_eq!(env.token_row(1), (None, None));
        assert_eq!(env.token_row(2), (None, None));
        let v = env.json(&["revoke", "--all", "--yes"]);
        assert_eq!(v, serde_json::json!({"revoked": 0}));
        let last = env.audit().pop().unwrap();
        assert_eq!(last.detail.as_deref(), Some("all: 2 tokens"));
    }
}

on_every_engine! {
    fn all_asks_on_a_terminal(backend) {
        let env = TestEnv::demo_on(backend);
        env.issue("alice");
        env.issue("carol");
        let before = env.bytes();
        let (code, screen) = env.on_terminal(&[("[y/N]", "n")], &["revoke", "--all"]);
        assert_eq!(code, 0, "{screen}");
        assert!(
            screen.contains("Revoke all 2 outstanding reset tokens? [y/N]"),
            "{screen}"
        );
        assert!(screen.contains("Nothing revoked."), "{screen}");
        assert_eq!(env.bytes(), before);
        let (code, screen) = env.on_terminal(&[("[y/N]", "y")], &["revoke", "--all"]);
        assert_eq!(code, 0, "{screen}");
        assert!(screen.contains("Revoked 2 reset tokens."), "{screen}");
        assert_eq!(env.token_row(3), (None, None));
    }
}
