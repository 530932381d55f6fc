//! Integration tests: the real binary against real SQLite files in temp dirs,
//! and a PostgreSQL cluster and a MariaDB server of their own.

mod common;

mod app_env;
mod app_env_apps;
mod audit;
mod bad_input;
mod better_auth;
mod bulk;
mod clock_changes;
mod completions;
mod concurrency;
mod config;
mod devise;
mod django;
mod doctor;
mod email;
mod exit_codes;
mod expiries;
mod framework_config;
mod framework_engines;
mod global;
mod ids;
mod ids_frameworks;
mod init;
mod inspect;
mod issue;
mod laravel;
mod list;
mod lock;
mod man;
mod mariadb;
mod no_enumerate;
mod output;
mod passwords;
mod postgres;
mod purge;
mod races;
mod rate_limit;
mod redeem;
mod revoke;
mod schemas;
mod secrets;
mod sessions_harness;
mod wal;
mod zero_config;
