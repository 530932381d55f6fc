-- Symfony 7 with MakerBundle's `make:user` and `make:reset-password`
-- (symfonycasts/reset-password-bundle), then `doctrine:migrations:migrate`
-- on PostgreSQL: the tables Doctrine's migration makes ("user" quoted, a
-- reserved word there), with one user and one pending reset request.
CREATE TABLE doctrine_migration_versions (version VARCHAR(191) NOT NULL, executed_at TIMESTAMP(0) WITHOUT TIME ZONE DEFAULT NULL, execution_time INT DEFAULT NULL, PRIMARY KEY(version));
CREATE TABLE "user" (id SERIAL NOT NULL, email VARCHAR(180) NOT NULL, roles JSON NOT NULL, password VARCHAR(255) NOT NULL, PRIMARY KEY(id));
CREATE UNIQUE INDEX UNIQ_IDENTIFIER_EMAIL ON "user" (email);
CREATE TABLE reset_password_request (id SERIAL NOT NULL, user_id INT NOT NULL, selector VARCHAR(20) NOT NULL, hashed_token VARCHAR(100) NOT NULL, requested_at TIMESTAMP(0) WITHOUT TIME ZONE NOT NULL, expires_at TIMESTAMP(0) WITHOUT TIME ZONE NOT NULL, PRIMARY KEY(id));
CREATE INDEX IDX_7CE748AA76ED395 ON reset_password_request (user_id);
COMMENT ON COLUMN reset_password_request.requested_at IS '(DC2Type:datetime_immutable)';
COMMENT ON COLUMN reset_password_request.expires_at IS '(DC2Type:datetime_immutable)';
ALTER TABLE reset_password_request ADD CONSTRAINT FK_7CE748AA76ED395 FOREIGN KEY (user_id) REFERENCES "user" (id) NOT DEFERRABLE INITIALLY IMMEDIATE;
INSERT INTO doctrine_migration_versions (version, executed_at, execution_time) VALUES ('DoctrineMigrations\Version20261101090000', '2026-11-01 09:00:00', 12);
INSERT INTO "user" (id, email, roles, password) VALUES (1, 'alice@example.com', '[]', '$2y$13$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW');
INSERT INTO reset_password_request (id, user_id, selector, hashed_token, requested_at, expires_at) VALUES (1, 1, 'Xb2RcKdEfGhIjKlMnOpQ', 'k1V3j0Zy2bVbqS5o3E3n4sX0yq3hM7YJfXk9vQe6aC0=', '2026-11-01 09:00:00', '2026-11-01 10:00:00');
