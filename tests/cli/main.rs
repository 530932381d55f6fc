//! Integration tests: the real binary against real SQLite files in temp dirs
//! and a PostgreSQL cluster of their own.

mod common;

mod audit;
mod bad_input;
mod bulk;
mod completions;
mod concurrency;
mod config;
mod devise;
mod django;
mod doctor;
mod email;
mod exit_codes;
mod framework_config;
mod framework_engines;
mod global;
mod hardening;
mod hardening_cli;
mod hardening_clocks;
mod hardening_frameworks;
mod hardening_input;
mod hardening_mail;
mod hardening_pg;
mod hardening_stores;
mod hostile;
mod init;
mod inspect;
mod issue;
mod laravel;
mod list;
mod passwords;
mod polish;
mod postgres;
mod purge;
mod races;
mod rate_limit;
mod redeem;
mod revoke;
mod schemas;
mod secrets;
