<?php
/*
 * A Laravel application's password-reset and login code, run on a SQLite
 * file, a postgres:// URL or a mysql:// URL, for resetctl's tests.
 *
 * usage: php tests/support/laravel_app/app.php COMMAND DB [ARGS...]
 *
 *   create       DB EMAIL PASSWORD
 *       Creates `users` (as Laravel's default migration does, with
 *       remember_token), the reset table named by RESET_TABLE and
 *       `sessions` (as `php artisan session:table` does), each only if
 *       missing, then adds a user whose password is Hash::make(PASSWORD).
 *   token-exists DB EMAIL TOKEN
 *       Password::broker()->tokenExists($user, TOKEN).
 *   exists-at    DB EMAIL TOKEN AT...
 *       The same at each RFC 3339 time AT (Carbon::setTestNow), one line
 *       each: `AT yes` or `AT no`. Exit 0.
 *   reset        DB EMAIL TOKEN NEW_PASSWORD
 *       Password::broker()->reset(...) with Breeze's callback (new
 *       Hash::make password, new 60-character remember_token, save); prints
 *       the broker's status (passwords.reset, passwords.token, passwords.user).
 *   check        DB EMAIL PASSWORD
 *       What a login does: the user provider's retrieveByCredentials, then
 *       validateCredentials.
 *   issue        DB EMAIL
 *       Password::broker()->createToken($user); prints the plain token.
 *   row          DB EMAIL
 *       Prints the user's password hash and remember_token, and the reset
 *       table's rows for EMAIL in the order Laravel reads them. Laravel looks
 *       only at the first: with password_resets (no unique key) that is the
 *       row stored first, whatever its created_at.
 *   env-config   -
 *       With ENV_FILE: the settings Laravel reads from it (env_file.php).
 *   session-login DB EMAIL PASSWORD, session-check DB SESSION_ID,
 *   remember-check DB RECALLER
 *       A login with SessionGuard and the database session driver, and what
 *       later requests with its cookies get: see sessions.php.
 *
 * Settings, from the environment:
 *   RESET_TABLE    password_reset_tokens (Laravel 10+, the default) or
 *                  password_resets (Laravel 8 and 9)
 *   EXPIRE         minutes a reset token lasts (default 60)
 *   APP_TIMEZONE   app.timezone (default UTC)
 *   BCRYPT_ROUNDS  hashing.bcrypt.rounds (default 10)
 *   AT             RFC 3339 time; the app runs as if it were then
 *                  (Carbon::setTestNow)
 *   ENV_FILE       the app's `.env`: Laravel reads it and takes its
 *                  database from it (DB is then `-`); see env_file.php
 *   USER_ID        the users key as `create` makes it: integer (default,
 *                  `$table->id()`), or uuid (`$table->uuid('id')->primary()`
 *                  with UuidUser, the model an app keyed by UUIDs has)
 *
 * Exit status: 0 yes / done, 1 no / refused, 2 anything else (bad usage,
 * broken harness; the message goes to stderr). One line on stdout says what
 * happened. Laravel throwing on what it read (a stored hash that is not
 * bcrypt `$2y$`, a created_at Carbon cannot parse) counts as refused, since a
 * real app answers it with an error page; the line names the exception.
 *
 * hashing.bcrypt.verify is on, as in Laravel 11+'s defaults, so a hash that
 * Laravel's BcryptHasher would refuse is refused here rather than passed by
 * password_verify.
 */

use Carbon\CarbonImmutable;
use Carbon\Exceptions\InvalidFormatException;
use Illuminate\Auth\AuthManager;
use Illuminate\Auth\Events\PasswordReset;
use Illuminate\Auth\Passwords\PasswordBrokerManager;
use Illuminate\Config\Repository as Config;
use Illuminate\Container\Container;
use Illuminate\Contracts\Auth\PasswordBroker;
use Illuminate\Database\Capsule\Manager as Capsule;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Events\Dispatcher;
use Illuminate\Hashing\HashManager;
use Illuminate\Support\Carbon;
use Illuminate\Support\Facades\Facade;
use Illuminate\Support\Facades\Hash;
use Illuminate\Support\Facades\Password;
use Illuminate\Support\Str;

require_once '/usr/share/php/Illuminate/autoload.php';
require_once __DIR__ . '/sessions.php';
require_once __DIR__ . '/env_file.php';

