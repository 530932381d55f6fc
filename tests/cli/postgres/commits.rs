//! A COMMIT whose outcome resetctl did not hear, through a proxy that
//! loses it (`common/proxy.rs`).

use std::collections::BTreeSet;

use super::db_name;
use crate::common::proxy::{CommitProxy, Fault};
use crate::common::{Backend, TestEnv, assert_one_line_error, sha256_hex};

/// The tokens of the links in `stdout`, by user id, hashed as stored.
fn printed(stdout: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(stdout);
    text.match_indices("token=")
        .map(|(i, _)| sha256_hex(&text[i + 6..i + 70]))
        .collect()
}

/// The stored token hashes of users holding one, by id.
fn live(env: &TestEnv) -> Vec<(i64, String)> {
    env.rows(
        "SELECT id, password_reset_token FROM users \
         WHERE password_reset_token IS NOT NULL ORDER BY id",
    )
    .into_iter()
    .map(|r| {
        (
            r[0].as_ref().unwrap().parse().unwrap(),
            r[1].clone().unwrap(),
        )
    })
    .collect()
}

/// A single `issue` whose COMMIT reached the server but whose answer did
/// not come back: the server is asked, says committed, and the link works.
fn single_issue_answer_lost() {
    let env = TestEnv::demo_on(Backend::Postgres);
    let proxy = CommitProxy::start(1, Fault::AnswerLost, false);
    let out = env
        .cmd()
        .env("RESETCTL_DB", proxy.url(db_name(&env)))
        .args(["issue", "alice"])
        .output()
        .unwrap();
    assert!(proxy.struck());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("resetctl: warning: the connection to ")
            && stderr.contains("was lost during COMMIT")
            && stderr.contains("the server says it committed")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    let links = printed(&out.stdout);
    assert_eq!(links.len(), 1, "{out:?}");
    assert_eq!(live(&env), [(1, links.into_iter().next().unwrap())]);
}

/// A single `issue` whose COMMIT never reached the server: 75, and the
/// message says the link already printed does not work; alice's earlier
/// token is the one that stands.
fn single_issue_never_sent() {
    let env = TestEnv::demo_on(Backend::Postgres);
    let earlier = env.issue("alice");
    let proxy = CommitProxy::start(1, Fault::NeverSent, false);
    let out = env
        .cmd()
        .env("RESETCTL_DB", proxy.url(db_name(&env)))
        .args(["issue", "alice"])
        .output()
        .unwrap();
    assert!(proxy.struck());
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    assert_one_line_error(&out.stderr, "was lost during COMMIT");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rolled it back: nothing was changed; the link printed does not work"),
        "{stderr}"
    );
    assert_eq!(printed(&out.stdout).len(), 1, "the link went out first");
    assert_eq!(live(&env), [(1, sha256_hex(&earlier))]);
}

/// `issue --all --batch 3` on 7 users whose second COMMIT's answer is
/// lost: batches one and two are printed, the run stops with 75 at the
/// third, and a resume with --skip-active issues to user 7 alone.
fn bulk_answer_lost_then_resume() {
    let env = TestEnv::with_users_on(7, Backend::Postgres);
    let proxy = CommitProxy::start(2, Fault::AnswerLost, false);
    let out = env
        .cmd()
        .env("RESETCTL_DB", proxy.url(db_name(&env)))
        .args(["issue", "--all", "--batch", "3"])
        .output()
        .unwrap();
    assert!(proxy.struck());
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    // Every live token's link was printed, and only those.
    let links = printed(&out.stdout);
    let held: BTreeSet<String> = live(&env).into_iter().map(|(_, h)| h).collect();
    assert_eq!(links, held);
    let ids: Vec<i64> = live(&env).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].contains("was lost during COMMIT") && lines[0].contains("it committed"),
        "{stderr}"
    );
    assert_one_line_error(lines[1..].join("\n").as_bytes(), "connection to");
    assert!(stderr.contains("--skip-active"), "{stderr}");
    let before = live(&env);
    let out = env
        .cmd()
        .args(["issue", "--all", "--skip-active"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Issued 1, skipped 6, failed 0.\n"
    );
    let after = live(&env);
    assert_eq!(after[..6], before[..]);
    assert_eq!(printed(&out.stdout), BTreeSet::from([after[6].1.clone()]));
    assert_eq!(after[6].0, 7);
}

/// The same lost answer with a server that cannot be reached again: the
/// outcome is unknown, and the message names the batch's users.
fn bulk_answer_lost_and_server_gone() {
    let env = TestEnv::with_users_on(7, Backend::Postgres);
    let proxy = CommitProxy::start(2, Fault::AnswerLost, true);
    let out = env
        .cmd()
        .env("RESETCTL_DB", proxy.url(db_name(&env)))
        .args(["issue", "--all", "--batch", "3"])
        .output()
        .unwrap();
    assert!(proxy.struck());
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    assert_one_line_error(&out.stderr, "whether it committed is unknown");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "users with ids above 3 up to 6 may hold tokens whose links were not printed: issue to them again, not with --skip-active"
        ),
        "{stderr}"
    );
    // Batch one printed; batch two committed unseen, as the message says.
    let ids: Vec<i64> = live(&env).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    let held: Vec<String> = live(&env).into_iter().map(|(_, h)| h).collect();
    assert_eq!(printed(&out.stdout), held[..3].iter().cloned().collect());
}

// Proves a COMMIT whose answer is lost is settled on a new connection: no user is left holding a live token whose link nobody saw.
#[test]
fn a_lost_commit_answer_is_settled_and_every_live_token_was_printed() {
    single_issue_answer_lost();
    single_issue_never_sent();
    bulk_answer_lost_then_resume();
    bulk_answer_lost_and_server_gone();
}
