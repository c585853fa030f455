//! An OAuth 1.0a client signer (RFC 5849), HMAC-SHA1 and HMAC-SHA256, for the
//! contract harness, the simulators' tests and any client code that talks to a
//! simulator.
//!
//! It signs the way standard clients (oauthlib, Guzzle's OAuth subscriber) do: every
//! query and form pair, repeated names included, percent-encoded and sorted in byte
//! order, the base URL with the path as given. It deliberately shares no code with the
//! simulators' verifier (`sim-oauth1`): percent-encoding, form decoding, the base
//! string, HMAC (RFC 2104) and base64 are written here a second time, and only the
//! SHA-1 and SHA-256 digests come from a library. A bug in either side therefore
//! fails the tests instead of cancelling out; both are pinned by the same published
//! vectors.
//!
//! ```
//! use oauth1_client::{SignatureMethod, Signer};
//!
//! // OAuth Core 1.0, Appendix A.5.
//! let signer = Signer {
//!     consumer_key: "dpf43f3p2l4k3l03".into(),
//!     consumer_secret: "kd94hf93k423kf44".into(),
//!     token: "nnch734d00sl2jdk".into(),
//!     token_secret: "pfkkdhi9sl3r4s00".into(),
//!     method: SignatureMethod::HmacSha1,
//! };
//! let header = signer.authorization(
//!     "GET",
//!     "http://photos.example.net/photos?file=vacation.jpg&size=original",
//!     None,
//!     "kllo9940pd9333jh",
//!     1_191_242_096,
//! );
//! assert!(header.ends_with("oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\""));
//! ```
//!
//! # Layout
//!
//! - [`Signer`]: credentials and [`Signer::authorization`], the `Authorization` header.
//! - [`base_string`]: RFC 5849 §3.4.1, on its own.
//! - [`percent_encode`], and private modules for HMAC and base64.
//!
//! # What a standard client cannot get past a Magento store
//!
//! Signing like this fails against the real Magento, and so against its simulator, for
//! a query that repeats a name (Magento signs only the last), names whose natural and
//! byte order differ (`f[2]` and `f[10]`), and an encoded `/` in the path (Magento
//! decodes it before signing). That is intended: the simulator should refuse what the
//! store refuses.

mod base64;
mod hmac;

/// An `oauth_signature_method` this signer computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMethod {
    /// `HMAC-SHA1`.
    HmacSha1,
    /// `HMAC-SHA256`.
    HmacSha256,
}

impl SignatureMethod {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HMAC-SHA1",
            Self::HmacSha256 => "HMAC-SHA256",
        }
    }
}

/// Credentials of one consumer and its access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// `oauth_consumer_key`.
    pub consumer_key: String,
    /// The consumer secret.
    pub consumer_secret: String,
    /// `oauth_token` (the access token).
    pub token: String,
    /// The access-token secret.
    pub token_secret: String,
    /// `oauth_signature_method`.
    pub method: SignatureMethod,
}

impl Signer {
    /// The `Authorization` header value for `method` on `url`
    /// (`scheme://host[:port]/path?query`), with `form` the decoded pairs of an
    /// `application/x-www-form-urlencoded` body, if any:
    /// `OAuth oauth_consumer_key="…",oauth_token="…",oauth_signature_method="…",oauth_version="1.0",oauth_timestamp="…",oauth_nonce="…",oauth_signature="…"`,
    /// every value percent-encoded.
    pub fn authorization(
        &self,
        method: &str,
        url: &str,
        form: Option<&[(String, String)]>,
        nonce: &str,
        timestamp: i64,
    ) -> String {
        let protocol = self.protocol_params(nonce, timestamp);
        let mut signed: Vec<(String, String)> = protocol.clone();
        signed.extend(form.unwrap_or_default().iter().cloned());
        let signature = self.sign(&base_string(method, url, &signed));

        let mut header = String::from("OAuth ");
        let last = ("oauth_signature".to_owned(), signature);
        for (i, (name, value)) in protocol.iter().chain([&last]).enumerate() {
            if i > 0 {
                header.push(',');
            }
            header.push_str(name);
            header.push_str("=\"");
            header.push_str(&percent_encode(value));
            header.push('"');
        }
        header
    }