// The default App\Models\User of the Laravel skeleton.
class User extends Illuminate\Foundation\Auth\User
{
    protected $fillable = ['name', 'email', 'password'];

    protected $hidden = ['password', 'remember_token'];

    protected $casts = ['email_verified_at' => 'datetime'];
}

// The same model in an app keyed by UUIDs. Laravel 8 has no HasUuids
// trait; this is what it does (and what apps wrote before it): a string
// key that is not incremented, a Str::uuid() given to each new row.
class UuidUser extends User
{
    protected $table = 'users';

    public $incrementing = false;

    protected $keyType = 'string';

    protected static function booted(): void
    {
        static::creating(function (UuidUser $user) {
            $user->id = $user->id ?? (string) Str::uuid();
        });
    }
}

// The model USER_ID names.
function user_model(): string
{
    $ids = env_setting('USER_ID', 'integer');
    if (!in_array($ids, ['integer', 'uuid'], true)) {
        finish(2, "USER_ID must be integer or uuid, not '$ids'");
    }
    return $ids === 'uuid' ? UuidUser::class : User::class;
}

function finish(int $code, string $line): void
{
    fwrite($code === 2 ? STDERR : STDOUT, $line . "\n");
    exit($code);
}

function env_setting(string $name, string $default): string
{
    $value = getenv($name);
    return ($value === false || $value === '') ? $default : $value;
}

function env_int(string $name, int $default): int
{
    $value = env_setting($name, (string) $default);
    if (!preg_match('/^[0-9]+$/', $value)) {
        finish(2, "$name must be a whole number, not '$value'");
    }
    return (int) $value;
}

function boot(string $db): void
{
    $table = env_setting('RESET_TABLE', 'password_reset_tokens');
    if (!in_array($table, ['password_reset_tokens', 'password_resets'], true)) {
        finish(2, "RESET_TABLE must be password_reset_tokens or password_resets, not '$table'");
    }
    $timezone = env_setting('APP_TIMEZONE', 'UTC');
    if (!in_array($timezone, DateTimeZone::listIdentifiers(DateTimeZone::ALL_WITH_BC), true)) {
        finish(2, "APP_TIMEZONE '$timezone' is not a time zone name");
    }

    $app = new Container();
    Container::setInstance($app);
    Facade::setFacadeApplication($app);

    $config = new Config([
        'app' => [
            'timezone' => $timezone,
            // Only the HMAC that makes new tokens uses the key, so any key will do.
            'key' => 'base64:' . base64_encode(random_bytes(32)),
        ],
        'hashing' => [
            'driver' => 'bcrypt',
            'bcrypt' => ['rounds' => env_int('BCRYPT_ROUNDS', 10), 'verify' => true],
        ],
        'auth' => [
            'defaults' => ['guard' => 'web', 'passwords' => 'users'],
            'providers' => ['users' => ['driver' => 'eloquent', 'model' => user_model()]],
            'passwords' => [
                'users' => [
                    'provider' => 'users',
                    'table' => $table,
                    'expire' => env_int('EXPIRE', 60),
                    'throttle' => 60,
                ],
            ],
        ],
    ]);
    $app->instance('config', $config);

    // Laravel's LoadConfiguration bootstrapper applies app.timezone this way;
    // it is the only way the setting reaches Carbon, Eloquent and the reset
    // table's created_at.
    date_default_timezone_set($timezone);

    $at = getenv('AT');
    if ($at !== false && $at !== '') {
        if (!preg_match('/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/', $at)) {
            finish(2, "AT must be an RFC 3339 time, not '$at'");
        }
        $now = Carbon::parse($at)->setTimezone($timezone);
        Carbon::setTestNow($now);
        CarbonImmutable::setTestNow($now->toImmutable());
    }

    $events = new Dispatcher($app);
    $app->instance('events', $events);

    $capsule = new Capsule($app);
    $capsule->addConnection(connection_config($db));
    $capsule->setEventDispatcher($events);
    $capsule->setAsGlobal();
    $capsule->bootEloquent();
    $app->instance('db', $capsule->getDatabaseManager());

    $app->singleton('hash', fn ($app) => new HashManager($app));
    $app->singleton('auth', fn ($app) => new AuthManager($app));
    $app->singleton('auth.password', fn ($app) => new PasswordBrokerManager($app));
    sessions_boot($app);
}

