use super::*;

fn none(_: &str) -> Option<String> {
    None
}

fn vars(text: &str) -> Vec<(String, String)> {
    parse(text, &none).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn value(text: &str, name: &str) -> Option<String> {
    vars(text)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn error(text: &str) -> ParseError {
    parse(text, &none).expect_err(text)
}

#[test]
fn the_rows_where_phpdotenv_differs_from_dotenvy() {
    let cases: [(&str, &str); 14] = [
        ("B=x\nA=$B\n", "$B"),
        ("A=${X}\n", "${X}"),
        ("A=${B}\nB=x\n", "${B}"),
        ("A=\"a\\tb\\r\\f\\v\"\n", "a\tb\r\x0c\x0b"),
        ("A=a\\nb\n", "a\\nb"),
        ("A=abc#def\n", "abc"),
        ("A=#x\n", ""),
        ("A=abc\"def\"\n", "abc\"def\""),
        ("A=it's\n", "it's"),
        ("1A=1\nA=2\n", "2"),
        ("'A'=1\n", "1"),
        ("A=hello   ", "hello"),
        ("B=x\nA=\"$B\"\n", "$B"),
        ("A=\"a$\"\n", "a$"),
    ];
    for (text, want) in cases {
        assert_eq!(value(text, "A").as_deref(), Some(want), "{text:?}");
    }
    assert_eq!(value("1A=1\n", "1A").as_deref(), Some("1"));
    for bad in [
        "A=\"a\\'b\"\n",
        "A=\"a\\qb\"\n",
        "A=\"a\"'b'c\n",
        "A=\"abc\"x\n",
    ] {
        error(bad);
    }
    assert_eq!(error("A='a\nb'\n").line, 1);
    assert_eq!(error("export A=1\n").line, 1);
    assert_eq!(value("export FOO=1\n", "FOO").as_deref(), Some("1"));
    assert_eq!(vars("A=1\nA\n"), vec![]);
    assert_eq!(value("A=1\nA=2\n", "A").as_deref(), Some("2"));
    assert_eq!(value("\u{feff}A=1\n", "A").as_deref(), Some("1"));
    assert_eq!(value("A=null\n", "A").as_deref(), Some("null"));
}

#[test]
fn quotes_comments_and_whitespace() {
    let text =
        "# a comment\n  \nA = 'x y' # note\nB=\"q \\\"r\\\" \\\\ \\$C\"\nC=\n D=\"\"\nE=''\n";
    assert_eq!(
        vars(text),
        [
            ("A", "x y"),
            ("B", "q \"r\" \\ $C"),
            ("C", ""),
            ("D", ""),
            ("E", "")
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert_eq!(
        value("A='a $B \\n ${B}'\n", "A").as_deref(),
        Some("a $B \\n ${B}")
    );
    assert_eq!(error("A=hello world\n").why, error("A=\"a\" \"b\"\n").why);
}

#[test]
fn multiline_values_and_line_breaks() {
    let text = "A=\"one\ntwo\n  three\"\nB=2\r\nC=3\rD=4";
    let got = vars(text);
    assert_eq!(got[0], ("A".into(), "one\ntwo\n  three".into()));
    assert_eq!(got.len(), 4, "{got:?}");
    // Never closed: phpdotenv drops the entry and the lines it swallowed.
    assert_eq!(vars("A=1\nB=\"open\nC=3\n"), [("A".into(), "1".into())]);
    // The error names the line the entry starts on.
    assert_eq!(error("A=1\nB=\"x\ny\" z\nC=1\n").line, 2);
}

#[test]
fn references_see_earlier_lines_and_the_environment_first() {
    let text = "A=1\nB=\"${A}-${HOME_X}-${C}\"\nC=3\nD=${A}${A}\n";
    assert_eq!(value(text, "B").as_deref(), Some("1-${HOME_X}-${C}"));
    assert_eq!(value(text, "D").as_deref(), Some("11"));
    let env = |n: &str| (n == "A" || n == "HOME_X").then(|| format!("env{n}"));
    let got = parse(text, &env).unwrap();
    let b = got.iter().find(|(k, _)| k == "B").unwrap();
    assert_eq!(b.1, "envA-envHOME_X-${C}");
    // A name the environment sets keeps the environment's value.
    assert_eq!(got[0], ("A".into(), "envA".into()));
    let cleared = parse("A\n", &env).unwrap();
    assert_eq!(cleared, [("A".into(), "envA".into())]);
    // Not expanded again.
    assert_eq!(
        value("C=z\nB='${C}'\nA=\"${B}\"\n", "A").as_deref(),
        Some("${C}")
    );
}

#[test]
fn errors_name_the_line_and_never_the_text() {
    for (text, line) in [
        ("A=1\n\n# c\nB=SECRET one\n", 4),
        ("A=1\n=SECRET\n", 2),
        ("A=1\nB=\"SECRET\\q\"\n", 2),
        ("SE CRET=1\n", 1),
        ("A='SECRET\n", 1),
    ] {
        let e = error(text);
        assert_eq!(e.line, line, "{text:?}");
        let shown = e.to_string();
        assert!(
            !shown.contains("SECRET") && !shown.contains("CRET"),
            "{shown}"
        );
        assert!(shown.starts_with(&format!("line {line}: ")), "{shown}");
    }
}
