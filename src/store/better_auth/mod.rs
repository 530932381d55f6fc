//! Better Auth apps (`framework = "better-auth"`): a reset token is a
//! `verification` row exactly as Better Auth's own reset request writes
//! it (`identifier.rs`), the link is the one it emails (`link.rs`), and
//! `[better_auth]` holds the app's options and table names
//! (`settings.rs`). Passwords live in the credential `account` row, in
//! Better Auth's scrypt format (`password::Scheme::BetterAuthScrypt`).

pub mod identifier;
pub mod link;
pub mod settings;

pub use settings::{BetterAuthSettings, StoreIdentifier};