function is_postgres(string $db): bool
{
    return str_starts_with($db, 'postgres://') || str_starts_with($db, 'postgresql://');
}

function is_mysql(string $db): bool
{
    return str_starts_with($db, 'mysql://');
}

// A database server's URL rather than a SQLite file.
function is_url(string $db): bool
{
    return is_postgres($db) || is_mysql($db);
}

// A SQLite file; a postgres:// URL for Laravel's pgsql driver (pdo_pgsql); or
// a mysql:// URL for its mysql driver (pdo_mysql), set as the skeleton's
// config/database.php sets it. That has no 'timezone' key, so the session
// keeps the server's default time zone, as in a stock app; DB_TIMEZONE
// sets one, as an app that adds the key does.
function connection_config(string $db): array
{
    if (env_file() !== null) {
        return env_connection_config();
    }
    if (!is_url($db)) {
        return ['driver' => 'sqlite', 'database' => $db, 'prefix' => '', 'foreign_key_constraints' => true];
    }
    $url = parse_url($db);
    $server = [
        'host' => $url['host'],
        'database' => ltrim($url['path'] ?? '', '/'),
        'username' => rawurldecode($url['user'] ?? ''),
        'password' => rawurldecode($url['pass'] ?? ''),
        'prefix' => '',
    ];
    if (is_mysql($db)) {
        return $server + [
            'driver' => 'mysql',
            'port' => $url['port'] ?? 3306,
            'charset' => 'utf8mb4',
            'collation' => 'utf8mb4_unicode_ci',
            'prefix_indexes' => true,
            'strict' => true,
            'engine' => null,
        ] + (getenv('DB_TIMEZONE') === false ? [] : ['timezone' => getenv('DB_TIMEZONE')]);
    }
    return $server + [
        'driver' => 'pgsql',
        'port' => $url['port'] ?? 5432,
        'charset' => 'utf8',
        'schema' => 'public',
        'sslmode' => 'disable',
    ];
}

function schema(): void
{
    $schema = Capsule::schema();
    if (!$schema->hasTable('users')) {
        $schema->create('users', function (Blueprint $table) {
            if (user_model() === UuidUser::class) {
                $table->uuid('id')->primary();
            } else {
                $table->id();
            }
            $table->string('name');
            $table->string('email')->unique();
            $table->timestamp('email_verified_at')->nullable();
            $table->string('password');
            $table->rememberToken();
            $table->timestamps();
        });
    }
    $reset = config('auth.passwords.users.table');
    if (!$schema->hasTable($reset)) {
        $schema->create($reset, function (Blueprint $table) use ($reset) {
            if ($reset === 'password_resets') {
                $table->string('email')->index();
            } else {
                $table->string('email')->primary();
            }
            $table->string('token');
            $table->timestamp('created_at')->nullable();
        });
    }
    sessions_schema($schema, user_model() === UuidUser::class);
}

function user(string $email): User
{
    // The broker's own lookup, so a case or spacing mismatch fails as it would in the app.
    $user = Password::broker()->getUser(['email' => $email]);
    if ($user === null) {
        finish(1, "passwords.user: no user with email '$email'");
    }
    return $user;
}

// Errors Laravel raises on data it cannot read. A real app answers them with
// an error page, so for the user they are a refusal, not a broken harness.
function is_app_refusal(Throwable $e): bool
{
    return ($e instanceof RuntimeException
            && $e->getMessage() === 'This password does not use the Bcrypt algorithm.')
        || $e instanceof InvalidFormatException;
}

