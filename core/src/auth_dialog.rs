//! The URL of Tray's auth-only dialog, where an end user creates an authentication.

use std::fmt;

use crate::path::{check_base_url, segment};
use crate::{Error, Region, Secret};

/// Where the auth-only dialog is served in the US region unless you have your own
/// (white-label) domain; see [`Region::auth_dialog_url`] for the others.
pub const DEFAULT_AUTH_DIALOG_BASE: &str = "https://embedded.tray.io";

impl Region {
    /// The region's auth-only dialog host, as Tray's docs give it: `https://embedded.tray.io`,
    /// `https://embedded.eu1.tray.io`, `https://embedded.ap1.tray.io`.
    pub fn auth_dialog_url(self) -> &'static str {
        match self {
            Region::Us => DEFAULT_AUTH_DIALOG_BASE,
            Region::Eu => "https://embedded.eu1.tray.io",
            Region::Ap => "https://embedded.ap1.tray.io",
        }
    }
}

/// Builds the auth-only dialog URL:
/// `{base}/external/auth/create/{partnerName}?code=..&serviceId=..&serviceEnvironmentId=..&scopes[]=..`.
///
/// The host is the US one unless set with [`region`](Self::region) (an account in the EU or
/// APAC region must use its own) or [`base_url`](Self::base_url) (a white-label domain).
///
/// The query is `application/x-www-form-urlencoded`: `scopes[]` is sent as `scopes%5B%5D`
/// (which the dialog reads as `scopes[]`), `:` in a scope as `%3A`, a space as `+`.
///
/// ```
/// use tray_connect::AuthDialogUrl;
///
/// let url = AuthDialogUrl::new("acme", "code-from-authorization_code")
///     .service_id("svc-1")
///     .service_environment_id("env-1")
///     .scopes(["channels:read", "chat:write"])
///     .build()?;
/// assert_eq!(
///     url,
///     "https://embedded.tray.io/external/auth/create/acme?code=code-from-authorization_code\
///      &serviceId=svc-1&serviceEnvironmentId=env-1\
///      &scopes%5B%5D=channels%3Aread&scopes%5B%5D=chat%3Awrite"
/// );
/// # Ok::<(), tray_connect::Error>(())
/// ```
#[derive(Clone)]
pub struct AuthDialogUrl {
    base: String,
    partner: String,
    code: Secret,
    service_id: Option<String>,
    service_environment_id: Option<String>,
    scopes: Vec<String>,
}