    /// The `oauth_*` parameters this signer sends, in header order, without the
    /// signature.
    pub fn protocol_params(&self, nonce: &str, timestamp: i64) -> Vec<(String, String)> {
        let timestamp = timestamp.to_string();
        [
            ("oauth_consumer_key", self.consumer_key.as_str()),
            ("oauth_token", self.token.as_str()),
            ("oauth_signature_method", self.method.as_str()),
            ("oauth_version", "1.0"),
            ("oauth_timestamp", timestamp.as_str()),
            ("oauth_nonce", nonce),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
    }

    /// `base64(HMAC(key, base_string))` with the key
    /// `pct(consumer_secret)&pct(token_secret)` (RFC 5849 §3.4.2).
    pub fn sign(&self, base_string: &str) -> String {
        let key = format!(
            "{}&{}",
            percent_encode(&self.consumer_secret),
            percent_encode(&self.token_secret)
        );
        let mac = match self.method {
            SignatureMethod::HmacSha1 => {
                hmac::hmac::<sha1::Sha1>(key.as_bytes(), base_string.as_bytes())
            }
            SignatureMethod::HmacSha256 => {
                hmac::hmac::<sha2::Sha256>(key.as_bytes(), base_string.as_bytes())
            }
        };
        base64::encode(&mac)
    }
}

/// The signature base string (RFC 5849 §3.4.1): `METHOD&pct(base URI)&pct(params)`,
/// where the parameters are the pairs of `url`'s query (form-decoded) and `params` (the
/// protocol parameters and any decoded form-body pairs), each name and value
/// percent-encoded, sorted by name then value in byte order, joined as `n=v&…`.
pub fn base_string(method: &str, url: &str, params: &[(String, String)]) -> String {
    let (base_uri, query) = split_url(url);
    let mut encoded: Vec<(String, String)> = query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.find('=') {
            Some(eq) => (form_decode(&piece[..eq]), form_decode(&piece[eq + 1..])),
            None => (form_decode(piece), String::new()),
        })
        .chain(params.iter().cloned())
        .map(|(n, v)| (percent_encode(&n), percent_encode(&v)))
        .collect();
    encoded.sort_unstable();
    let normalized = encoded
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    [
        method.to_ascii_uppercase(),
        percent_encode(&base_uri),
        percent_encode(&normalized),
    ]
    .join("&")
}

/// RFC 3986 §2.1 percent-encoding of every byte outside the unreserved set
/// `ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 5849 §3.6), upper-case hex.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let unreserved =
            matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~');
        if unreserved {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a `%`
/// not followed by two hex digits is kept. Invalid UTF-8 is replaced.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|&b| char::from(b).to_digit(16));
        let escaped = match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => u8::try_from(high * 16 + low).ok(),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, other) => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 5849 §3.4.1.2: the base string URI of `url` (scheme and host lower-cased, the
/// port kept only when it is not the scheme's default, the path as given or `/`, no
/// user info, query or fragment), and the query.
fn split_url(url: &str) -> (String, &str) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let rest = rest.split('#').next().unwrap_or_default();
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path_at = before_query.find('/').unwrap_or(before_query.len());
    let (authority, path) = before_query.split_at(path_at);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let scheme = scheme.to_ascii_lowercase();
    let (host, port) = match authority.rfind(':') {
        Some(colon)
            if colon + 1 < authority.len()
                && authority[colon + 1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            (&authority[..colon], Some(&authority[colon + 1..]))
        }
        _ => (authority, None),
    };
    let default_port = match scheme.as_str() {
        "http" => Some("80"),
        "https" => Some("443"),
        _ => None,
    };
    let mut uri = format!("{scheme}://{}", host.to_ascii_lowercase());
    if let Some(port) = port.filter(|&p| Some(p) != default_port) {
        uri.push(':');
        uri.push_str(port);
    }
    uri.push_str(if path.is_empty() { "/" } else { path });
    (uri, query)
}

#[cfg(test)]
mod tests;
