//! `issue --no-enumerate`: an unknown user answered like a known one, in
//! text, JSON, mail and every framework, and refused where it cannot hold.

mod frameworks;
mod mail;

use crate::common::{TestEnv, assert_one_line_error, is_token, json, sha256_hex};
use crate::on_every_engine;

on_every_engine! {
    fn no_enumerate_answers_an_unknown_user_like_a_known_one(backend) {
        let env = TestEnv::demo_on(backend);
        let unknown = env
            .cmd()
            .args(["--json", "issue", "--no-enumerate", "mallory@example.com"])
            .output()
            .unwrap();
        assert_eq!(unknown.status.code(), Some(0));
        assert!(unknown.stderr.is_empty());
        let (k, u) = (env.json(&["issue", "--no-enumerate", "alice@example.com"]), json(&unknown.stdout));
        let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&k), keys(&u), "same shape");
        assert_eq!(
            k["user"],
            serde_json::json!({"id": null, "username": null, "email": "alice@example.com"})
        );
        assert_eq!(
            u["user"],
            serde_json::json!({"id": null, "username": null, "email": "mallory@example.com"})
        );
        assert!(is_token(u["token"].as_str().unwrap()));
        assert_eq!(u["expires_at"], k["expires_at"]);
        assert_eq!(u["sent"], k["sent"]);
        // The decoy is stored nowhere and redeems nothing.
        let decoy = u["token"].as_str().unwrap();
        assert!(!env.all_text().contains(&sha256_hex(decoy)));
        env.cmd()
            .args(["inspect", "--token", decoy])
            .assert()
            .code(77);
        // Human output names both the same way.
        let human = env
            .cmd()
            .args(["issue", "--no-enumerate", "mallory@example.com"])
            .output()
            .unwrap();
        let text = String::from_utf8(human.stdout).unwrap();
        assert!(
            text.starts_with("mallory@example.com: reset link valid until"),
            "{text}"
        );
        // And it is audited.
        let audit = env.audit();
        let last = audit.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.outcome.as_str()),
            ("issue", "unknown-user")
        );
        assert_eq!(last.subject.as_deref(), Some("mallory@example.com"));
        assert_eq!(last.user_id, None);
    }
}

on_every_engine! {
    fn no_enumerate_answers_every_argument_even_two_names_of_one_user(backend) {
        let env = TestEnv::demo_on(backend);
        let users: Vec<serde_json::Value> = env
            .json_lines(&[
                "issue",
                "--no-enumerate",
                "carol",
                "CAROL@example.com",
                "ghost@x.test",
                "ghost@x.test",
            ])
            .into_iter()
            .map(|v| v["user"].clone())
            .collect();
        assert_eq!(users.len(), 4, "one answer per argument, known or not");
        assert_eq!(
            users[1],
            serde_json::json!({"id": null, "username": null, "email": "CAROL@example.com"})
        );
    }
}

#[test]
fn no_enumerate_is_refused_for_bulk_runs() {
    let env = TestEnv::demo();
    std::fs::write(env.path("list.txt"), "alice\nnobody@example.com\n").unwrap();
    let before = env.bytes();
    for bulk in [&["--all"][..], &["--from", "list.txt"]] {
        let out = env
            .cmd()
            .args(["issue", "--no-enumerate"])
            .args(bulk)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bulk:?}");
        assert_one_line_error(&out.stderr, "'--no-enumerate' cannot be used with");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(env.bytes(), before);
}
