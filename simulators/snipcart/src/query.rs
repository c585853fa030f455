//! Query strings as ASP.NET Web API binds them: parameter names case-insensitive,
//! `+` a space, percent-decoded; a value that does not convert is a `400`.

use percent_encoding::percent_decode_str;

use crate::errors::{SResult, SnipcartError};

/// The 400 of a parameter that does not bind.
pub const INVALID: &str = "The request is invalid.";

/// The decoded pairs of one query string.
#[derive(Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw query string (without `?`).
    pub fn parse(raw: Option<&str>) -> Query {
        let decode = |s: &str| {
            let spaced = s.replace('+', " ");
            percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
        };
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (decode(k), decode(v)),
                None => (decode(p), String::new()),
            })
            .collect();
        Query { pairs }
    }

    /// The first value of `name` (case-insensitive); an empty value counts as absent,
    /// as model binding leaves a nullable parameter null for it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// An integer parameter; `400` when it does not parse.
    pub fn int(&self, name: &str) -> SResult<Option<i64>> {
        self.get(name)
            .map(|v| v.trim().parse::<i64>().map_err(|_| invalid(name)))
            .transpose()
    }

    /// A boolean parameter (`true`/`false`, any case); `400` otherwise.
    pub fn bool(&self, name: &str) -> SResult<Option<bool>> {
        self.get(name)
            .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(invalid(name)),
            })
            .transpose()
    }

    /// A date parameter; `400` when it does not parse.
    pub fn date(&self, name: &str) -> SResult<Option<time::OffsetDateTime>> {
        self.get(name)
            .map(|v| crate::dates::parse(v).ok_or_else(|| invalid(name)))
            .transpose()
    }

    /// A parameter bound by `from_name` (an enum, case-insensitively); `400` when it
    /// names no value.
    pub fn value_of<T>(
        &self,
        name: &str,
        from_name: impl Fn(&str) -> Option<T>,
    ) -> SResult<Option<T>> {
        self.get(name)
            .map(|v| from_name(v).ok_or_else(|| invalid(name)))
            .transpose()
    }

    /// `offset` and `limit` with their defaults (0, 20); negative values are refused.
    pub fn page(&self) -> SResult<(usize, usize)> {
        let offset = self.int("offset")?.unwrap_or(0);
        let limit = self.int("limit")?.unwrap_or(20);
        let offset = usize::try_from(offset).map_err(|_| invalid("offset"))?;
        let limit = usize::try_from(limit).map_err(|_| invalid("limit"))?;
        Ok((offset, limit))
    }
}

/// The `400` of a parameter `name` whose value does not bind.
pub(crate) fn invalid(name: &str) -> SnipcartError {
    SnipcartError::BadRequest(format!("{INVALID} The value of '{name}' is not valid."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_values_decoded() {
        let q = Query::parse(Some("Limit=5&OFFSET=2&keywords=a+b%21&archived=True&x"));
        assert_eq!(q.page().unwrap(), (2, 5));
        assert_eq!(q.get("keywords"), Some("a b!"));
        assert_eq!(q.bool("archived").unwrap(), Some(true));
        assert_eq!(q.get("x"), None);
        assert!(Query::parse(Some("limit=abc")).page().is_err());
        assert!(Query::parse(Some("offset=-1")).page().is_err());
        assert_eq!(Query::parse(None).page().unwrap(), (0, 20));
    }
}
