// Better Auth's own code on a test's database: its migrations, sign-up,
// sign-in, password-reset request and reset, session check, and its scrypt
// password hash. Every run is one process that prints one JSON line on
// stdout and exits 0 (done, accepted), 1 (refused) or 2 (the harness itself
// failed: bad arguments, an unexpected error).
//
// usage: node harness.mjs COMMAND DB ARGS...
//   DB is a SQLite file path, a postgres:// (postgresql://) URL or a
//   mysql:// (mariadb://) URL. `hash` and `verify` take no DB.
//
//   migrate DB                          Better Auth's getMigrations/runMigrations
//   sign-up DB EMAIL PASSWORD NAME      auth.api.signUpEmail
//   sign-in DB EMAIL PASSWORD           auth.api.signInEmail (makes a session)
//   request-reset DB EMAIL [REDIRECT]   auth.api.requestPasswordReset
//   reset DB TOKEN NEWPASSWORD          auth.api.resetPassword
//   session-valid DB COOKIE             auth.api.getSession with that cookie
//   sessions DB EMAIL                   the user's sessions still stored
//   verifications DB                    every verification row, as stored
//   hash PASSWORD                       better-auth/crypto hashPassword
//   verify HASH PASSWORD                better-auth/crypto verifyPassword
//
// Settings come from the environment, as an app would have them:
//   BETTER_AUTH_URL                     base URL (default http://localhost:3000)
//   BETTER_AUTH_SECRET                  the app's secret (default: a fixed test one)
//   RESET_PASSWORD_TOKEN_EXPIRES_IN     emailAndPassword.resetPasswordTokenExpiresIn, seconds
//   STORE_IDENTIFIER                    verification.storeIdentifier: plain | hashed
//   REVOKE_SESSIONS_ON_PASSWORD_RESET   emailAndPassword.revokeSessionsOnPasswordReset: true | false
//   AT                                  the clock, RFC 3339: Better Auth reads
//                                       Date.now() and new Date(); both answer
//                                       this time for the whole run
//   TZ                                  the process's zone (default UTC): mysql2
//                                       writes and reads DATETIME/TIMESTAMP in it
//   BETTER_AUTH_MODULES                 node_modules holding better-auth (default:
//                                       $RESETCTL_TEST_ENV/better_auth/node_modules)

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

function say(code, fields) {
  process.stdout.write(JSON.stringify(fields) + "\n");
  process.exit(code);
}

function usage(message) {
  say(2, { result: "error", message });
}

// The clock is set before Better Auth is loaded, so every Date it makes
// (createdAt, expiresAt, the expiry checks) is the test's time exactly:
// Date.now() and new Date() both answer AT, which stands still for the run.
function setClock(at) {
  if (!at) return;
  const fixed = Date.parse(at);
  if (Number.isNaN(fixed)) usage(`AT is not a time: ${at}`);
  const RealDate = Date;
  function FixedDate(...args) {
    const now = new RealDate(fixed);
    if (!new.target) return now.toString();
    return args.length ? new RealDate(...args) : now;
  }
  FixedDate.prototype = RealDate.prototype;
  FixedDate.now = () => fixed;
  FixedDate.parse = RealDate.parse;
  FixedDate.UTC = RealDate.UTC;
  globalThis.Date = FixedDate;
}

function modulesDir() {
  if (process.env.BETTER_AUTH_MODULES) return process.env.BETTER_AUTH_MODULES;
  const env = process.env.RESETCTL_TEST_ENV || join(here, "../../../target/test-env");
  return join(env, "better_auth/node_modules");
}

const require = createRequire(join(modulesDir(), "resolve-from-here.js"));
async function load(spec) {
  let path;
  try {
    path = require.resolve(spec);
  } catch {
    usage(`${spec} is not installed in ${modulesDir()}: run scripts/test-env`);
  }
  return import(pathToFileURL(path).href);
}

async function openDatabase(db) {
  if (/^postgres(ql)?:\/\//.test(db)) {
    const pg = await load("pg");
    const pool = new (pg.default ?? pg).Pool({ connectionString: db });
    return { database: pool, close: () => pool.end() };
  }
  if (/^(mysql|mariadb):\/\//.test(db)) {
    const mysql = await load("mysql2/promise");
    // mysql2's default timezone ("local", the process's TZ), as in Better
    // Auth's own test setup; TZ is UTC unless the caller sets another.
    const pool = (mysql.default ?? mysql).createPool({ uri: db.replace(/^mariadb:/, "mysql:") });
    return { database: pool, close: () => pool.end() };
  }
  const Database = (await load("better-sqlite3")).default;
  const sqlite = new Database(db);
  return { database: sqlite, close: async () => sqlite.close() };
}

function flag(name) {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  usage(`${name} must be true or false, not ${v}`);
}

// The options an app would pass to betterAuth(); `sent` collects what
// sendResetPassword was handed.
function authOptions(database, sent) {
  const emailAndPassword = {
    enabled: true,
    async sendResetPassword({ user, url, token }) {
      sent.push({ user_id: user.id, email: user.email, url, token });
    },
  };
  const expiresIn = process.env.RESET_PASSWORD_TOKEN_EXPIRES_IN;
  if (expiresIn) emailAndPassword.resetPasswordTokenExpiresIn = Number(expiresIn);
  const revoke = flag("REVOKE_SESSIONS_ON_PASSWORD_RESET");
  if (revoke !== undefined) emailAndPassword.revokeSessionsOnPasswordReset = revoke;
  const options = {
    database,
    emailAndPassword,
    logger: {
      level: "warn",
      log: (level, message) => process.stderr.write(`better-auth ${level}: ${message}\n`),
    },
    telemetry: { enabled: false },
  };
  const store = process.env.STORE_IDENTIFIER;
  if (store) {
    if (store !== "plain" && store !== "hashed") usage(`STORE_IDENTIFIER must be plain or hashed, not ${store}`);
    options.verification = { storeIdentifier: store };
  }
  return options;
}

