//! URL rules shared by `http` (where a token may go) and `okta` (which org URLs are accepted):
//! origins, loopback, and telling an absolute URL from a path. Imports nothing of the crate.

use url::Url;

/// `text` as an absolute http(s) URL, if it is one. Schemes are case-insensitive
/// (`HTTP://other/…` is a URL to another host, never a path on the org).
pub fn absolute_url(text: &str) -> Option<Result<Url, url::ParseError>> {
    let (scheme, _) = text.trim_start().split_once(':')?;
    if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
        Some(Url::parse(text.trim()))
    } else {
        None
    }
}

pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

pub fn origin_text(url: &Url) -> String {
    url.origin().ascii_serialization()
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_case_insensitive() {
        let url = absolute_url("HTTP://Other.example/x").unwrap().unwrap();
        assert_eq!(url.as_str(), "http://other.example/x");
        assert!(absolute_url("HtTpS://o/").is_some());
        assert!(absolute_url("users/00u1").is_none());
        assert!(absolute_url("ann@example.com").is_none());
    }
}
