//! Magento's REST route matching (`webapi.xml`): a route is a method, a path pattern
//! (`:param` segments) and ACL resources; a request finds the route of its method whose
//! pattern matches its segments, literal segments beating parameters. Generic over what
//! answers a route, so the Magento simulator and the extensions it hosts each declare
//! their own table.

use std::collections::HashMap;

use axum::http::Method;

/// Anonymous routes skip authentication entirely.
pub const ANONYMOUS: &str = "anonymous";
/// Routes for the logged-in customer only.
pub const SELF: &str = "self";

/// One declared route.
pub struct Route<H> {
    /// Verb.
    pub method: Method,
    /// Path pattern, split on `/` (`:name` captures).
    pub segments: Vec<Segment>,
    /// ACL resources (any one grants access), or [`ANONYMOUS`] / [`SELF`].
    pub resources: &'static [&'static str],
    /// What answers it.
    pub handler: H,
    /// Pattern as written, for logs and COVERAGE.
    pub pattern: &'static str,
}

/// A pattern segment.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Must equal.
    Literal(&'static str),
    /// Captures.
    Param,
}

/// A declaration: method, pattern, resources, handler.
pub type Decl<H> = (Method, &'static str, &'static [&'static str], H);

/// Routes in declaration order, indexed by (method, number of segments): a request
/// only looks at the routes of its own shape.
pub struct RouteTable<H> {
    routes: Vec<Route<H>>,
    by_shape: HashMap<(Method, usize), Vec<usize>>,
}

impl<H> RouteTable<H> {
    /// The table of `decls`, built once.
    pub fn new(decls: Vec<Decl<H>>) -> Self {
        let routes: Vec<Route<H>> = decls
            .into_iter()
            .map(|(method, pattern, resources, handler)| Route {
                method,
                segments: pattern
                    .trim_matches('/')
                    .split('/')
                    .map(|s| match s.strip_prefix(':') {
                        Some(_) => Segment::Param,
                        None => Segment::Literal(s),
                    })
                    .collect(),
                resources,
                handler,
                pattern,
            })
            .collect();
        let mut by_shape: HashMap<(Method, usize), Vec<usize>> = HashMap::new();
        for (i, route) in routes.iter().enumerate() {
            by_shape
                .entry((route.method.clone(), route.segments.len()))
                .or_default()
                .push(i);
        }
        Self { routes, by_shape }
    }

    /// Every route, in declaration order.
    pub fn routes(&self) -> &[Route<H>] {
        &self.routes
    }

    /// The route for `method` and the path segments after the store code, with its
    /// captured (raw, still percent-encoded) parameters. Literal segments beat
    /// parameters, so `/V1/products/types` is not the product `types`.
    pub fn find(&self, method: &Method, segments: &[&str]) -> Option<(&Route<H>, Vec<String>)> {
        let mut best: Option<(&Route<H>, usize)> = None;
        let candidates = self.by_shape.get(&(method.clone(), segments.len()))?;
        for &i in candidates {
            let Some(route) = self.routes.get(i) else {
                continue;
            };
            let mut literals = 0;
            let matched = route.segments.iter().zip(segments).all(|(p, s)| match p {
                Segment::Literal(l) => {
                    literals += 1;
                    l == s
                }
                Segment::Param => !s.is_empty(),
            });
            if matched && best.is_none_or(|(_, n)| literals > n) {
                best = Some((route, literals));
            }
        }
        let (route, _) = best?;
        let params = route
            .segments
            .iter()
            .zip(segments)
            .filter(|(p, _)| **p == Segment::Param)
            .map(|(_, s)| (*s).to_owned())
            .collect();
        Some((route, params))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable<&'static str> {
        RouteTable::new(vec![
            (Method::GET, "/V1/items/:id", &[ANONYMOUS], "one"),
            (Method::GET, "/V1/items/types", &[ANONYMOUS], "types"),
            (Method::POST, "/V1/items", &["X::edit"], "create"),
            (Method::POST, "/V1/items/", &["X::edit"], "create-slash"),
        ])
    }

    #[test]
    fn literals_beat_parameters_and_only_the_request_shape_is_looked_at() {
        let t = table();
        let (r, p) = t.find(&Method::GET, &["V1", "items", "types"]).unwrap();
        assert_eq!((r.handler, p.len()), ("types", 0));
        let (r, p) = t.find(&Method::GET, &["V1", "items", "a%20b"]).unwrap();
        assert_eq!((r.handler, p), ("one", vec!["a%20b".to_owned()]));
        assert!(
            t.find(&Method::GET, &["V1", "items", ""]).is_none(),
            "empty parameter"
        );
        assert!(
            t.find(&Method::PUT, &["V1", "items", "x"]).is_none(),
            "other method"
        );
        assert!(
            t.find(&Method::GET, &["V1", "items", "x", "y"]).is_none(),
            "other shape"
        );
        // A trailing slash is a pattern of its own only if declared (trimmed here).
        assert_eq!(
            t.find(&Method::POST, &["V1", "items"]).unwrap().0.handler,
            "create"
        );
        assert_eq!(t.routes().len(), 4);
    }
}