// An APIError (a 4xx answer) is Better Auth refusing; anything else is the
// harness failing.
async function answer(fn, ok) {
  try {
    say(0, ok(await fn()));
  } catch (e) {
    const status = e?.statusCode ?? e?.status;
    if (e?.name === "APIError" && typeof status === "number" && status < 500) {
      say(1, { result: "refused", status, code: e.body?.code ?? null, message: e.body?.message ?? e.message });
    }
    throw e;
  }
}

function plain(row) {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}

async function withAuth(db, fn) {
  const { betterAuth } = await load("better-auth");
  const { database, close } = await openDatabase(db);
  const sent = [];
  const options = authOptions(database, sent);
  try {
    await fn({ auth: betterAuth(options), options, sent });
  } finally {
    await close();
  }
}

async function findUser(auth, email) {
  const ctx = await auth.$context;
  const found = await ctx.internalAdapter.findUserByEmail(email);
  if (!found) say(1, { result: "refused", code: "USER_NOT_FOUND" });
  return { ctx, user: found.user };
}

const commands = {
  async migrate(db) {
    const { getMigrations } = await load("better-auth/db/migration");
    await withAuth(db, async ({ options }) => {
      const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(options);
      await runMigrations();
      say(0, {
        result: "migrated",
        created: toBeCreated.map((t) => t.table),
        altered: toBeAdded.map((t) => t.table),
      });
    });
  },

  async "sign-up"(db, email, password, name) {
    if (name === undefined) usage("sign-up DB EMAIL PASSWORD NAME");
    await withAuth(db, ({ auth }) =>
      answer(
        () => auth.api.signUpEmail({ body: { email, password, name } }),
        (r) => ({ result: "ok", user_id: r.user.id, email: r.user.email }),
      ),
    );
  },

  async "sign-in"(db, email, password) {
    if (password === undefined) usage("sign-in DB EMAIL PASSWORD");
    await withAuth(db, ({ auth }) =>
      answer(
        () => auth.api.signInEmail({ body: { email, password }, returnHeaders: true }),
        ({ headers, response }) => ({
          result: "ok",
          user_id: response.user.id,
          session_token: response.token,
          cookie: headers.get("set-cookie").split(";")[0],
        }),
      ),
    );
  },

  async "request-reset"(db, email, redirectTo) {
    if (email === undefined) usage("request-reset DB EMAIL [REDIRECT]");
    await withAuth(db, async ({ auth, sent }) => {
      const body = redirectTo === undefined ? { email } : { email, redirectTo };
      // Better Auth answers alike for a known and an unknown email; only
      // the mail it hands sendResetPassword tells them apart.
      await answer(
        () => auth.api.requestPasswordReset({ body }),
        () => (sent.length ? { result: "sent", ...sent[0] } : say(1, { result: "not-sent" })),
      );
    });
  },

  async reset(db, token, newPassword) {
    if (newPassword === undefined) usage("reset DB TOKEN NEWPASSWORD");
    await withAuth(db, ({ auth }) =>
      answer(
        () => auth.api.resetPassword({ body: { token, newPassword } }),
        () => ({ result: "accepted" }),
      ),
    );
  },

  async "session-valid"(db, cookie) {
    if (cookie === undefined) usage("session-valid DB COOKIE");
    await withAuth(db, async ({ auth }) => {
      const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
      if (!session) say(1, { result: "refused" });
      say(0, { result: "ok", user_id: session.user.id, expires_at: session.session.expiresAt.toISOString() });
    });
  },

  async sessions(db, email) {
    if (email === undefined) usage("sessions DB EMAIL");
    await withAuth(db, async ({ auth }) => {
      const { ctx, user } = await findUser(auth, email);
      const rows = await ctx.adapter.findMany({
        model: "session",
        where: [{ field: "userId", value: user.id }],
      });
      say(rows.length ? 0 : 1, { result: rows.length ? "ok" : "none", count: rows.length, tokens: rows.map((r) => r.token) });
    });
  },

  async verifications(db) {
    await withAuth(db, async ({ auth }) => {
      const ctx = await auth.$context;
      const rows = await ctx.adapter.findMany({ model: "verification" });
      say(0, { result: "ok", rows: rows.map(plain) });
    });
  },

  async hash(password) {
    if (password === undefined) usage("hash PASSWORD");
    const { hashPassword } = await load("better-auth/crypto");
    say(0, { result: "ok", hash: await hashPassword(password) });
  },

  async verify(hash, password) {
    if (password === undefined) usage("verify HASH PASSWORD");
    const { verifyPassword } = await load("better-auth/crypto");
    const ok = await verifyPassword({ hash, password });
    say(ok ? 0 : 1, { result: ok ? "ok" : "refused" });
  },
};

const [command, ...args] = process.argv.slice(2);
if (!commands[command]) usage(`unknown command ${command ?? "(none)"}; see the head of harness.mjs`);
process.env.BETTER_AUTH_TELEMETRY = "0";
process.env.TZ ||= "UTC";
process.env.BETTER_AUTH_URL ||= "http://localhost:3000";
process.env.BETTER_AUTH_SECRET ||= "resetctl-better-auth-test-secret-0123456789";
setClock(process.env.AT);
try {
  await commands[command](...args);
} catch (e) {
  process.stderr.write(`${e?.stack ?? e}\n`);
  say(2, { result: "error", message: String(e?.message ?? e) });
}
