
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'resetctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'resetctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'resetctl' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the database or add resetctl''s columns, index and audit table')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a reset token and print the reset link')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a user''s token state, or which user a token belongs to')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List outstanding tokens')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke users'' tokens, or every token')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Clear expired tokens (for cron)')
            [CompletionResult]::new('redeem', 'redeem', [CompletionResultType]::ParameterValue, 'Set a new password with a reset token')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit trail, newest first')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the configuration against the database and mail server, changing nothing')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'resetctl;init' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Also add the sample users alice, bob and carol (@example.com)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;issue' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Bulk: the users listed in FILE, one per line (- for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Bulk: users per transaction; fewer hold the app''s writers off for less time [default: 40000, with --send 100]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Bulk with --send: at most N emails per second (e.g. 10/s)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Read USER as this kind of name instead of guessing')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the token lives: 90s, 15m, 1h, 2d [default: 1h, at most 7d]')
            [CompletionResult]::new('--link', '--link', [CompletionResultType]::ParameterName, 'Link template; {token} is replaced by the token')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Also draw the link as a QR code: on a terminal, or anywhere with --qr=always')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Bulk: every user (a forced reset campaign)')
            [CompletionResult]::new('--skip-active', '--skip-active', [CompletionResultType]::ParameterName, 'Bulk: leave users that hold a live token alone (to resume a run)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Bulk: only count what would be issued, skipped and failed')
            [CompletionResult]::new('--no-enumerate', '--no-enumerate', [CompletionResultType]::ParameterName, 'Answer an unknown user like a known one (exit 0, nothing issued, audited); not with bulk runs')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Issue even past the rate limit (needs --reason; audited)')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Also lock the account: the old password stops working and the sessions the app keeps in its database end (needs --reason)')
            [CompletionResult]::new('--send', '--send', [CompletionResultType]::ParameterName, 'Email the link to the user instead of printing it')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'With --send, also print the link')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'resetctl;inspect' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Look up a token (or link; - reads it from stdin) instead of a user')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Read USER as this kind of name instead of guessing')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Only tokens that can still be redeemed')
            [CompletionResult]::new('--expired', '--expired', [CompletionResultType]::ParameterName, 'Only tokens past their expiry')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;revoke' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Read USER as this kind of name instead of guessing')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Revoke every outstanding token')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed for --all without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed for --all without a terminal)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;purge' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only tokens expired at least this long ago')
            [CompletionResult]::new('--audit-older-than', '--audit-older-than', [CompletionResultType]::ParameterName, 'Also delete audit entries older than this (each user''s newest issue and email are kept)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;redeem' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Whose token it is, for a bare token whose framework keys tokens by user (Laravel, Django); a whole link says it itself')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Read --user as this kind of name instead of guessing')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the new password from the next line of stdin instead of prompting')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Email the user that their password was changed (a failure only warns)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;audit' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only entries about this user (email, username or id)')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only entries of this action')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only entries since a time (RFC 3339) or a duration ago (24h, 7d)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many entries; 0 for all')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;doctor' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--smtp', '--smtp', [CompletionResultType]::ParameterName, 'Also connect to the mail server (EHLO, STARTTLS and AUTH as configured, QUIT); nothing is sent')
            [CompletionResult]::new('--print-config', '--print-config', [CompletionResultType]::ParameterName, 'Print the settings in force as a config file (--config takes it as it is; secrets are never written) and nothing else')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The application''s database: a SQLite file, or a postgres:// or mysql:// URL')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML); see the README for its keys')
            [CompletionResult]::new('--app-env', '--app-env', [CompletionResultType]::ParameterName, 'The app''s own env file (.env): its database, site, mail and secret, under resetctl''s own settings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit trail [default: $SUDO_USER, else $USER]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (a ticket number, say), recorded with every change this command makes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'resetctl;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the database or add resetctl''s columns, index and audit table')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a reset token and print the reset link')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a user''s token state, or which user a token belongs to')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List outstanding tokens')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke users'' tokens, or every token')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Clear expired tokens (for cron)')
            [CompletionResult]::new('redeem', 'redeem', [CompletionResultType]::ParameterValue, 'Set a new password with a reset token')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit trail, newest first')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the configuration against the database and mail server, changing nothing')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'resetctl;help;init' {
            break
        }
        'resetctl;help;issue' {
            break
        }
        'resetctl;help;inspect' {
            break
        }
        'resetctl;help;list' {
            break
        }
        'resetctl;help;revoke' {
            break
        }
        'resetctl;help;purge' {
            break
        }
        'resetctl;help;redeem' {
            break
        }
        'resetctl;help;audit' {
            break
        }
        'resetctl;help;doctor' {
            break
        }
        'resetctl;help;completions' {
            break
        }
        'resetctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
