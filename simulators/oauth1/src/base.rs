//! The signature: the base-string URL as the Laminas URI normaliser writes it, the
//! normalised parameter string, the base string and the HMAC (RFC 5849 §3.4, with the
//! differences listed in the crate documentation).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::params::{ParamList, escape_at};
use crate::php::is_php_space;
use crate::{ParamOrder, SignatureMethod};

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The bytes RFC 3986 leaves unencoded: `A-Z a-z 0-9 - . _ ~`, as a table.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

fn push_escaped(out: &mut String, b: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(b & 0x0F)]));
}

/// RFC 3986 percent-encoding, as PHP `rawurlencode`: `A-Z a-z 0-9 - . _ ~` stay, every
/// other byte becomes `%XY` with upper-case hex.
pub fn percent_encode(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len() + s.len() / 2);
    push_encoded(&mut out, s);
    // Only ASCII was written.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `percent_encode(s)`, or with `twice` `percent_encode(percent_encode(s))`:
/// an escaped byte's `%` is itself escaped, so `%XY` becomes `%25XY`.
fn push_encoded_as(out: &mut Vec<u8>, s: &[u8], twice: bool) {
    let mut rest = s;
    while !rest.is_empty() {
        // Unreserved runs are copied whole; each other byte becomes `%XX` (`%25XX`).
        let run = rest
            .iter()
            .position(|&b| !UNRESERVED[usize::from(b)])
            .unwrap_or(rest.len());
        out.extend_from_slice(&rest[..run]);
        if let Some(&b) = rest.get(run) {
            out.extend_from_slice(if twice { b"%25" } else { b"%" });
            out.extend_from_slice(&[
                HEX_UPPER[usize::from(b >> 4)],
                HEX_UPPER[usize::from(b & 0x0F)],
            ]);
            rest = &rest[run + 1..];
        } else {
            rest = &[];
        }
    }
}

fn push_encoded(out: &mut Vec<u8>, s: &[u8]) {
    push_encoded_as(out, s, false);
}

fn push_encoded_twice(out: &mut Vec<u8>, s: &[u8]) {
    push_encoded_as(out, s, true);
}

/// `percent_encode(s)`, borrowing `s` when nothing needs encoding.
fn encoded(s: &[u8]) -> Cow<'_, [u8]> {
    if s.iter().all(|&b| UNRESERVED[usize::from(b)]) {
        Cow::Borrowed(s)
    } else {
        let mut out = Vec::with_capacity(s.len() + s.len() / 2);
        push_encoded(&mut out, s);
        Cow::Owned(out)
    }
}

/// The base-string URL as the Laminas URI normaliser writes it (Magento 2.4.0–2.4.7):
/// lower-case scheme and host, the port dropped when it is the scheme's default (or
/// 0), the path with dot segments removed and escapes normalised, no query.
pub fn base_url(scheme: &str, host: &str, path: &str) -> String {
    let scheme = scheme.to_ascii_lowercase();
    let (host, port) = split_port(host);
    let mut out = String::with_capacity(scheme.len() + host.len() + path.len() + 16);
    out.push_str(&scheme);
    out.push_str("://");
    out.push_str(&host.to_ascii_lowercase());
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => 0,
    };
    if let Some(port) = port.filter(|&p| p != 0 && p != default_port) {
        let _ = write!(out, ":{port}");
    }
    let path = if path.is_empty() { "/" } else { path };
    if is_plain_path(path) {
        // Nothing to remove, decode or encode: the usual REST path, as it is.
        out.push_str(path);
        return out;
    }
    let path = remove_dot_segments(path.as_bytes());
    if path.is_empty() && !host.is_empty() {
        out.push('/');
    } else {
        out.push_str(&encode_path(&decode_path_escapes(&path)));
    }
    out
}

/// A path the normaliser gives back unchanged: it starts with `/` and holds only
/// letters, digits, `-`, `_`, `~` and `/` (no dot segment, no escape, nothing to
/// encode).
fn is_plain_path(path: &str) -> bool {
    path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~' | b'/'))
}

/// [`base_url`]'s path through the whole normaliser, for the tests.
#[cfg(test)]
pub(crate) fn normalised_path_slow(path: &str) -> String {
    let path = remove_dot_segments(path.as_bytes());
    encode_path(&decode_path_escapes(&path))
}