function run(string $command, array $args): void
{
    $arity = ['create' => 2, 'token-exists' => 2, 'exists-at' => 3, 'reset' => 3, 'check' => 2, 'issue' => 1, 'row' => 1]
        + SESSION_ARITY;
    if (!isset($arity[$command])) {
        finish(2, "unknown command '$command'");
    }
    $variadic = $command === 'exists-at' && count($args) >= $arity[$command];
    if (!$variadic && count($args) !== $arity[$command]) {
        finish(2, "$command takes " . $arity[$command] . ' arguments after DB, got ' . count($args));
    }

    if (isset(SESSION_ARITY[$command])) {
        run_session_command($command, $args);
    }
    switch ($command) {
        case 'create':
            [$email, $password] = $args;
            schema();
            user_model()::create([
                'name' => Str::before($email, '@'),
                'email' => $email,
                'password' => Hash::make($password),
            ]);
            finish(0, "created user $email");

        case 'token-exists':
            [$email, $token] = $args;
            $exists = Password::broker()->tokenExists(user($email), $token);
            finish($exists ? 0 : 1, $exists ? 'token exists' : 'no valid token (wrong, expired, or not in the first row for the email)');

        case 'exists-at':
            [$email, $token] = $args;
            $timezone = config('app.timezone');
            foreach (array_slice($args, 2) as $at) {
                if (!preg_match('/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d([Zz]|[+-]\d\d:\d\d)$/', $at)) {
                    finish(2, "AT must be an RFC 3339 time, not '$at'");
                }
                $now = Carbon::parse($at)->setTimezone($timezone);
                Carbon::setTestNow($now);
                CarbonImmutable::setTestNow($now->toImmutable());
                $exists = Password::broker()->tokenExists(user($email), $token);
                echo $at, $exists ? ' yes' : ' no', "\n";
            }
            exit(0);

        case 'reset':
            [$email, $token, $password] = $args;
            $status = Password::broker()->reset(
                ['email' => $email, 'password' => $password, 'password_confirmation' => $password, 'token' => $token],
                function ($user) use ($password) {
                    $user->forceFill([
                        'password' => Hash::make($password),
                        'remember_token' => Str::random(60),
                    ])->save();

                    event(new PasswordReset($user));
                }
            );
            finish($status === PasswordBroker::PASSWORD_RESET ? 0 : 1, $status);

        case 'check':
            [$email, $password] = $args;
            $provider = app('auth')->createUserProvider('users');
            $credentials = ['email' => $email, 'password' => $password];
            $user = $provider->retrieveByCredentials($credentials);
            if ($user === null) {
                finish(1, "no user with email '$email'");
            }
            $ok = $provider->validateCredentials($user, $credentials);
            finish($ok ? 0 : 1, $ok ? 'password accepted' : 'password refused');

        case 'issue':
            [$email] = $args;
            finish(0, Password::broker()->createToken(user($email)));

        case 'row':
            [$email] = $args;
            $db = Capsule::connection();
            $user = $db->table('users')->where('email', $email)->first();
            echo $user === null
                ? "user: none\n"
                : "user: password=$user->password remember_token=" . ($user->remember_token ?? 'NULL') . "\n";
            $rows = $db->table(config('auth.passwords.users.table'))->where('email', $email)->get();
            foreach ($rows as $i => $row) {
                $note = $i === 0 ? ' (the one Laravel reads)' : '';
                echo "reset: token=$row->token created_at=" . ($row->created_at ?? 'NULL') . "$note\n";
            }
            if ($rows->isEmpty()) {
                echo "reset: none\n";
            }
            exit($user === null ? 1 : 0);
    }
}

if ($argc < 3) {
    finish(2, 'usage: php app.php create|token-exists|exists-at|reset|check|issue|row|env-config|session-login|session-check|remember-check DB [ARGS...]');
}
[$command, $db] = [$argv[1], $argv[2]];
if (env_file() !== null) {
    if ($db !== '-') {
        finish(2, "with ENV_FILE the database is the file's: pass - as DB, not '$db'");
    }
    try {
        load_env_file(env_file());
    } catch (Throwable $e) {
        finish(2, get_class($e) . ': ' . $e->getMessage());
    }
    if ($command === 'env-config') {
        finish(0, env_config_line());
    }
    $file = env_connection_config();
    // Only whether it is a server matters from here on.
    $db = ['sqlite' => $file['database'], 'mysql' => 'mysql://', 'pgsql' => 'postgres://'][$file['driver']];
}
if ($command !== 'create' && !is_url($db) && !is_file($db)) {
    // Laravel's SQLite connector refuses a missing file too, but with a long trace.
    finish(2, "no database file '$db'");
}
if ($command === 'create' && !is_url($db) && !file_exists($db)) {
    touch($db);
}

try {
    boot($db);
    run($command, array_slice($argv, 3));
} catch (Throwable $e) {
    if (is_app_refusal($e)) {
        finish(1, get_class($e) . ': ' . $e->getMessage());
    }
    finish(2, get_class($e) . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine());
}
