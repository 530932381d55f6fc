//! The man pages committed in man/: they must match what the CLI generates
//! (examples/man, run by completions/generate.sh) and render with man(1).

use std::path::{Path, PathBuf};

use crate::common::{TestEnv, tools};

#[path = "../../examples/man/pages.rs"]
mod pages;

const SUBCOMMANDS: [&str; 10] = [
    "init",
    "issue",
    "inspect",
    "list",
    "revoke",
    "purge",
    "redeem",
    "audit",
    "doctor",
    "completions",
];

fn man_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("man")
}

fn committed_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(man_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".1"))
        .collect();
    names.sort();
    names
}

#[test]
fn committed_pages_match_the_cli() {
    let generated = pages::pages().unwrap();
    let mut names: Vec<String> = generated.iter().map(|(n, _)| n.clone()).collect();
    names.sort();
    let mut want = vec!["resetctl.1".to_owned()];
    want.extend(SUBCOMMANDS.iter().map(|s| format!("resetctl-{s}.1")));
    want.sort();
    assert_eq!(
        names, want,
        "one page for the program and one per subcommand"
    );
    let stale = "is out of date with the CLI: regenerate the pages with completions/generate.sh and commit them";
    assert_eq!(committed_names(), names, "man/ {stale}");
    for (name, page) in generated {
        let committed = std::fs::read(man_dir().join(&name)).unwrap_or_default();
        assert!(committed == page, "man/{name} {stale}");
    }
}

/// man(1) on one committed page, wide enough that no line wraps, with runs of
/// spaces (from justifying lines) squeezed to one.
fn render(name: &str) -> (String, String) {
    let out = std::process::Command::new(tools::program("man"))
        .args(["--warnings", "-P", "cat", "-l"])
        .arg(man_dir().join(name))
        .env("MANWIDTH", "250")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stdout = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "man -l man/{name}: {stderr}");
    (stdout, stderr)
}

#[test]
fn every_page_renders_with_man() {
    let env = TestEnv::empty();
    let version = env.cmd().arg("--version").output().unwrap();
    assert!(version.status.success());
    // "resetctl 0.1.0": every page's footer names the binary's own version.
    let version = String::from_utf8(version.stdout).unwrap();
    let version = version.trim();

    let (main, warnings) = render("resetctl.1");
    assert_eq!(warnings, "", "groff warns about resetctl.1");
    assert!(
        main.contains("NAME resetctl - Issue, inspect, list"),
        "{main}"
    );
    assert!(main.contains("May also be specified with the RESETCTL_DB environment variable."));
    assert!(main.contains("Exit codes: 0 ok"), "{main}");
    assert!(main.contains(version), "{main}");
    for sub in SUBCOMMANDS {
        assert!(
            main.contains(&format!("resetctl-{sub}(1)")),
            "{sub}: {main}"
        );
        let (page, warnings) = render(&format!("resetctl-{sub}.1"));
        assert_eq!(warnings, "", "groff warns about resetctl-{sub}.1");
        assert!(page.contains(&format!("NAME resetctl-{sub} - ")), "{page}");
        assert!(
            page.contains(&format!("SYNOPSIS resetctl {sub} ")),
            "{page}"
        );
        assert!(page.contains("--db <PATH>"), "{sub}: global options listed");
        assert!(page.contains(version), "{sub}: {page}");
    }
    let (issue, _) = render("resetctl-issue.1");
    for flag in ["--no-enumerate", "--skip-active", "--send", "Examples:"] {
        assert!(issue.contains(flag), "{flag}: {issue}");
    }
}
