//! PostgreSQL and database URLs, hardened: one test per defect, each
//! failing on the build before its fix (`RESETCTL_TEST_BIN=old/resetctl`).

mod commits;
mod expiries;
mod server;
mod urls;
