//! The reset service: what issuing and redeeming mean, whatever store
//! keeps the tokens and whatever engine the database. It owns the issue
//! plan, the rate limit, delivery (the email before its token), bulk
//! campaigns, redeeming, and the audit entries of each; the `issue` and
//! `redeem` commands are front ends to it.

mod batch;
mod bulk;
mod delivery;
pub mod doctor;
mod issue;
mod limits;
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