/// Laminas' authority split: a trailing `:` and 1–5 digits is the port.
fn split_port(host: &str) -> (&str, Option<u32>) {
    let bytes = host.as_bytes();
    let digits = bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if (1..=5).contains(&digits) && bytes.len() > digits && bytes[bytes.len() - digits - 1] == b':'
    {
        let cut = bytes.len() - digits - 1;
        let port = host[cut + 1..].parse().ok();
        return (&host[..cut], port);
    }
    (host, None)
}

/// Laminas `Uri::removePathDotSegments` (RFC 3986 §5.2.4 with PHP's quirks).
fn remove_dot_segments(input: &[u8]) -> Vec<u8> {
    fn pop_segment(out: &mut Vec<u8>) {
        if let Some(slash) = out.iter().rposition(|&b| b == b'/') {
            out.truncate(slash);
        }
    }
    let mut out = Vec::with_capacity(input.len());
    let mut path = input;
    // `while ($path)`: PHP's "0" is false too.
    while !path.is_empty() && path != b"0" {
        if path == b".." || path == b"." {
            break;
        } else if path == b"/." {
            path = b"/";
        } else if path == b"/.." {
            path = b"/";
            pop_segment(&mut out);
        } else if path.starts_with(b"/../") {
            path = &path[3..];
            pop_segment(&mut out);
        } else if path.starts_with(b"/./") || path.starts_with(b"./") {
            path = &path[2..];
        } else if path.starts_with(b"../") {
            path = &path[3..];
        } else {
            let end = path
                .iter()
                .skip(1)
                .position(|&b| b == b'/')
                .map_or(path.len(), |i| i + 1);
            out.extend_from_slice(&path[..end]);
            path = &path[end..];
        }
    }
    out
}

/// Laminas `decodeUrlEncodedChars` for paths: an escape of
/// `A-Za-z0-9-._~:@&=+$,/;%` is decoded, any other escape is upper-cased. One pass.
fn decode_path_escapes(path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(path.len());
    let mut i = 0;
    while let Some(&b) = path.get(i) {
        match escape_at(path, i) {
            Some(decoded)
                if decoded.is_ascii_alphanumeric() || b"-._~:@&=+$,/;%".contains(&decoded) =>
            {
                out.push(decoded);
                i += 3;
            }
            Some(_) => {
                out.push(b'%');
                out.extend(path[i + 1..i + 3].iter().map(u8::to_ascii_uppercase));
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Laminas `Uri::encodePath`: bytes outside `A-Za-z0-9-._~)(:@&=+$,/;%` are escaped,
/// and so is a `%` not followed by two hex digits.
fn encode_path(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, &b) in path.iter().enumerate() {
        if b == b'%' {
            if escape_at(path, i).is_some() {
                out.push('%');
            } else {
                out.push_str("%25");
            }
        } else if b.is_ascii_alphanumeric() || b"-._~)(:@&=+$,/;".contains(&b) {
            out.push(char::from(b));
        } else {
            push_escaped(&mut out, b);
        }
    }
    out
}

/// The normalised parameter string: each name and value percent-encoded, sorted by
/// encoded name in `order` (stable), joined as `name=value&…`. `oauth_signature` is
/// left out, as Laminas does.
pub fn normalized_params(params: &ParamList<'_>, order: ParamOrder) -> String {
    let mut out = Vec::new();
    for (i, (name, value)) in sorted_params(params, order).iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(name);
        out.push(b'=');
        push_encoded(&mut out, value);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The signed parameters as (encoded name, value as sent), in `order`.
fn sorted_params<'p>(
    params: &'p ParamList<'_>,
    order: ParamOrder,
) -> Vec<(Cow<'p, [u8]>, &'p [u8])> {
    let encoded: Vec<(Cow<'p, [u8]>, &'p [u8])> = params
        .iter()
        .filter(|(n, _)| *n != b"oauth_signature")
        .map(|(n, v)| (encoded(n), v))
        .collect();
    // Encoded names hold no whitespace; without digits `strnatcmp` is byte order, a
    // total order, for which any stable sort gives the merge sort's result.
    let natural_is_bytes = || {
        encoded
            .iter()
            .all(|(n, _)| !n.iter().any(u8::is_ascii_digit))
    };
    match order {
        ParamOrder::Natural if !natural_is_bytes() => {
            merge_sort(
                encoded,
                &|a: &(Cow<'_, [u8]>, &[u8]), b: &(Cow<'_, [u8]>, &[u8])| strnatcmp(&a.0, &b.0),
            )
        }
        // A total order: any stable sort gives the merge sort's result.
        ParamOrder::Natural | ParamOrder::Bytes => {
            let mut encoded = encoded;
            encoded.sort_by(|a, b| a.0.cmp(&b.0));
            encoded
        }
    }
}

/// `UPPER(method)&pct(base_url)&pct(normalized_params)` (RFC 5849 §3.4.1.1).
pub fn base_string(
    method: &str,
    base_url: &str,
    params: &ParamList<'_>,
    order: ParamOrder,
) -> String {
    String::from_utf8(base_string_bytes(method, base_url, params, order)).unwrap_or_default()
}

/// [`base_string`] written into one buffer: the normalised parameters are encoded
/// twice on the fly instead of being joined and encoded again.
pub(crate) fn base_string_bytes(
    method: &str,
    base_url: &str,
    params: &ParamList<'_>,
    order: ParamOrder,
) -> Vec<u8> {
    let sorted = sorted_params(params, order);
    let values: usize = sorted.iter().map(|(n, v)| n.len() + v.len()).sum();
    let mut out = Vec::with_capacity(method.len() + base_url.len() * 3 / 2 + values * 2 + 64);
    out.extend(method.bytes().map(|b| b.to_ascii_uppercase()));
    out.push(b'&');
    push_encoded(&mut out, base_url.as_bytes());
    out.push(b'&');
    for (i, (name, value)) in sorted.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"%26");
        }
        push_encoded(&mut out, name);
        out.extend_from_slice(b"%3D");
        push_encoded_twice(&mut out, value);
    }
    out
}

