//! HTTP Basic with the secret API key as the user name and an empty password
//! (`base64("KEY:")`), and the `Accept` rule. Reference §1.

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT, AUTHORIZATION};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::errors::SnipcartError;
use crate::settings::Settings;
use crate::state::{Mode, State};

/// The mode of the secret key the request carries; `401` for none or a wrong one.
///
/// The user name is the key; the password must be empty. Without the colon
/// (`base64("KEY")`, seen in community code) the key is accepted only with
/// [`Settings::accept_key_without_colon`].
pub fn authenticate(state: &State, headers: &HeaderMap) -> Result<Mode, SnipcartError> {
    let header = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(SnipcartError::Unauthorized)?;
    let (scheme, encoded) = header
        .trim()
        .split_once(' ')
        .ok_or(SnipcartError::Unauthorized)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(SnipcartError::Unauthorized);
    }
    let decoded = BASE64
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(SnipcartError::Unauthorized)?;
    let key = match decoded.split_once(':') {
        Some((key, "")) => key,
        Some(_) => return Err(SnipcartError::Unauthorized),
        None if state.settings.accept_key_without_colon => decoded.as_str(),
        None => return Err(SnipcartError::Unauthorized),
    };
    state.key_mode(key).ok_or(SnipcartError::Unauthorized)
}

/// `406` when strict and the request does not accept JSON: no `Accept`, or one naming
/// neither `application/json`, `application/*` nor `*/*`.
pub fn check_accept(settings: &Settings, headers: &HeaderMap) -> Result<(), SnipcartError> {
    if !settings.strict_accept {
        return Ok(());
    }
    let accepts_json = headers.get_all(ACCEPT).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',').any(|range| {
                let media = range.split(';').next().unwrap_or("").trim();
                ["application/json", "application/*", "*/*"]
                    .iter()
                    .any(|m| media.eq_ignore_ascii_case(m))
            })
        })
    });
    if accepts_json {
        Ok(())
    } else {
        Err(SnipcartError::NotAcceptable)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with_accept(value: Option<&'static str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = value {
            h.insert(ACCEPT, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn strict_accept_wants_json_or_a_wildcard() {
        let strict = Settings::default();
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "text/html, */*;q=0.1",
            "application/*",
        ] {
            assert!(
                check_accept(&strict, &with_accept(Some(ok))).is_ok(),
                "{ok}"
            );
        }
        for refused in [None, Some("text/html"), Some("application/xml")] {
            assert_eq!(
                check_accept(&strict, &with_accept(refused)),
                Err(SnipcartError::NotAcceptable),
                "{refused:?}"
            );
        }
        let lenient = Settings {
            strict_accept: false,
            ..Settings::default()
        };
        assert!(check_accept(&lenient, &with_accept(None)).is_ok());
    }
}
