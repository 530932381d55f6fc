//! A command-line error from clap, in resetctl's one-line form. Clap quotes
//! what was typed (`unexpected argument '<a token>' found`), and what was
//! typed may be a token or a password: only the command line's own words
//! (flags, placeholders, subcommands, choices) are shown, anything else
//! becomes `'…'`.

use std::collections::HashSet;

use clap::CommandFactory;
use clap::error::{ContextKind, ContextValue};

use super::Cli;
use crate::error::Error;

/// What stands where something typed was quoted.
const HIDDEN: &str = "…";
/// Said once when anything was hidden, so the reader knows why.
const WHY_HIDDEN: &str = " (what was typed is not shown: it may be a token or password)";

/// The usage error `e` as one line and a hint, with nothing typed in it.
pub fn usage_error(e: &clap::Error) -> Error {
    let words = Words::of(&Cli::command());
    let mut text = e.render().to_string();
    // The exact strings clap was handed go first: a quote inside one (a
    // password may hold `'`) would throw off the pairing of quotes below.
    for typed in typed_strings(e) {
        if !words.all_known(&typed) {
            text = text
                .replace(&format!("'{typed}'"), &format!("'{HIDDEN}'"))
                .replace(&format!(" {typed}'"), &format!(" {HIDDEN}'"));
            text = hide_in_reason(&text, &typed);
        }
    }
    let mut message = Vec::new();
    let mut tips = Vec::new();
    let mut usage = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("For more information") {
            break;
        }
        if let Some(u) = line.strip_prefix("Usage:") {
            usage.get_or_insert_with(|| u.trim().to_string());
        } else if let Some(tip) = line.strip_prefix("tip:") {
            tips.push(words.hide_quoted(tip.trim()));
        } else if usage.is_none() {
            message.push(words.hide_quoted(line.strip_prefix("error: ").unwrap_or(line)));
        }
    }
    let mut message = message.join(" ");
    if message.contains(HIDDEN) || tips.iter().any(|t| t.contains(HIDDEN)) {
        message.push_str(WHY_HIDDEN);
    }
    let hint = match (tips.is_empty(), usage) {
        (false, _) => tips.join("; "),
        (true, Some(u)) => format!("usage: {u}"),
        (true, None) => "see resetctl --help".to_string(),
    };
    Error::usage(message).with_hint(hint)
}

