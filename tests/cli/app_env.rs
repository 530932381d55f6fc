//! `resetctl::app_env::dotenv` against phpdotenv itself (Debian's
//! php-vlucas-phpdotenv, the parser Laravel loads `.env` with): every file
//! below must give the same names and values, or be rejected by both.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use super::common::tools;

const PHPDOTENV: &str = "/usr/share/php/Dotenv/autoload.php";

/// Files where dotenv parsers disagree: the quirks of phpdotenv's grammar.
const FILES: &[(&str, &str)] = &[
    ("plain", "A=1\nB=two\n"),
    ("dollar without braces", "B=x\nA=$B\nC=$B_C\n"),
    ("undefined reference", "A=${X}\nB=\"${X}\"\n"),
    ("forward reference", "A=${B}\nB=x\n"),
    ("escapes", "A=\"a\\tb\\r\\f\\vc\\nd\"\n"),
    ("escaped single quote", "A=\"a\\'b\"\n"),
    ("unknown escape", "A=\"a\\qb\"\n"),
    ("unquoted backslash", "A=a\\nb\nB=c\\\\d\n"),
    ("hash mid-value", "A=abc#def\nB=#x\n"),
    ("quotes mid-value", "A=abc\"def\"\nB=it's\n"),
    ("concatenated quotes", "A=\"a\"'b'c\n"),
    ("text after quote", "A=\"abc\"x\n"),
    ("single quotes over lines", "A='a\nb'\n"),
    ("export short", "export A=1\n"),
    ("export long", "export FOO=1\nexport\tLONGNAME=2\n"),
    ("leading digit and quoted names", "1A=1\n'B'=2\n\"C\"=3\n"),
    ("bare name unsets", "FOO=1\nBAR=2\nFOO\nexport BARBAZ\n"),
    ("indented bare name", "  FOO\n"),
    ("trailing spaces at end", "A=hello   "),
    ("dollar before closing quote", "B=x\nA=\"$B\"\nC=\"a$\"\n"),
    ("duplicate keys", "A=1\nB=2\nA=3\n"),
    ("byte order mark", "\u{feff}A=1\nB=\u{feff}x\n"),
    ("line endings", "A=1\r\nB=2\rC=3\nD=\"x\r\ny\"\r\n"),
    ("null", "A=null\nB=(empty)\n"),
    (
        "quotes and comments",
        "# top\n  # indented\nA = 'x y' # note\nB=\"q \\\"r\\\" \\\\ \\$C\"\nC=\nD=\"\"\nE=''\n",
    ),
    ("comment right after quote", "A=\"x\"#c\nB='y'  # c\n"),
    ("multiline", "A=\"one\n\\\"two\\\"\n  three\"\nB=2\n"),
    ("multiline swallowing a line", "A=\"first\nB=2\"\nC=3\n"),
    ("multiline never closed", "A=1\nB=\"open\nC=3\n"),
    (
        "multiline ending in escaped backslash",
        "A=\"x\n\\\\\"\nB=1\n",
    ),
    (
        "references",
        "A=1\nB=${A}${A}\nC=\"${B}-${A}\"\nD='${A}'\nE=\"${D}\"\n",
    ),
    (
        "reference names",
        "A.B=1\nC=${A.B}\nD=${ A}\nE=${A\nF=$\nG=${}\n",
    ),
    ("reference to empty", "B=\nA=x${B}y\n"),
    ("escaped dollar", "A=1\nB=\"\\${A}\"\n"),
    ("unicode", "A=héllo\nB=\"日本語 ✓\"\nC='ü'\n"),
    ("unicode name", "ÄB=1\n"),
    ("no-break space", "A=a\u{a0}b\n"),
    ("space in unquoted", "A=a b\n"),
    ("no name", "=x\n"),
    ("equals in value", "A==b\nB=c=d\n"),
    ("tabs around equals", "A\t=\tb\n"),
    ("form feed first", "A=\u{c}x\n"),
    ("vertical tab", "A=x\u{b}\n"),
    ("trailing backslash", "A=\"x\\\\\"\nB=\\\n"),
    ("single quote then text", "A='x'y\n"),
    ("only comments", "# nothing\n\n   \n"),
    ("mixed quotes in multiline", "A=\"it's\n'quoted'\n\"\n"),
    ("equals quote inside single quotes", "A='x=\"y'\nB=1\"\n"),
];

#[derive(Debug, PartialEq)]
enum Outcome {
    Set(BTreeMap<String, String>),
    Rejected,
}

fn php(path: &Path) -> Outcome {
    assert!(
        Path::new(PHPDOTENV).exists(),
        "phpdotenv is missing ({PHPDOTENV}): run scripts/test-env to install it"
    );
    let out = Command::new(tools::program("php"))
        .arg(tools::support("verify/phpdotenv.php"))
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    match json.get("ok") {
        Some(vars) => Outcome::Set(serde_json::from_value(vars.clone()).unwrap()),
        None => {
            assert!(json["error"].is_string(), "{json}");
            Outcome::Rejected
        }
    }
}

fn ours(text: &str) -> Outcome {
    match resetctl::app_env::dotenv::parse(text, &|_| None) {
        Ok(vars) => Outcome::Set(vars.into_iter().collect()),
        Err(_) => Outcome::Rejected,
    }
}

#[test]
fn parses_as_phpdotenv_does() {
    let dir = tempfile::tempdir().unwrap();
    let stock = [
        ("laravel 8", tools::support("app_env/laravel-8.env.example")),
        (
            "laravel 11",
            tools::support("app_env/laravel-11.env.example"),
        ),
    ]
    .map(|(label, path)| (label, std::fs::read_to_string(path).unwrap()));
    let files = FILES
        .iter()
        .map(|&(label, text)| (label, text.to_string()))
        .chain(stock);
    let mut rejected = 0;
    for (i, (label, text)) in files.enumerate() {
        let path = dir.path().join(format!("{i}.env"));
        std::fs::write(&path, &text).unwrap();
        let theirs = php(&path);
        assert_eq!(ours(&text), theirs, "{label}: {text:?}");
        rejected += usize::from(theirs == Outcome::Rejected);
    }
    // Both kinds of file are here: some the grammar takes, some not.
    assert!((8..FILES.len() / 2).contains(&rejected), "{rejected}");
}
