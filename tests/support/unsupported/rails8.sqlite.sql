-- Rails 8.0 `bin/rails generate authentication`, then `bin/rails db:migrate`
-- on SQLite (the sqlite3 adapter): the tables db/schema.rb then holds, with
-- one user and one session.
CREATE TABLE "schema_migrations" ("version" varchar NOT NULL PRIMARY KEY);
CREATE TABLE "ar_internal_metadata" ("key" varchar NOT NULL PRIMARY KEY, "value" varchar, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);
CREATE TABLE "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "email_address" varchar NOT NULL, "password_digest" varchar NOT NULL, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);
CREATE UNIQUE INDEX "index_users_on_email_address" ON "users" ("email_address");
CREATE TABLE "sessions" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "ip_address" varchar, "user_agent" varchar, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL, CONSTRAINT "fk_rails_758836b4f0" FOREIGN KEY ("user_id") REFERENCES "users" ("id"));
CREATE INDEX "index_sessions_on_user_id" ON "sessions" ("user_id");
INSERT INTO "schema_migrations" ("version") VALUES ('20261101000001'), ('20261101000002');
INSERT INTO "ar_internal_metadata" ("key", "value", "created_at", "updated_at") VALUES ('environment', 'development', '2026-11-01 09:00:00', '2026-11-01 09:00:00');
INSERT INTO "users" ("id", "email_address", "password_digest", "created_at", "updated_at") VALUES (1, 'alice@example.com', '$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', '2026-11-01 09:00:00', '2026-11-01 09:00:00');
INSERT INTO "sessions" ("id", "user_id", "ip_address", "user_agent", "created_at", "updated_at") VALUES (1, 1, '127.0.0.1', 'Mozilla/5.0', '2026-11-01 09:01:00', '2026-11-01 09:01:00');