/// The base string as the plain definition builds it (each step its own string): what
/// the tests compare [`base_string`] with.
#[cfg(test)]
pub(crate) fn base_string_by_steps(
    method: &str,
    base_url: &str,
    params: &ParamList<'_>,
    order: ParamOrder,
) -> String {
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode(base_url.as_bytes()),
        percent_encode(normalized_params(params, order).as_bytes())
    )
}

/// The HMAC of `data` under `key`; `None` only if the MAC could not be keyed (HMAC
/// accepts any key length, so never in practice).
pub(crate) fn mac(method: SignatureMethod, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    match method {
        SignatureMethod::HmacSha1 => {
            let mut m = <Hmac<Sha1> as Mac>::new_from_slice(key).ok()?;
            m.update(data);
            Some(m.finalize().into_bytes().to_vec())
        }
        SignatureMethod::HmacSha256 => {
            let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
            m.update(data);
            Some(m.finalize().into_bytes().to_vec())
        }
    }
}

pub(crate) fn signing_key(consumer_secret: &str, token_secret: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(consumer_secret.len() + token_secret.len() + 1);
    push_encoded(&mut key, consumer_secret.as_bytes());
    key.push(b'&');
    push_encoded(&mut key, token_secret.as_bytes());
    key
}

/// `base64(HMAC(pct(consumer_secret)&pct(token_secret), base_string))`.
pub fn signature(
    method: SignatureMethod,
    consumer_secret: &str,
    token_secret: &str,
    base_string: &str,
) -> String {
    mac(
        method,
        &signing_key(consumer_secret, token_secret),
        base_string.as_bytes(),
    )
    .map(|m| BASE64.encode(m))
    .unwrap_or_default()
}

/// PHP `strnatcmp`: like byte comparison, except that runs of digits compare by
/// numeric value (a run starting with `0` compares digit by digit, "fractionally"),
/// whitespace is skipped, and leading zeros at the very start are ignored.
pub(crate) fn strnatcmp(a: &[u8], b: &[u8]) -> Ordering {
    if a.is_empty() || b.is_empty() {
        return a.len().cmp(&b.len());
    }
    let at = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    let (mut ai, mut bi) = (0usize, 0usize);
    let mut leading = true;
    loop {
        let mut ca = at(a, ai);
        let mut cb = at(b, bi);
        if leading {
            while ca == b'0' && at(a, ai + 1).is_ascii_digit() && ai + 1 < a.len() {
                ai += 1;
                ca = at(a, ai);
            }
            while cb == b'0' && at(b, bi + 1).is_ascii_digit() && bi + 1 < b.len() {
                bi += 1;
                cb = at(b, bi);
            }
            leading = false;
        }
        while is_php_space(ca) {
            ai += 1;
            ca = at(a, ai);
        }
        while is_php_space(cb) {
            bi += 1;
            cb = at(b, bi);
        }
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let result = if ca == b'0' || cb == b'0' {
                compare_digits_left(a, &mut ai, b, &mut bi)
            } else {
                compare_digits_right(a, &mut ai, b, &mut bi)
            };
            if result != Ordering::Equal {
                return result;
            }
            match (ai >= a.len(), bi >= b.len()) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                (false, false) => {
                    ca = at(a, ai);
                    cb = at(b, bi);
                }
            }
        }
        if ca != cb {
            return ca.cmp(&cb);
        }
        ai += 1;
        bi += 1;
        match (ai >= a.len(), bi >= b.len()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
    }
}

