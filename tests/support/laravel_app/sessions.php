<?php
/*
 * app.php's session commands: Laravel's SessionGuard (the `web` guard, the
 * `session` driver over the users provider) with the `database` session
 * driver (DatabaseSessionHandler on the `sessions` table), bound as
 * Laravel's session, cookie and auth service providers bind them.
 *
 *   session-login  DB EMAIL PASSWORD
 *       What a login request does: StartSession starts a session,
 *       Auth::attempt($credentials, remember: true) logs in (a new session
 *       id, a remember_token of Str::random(60) saved through the
 *       EloquentUserProvider if the user has none, the recaller cookie
 *       queued), and StartSession saves the session, which
 *       DatabaseSessionHandler writes with the guard's user id. Prints
 *       {"session": ID, "recaller": "id|remember_token|password hash",
 *       "user_id": ID} as JSON.
 *   session-check  DB SESSION_ID
 *       What a request with that session cookie gets: the session read by
 *       DatabaseSessionHandler (nothing once its row is gone or older than
 *       the lifetime), then SessionGuard::user() from the login it holds.
 *   remember-check DB RECALLER
 *       What a request with only the remember-me cookie gets:
 *       SessionGuard::user() with an empty session reads the recaller and
 *       asks EloquentUserProvider::retrieveByToken(id, remember_token).
 *       RECALLER is the string, or session-login's JSON. Laravel 8 does not
 *       compare the recaller's password hash here; only the optional
 *       AuthenticateSession middleware does.
 *
 * The cookies are given to the guard as EncryptCookies leaves them,
 * decrypted.
 */

use Illuminate\Container\Container;
use Illuminate\Contracts\Auth\Guard;
use Illuminate\Cookie\CookieJar;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Database\Schema\Builder;
use Illuminate\Http\Request;
use Illuminate\Session\SessionManager;

const SESSION_ARITY = ['session-login' => 2, 'session-check' => 1, 'remember-check' => 1];

// The bindings of SessionServiceProvider, CookieServiceProvider and
// AuthServiceProvider, with config/session.php's defaults for the database
// driver and config/auth.php's web guard.
function sessions_boot(Container $app): void
{
    $app['config']->set('auth.guards.web', ['driver' => 'session', 'provider' => 'users']);
    $app['config']->set('session', [
        'driver' => 'database',
        'lifetime' => 120,
        'expire_on_close' => false,
        'encrypt' => false,
        'connection' => null,
        'table' => 'sessions',
        'lottery' => [2, 100],
        'cookie' => 'laravel_session',
        'path' => '/',
        'domain' => null,
        'secure' => null,
        'http_only' => true,
        'same_site' => 'lax',
    ]);
    $app->singleton('session', fn ($app) => new SessionManager($app));
    $app->singleton('session.store', fn ($app) => $app['session']->driver());
    $app->singleton('cookie', fn () => new CookieJar());
    // Laravel aliases the Guard contract to auth.driver, the default guard;
    // DatabaseSessionHandler asks it for the user id it writes in the row.
    $app->singleton('auth.driver', fn ($app) => $app['auth']->guard());
    $app->alias('auth.driver', Guard::class);
    $app->instance('request', Request::create('/login', 'POST', [], [], [], [
        'REMOTE_ADDR' => '127.0.0.1',
        'HTTP_USER_AGENT' => 'resetctl tests',
    ]));
}

// `php artisan session:table` of Laravel 8.83 (its stub's columns, payload
// text), made only if missing. An app keyed by UUIDs changes the stub's
// foreignId to foreignUuid, since the guard's id is what goes there.
function sessions_schema(Builder $schema, bool $uuid): void
{
    if ($schema->hasTable('sessions')) {
        return;
    }
    $schema->create('sessions', function (Blueprint $table) use ($uuid) {
        $table->string('id')->primary();
        ($uuid ? $table->foreignUuid('user_id') : $table->foreignId('user_id'))->nullable()->index();
        $table->string('ip_address', 45)->nullable();
        $table->text('user_agent')->nullable();
        $table->text('payload');
        $table->integer('last_activity')->index();
    });
}

function session_login(string $email, string $password): void
{
    $session = app('session.store');
    $session->start();
    $guard = app('auth')->guard();
    if (!$guard->attempt(['email' => $email, 'password' => $password], true)) {
        finish(1, "refused: SessionGuard::attempt() refuses the credentials for '$email'");
    }
    $session->save();
    $recaller = app('cookie')->queued($guard->getRecallerName());
    if ($recaller === null) {
        finish(2, 'the login queued no remember-me cookie');
    }
    finish(0, json_encode([
        'session' => $session->getId(),
        'recaller' => $recaller->getValue(),
        'user_id' => $guard->id(),
    ], JSON_UNESCAPED_SLASHES));
}

function session_check(string $id): void
{
    $session = app('session.store');
    $session->setId($id);
    $session->start();
    $guard = app('auth')->guard();
    $user = $guard->user();
    if ($user !== null) {
        finish(0, "session of $user->email");
    }
    finish(1, $session->has($guard->getName())
        ? 'refused: the session names a user the provider does not find'
        : 'refused: DatabaseSessionHandler reads no session with a login for that id');
}

function remember_check(string $arg): void
{
    $recaller = $arg;
    if (str_starts_with($arg, '{')) {
        $recaller = json_decode($arg, true)['recaller'] ?? null;
        if (!is_string($recaller)) {
            finish(2, 'remember-check: the JSON has no "recaller" string');
        }
    }
    $guard = app('auth')->guard();
    $guard->setRequest(Request::create('/', 'GET', [], [$guard->getRecallerName() => $recaller]));
    $user = $guard->user();
    if ($user !== null && $guard->viaRemember()) {
        finish(0, "remember cookie of $user->email");
    }
    finish(1, 'refused: retrieveByToken finds no user with that id and remember_token');
}

function run_session_command(string $command, array $args): void
{
    match ($command) {
        'session-login' => session_login(...$args),
        'session-check' => session_check(...$args),
        'remember-check' => remember_check(...$args),
    };
}
