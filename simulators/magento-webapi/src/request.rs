//! The request rules of Magento's REST front controller that do not depend on a
//! store's data: where a REST path starts, PHP's `urldecode`, the body's Content-Type
//! and decoding (reference §1.4), and the `Accept` check.

use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::errors::{MResult, MagentoError, msg};

/// `/magento-2.4.0/index.php/rest/default/V1/products` → `(Some("default/V1/products"))`
/// after the install prefix; `None` when the path is not a REST path of this install.
pub fn rest_path<'p>(path: &'p str, base_path: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(base_path)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = match rest.strip_prefix("/index.php") {
        Some(r) if r.is_empty() || r.starts_with('/') => r,
        _ => rest,
    };
    let rest = rest.strip_prefix("/rest")?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    Some(rest)
}

/// A version string's first three numbers: `2.4.7-p3` → `(2, 4, 7)`; what does not
/// read as a number counts 0.
pub fn version_tuple(version: &str) -> (u32, u32, u32) {
    let mut it = version
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

/// PHP `urldecode`: `+` is a space, `%XX` decoded, invalid escapes kept.
pub fn urldecode(s: &str) -> String {
    if !s.contains(['+', '%']) {
        // Nothing to decode: the usual SKU or id.
        return s.to_owned();
    }
    let plus = s.replace('+', " ");
    percent_decode_str(&plus).decode_utf8_lossy().into_owned()
}

/// A header's value as text, when it is.
pub fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Parses a POST/PUT body after Magento's Content-Type rules (reference §1.4); other
/// verbs have no body parameters.
pub fn parse_body(parts: &Parts, body: &[u8]) -> MResult<Value> {
    if !(parts.method == Method::POST || parts.method == Method::PUT) {
        return Ok(Value::Object(Map::new()));
    }
    decode_body(&parts.headers, body)
}

/// Decodes a body after Magento's Content-Type rules, whatever the verb: an empty body
/// is `{}`, and so is JSON that is not an object.
pub fn decode_body(headers: &HeaderMap, body: &[u8]) -> MResult<Value> {
    if body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let Some(content_type) =
        header_str(headers, header::CONTENT_TYPE).filter(|c| !c.trim().is_empty())
    else {
        return Err(MagentoError::bad_request(msg::CONTENT_TYPE_EMPTY));
    };
    let (media, params) = content_type
        .split_once(';')
        .map_or((content_type, ""), |(m, p)| (m, p));
    let media = media.trim().to_ascii_lowercase();
    let valid = media.split_once('/').is_some_and(|(t, s)| {
        let ok = |x: &str| {
            !x.is_empty()
                && x.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.+".contains(&b))
        };
        ok(t) && ok(s)
    });
    if !valid {
        return Err(MagentoError::bad_request(msg::CONTENT_TYPE_INVALID));
    }
    if let Some(charset) = params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"'))
    {
        if !charset.eq_ignore_ascii_case("utf-8") {
            return Err(MagentoError::bad_request(msg::CHARSET));
        }
    }
    if media != "application/json" {
        return Err(MagentoError::bad_request(format!(
            "Server cannot understand Content-Type HTTP header media type {media}"
        )));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|_| MagentoError::bad_request(msg::DECODING))?;
    Ok(match value {
        Value::Object(_) => value,
        // PHP casts a non-object to an array with numeric keys: no named argument.
        _ => Value::Object(Map::new()),
    })
}

/// True when the `Accept` header lets Magento answer JSON.
/// `Err` carries the media types asked for.
pub fn accepts_json(headers: &HeaderMap) -> Result<(), String> {
    let Some(accept) = header_str(headers, header::ACCEPT) else {
        return Ok(());
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|t| t.split(';').next().unwrap_or("").trim())
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty()
        || types.iter().any(|t| {
            t.eq_ignore_ascii_case("*/*")
                || t.eq_ignore_ascii_case("application/*")
                || t.eq_ignore_ascii_case("application/json")
        })
    {
        Ok(())
    } else {
        Err(types.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_paths_with_prefix_and_index_php() {
        assert_eq!(rest_path("/rest/V1/modules", ""), Some("/V1/modules"));
        assert_eq!(
            rest_path("/magento-2.4.0/rest/default/V1/products", "/magento-2.4.0"),
            Some("/default/V1/products")
        );
        assert_eq!(
            rest_path("/magento-2.4.0/index.php/rest/V1/modules", "/magento-2.4.0"),
            Some("/V1/modules")
        );
        assert_eq!(rest_path("/rest/V1/modules", "/magento-2.4.0"), None);
        assert_eq!(rest_path("/magento-2.4.0x/rest/V1", "/magento-2.4.0"), None);
        assert_eq!(rest_path("/restful/V1", ""), None);
        assert_eq!(
            rest_path("/index.php/rest/V1/modules", ""),
            Some("/V1/modules")
        );
    }

    #[test]
    fn urldecode_is_php_urldecode() {
        assert_eq!(urldecode("a+b%20c%2Fd"), "a b c/d");
        assert_eq!(urldecode("test-001"), "test-001");
        assert_eq!(urldecode("é+%C3%A9"), "é é");
        assert_eq!(urldecode("100%"), "100%");
    }
}
