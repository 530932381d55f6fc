//! The reset service: what each command means, whatever store keeps the
//! tokens and whatever engine the database. Commands hand it a request
//! (`IssueRequest`, never clap's arguments) and print what it returns. It
//! owns the issue plan, the rate limit, delivery (the email before its
//! token, shared by single and bulk issues), bulk campaigns, redeeming,
//! revoking, purging, inspecting, `doctor`'s survey, and the audit entries
//! of each.

mod batch;
mod bulk;
mod delivery;
pub mod doctor;
mod issue;
mod limits;
pub mod lock;
pub mod lookup;
mod plan;
pub mod purge;
mod redeem;
mod report;
mod request;
pub mod revoke;

pub use issue::issue;
pub use redeem::{NewPassword, redeem};
pub use request::IssueRequest;
