-- Symfony 7 with MakerBundle's `make:user` and `make:reset-password`
-- (symfonycasts/reset-password-bundle), then `doctrine:migrations:migrate`
-- on SQLite: the tables Doctrine's migration makes, with one user and one
-- pending reset request.
CREATE TABLE doctrine_migration_versions (version VARCHAR(191) NOT NULL, executed_at DATETIME DEFAULT NULL, execution_time INTEGER DEFAULT NULL, PRIMARY KEY(version));
CREATE TABLE "user" (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, email VARCHAR(180) NOT NULL, roles CLOB NOT NULL, password VARCHAR(255) NOT NULL);
CREATE UNIQUE INDEX UNIQ_IDENTIFIER_EMAIL ON "user" (email);
CREATE TABLE reset_password_request (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, user_id INTEGER NOT NULL, selector VARCHAR(20) NOT NULL, hashed_token VARCHAR(100) NOT NULL, requested_at DATETIME NOT NULL, expires_at DATETIME NOT NULL, CONSTRAINT FK_7CE748AA76ED395 FOREIGN KEY (user_id) REFERENCES "user" (id) NOT DEFERRABLE INITIALLY IMMEDIATE);
CREATE INDEX IDX_7CE748AA76ED395 ON reset_password_request (user_id);
INSERT INTO doctrine_migration_versions (version, executed_at, execution_time) VALUES ('DoctrineMigrations\Version20261101090000', '2026-11-01 09:00:00', 12);
INSERT INTO "user" (id, email, roles, password) VALUES (1, 'alice@example.com', '[]', '$2y$13$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW');
INSERT INTO reset_password_request (id, user_id, selector, hashed_token, requested_at, expires_at) VALUES (1, 1, 'Xb2RcKdEfGhIjKlMnOpQ', 'k1V3j0Zy2bVbqS5o3E3n4sX0yq3hM7YJfXk9vQe6aC0=', '2026-11-01 09:00:00', '2026-11-01 10:00:00');
