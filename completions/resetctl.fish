# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_resetctl_global_optspecs
    string join \n db= config= app-env= json q/quiet color= actor= reason= h/help V/version
end

function __fish_resetctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_resetctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_resetctl_using_subcommand
    set -l cmd (__fish_resetctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c resetctl -n "__fish_resetctl_needs_command" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_needs_command" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_needs_command" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_needs_command" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_needs_command" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_needs_command" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_needs_command" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_needs_command" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_needs_command" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_needs_command" -s V -l version -d 'Print version'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "init" -d 'Create the database or add resetctl\'s columns, index and audit table'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "issue" -d 'Issue a reset token and print the reset link'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "inspect" -d 'Show a user\'s token state, or which user a token belongs to'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "list" -d 'List outstanding tokens'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "revoke" -d 'Revoke users\' tokens, or every token'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "purge" -d 'Clear expired tokens (for cron)'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "redeem" -d 'Set a new password with a reset token'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "audit" -d 'Show the audit trail, newest first'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "doctor" -d 'Check the configuration against the database and mail server, changing nothing'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "completions" -d 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)'
complete -c resetctl -n "__fish_resetctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -l demo -d 'Also add the sample users alice, bob and carol (@example.com)'
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand init" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l from -d 'Bulk: the users listed in FILE, one per line (- for stdin; blank lines and # comments skipped)' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l batch -d 'Bulk: users per transaction; fewer hold the app\'s writers off for less time [default: 40000, with --send 100]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l rate -d 'Bulk with --send: at most N emails per second (e.g. 10/s)' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l by -d 'Read USER as this kind of name instead of guessing' -r -f -a "email\t''
username\t''
id\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l ttl -d 'How long the token lives: 90s, 15m, 1h, 2d [default: 1h, at most 7d]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l link -d 'Link template; {token} is replaced by the token' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l qr -d 'Also draw the link as a QR code: on a terminal, or anywhere with --qr=always' -r -f -a "auto\t'only when stdout is a terminal'
always\t'whatever stdout is'"
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l all -d 'Bulk: every user (a forced reset campaign)'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l skip-active -d 'Bulk: leave users that hold a live token alone (to resume a run)'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l dry-run -d 'Bulk: only count what would be issued, skipped and failed'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l no-enumerate -d 'Answer an unknown user like a known one (exit 0, nothing issued, audited); not with bulk runs'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l force -d 'Issue even past the rate limit (needs --reason; audited)'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l lock -d 'Also lock the account: the old password stops working and the sessions the app keeps in its database end (needs --reason)'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l send -d 'Email the link to the user instead of printing it'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l print -d 'With --send, also print the link'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l token -d 'Look up a token (or link; - reads it from stdin) instead of a user' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l by -d 'Read USER as this kind of name instead of guessing' -r -f -a "email\t''
username\t''
id\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l active -d 'Only tokens that can still be redeemed'
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l expired -d 'Only tokens past their expiry'
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand list" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l by -d 'Read USER as this kind of name instead of guessing' -r -f -a "email\t''
username\t''
id\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l all -d 'Revoke every outstanding token'
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -s y -l yes -d 'Do not ask for confirmation (needed for --all without a terminal)'
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand revoke" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l older-than -d 'Only tokens expired at least this long ago' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l audit-older-than -d 'Also delete audit entries older than this (each user\'s newest issue and email are kept)' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand purge" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l user -d 'Whose token it is, for a bare token whose framework keys tokens by user (Laravel, Django); a whole link says it itself' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l by -d 'Read --user as this kind of name instead of guessing' -r -f -a "email\t''
username\t''
id\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l password-stdin -d 'Read the new password from the next line of stdin instead of prompting'
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l notify -d 'Email the user that their password was changed (a failure only warns)'
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand redeem" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l user -d 'Only entries about this user (email, username or id)' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l action -d 'Only entries of this action' -r -f -a "init\t''
issue\t''
revoke\t''
purge\t''
redeem\t''
email\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l since -d 'Only entries since a time (RFC 3339) or a duration ago (24h, 7d)' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l limit -d 'At most this many entries; 0 for all' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand audit" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l smtp -d 'Also connect to the mail server (EHLO, STARTTLS and AUTH as configured, QUIT); nothing is sent'
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l print-config -d 'Print the settings in force as a config file (--config takes it as it is; secrets are never written) and nothing else'
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -l db -d 'The application\'s database: a SQLite file, or a postgres:// or mysql:// URL' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -l config -d 'Config file (TOML); see the README for its keys' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -l app-env -d 'The app\'s own env file (.env): its database, site, mail and secret, under resetctl\'s own settings' -r -F
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -l color -d 'When to colour output (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -l actor -d 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -l reason -d 'Why (a ticket number, say), recorded with every change this command makes' -r
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -l json -d 'Print results as JSON'
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -s q -l quiet -d 'Print nothing but results and errors'
complete -c resetctl -n "__fish_resetctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "init" -d 'Create the database or add resetctl\'s columns, index and audit table'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "issue" -d 'Issue a reset token and print the reset link'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "inspect" -d 'Show a user\'s token state, or which user a token belongs to'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "list" -d 'List outstanding tokens'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "revoke" -d 'Revoke users\' tokens, or every token'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "purge" -d 'Clear expired tokens (for cron)'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "redeem" -d 'Set a new password with a reset token'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "audit" -d 'Show the audit trail, newest first'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "doctor" -d 'Check the configuration against the database and mail server, changing nothing'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "completions" -d 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)'
complete -c resetctl -n "__fish_resetctl_using_subcommand help; and not __fish_seen_subcommand_from init issue inspect list revoke purge redeem audit doctor completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
