
use builtin;
use str;

set edit:completion:arg-completer[resetctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'resetctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'resetctl'= {
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the database or add resetctl''s columns, index and audit table'
            cand issue 'Issue a reset token and print the reset link'
            cand inspect 'Show a user''s token state, or which user a token belongs to'
            cand list 'List outstanding tokens'
            cand revoke 'Revoke users'' tokens, or every token'
            cand purge 'Clear expired tokens (for cron)'
            cand redeem 'Set a new password with a reset token'
            cand audit 'Show the audit trail, newest first'
            cand doctor 'Check the configuration against the database and mail server, changing nothing'
            cand completions 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'resetctl;init'= {
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --demo 'Also add the sample users alice, bob and carol (@example.com)'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;issue'= {
            cand --from 'Bulk: the users listed in FILE, one per line (- for stdin; blank lines and # comments skipped)'
            cand --batch 'Bulk: users per transaction; fewer hold the app''s writers off for less time [default: 40000, with --send 100]'
            cand --rate 'Bulk with --send: at most N emails per second (e.g. 10/s)'
            cand --by 'Read USER as this kind of name instead of guessing'
            cand --ttl 'How long the token lives: 90s, 15m, 1h, 2d [default: 1h, at most 7d]'
            cand --link 'Link template; {token} is replaced by the token'
            cand --qr 'Also draw the link as a QR code: on a terminal, or anywhere with --qr=always'
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --all 'Bulk: every user (a forced reset campaign)'
            cand --skip-active 'Bulk: leave users that hold a live token alone (to resume a run)'
            cand --dry-run 'Bulk: only count what would be issued, skipped and failed'
            cand --no-enumerate 'Answer an unknown user like a known one (exit 0, nothing issued, audited); not with bulk runs'
            cand --force 'Issue even past the rate limit (needs --reason; audited)'
            cand --lock 'Also lock the account: the old password stops working and the sessions the app keeps in its database end (needs --reason)'
            cand --send 'Email the link to the user instead of printing it'
            cand --print 'With --send, also print the link'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'resetctl;inspect'= {
            cand --token 'Look up a token (or link; - reads it from stdin) instead of a user'
            cand --by 'Read USER as this kind of name instead of guessing'
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;list'= {
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --active 'Only tokens that can still be redeemed'
            cand --expired 'Only tokens past their expiry'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;revoke'= {
            cand --by 'Read USER as this kind of name instead of guessing'
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --all 'Revoke every outstanding token'
            cand -y 'Do not ask for confirmation (needed for --all without a terminal)'
            cand --yes 'Do not ask for confirmation (needed for --all without a terminal)'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;purge'= {
            cand --older-than 'Only tokens expired at least this long ago'
            cand --audit-older-than 'Also delete audit entries older than this (each user''s newest issue and email are kept)'
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;redeem'= {
            cand --user 'Whose token it is, for a bare token whose framework keys tokens by user (Laravel, Django); a whole link says it itself'
            cand --by 'Read --user as this kind of name instead of guessing'
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --password-stdin 'Read the new password from the next line of stdin instead of prompting'
            cand --notify 'Email the user that their password was changed (a failure only warns)'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;audit'= {
            cand --user 'Only entries about this user (email, username or id)'
            cand --action 'Only entries of this action'
            cand --since 'Only entries since a time (RFC 3339) or a duration ago (24h, 7d)'
            cand --limit 'At most this many entries; 0 for all'
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;doctor'= {
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --smtp 'Also connect to the mail server (EHLO, STARTTLS and AUTH as configured, QUIT); nothing is sent'
            cand --print-config 'Print the settings in force as a config file (--config takes it as it is; secrets are never written) and nothing else'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;completions'= {
            cand --db 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL'
            cand --config 'Config file (TOML); see the README for its keys'
            cand --app-env 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings'
            cand --color 'When to colour output (NO_COLOR is honoured under auto)'
            cand --actor 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]'
            cand --reason 'Why (a ticket number, say), recorded with every change this command makes'
            cand --json 'Print results as JSON'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'resetctl;help'= {
            cand init 'Create the database or add resetctl''s columns, index and audit table'
            cand issue 'Issue a reset token and print the reset link'
            cand inspect 'Show a user''s token state, or which user a token belongs to'
            cand list 'List outstanding tokens'
            cand revoke 'Revoke users'' tokens, or every token'
            cand purge 'Clear expired tokens (for cron)'
            cand redeem 'Set a new password with a reset token'
            cand audit 'Show the audit trail, newest first'
            cand doctor 'Check the configuration against the database and mail server, changing nothing'
            cand completions 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'resetctl;help;init'= {
        }
        &'resetctl;help;issue'= {
        }
        &'resetctl;help;inspect'= {
        }
        &'resetctl;help;list'= {
        }
        &'resetctl;help;revoke'= {
        }
        &'resetctl;help;purge'= {
        }
        &'resetctl;help;redeem'= {
        }
        &'resetctl;help;audit'= {
        }
        &'resetctl;help;doctor'= {
        }
        &'resetctl;help;completions'= {
        }
        &'resetctl;help;help'= {
        }
    ]
    $completions[$command]
}
