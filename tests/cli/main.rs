//! Integration tests: the real binary against real SQLite files in temp dirs.

mod common;

mod audit;
mod bad_input;
mod concurrency;
mod exit_codes;
mod global;
mod init;
mod inspect;
mod issue;
mod list;
mod purge;
mod redeem;
mod revoke;
