-- Phoenix 1.7 `mix phx.gen.auth Accounts User users`, then `mix ecto.migrate`
-- on MariaDB (myxql): the tables its migration makes, with one user and
-- one session token.
CREATE TABLE `schema_migrations` (`version` bigint, `inserted_at` datetime, PRIMARY KEY (`version`)) ENGINE = INNODB;
CREATE TABLE `users` (`id` bigint unsigned not null auto_increment, `email` varchar(160) NOT NULL, `hashed_password` varchar(255) NOT NULL, `confirmed_at` datetime, `inserted_at` datetime NOT NULL, `updated_at` datetime NOT NULL, PRIMARY KEY (`id`)) ENGINE = INNODB;
CREATE UNIQUE INDEX `users_email_index` ON `users` (`email`);
CREATE TABLE `users_tokens` (`id` bigint unsigned not null auto_increment, `user_id` bigint unsigned NOT NULL, `token` varbinary(32) NOT NULL, `context` varchar(255) NOT NULL, `sent_to` varchar(255), `inserted_at` datetime NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `users_tokens_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE) ENGINE = INNODB;
CREATE INDEX `users_tokens_user_id_index` ON `users_tokens` (`user_id`);
CREATE UNIQUE INDEX `users_tokens_context_token_index` ON `users_tokens` (`context`, `token`);
INSERT INTO `schema_migrations` (`version`, `inserted_at`) VALUES (20261101090000, '2026-11-01 09:00:00');
INSERT INTO `users` (`id`, `email`, `hashed_password`, `confirmed_at`, `inserted_at`, `updated_at`) VALUES (1, 'alice@example.com', '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', NULL, '2026-11-01 09:00:00', '2026-11-01 09:00:00');
INSERT INTO `users_tokens` (`id`, `user_id`, `token`, `context`, `sent_to`, `inserted_at`) VALUES (1, 1, X'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'session', NULL, '2026-11-01 09:01:00');
