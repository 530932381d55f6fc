//! `completions SHELL`, and the committed scripts in completions/ that must
//! match what the CLI generates.

use crate::common::TestEnv;

const FILES: [(&str, &str); 5] = [
    ("bash", "resetctl.bash"),
    ("zsh", "_resetctl"),
    ("fish", "resetctl.fish"),
    ("elvish", "resetctl.elv"),
    ("powershell", "_resetctl.ps1"),
];

#[test]
fn committed_scripts_match_the_cli() {
    let env = TestEnv::empty();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in FILES {
        // No database, config or clock needed, even when they are broken.
        let out = env
            .cmd()
            .env("RESETCTL_NOW", "garbage")
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(out.stderr.is_empty());
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is out of date with the CLI: regenerate the scripts with completions/generate.sh and commit them"
        );
        let text = String::from_utf8(out.stdout).unwrap();
        for word in ["issue", "redeem", "no-enumerate", "password-stdin"] {
            assert!(text.contains(word), "{shell} completes {word}");
        }
    }
    env.cmd().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_bash_script_loads_and_completes() {
    let script = format!(
        "source {}/completions/resetctl.bash; COMP_WORDS=(resetctl re); COMP_CWORD=1; _resetctl resetctl re resetctl; echo \"${{COMPREPLY[@]}}\"",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    let words = String::from_utf8_lossy(&out.stdout);
    assert!(
        words.contains("redeem") && words.contains("revoke"),
        "{words:?} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
