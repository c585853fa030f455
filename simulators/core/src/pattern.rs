//! Request matchers shared by fault rules and journal filters.
//!
//! A path pattern is exact unless it holds a glob character (`*`, `?`, `[`, `{`): then
//! `*` matches within one path segment and `**` across segments, so
//! `/rest/*/V1/products` matches every store code and `/rest/**` everything below
//! `/rest/`.

use std::fmt;

use globset::{GlobBuilder, GlobMatcher};

/// An exact path or a compiled glob; built once when a rule is added, not per request.
#[derive(Clone)]
pub struct PathPattern {
    source: String,
    glob: Option<GlobMatcher>,
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PathPattern").field(&self.source).finish()
    }
}

/// A pattern that did not compile.
#[derive(Debug, thiserror::Error)]
#[error("invalid path pattern {pattern:?}: {reason}")]
pub struct PatternError {
    pattern: String,
    reason: String,
}

impl PathPattern {
    /// Compiles `pattern`; exact when it holds no glob character.
    pub fn new(pattern: &str) -> Result<Self, PatternError> {
        if !pattern.starts_with('/') && pattern != "*" && !pattern.starts_with("**") {
            return Err(PatternError {
                pattern: pattern.to_owned(),
                reason: "a path pattern starts with '/'".to_owned(),
            });
        }
        let is_glob = pattern.contains(['*', '?', '[', '{']);
        let glob = if is_glob {
            let g = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| PatternError {
                    pattern: pattern.to_owned(),
                    reason: e.kind().to_string(),
                })?;
            Some(g.compile_matcher())
        } else {
            None
        };
        Ok(Self {
            source: pattern.to_owned(),
            glob,
        })
    }

    /// Whether `path` (without query string) matches.
    pub fn matches(&self, path: &str) -> bool {
        match &self.glob {
            Some(g) => g.is_match(path),
            None => self.source == path,
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// Whether a method filter (`None` or `*` = any, otherwise case-insensitive) accepts
/// `method`.
pub(crate) fn method_matches(filter: Option<&str>, method: &str) -> bool {
    match filter {
        None | Some("*") | Some("") => true,
        Some(m) => m.eq_ignore_ascii_case(method),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_paths_match_only_themselves() {
        let p = PathPattern::new("/rest/V1/products").unwrap();
        assert!(p.matches("/rest/V1/products"));
        assert!(!p.matches("/rest/V1/products/sku"));
        assert!(!p.matches("/rest/V1/product"));
    }

    #[test]
    fn single_star_stays_in_one_segment() {
        let p = PathPattern::new("/rest/*/V1/products").unwrap();
        assert!(p.matches("/rest/default/V1/products"));
        assert!(p.matches("/rest/all/V1/products"));
        assert!(!p.matches("/rest/a/b/V1/products"));
    }

    #[test]
    fn double_star_crosses_segments() {
        let p = PathPattern::new("/rest/**").unwrap();
        assert!(p.matches("/rest/V1/products/abc"));
        assert!(p.matches("/rest/x"));
        assert!(!p.matches("/other/x"));
        assert!(PathPattern::new("**").unwrap().matches("/anything/at/all"));
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        let err = PathPattern::new("/a/[b").unwrap_err().to_string();
        assert!(err.starts_with("invalid path pattern \"/a/[b\""), "{err}");
        assert!(PathPattern::new("no-slash").is_err());
    }

    #[test]
    fn method_filter() {
        assert!(method_matches(None, "GET"));
        assert!(method_matches(Some("*"), "PATCH"));
        assert!(method_matches(Some("post"), "POST"));
        assert!(!method_matches(Some("GET"), "POST"));
    }

    proptest! {
        #[test]
        fn a_literal_path_always_matches_itself(segs in proptest::collection::vec("[a-zA-Z0-9_.-]{1,12}", 0..6)) {
            let path = format!("/{}", segs.join("/"));
            prop_assert!(PathPattern::new(&path).unwrap().matches(&path));
            prop_assert!(PathPattern::new("/**").unwrap().matches(&path) || path == "/");
        }
    }
}
