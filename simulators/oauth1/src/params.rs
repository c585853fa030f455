//! Which parameters the verifier sees, collected the way the Magento framework's
//! request helper collects them (`Magento\Framework\Oauth\Helper\Request`): PHP-array
//! semantics, PHP's decoding and `parse_str` name mangling.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::OAuthRequest;

/// A PHP array of string keys to string values, in insertion order.
///
/// Names and values are bytes because percent-decoding may produce any byte. They
/// borrow from the request where nothing had to be decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParamList<'a> {
    entries: Vec<Pair<'a>>,
    // Built once the list passes `SMALL` names (a request may carry thousands of query
    // parameters); a short list, the usual OAuth request, is searched in place.
    index: Option<HashMap<Vec<u8>, usize>>,
}

/// A name and its value, borrowed from the request or decoded.
type Pair<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

/// How many names a list holds before it gets a hash index.
const SMALL: usize = 16;

impl<'a> ParamList<'a> {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, name: &[u8]) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.entries.iter().position(|(n, _)| n.as_ref() == name),
        }
    }

    /// `$params[$name] = $value`.
    pub fn insert(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        self.set(
            Cow::Owned(name.as_ref().to_vec()),
            Cow::Owned(value.as_ref().to_vec()),
        );
    }

    /// [`ParamList::insert`] of names and values that may borrow.
    pub(crate) fn set(&mut self, name: Cow<'a, [u8]>, value: Cow<'a, [u8]>) {
        if let Some(i) = self.position(&name) {
            if let Some(entry) = self.entries.get_mut(i) {
                entry.1 = value;
            }
            return;
        }
        let at = self.entries.len();
        match &mut self.index {
            Some(index) => {
                index.insert(name.to_vec(), at);
            }
            None if at >= SMALL => {
                let mut index: HashMap<Vec<u8>, usize> = self
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(i, (n, _))| (n.to_vec(), i))
                    .collect();
                index.insert(name.to_vec(), at);
                self.index = Some(index);
            }
            None => {}
        }
        self.entries.push((name, value));
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        let i = self.position(name.as_bytes())?;
        self.entries.get(i).map(|(_, v)| v.as_ref())
    }

    /// The value of `name` when present and valid UTF-8.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// True when `name` is present (PHP `isset`; an empty value counts).
    pub fn contains(&self, name: &str) -> bool {
        self.position(name.as_bytes()).is_some()
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.entries.iter().map(|(n, v)| (n.as_ref(), v.as_ref()))
    }

    /// A copy without `name` (PHP `unset`).
    pub fn without(&self, name: &str) -> ParamList<'a> {
        let mut list = ParamList::new();
        for (n, v) in &self.entries {
            if n.as_ref() != name.as_bytes() {
                list.set(n.clone(), v.clone());
            }
        }
        list
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>> FromIterator<(N, V)> for ParamList<'_> {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut list = ParamList::new();
        for (n, v) in iter {
            list.insert(n.as_ref(), v.as_ref());
        }
        list
    }
}

/// The parameters Magento collected from one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collected<'a> {
    /// The `oauth_*` parameters of the `Authorization` header alone, decoded.
    pub header: ParamList<'a>,
    /// Magento's `$protocolParams`: the header's parameters, then the form-body ones,
    /// then the query's, merged as a PHP array. The checks read from here and the base
    /// string is built from it. A query name that only decodes to `oauth_…` (such as
    /// `oauth%5Fnonce`) lands here too and overrides the header's value, as in Magento.
    pub params: ParamList<'a>,
}

impl<'a> Collected<'a> {
    /// What goes into the base string: `params` without `oauth_signature`.
    pub fn signable(&self) -> ParamList<'a> {
        self.params.without("oauth_signature")
    }
}

/// True when the request carries an OAuth `Authorization` header, i.e. the header
/// contains `oauth ` in any case (Magento only does OAuth then).
pub fn is_oauth(authorization: Option<&str>) -> bool {
    authorization.is_some_and(|h| after_oauth_marker(h.as_bytes()).is_some())
}

/// The header after the first case-insensitive `oauth ` (PHP `stripos`).
fn after_oauth_marker(header: &[u8]) -> Option<&[u8]> {
    const MARKER: &[u8] = b"oauth ";
    header
        .windows(MARKER.len())
        .position(|w| w.eq_ignore_ascii_case(MARKER))
        .and_then(|at| header.get(at + MARKER.len()..))
}

/// Collects the parameters the way Magento does (reference §2.5.1).
///
/// With no OAuth `Authorization` header nothing is collected. Form-body parameters
/// count only when `Content-Type` starts with `application/x-www-form-urlencoded`
/// (case-sensitive); a JSON body is never signed.
pub fn collect_params<'a>(req: &OAuthRequest<'a>) -> Collected<'a> {
    let header = req
        .authorization
        .and_then(|h| after_oauth_marker(h.as_bytes()))
        .map(header_params)
        .unwrap_or_default();
    let params = protocol_params(req);
    Collected { header, params }
}