fn digit_at(s: &[u8], i: usize) -> Option<u8> {
    s.get(i).copied().filter(u8::is_ascii_digit)
}

/// Two right-aligned numbers: the longer run wins, else the first differing digit.
fn compare_digits_right(a: &[u8], ai: &mut usize, b: &[u8], bi: &mut usize) -> Ordering {
    let mut bias = Ordering::Equal;
    loop {
        match (digit_at(a, *ai), digit_at(b, *bi)) {
            (None, None) => return bias,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                if bias == Ordering::Equal {
                    bias = x.cmp(&y);
                }
            }
        }
        *ai += 1;
        *bi += 1;
    }
}

/// Two left-aligned (fractional) numbers: the first differing digit wins.
fn compare_digits_left(a: &[u8], ai: &mut usize, b: &[u8], bi: &mut usize) -> Ordering {
    loop {
        match (digit_at(a, *ai), digit_at(b, *bi)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x != y => return x.cmp(&y),
            _ => {}
        }
        *ai += 1;
        *bi += 1;
    }
}

/// A stable merge sort that tolerates a comparison that is not a total order.
/// `strnatcmp` is not always transitive, and the standard sorts may panic on such
/// comparisons. Recursion depth is log2 of the parameter count.
///
/// Top-down, the left half being the first `len / 2` items; it sorts a list of
/// positions with one scratch list (no allocation per level), so every comparison is
/// the one [`merge_sort_by_halves`] (the plain recursive form, kept for the tests)
/// makes, in the same order, and the result is the same even for a comparison that is
/// not a total order.
pub(crate) fn merge_sort<T, F: Fn(&T, &T) -> Ordering>(items: Vec<T>, cmp: &F) -> Vec<T> {
    fn sort<T, F: Fn(&T, &T) -> Ordering>(
        items: &[T],
        at: &mut [usize],
        scratch: &mut [usize],
        cmp: &F,
    ) {
        let n = at.len();
        if n <= 1 {
            return;
        }
        let mid = n / 2;
        sort(items, &mut at[..mid], &mut scratch[..mid], cmp);
        sort(items, &mut at[mid..], &mut scratch[mid..n], cmp);
        let (mut l, mut r) = (0, mid);
        for slot in scratch.iter_mut().take(n) {
            let take_right = match (at.get(l), at.get(r).filter(|_| r < n)) {
                (Some(&li), Some(&ri)) if l < mid => cmp(&items[ri], &items[li]) == Ordering::Less,
                (_, Some(_)) => true,
                _ => false,
            };
            if take_right {
                *slot = at[r];
                r += 1;
            } else {
                *slot = at[l];
                l += 1;
            }
        }
        at.copy_from_slice(&scratch[..n]);
    }
    let n = items.len();
    if n <= 1 {
        return items;
    }
    let mut at: Vec<usize> = (0..n).collect();
    let mut scratch = vec![0; n];
    sort(&items, &mut at, &mut scratch, cmp);
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    at.iter()
        .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// The plain recursive form of [`merge_sort`] (a list per level): the definition the
/// tests compare it with.
#[cfg(test)]
pub(crate) fn merge_sort_by_halves<T, F: Fn(&T, &T) -> Ordering>(
    mut items: Vec<T>,
    cmp: &F,
) -> Vec<T> {
    if items.len() <= 1 {
        return items;
    }
    let right = items.split_off(items.len() / 2);
    let left = merge_sort_by_halves(items, cmp);
    let right = merge_sort_by_halves(right, cmp);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_right = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => cmp(r, l) == Ordering::Less,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right {
            right.next()
        } else {
            left.next()
        };
        out.extend(next);
    }
    out
}