impl fmt::Debug for AuthDialogUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthDialogUrl")
            .field("base", &self.base)
            .field("partner", &self.partner)
            .field("code", &self.code)
            .field("service_id", &self.service_id)
            .field("service_environment_id", &self.service_environment_id)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl AuthDialogUrl {
    /// The dialog of partner `partner_name` for the user whose
    /// [authorization code](crate::Client::authorization_code) this is.
    pub fn new(partner_name: impl Into<String>, authorization_code: impl Into<Secret>) -> Self {
        AuthDialogUrl {
            base: DEFAULT_AUTH_DIALOG_BASE.to_owned(),
            partner: partner_name.into(),
            code: authorization_code.into(),
            service_id: None,
            service_environment_id: None,
            scopes: Vec::new(),
        }
    }

    /// The dialog host of `region` ([`Region::auth_dialog_url`]), e.g.
    /// `https://embedded.eu1.tray.io` for [`Region::Eu`].
    pub fn region(mut self, region: Region) -> Self {
        self.base = region.auth_dialog_url().to_owned();
        self
    }

    /// Another dialog host, e.g. your white-label domain (checked in [`build`](Self::build):
    /// `https`, or `http` on loopback).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base = url.into();
        self
    }

    /// The service to authenticate with (`serviceId`).
    pub fn service_id(mut self, id: impl Into<String>) -> Self {
        self.service_id = Some(id.into());
        self
    }

    /// The service environment (`serviceEnvironmentId`).
    pub fn service_environment_id(mut self, id: impl Into<String>) -> Self {
        self.service_environment_id = Some(id.into());
        self
    }

    /// Adds one scope to ask for.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scopes.push(scope.into());
        self
    }

    /// Adds scopes to ask for, in order.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// The URL.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a refused base URL, an empty partner name or code, or a partner
    /// name that is `.`/`..` or has control characters.
    pub fn build(&self) -> Result<String, Error> {
        let base = check_base_url(&self.base, false)?;
        let partner = segment("partner name", &self.partner)?;
        if self.code.expose().trim().is_empty() {
            return Err(Error::config("the authorization code is empty"));
        }
        let mut url = reqwest::Url::parse(&format!("{base}/external/auth/create/{partner}"))
            .map_err(|e| Error::config(format!("could not build the dialog URL: {e}")))?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("code", self.code.expose().trim());
            if let Some(id) = &self.service_id {
                query.append_pair("serviceId", id);
            }
            if let Some(id) = &self.service_environment_id {
                query.append_pair("serviceEnvironmentId", id);
            }
            for scope in &self.scopes {
                query.append_pair("scopes[]", scope);
            }
        }
        Ok(url.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_form_encoded() {
        let url = AuthDialogUrl::new("acme corp", "a+b/c=d&e")
            .service_id("svc 1")
            .scope("https://www.googleapis.com/auth/spreadsheets")
            .scope("a b")
            .build()
            .unwrap();
        assert_eq!(
            url,
            "https://embedded.tray.io/external/auth/create/acme%20corp?code=a%2Bb%2Fc%3Dd%26e\
             &serviceId=svc+1\
             &scopes%5B%5D=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fspreadsheets&scopes%5B%5D=a+b"
        );
        let parsed = reqwest::Url::parse(&url).unwrap();
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(pairs[0], ("code".into(), "a+b/c=d&e".into()));
        assert_eq!(
            pairs[2],
            (
                "scopes[]".into(),
                "https://www.googleapis.com/auth/spreadsheets".into()
            )
        );
        assert_eq!(pairs[3], ("scopes[]".into(), "a b".into()));
    }

    #[test]
    fn only_the_parts_given_are_sent() {
        let url = AuthDialogUrl::new("acme", "c0de").build().unwrap();
        assert_eq!(
            url,
            "https://embedded.tray.io/external/auth/create/acme?code=c0de"
        );
    }

    #[test]
    fn partner_name_stays_one_segment_and_bad_parts_are_refused() {
        let url = AuthDialogUrl::new("a/../b?x", "c").build().unwrap();
        assert!(
            url.starts_with("https://embedded.tray.io/external/auth/create/a%2F..%2Fb%3Fx?code=c"),
            "{url}"
        );
        for bad in [
            AuthDialogUrl::new("", "c"),
            AuthDialogUrl::new("..", "c"),
            AuthDialogUrl::new("acme", " "),
            AuthDialogUrl::new("acme", "c").base_url("http://embedded.example.com"),
        ] {
            assert!(matches!(bad.build(), Err(Error::Config { .. })), "{bad:?}");
        }
        let local = AuthDialogUrl::new("acme", "c")
            .base_url("http://127.0.0.1:5000/")
            .build()
            .unwrap();
        assert_eq!(
            local,
            "http://127.0.0.1:5000/external/auth/create/acme?code=c"
        );
    }

    #[test]
    fn auth_dialog_url_follows_the_region() {
        for (region, host) in [
            (Region::Us, "https://embedded.tray.io"),
            (Region::Eu, "https://embedded.eu1.tray.io"),
            (Region::Ap, "https://embedded.ap1.tray.io"),
        ] {
            let url = AuthDialogUrl::new("acme", "c0de")
                .region(region)
                .build()
                .unwrap();
            assert_eq!(url, format!("{host}/external/auth/create/acme?code=c0de"));
        }
        // The last of region and base_url wins.
        let url = AuthDialogUrl::new("acme", "c")
            .region(Region::Eu)
            .base_url("https://acme.eu1.integration-authentication.com")
            .build()
            .unwrap();
        assert!(
            url.starts_with("https://acme.eu1.integration-authentication.com/"),
            "{url}"
        );
    }

    #[test]
    fn debug_hides_the_code() {
        let text = format!("{:?}", AuthDialogUrl::new("acme", "secret-code-42"));
        assert!(!text.contains("secret-code-42"), "{text}");
    }
}
