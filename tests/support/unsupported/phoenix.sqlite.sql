-- Phoenix 1.7 `mix phx.gen.auth Accounts User users`, then `mix ecto.migrate`
-- on SQLite (ecto_sqlite3): the tables its migration makes, with one user
-- and one session token.
CREATE TABLE "schema_migrations" ("version" INTEGER PRIMARY KEY, "inserted_at" TEXT);
CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL COLLATE NOCASE, "hashed_password" TEXT NOT NULL, "confirmed_at" TEXT, "inserted_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL);
CREATE UNIQUE INDEX "users_email_index" ON "users" ("email");
CREATE TABLE "users_tokens" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "user_id" INTEGER NOT NULL CONSTRAINT "users_tokens_user_id_fkey" REFERENCES "users"("id") ON DELETE CASCADE, "token" BLOB NOT NULL, "context" TEXT NOT NULL, "sent_to" TEXT, "inserted_at" TEXT NOT NULL);
CREATE INDEX "users_tokens_user_id_index" ON "users_tokens" ("user_id");
CREATE UNIQUE INDEX "users_tokens_context_token_index" ON "users_tokens" ("context", "token");
INSERT INTO "schema_migrations" ("version", "inserted_at") VALUES (20261101090000, '2026-11-01T09:00:00');
INSERT INTO "users" ("id", "email", "hashed_password", "confirmed_at", "inserted_at", "updated_at") VALUES (1, 'alice@example.com', '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', NULL, '2026-11-01T09:00:00', '2026-11-01T09:00:00');
INSERT INTO "users_tokens" ("id", "user_id", "token", "context", "sent_to", "inserted_at") VALUES (1, 1, X'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'session', NULL, '2026-11-01T09:01:00');
