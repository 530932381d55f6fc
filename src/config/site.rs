//! The site of the reset link: where a store's default link (always on
//! the example host) is moved to. resetctl's own settings come first
//! (`RESETCTL_BASE_URL`, `[token] base_url`), then what the app says of
//! itself: the domain of Django's sites framework, then `APP_URL` or
//! `BETTER_AUTH_URL` in its env file. An explicit `[token] link` wins
//! over all of them.

use super::Builder;
use crate::error::{Error, Result};
use crate::store::settings::EXAMPLE_SITE;

/// resetctl's own variable for the site.
pub const BASE_URL_ENV: &str = "RESETCTL_BASE_URL";

impl Builder<'_> {
    /// Moves the default link to the site, when one is known.
    pub(super) fn site(&mut self, base_url: Option<&str>) -> Result<()> {
        let Some((site, from, from_app)) = self.site_of(base_url)? else {
            return Ok(());
        };
        if let Some(path) = self.cfg.link.strip_prefix(EXAMPLE_SITE) {
            self.cfg.link = format!("{site}{path}");
            self.cfg.origin.site = Some(from);
            if from_app {
                self.cfg.origin.from_app.push("site");
            }
        }
        Ok(())
    }

    /// The site, where it came from, and whether from the app's env file.
    fn site_of(&mut self, base_url: Option<&str>) -> Result<Option<(String, String, bool)>> {
        if let Ok(v) = std::env::var(BASE_URL_ENV)
            && !v.is_empty()
        {
            let site = base(&v).map_err(|why| Error::config(format!("{BASE_URL_ENV}: {why}")))?;
            return Ok(Some((site, BASE_URL_ENV.to_string(), false)));
        }
        if let Some(v) = base_url {
            let site = base(v).map_err(|why| self.bad("token.base_url", why))?;
            return Ok(Some((site, "[token] base_url".to_string(), false)));
        }
        if let (Some(sql), Some(catalog)) = (self.site_query, &self.catalog)
            && let Some(domain) = catalog.value(sql)?.filter(|d| !d.trim().is_empty())
            && let Ok(site) = base(&format!("https://{}", domain.trim()))
        {
            return Ok(Some((
                site,
                "the django_site row of SITE_ID 1".to_string(),
                false,
            )));
        }
        if let Some(app) = self.app
            && let Some(site) = &app.site
        {
            let at = format!("{} in {}", site.keys.join(", "), app.path.display());
            let site = base(&site.value).map_err(|why| Error::config(format!("{at}: {why}")))?;
            return Ok(Some((site, at, true)));
        }
        Ok(None)
    }
}

/// A site as links are built under it: without its trailing slash.
pub fn base(text: &str) -> std::result::Result<String, String> {
    crate::token::site_url(text).map(|t| t.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_an_http_url_kept_without_its_trailing_slash() {
        assert_eq!(
            base(" https://app.example.org/ ").unwrap(),
            "https://app.example.org"
        );
        assert_eq!(
            base("http://localhost:8000/shop/").unwrap(),
            "http://localhost:8000/shop"
        );
        for bad in [
            "app.example.org",
            "ftp://x.org",
            "https://x.org/?a=1",
            "https://u@x.org",
            "",
        ] {
            assert!(base(bad).is_err(), "{bad}");
        }
    }
}
