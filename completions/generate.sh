#!/usr/bin/env bash
# Regenerates the committed completion scripts from the CLI definition.
set -euo pipefail
cd "$(dirname "$0")"
bin=(cargo run --quiet --)
"${bin[@]}" completions bash > resetctl.bash
"${bin[@]}" completions zsh > _resetctl
"${bin[@]}" completions fish > resetctl.fish
"${bin[@]}" completions elvish > resetctl.elv
"${bin[@]}" completions powershell > _resetctl.ps1
