#!/usr/bin/env bash
# Regenerates the committed completion scripts, and the man pages in ../man,
# from the CLI definition.
set -euo pipefail
cd "$(dirname "$0")"
bin=(cargo run --quiet --)
"${bin[@]}" completions bash > resetctl.bash
"${bin[@]}" completions zsh > _resetctl
"${bin[@]}" completions fish > resetctl.fish
"${bin[@]}" completions elvish > resetctl.elv
"${bin[@]}" completions powershell > _resetctl.ps1
# The pages come from a dev-only example (the binary has no man page flag);
# old pages go first so a removed subcommand leaves no page behind.
mkdir -p ../man
rm -f ../man/*.1
cargo run --quiet --example man -- ../man