/// A value parser's reason, after `'--opt <X>': `, may repeat the value
/// unquoted (`0 is not in 1..=1000000`): there it goes as a whole word.
fn hide_in_reason(text: &str, typed: &str) -> String {
    let Some(at) = text.find("': ") else {
        return text.to_string();
    };
    let (head, reason) = text.split_at(at + 3);
    let mut out = head.to_string();
    let mut rest = reason;
    while let Some(i) = rest.find(typed) {
        let after = &rest[i + typed.len()..];
        out.push_str(&rest[..i]);
        let bounded = !out.ends_with(|c: char| c.is_alphanumeric())
            && !after.starts_with(|c: char| c.is_alphanumeric());
        out.push_str(if bounded { HIDDEN } else { typed });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Every string in the error's context: what was typed, and the names clap
/// quotes beside it (the usage text is left out: it is built from the
/// command line's definition alone).
fn typed_strings(e: &clap::Error) -> Vec<String> {
    let mut out: Vec<String> = e
        .context()
        .filter(|(kind, _)| *kind != ContextKind::Usage)
        .flat_map(|(_, value)| match value {
            ContextValue::String(s) => vec![s.clone()],
            ContextValue::Strings(v) => v.clone(),
            _ => Vec::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    // The longest first, so a string that holds another goes whole.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

/// The command line's own words, collected from its definition.
struct Words {
    /// `--db`, `-q`, subcommand names, the program's names, and the choices
    /// of every option that has them.
    names: HashSet<String>,
    /// What stands inside `<...>` or `[...]`: `PATH`, `USER`, `COMMAND`.
    placeholders: HashSet<String>,
}

impl Words {
    fn of(cmd: &clap::Command) -> Words {
        let mut cmd = cmd.clone();
        // Adds what clap itself defines: `help`, `--help`, `--version`.
        cmd.build();
        let mut w = Words {
            names: HashSet::from(["--".to_string(), HIDDEN.to_string()]),
            placeholders: HashSet::new(),
        };
        // Clap names the program as it was started.
        if let Some(name) = std::env::args_os()
            .next()
            .as_deref()
            .map(std::path::Path::new)
            .and_then(|p| p.file_name())
        {
            w.names.insert(name.to_string_lossy().into_owned());
        }
        w.collect(&cmd);
        w
    }

    fn collect(&mut self, cmd: &clap::Command) {
        self.names.insert(cmd.get_name().to_string());
        self.names.extend(cmd.get_all_aliases().map(str::to_string));
        self.placeholders.insert(
            cmd.get_subcommand_value_name()
                .unwrap_or("COMMAND")
                .to_string(),
        );
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                self.names.insert(format!("--{long}"));
            }
            if let Some(short) = arg.get_short() {
                self.names.insert(format!("-{short}"));
            }
            match arg.get_value_names() {
                Some(names) => self
                    .placeholders
                    .extend(names.iter().map(|n| n.to_string())),
                None => {
                    self.placeholders
                        .insert(arg.get_id().as_str().to_uppercase());
                }
            }
            for value in arg.get_possible_values() {
                self.names
                    .extend(value.get_name_and_aliases().map(str::to_string));
            }
        }
        for sub in cmd.get_subcommands() {
            self.collect(sub);
        }
    }

    fn all_known(&self, segment: &str) -> bool {
        segment.split_whitespace().all(|w| self.known(w))
    }

    /// One word of a quoted segment: a flag or option name (cut at `=` or
    /// `[`, and what follows only a placeholder), a placeholder, a
    /// subcommand, a program name or a choice.
    fn known(&self, word: &str) -> bool {
        let word = word.strip_suffix("...").unwrap_or(word);
        if self.names.contains(word) {
            return true;
        }
        if word.starts_with('-') {
            let cut = word.find(['=', '[']).unwrap_or(word.len());
            let (name, rest) = word.split_at(cut);
            return self.names.contains(name) && (rest.is_empty() || self.placeholder(rest));
        }
        self.placeholder(word)
    }

    fn placeholder(&self, word: &str) -> bool {
        let inner = word.trim_matches(['<', '>', '[', ']', '=']);
        word.len() > inner.len() && self.placeholders.contains(inner)
    }

    /// Each quoted segment of `line` with every word that is not the
    /// command line's own replaced (a run of them by one `…`).
    fn hide_quoted(&self, line: &str) -> String {
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        while let Some(open) = rest.find('\'') {
            out.push_str(&rest[..=open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('\'') else {
                // An unpaired quote: what follows it may be typed text.
                out.push_str(HIDDEN);
                return out;
            };
            out.push_str(&self.hide_words(&after[..close]));
            out.push('\'');
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn hide_words(&self, segment: &str) -> String {
        let mut words: Vec<&str> = Vec::new();
        for w in segment.split_whitespace() {
            let shown = if self.known(w) { w } else { HIDDEN };
            if !(shown == HIDDEN && words.last() == Some(&HIDDEN)) {
                words.push(shown);
            }
        }
        if words.is_empty() {
            HIDDEN.to_string()
        } else {
            words.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn words() -> Words {
        Words::of(&Cli::command())
    }

    #[test]
    fn the_command_lines_own_words_are_known() {
        let w = words();
        for known in [
            "--db",
            "-q",
            "--help",
            "help",
            "redeem",
            "<TOKEN>",
            "[USER]...",
            "--qr[=<WHEN>]",
            "--by <BY>",
            "always",
            "username",
            "bash",
            "<COMMAND>",
            "-- --color",
        ] {
            assert!(w.all_known(known), "{known}");
        }
        for unknown in [
            "5f0c8e1d2a3b",
            "-Z",
            "--password=hunter2x",
            "--db=secret",
            "--qr[=secret]",
            "<hunter2>",
            "isue",
            "sometimes",
            "",
        ] {
            assert!(!w.known(unknown), "{unknown}");
        }
    }

    #[test]
    fn quoted_segments_keep_only_known_words() {
        let w = words();
        assert_eq!(
            w.hide_quoted("invalid value 'nosuch' for '--by <BY>' [possible values: email, id]"),
            "invalid value '…' for '--by <BY>' [possible values: email, id]"
        );
        assert_eq!(
            w.hide_quoted("to pass '-Zx3' as a value, use '-- -Zx3'"),
            "to pass '…' as a value, use '-- …'"
        );
        assert_eq!(
            w.hide_quoted("unexpected argument 'correct horse battery' found"),
            "unexpected argument '…' found"
        );
        assert_eq!(
            w.hide_quoted("a similar argument exists: '--color'"),
            "a similar argument exists: '--color'"
        );
        assert_eq!(w.hide_quoted("unpaired 'secret"), "unpaired '…");
        assert_eq!(w.hide_quoted("empty '' quotes"), "empty '…' quotes");
    }

    fn error_for(args: &[&str]) -> Error {
        let e = Cli::try_parse_from(std::iter::once("resetctl").chain(args.iter().copied()))
            .expect_err("a usage error");
        usage_error(&e)
    }

    #[test]
    fn nothing_typed_reaches_the_message_or_hint() {
        let token = "5f0c8e1d2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5";
        for (args, secret, shown) in [
            (
                &["redeem", token, token][..],
                token,
                "unexpected argument '…' found",
            ),
            (
                &["redeem", "x", "it's 'quoted"],
                "quoted",
                "unexpected argument '…' found",
            ),
            (&["isue", "alice"], "isue", "unrecognized subcommand '…'"),
            (
                &["list", "--color", "sometimes"],
                "sometimes",
                "for '--color <WHEN>'",
            ),
            (
                &["inspect", "-Zx3abcdefghijklmnop"],
                "Zx3",
                "unexpected argument '…' found",
            ),
            (
                &["issue", "--by", "nosuch", "alice"],
                "nosuch",
                "for '--by <BY>'",
            ),
        ] {
            let e = error_for(args);
            let all = format!("{} {}", e.message, e.hint.clone().unwrap_or_default());
            assert!(!all.contains(secret), "{args:?}: {all}");
            assert!(e.message.contains(shown), "{args:?}: {all}");
            assert!(e.message.ends_with(WHY_HIDDEN), "{args:?}: {all}");
            assert_eq!(e.exit_code(), 2);
        }
        let e = error_for(&["issue", "--all", "--batch", "0"]);
        assert!(
            e.message
                .starts_with("invalid value '…' for '--batch <N>': … is not in 1..=1000000"),
            "{}",
            e.message
        );
        let e = error_for(&["redeem", token, token]);
        assert_eq!(
            e.hint.as_deref(),
            Some("usage: resetctl redeem [OPTIONS] <TOKEN>")
        );
    }

    #[test]
    fn errors_without_anything_typed_are_as_clap_words_them() {
        let e = error_for(&["issue", "--all", "alice"]);
        assert!(
            e.message
                .starts_with("the argument '--all' cannot be used with '[USER]...'"),
            "{}",
            e.message
        );
        assert!(!e.message.contains(WHY_HIDDEN));
        let e = error_for(&["list", "--colr", "never"]);
        assert_eq!(
            e.hint.as_deref(),
            Some("a similar argument exists: '--color'")
        );
    }
}