/// [`Collected::params`] alone: what the verifier reads.
pub(crate) fn protocol_params<'a>(req: &OAuthRequest<'a>) -> ParamList<'a> {
    let Some(rest) = req
        .authorization
        .and_then(|h| after_oauth_marker(h.as_bytes()))
    else {
        return ParamList::default();
    };
    let mut params = header_params(rest);

    if req
        .content_type
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
    {
        // Body `oauth_*` parameters count only when the header carried none.
        let header_had_none = params.is_empty();
        for (name, value) in form_body_params(req.body).entries {
            if header_had_none || !is_protocol_name(&name) {
                params.set(name, value);
            }
        }
    }

    if let Some(query) = req.query {
        for pair in query.as_bytes().split(|&b| b == b'&') {
            let mut parts = pair.splitn(3, |&b| b == b'=');
            let (Some(name), Some(value), None) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            if is_protocol_name(name) {
                continue;
            }
            // 2.4.x (Laminas era) decodes with `urldecode`: `+` is a space. Older builds
            // used `rawurldecode`, which signs a literal `+` as `%2B`.
            params.set(url_decode(name, true), url_decode(value, true));
        }
    }
    params
}

/// `Authorization` parameters: split on `,`, trim, split on the first `=`, keep
/// protocol names, strip `"` from both ends of the value, `rawurldecode` both.
fn header_params(rest: &[u8]) -> ParamList<'_> {
    let mut list = ParamList::new();
    for piece in rest.split(|&b| b == b',') {
        let piece = php_trim(piece);
        let Some(eq) = piece.iter().position(|&b| b == b'=') else {
            continue;
        };
        let (name, value) = (&piece[..eq], &piece[eq + 1..]);
        if !is_protocol_name(name) {
            continue;
        }
        list.set(
            url_decode(name, false),
            url_decode(trim_quotes(value), false),
        );
    }
    list
}

/// PHP `parse_str` for flat names: `&`-separated, empty pieces skipped, a piece
/// without `=` has an empty value, both sides `urldecode`d; the name stops at a NUL,
/// loses leading spaces, and has ` ` and `.` turned into `_` (up to an array bracket).
/// Array names (`a[b]`) stay flat, brackets included.
fn form_body_params(body: &[u8]) -> ParamList<'_> {
    let mut list = ParamList::new();
    for piece in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = match piece.iter().position(|&b| b == b'=') {
            Some(eq) => (&piece[..eq], &piece[eq + 1..]),
            None => (piece, &b""[..]),
        };
        let value = url_decode(raw_value, true);
        let mut name = url_decode(raw_name, true).into_owned();
        if let Some(nul) = name.iter().position(|&b| b == 0) {
            name.truncate(nul);
        }
        let spaces = name.iter().take_while(|&&b| b == b' ').count();
        name.drain(..spaces);
        if let Some(name) = php_variable_name(name) {
            list.set(Cow::Owned(name), value);
        }
    }
    list
}

/// PHP's variable-name mangling; `None` when PHP drops the variable.
fn php_variable_name(mut name: Vec<u8>) -> Option<Vec<u8>> {
    let mut i = 0;
    while i < name.len() {
        match name[i] {
            b' ' | b'.' => name[i] = b'_',
            b'[' => {
                if i == 0 {
                    return None;
                }
                if !name[i + 1..].contains(&b']') {
                    // Not an array after all: PHP 8 replaces this bracket and any
                    // later space, dot or bracket.
                    for b in &mut name[i..] {
                        if matches!(*b, b' ' | b'.' | b'[') {
                            *b = b'_';
                        }
                    }
                }
                break;
            }
            _ => {}
        }
        i += 1;
    }
    (!name.is_empty()).then_some(name)
}

/// `preg_match('/oauth_[a-z_-]+/', $name)`: unanchored, so any name containing
/// `oauth_` followed by a lower-case letter, `_` or `-` counts.
fn is_protocol_name(name: &[u8]) -> bool {
    const PREFIX: &[u8] = b"oauth_";
    name.windows(PREFIX.len() + 1).any(|w| {
        w.starts_with(PREFIX) && matches!(w.get(PREFIX.len()), Some(b'a'..=b'z' | b'_' | b'-'))
    })
}

/// PHP `trim` with its default characters.
pub(crate) fn php_trim(s: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0B');
    let start = s.iter().position(|b| !is_ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_ws(b)).map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// PHP `trim($s, '"')`.
fn trim_quotes(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b'"').unwrap_or(s.len());
    let end = s.iter().rposition(|&b| b != b'"').map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte encoded by `%XY` at `s[i..]`, when there is one.
pub(crate) fn escape_at(s: &[u8], i: usize) -> Option<u8> {
    match (s.get(i), s.get(i + 1), s.get(i + 2)) {
        (Some(b'%'), Some(&h), Some(&l)) => Some(hex_value(h)? << 4 | hex_value(l)?),
        _ => None,
    }
}

/// PHP `urldecode` (`plus_is_space`) or `rawurldecode`: `%XY` becomes a byte; a `%`
/// without two hex digits stays as it is.
pub(crate) fn url_decode(s: &[u8], plus_is_space: bool) -> Cow<'_, [u8]> {
    if !s.iter().any(|&b| b == b'%' || (plus_is_space && b == b'+')) {
        return Cow::Borrowed(s);
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        if let Some(decoded) = escape_at(s, i) {
            out.push(decoded);
            i += 3;
        } else {
            out.push(if plus_is_space && b == b'+' { b' ' } else { b });
            i += 1;
        }
    }
    Cow::Owned(out)
}
