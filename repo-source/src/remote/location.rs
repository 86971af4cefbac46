//! Where a repository is: a local path or a URL this crate fetches from.

use std::path::PathBuf;

use crate::error::Error;
use crate::url::RemoteUrl;

/// Where a repository is: a local path or a URL to fetch from.
pub(crate) enum Location {
    Path(PathBuf),
    Url(RemoteUrl),
}

impl Location {
    /// `file://`, `http://`, `https://` and `ssh://` are URLs; anything else with `://` (or
    /// scp-like `host:path`) is refused; the rest is a path.
    pub(crate) fn parse(location: &str) -> Result<Location, Error> {
        let url = RemoteUrl::new(location);
        let lower = location.to_ascii_lowercase();
        if ["file://", "http://", "https://", "ssh://"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
        {
            check_url(&url)?;
            return Ok(Location::Url(url));
        }
        if location.contains("://") || location.is_empty() {
            return Err(Error::InvalidLocation {
                location: url.to_string(),
                source: None,
            });
        }
        Ok(Location::Path(PathBuf::from(location)))
    }
}

/// Refuses a URL that does not parse, or whose scheme this crate does not fetch from.
pub(crate) fn check_url(url: &RemoteUrl) -> Result<(), Error> {
    let parsed = gix::url::parse(gix::bstr::BStr::new(url.expose())).map_err(|err| {
        Error::InvalidLocation {
            location: url.to_string(),
            source: Some(url.cause(err)),
        }
    })?;
    use gix::url::Scheme;
    match parsed.scheme {
        Scheme::File | Scheme::Http | Scheme::Https | Scheme::Ssh => Ok(()),
        Scheme::Git | Scheme::Ext | Scheme::Helper(_) | Scheme::HelperUrl(_) => {
            Err(Error::InvalidLocation {
                location: url.to_string(),
                source: None,
            })
        }
    }
}
