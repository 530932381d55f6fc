<?php
/*
 * app.php with ENV_FILE=PATH: the app reads its own `.env` as Laravel 8
 * does, and takes its database from it as the skeleton's
 * config/database.php does, so a test can show that Laravel and another
 * reader of the same file reach the same database.
 *
 *   - The file is loaded by what Laravel's LoadEnvironmentVariables
 *     bootstrapper runs: Dotenv::create(Env::getRepository(), DIR, FILE)
 *     (phpdotenv, immutable: the process environment wins), with load()
 *     rather than safeLoad() so that a missing file is an error here.
 *   - The connection is `database.default` = env('DB_CONNECTION', 'mysql')
 *     and that connection's entry of config/database.php (Laravel 8.x),
 *     read with env() and the skeleton's defaults.
 *   - DB on the command line must then be `-`: the file names the database.
 *
 * One more command reads the config as Laravel sees it:
 *   env-config -
 *       Prints {"connection", "database", "host", "port", "username",
 *       "app_url", "mail_mailer", "mail_host", "mail_port",
 *       "from_address", "from_name"} as JSON: the values of config/app.php,
 *       config/database.php and config/mail.php (Laravel 8.x) from env().
 */

use Dotenv\Dotenv;
use Illuminate\Support\Env;

// The env file, when the harness runs from one.
function env_file(): ?string
{
    $path = getenv('ENV_FILE');
    return ($path === false || $path === '') ? null : $path;
}

// Loads the file into Laravel's env repository, once.
function load_env_file(string $path): void
{
    if (!is_file($path)) {
        finish(2, "ENV_FILE '$path' is not a file");
    }
    Dotenv::create(Env::getRepository(), dirname($path), basename($path))->load();
}

// config/database.php of laravel/laravel 8.x: the default connection's entry.
function env_connection_config(): array
{
    $connections = [
        'sqlite' => [
            'driver' => 'sqlite',
            'url' => env('DATABASE_URL'),
            'database' => env('DB_DATABASE', 'database/database.sqlite'),
            'prefix' => '',
            'foreign_key_constraints' => env('DB_FOREIGN_KEYS', true),
        ],
        'mysql' => [
            'driver' => 'mysql',
            'url' => env('DATABASE_URL'),
            'host' => env('DB_HOST', '127.0.0.1'),
            'port' => env('DB_PORT', '3306'),
            'database' => env('DB_DATABASE', 'forge'),
            'username' => env('DB_USERNAME', 'forge'),
            'password' => env('DB_PASSWORD', ''),
            'unix_socket' => env('DB_SOCKET', ''),
            'charset' => 'utf8mb4',
            'collation' => 'utf8mb4_unicode_ci',
            'prefix' => '',
            'prefix_indexes' => true,
            'strict' => true,
            'engine' => null,
        ],
        'pgsql' => [
            'driver' => 'pgsql',
            'url' => env('DATABASE_URL'),
            'host' => env('DB_HOST', '127.0.0.1'),
            'port' => env('DB_PORT', '5432'),
            'database' => env('DB_DATABASE', 'forge'),
            'username' => env('DB_USERNAME', 'forge'),
            'password' => env('DB_PASSWORD', ''),
            'charset' => 'utf8',
            'prefix' => '',
            'prefix_indexes' => true,
            'schema' => 'public',
            'sslmode' => 'prefer',
        ],
    ];
    $default = env('DB_CONNECTION', 'mysql');
    if (!isset($connections[$default])) {
        finish(2, "DB_CONNECTION '$default' is not a connection of the skeleton's config/database.php");
    }
    return $connections[$default];
}

// What config/app.php, config/database.php and config/mail.php read.
function env_config_line(): string
{
    $db = env_connection_config();
    return json_encode([
        'connection' => $db['driver'],
        'database' => $db['database'],
        'host' => $db['host'] ?? null,
        'port' => isset($db['port']) ? (int) $db['port'] : null,
        'username' => $db['username'] ?? null,
        'app_url' => env('APP_URL', 'http://localhost'),
        'mail_mailer' => env('MAIL_MAILER', 'smtp'),
        'mail_host' => env('MAIL_HOST', 'smtp.mailgun.org'),
        'mail_port' => (int) env('MAIL_PORT', 587),
        'from_address' => env('MAIL_FROM_ADDRESS', 'hello@example.com'),
        'from_name' => env('MAIL_FROM_NAME', 'Example'),
    ], JSON_UNESCAPED_SLASHES);
}
