//! Rates: at most N issues per window for one user (`limits.issue`), and
//! at most N emails a second in a bulk run (`--rate`), each bounded where
//! it is parsed.

use std::time::Duration;

use chrono::TimeDelta;

use crate::error::{Error, Result};
use crate::text::shown;

/// At most `count` issues per user within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub window: TimeDelta,
}

impl RateLimit {
    /// `3/15m`: three per fifteen minutes; `off`: no limit.
    pub fn parse(text: &str) -> std::result::Result<Option<RateLimit>, String> {
        if text.trim() == "off" {
            return Ok(None);
        }
        let bad = || format!("{} is not a rate like 3/15m (or off)", shown(text));
        let (count, window) = text.trim().split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let window = crate::clock::parse_duration(window).map_err(|_| bad())?;
        if count == 0 || window <= TimeDelta::zero() {
            return Err(bad());
        }
        Ok(Some(RateLimit { count, window }))
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            count: 3,
            window: TimeDelta::minutes(15),
        }
    }
}

/// `--rate 10/s` (or `10`): the least time between two emails.
pub fn parse_pace(text: &str) -> Result<Duration> {
    let n: f64 = text
        .trim()
        .trim_end_matches("/s")
        .parse()
        .ok()
        // From one email every 100 s to 10,000 a second: slower is a typo,
        // and 1/n of a tiny n overflows a Duration.
        .filter(|n: &f64| n.is_finite() && (0.01..=10_000.0).contains(n))
        .ok_or_else(|| {
            Error::bad_input(format!(
                "--rate {}: not a rate from 0.01/s to 10000/s",
                shown(text)
            ))
        })?;
    Ok(Duration::from_secs_f64(1.0 / n))
}
