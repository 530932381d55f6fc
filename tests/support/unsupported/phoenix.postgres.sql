-- Phoenix 1.7 `mix phx.gen.auth Accounts User users`, then `mix ecto.migrate`
-- on PostgreSQL (postgrex): the tables its migration makes (email as
-- citext), with one user and one session token.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE "schema_migrations" ("version" bigint PRIMARY KEY, "inserted_at" timestamp(0));
CREATE TABLE "users" ("id" bigserial, "email" citext NOT NULL, "hashed_password" varchar(255) NOT NULL, "confirmed_at" timestamp(0), "inserted_at" timestamp(0) NOT NULL, "updated_at" timestamp(0) NOT NULL, PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "users_email_index" ON "users" ("email");
CREATE TABLE "users_tokens" ("id" bigserial, "user_id" bigint NOT NULL CONSTRAINT "users_tokens_user_id_fkey" REFERENCES "users"("id") ON DELETE CASCADE, "token" bytea NOT NULL, "context" varchar(255) NOT NULL, "sent_to" varchar(255), "inserted_at" timestamp(0) NOT NULL, PRIMARY KEY ("id"));
CREATE INDEX "users_tokens_user_id_index" ON "users_tokens" ("user_id");
CREATE UNIQUE INDEX "users_tokens_context_token_index" ON "users_tokens" ("context", "token");
INSERT INTO "schema_migrations" ("version", "inserted_at") VALUES (20261101090000, '2026-11-01 09:00:00');
INSERT INTO "users" ("id", "email", "hashed_password", "confirmed_at", "inserted_at", "updated_at") VALUES (1, 'alice@example.com', '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', NULL, '2026-11-01 09:00:00', '2026-11-01 09:00:00');
INSERT INTO "users_tokens" ("id", "user_id", "token", "context", "sent_to", "inserted_at") VALUES (1, 1, '\x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'session', NULL, '2026-11-01 09:01:00');
