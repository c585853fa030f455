//! PHP's query-string parsing: what `$_GET` (and `parse_str`) make of
//! `searchCriteria[filter_groups][0][filters][0][field]=sku&storeCodes[]=default`.
//!
//! Magento's REST layer reads GET parameters from `$_GET`, which PHP builds with
//! `php_default_treat_data` + `php_register_variable_ex` (`main/php_variables.c`). This
//! module is a port of those two functions, PHP 8 flavour:
//!
//! - the string is split on `&` (empty pieces skipped), each piece at its first `=`; a
//!   piece without `=` has the value `""`;
//! - name and value are URL-decoded once: `+` is a space, `%XX` with two hex digits is
//!   that byte, any other `%` stays literally (`%zz`, a trailing `%4`);
//! - the name is a C string: a decoded `%00` ends it;
//! - leading spaces of the name are dropped; in the top-level name (before the first
//!   `[`) spaces and dots become `_` (`a.b` and `a b` are `a_b`); an empty top-level
//!   name (`=1`, `[a]=1`) drops the pair;
//! - `a[b][c]=v` builds nested arrays; keys inside brackets are kept as they are (spaces
//!   and dots included); `a[]=v` appends; anything after a `]` that is not `[` is
//!   ignored (`a[b]c=1` is `a[b]=1`); one leading whitespace inside brackets is skipped
//!   when looking for `]` (`a[ ]=1` appends);
//! - a `[` without a matching `]` in the top-level name becomes `_` and so do the
//!   spaces, dots and `[` after it (`a[b=1` is `a_b`, `a[b.c=1` is `a_b_c`); deeper
//!   down (`a[b][c=1`) the unterminated part is dropped and the value goes to `a[b]`;
//! - later duplicates win; a scalar later used as an array is replaced by one
//!   (`a=1&a[b]=2` is `{"a":{"b":"2"}}`) and the other way round;
//! - more than [`MAX_INPUT_NESTING_LEVEL`] levels of brackets drop the whole top-level
//!   variable; pieces after the [`MAX_INPUT_VARS`]th are ignored (PHP's defaults);
//! - a name that mangling turns into a `__Host-`/`__Secure-` prefix it did not have is
//!   dropped (PHP's CVE-2022-31629 fix).
//!
//! **Representation.** The result is always a JSON object; PHP arrays, including
//! lists, are JSON objects too, with their keys as strings in insertion order
//! (`storeCodes[]=a&storeCodes[]=b` is `{"storeCodes":{"0":"a","1":"b"}}`). Appending
//! uses the next integer key as PHP does: one more than the largest integer key so far,
//! or `0` when there is none or all are negative (PHP before 8.3). A key is an integer
//! key when PHP would make it one (`"7"`, `"-3"`; not `"07"`, `"+7"`, `"-0"`). Leaves
//! are always JSON strings. Bytes that are not UTF-8 become U+FFFD. Read list
//! parameters with [`get_list`], which takes JSON arrays too.

use serde_json::{Map, Value};

/// PHP's default `max_input_vars`: pieces after this many are ignored.
pub const MAX_INPUT_VARS: usize = 1000;

/// PHP's default `max_input_nesting_level`: a name with more bracket levels is dropped,
/// together with anything already stored under its top-level name.
pub const MAX_INPUT_NESTING_LEVEL: usize = 64;

/// Parses a raw query string (without the leading `?`) the way PHP fills `$_GET`.
/// Always returns a JSON object; see the module documentation for the rules.
pub fn parse_query(raw: &str) -> Value {
    let mut root = Map::new();
    for piece in raw
        .split('&')
        .filter(|p| !p.is_empty())
        .take(MAX_INPUT_VARS)
    {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let name = url_decode(name.as_bytes());
        let value = match url_decode(value.as_bytes()) {
            std::borrow::Cow::Borrowed(raw) => String::from_utf8_lossy(raw).into_owned(),
            std::borrow::Cow::Owned(bytes) => String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        };
        register(&mut root, &name, value);
    }
    Value::Object(root)
}

/// The elements of a list parameter, in order: the values of a PHP array as
/// [`parse_query`] builds it (`storeCodes[]=a&storeCodes[]=b`) or of a JSON array (a
/// JSON body). `None` for a scalar or `null`: Magento rejects a scalar where it expects
/// `string[]`.
pub fn get_list(v: &Value) -> Option<Vec<&Value>> {
    match v {
        Value::Array(items) => Some(items.iter().collect()),
        Value::Object(map) => Some(map.values().collect()),
        _ => None,
    }
}

/// `php_url_decode`: `+` → space, `%XX` → byte, anything else literally. Text with
/// neither `+` nor `%` is its own decoding and is not copied.
fn url_decode(input: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !input.iter().any(|&b| b == b'+' || b == b'%') {
        return std::borrow::Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                input.get(i + 1).copied().and_then(hex),
                input.get(i + 2).copied().and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// C's `isspace` in the "C" locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Where a variable goes: the arrays to walk into (`None` = append a new one) and the
/// final key (`None` = append).
#[derive(Debug, PartialEq)]
enum Target {
    Path {
        tables: Vec<Option<Vec<u8>>>,
        last: Option<Vec<u8>>,
    },
    /// Too many bracket levels: the top-level variable is removed.
    TooDeep(Vec<u8>),
}

/// The name half of `php_register_variable_ex`. `None` drops the variable.
fn target(raw: &[u8]) -> Option<Target> {
    // A C string: a decoded NUL ends the name.
    let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
    let start = raw.iter().position(|&b| b != b' ').unwrap_or(raw.len());
    let orig = &raw[start..];

    let mut var = orig.to_vec();
    let mut bracket = None;
    for (i, b) in var.iter_mut().enumerate() {
        match *b {
            b' ' | b'.' => *b = b'_',
            b'[' => {
                bracket = Some(i);
                break;
            }
            _ => {}
        }
    }
    let base_len = bracket.unwrap_or(var.len());
    let base = &var[..base_len];
    for prefix in [&b"__Host-"[..], &b"__Secure-"[..]] {
        if base.starts_with(prefix) && !orig.starts_with(prefix) {
            return None;
        }
    }
    if base_len == 0 {
        return None;
    }
    let Some(open) = bracket else {
        return Some(Target::Path {
            tables: Vec::new(),
            last: Some(var),
        });
    };

    let n = var.len();
    let mut tables = Vec::new();
    let mut index = Some(var[..open].to_vec());
    let mut ip = open; // at a '['
    for level in 1.. {
        if level > MAX_INPUT_NESTING_LEVEL {
            return Some(Target::TooDeep(var[..open].to_vec()));
        }
        ip += 1;
        let index_s = ip;
        if ip < n && is_c_space(var[ip]) {
            ip += 1;
        }
        let new_index = if ip < n && var[ip] == b']' {
            None
        } else {
            let close = var
                .get(ip..)
                .and_then(|rest| rest.iter().position(|&c| c == b']'))
                .map(|off| ip + off);
            let Some(close) = close else {
                // Not an index. At the top level the rest of the name joins the
                // variable name (the `[` and any spaces, dots and `[` becoming `_`);
                // deeper down the value goes to the last complete index.
                if tables.is_empty() {
                    let mut full = var[..open].to_vec();
                    full.push(b'_');
                    full.extend(var[index_s..].iter().map(|&c| match c {
                        b' ' | b'.' | b'[' => b'_',
                        c => c,
                    }));
                    index = Some(full);
                }
                return Some(Target::Path {
                    tables,
                    last: index,
                });
            };
            ip = close;
            Some(var[index_s..close].to_vec())
        };
        tables.push(index.take());
        index = new_index;
        ip += 1;
        if !(ip < n && var[ip] == b'[') {
            break;
        }
    }
    Some(Target::Path {
        tables,
        last: index,
    })
}

fn key(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The key a PHP array turns into an integer key, as that integer: an optional `-`,
/// then digits without a leading zero (`0` itself aside), not `-0`, within `i64` —
/// exactly the strings an integer prints as, checked without printing it.
fn int_key(k: &str) -> Option<i64> {
    let digits = k.strip_prefix('-').unwrap_or(k);
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == k.len(),
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
    };
    if canonical {
        k.parse::<i64>().ok()
    } else {
        None
    }
}

/// `nNextFreeElement`: one more than the largest integer key, at least 0; `None` once
/// `PHP_INT_MAX` is used (PHP then refuses the append).
fn next_index(table: &Map<String, Value>) -> Option<String> {
    match table.keys().filter_map(|k| int_key(k)).max() {
        None => Some("0".to_owned()),
        Some(max) if max < 0 => Some("0".to_owned()),
        Some(max) => max.checked_add(1).map(|i| i.to_string()),
    }
}

/// The array under `key` (`None` = a new appended one), replacing a scalar there.
fn descend(table: &mut Map<String, Value>, key: Option<String>) -> Option<&mut Map<String, Value>> {
    let key = match key {
        Some(k) => k,
        None => next_index(table)?,
    };
    let slot = table
        .entry(key)
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

fn register(root: &mut Map<String, Value>, name: &[u8], value: String) {
    match target(name) {
        None => {}
        Some(Target::TooDeep(base)) => {
            root.shift_remove(&key(base));
        }
        Some(Target::Path { tables, last }) => {
            let mut table = root;
            for k in tables {
                match descend(table, k.map(key)) {
                    Some(t) => table = t,
                    None => return,
                }
            }
            let k = match last {
                Some(k) => key(k),
                None => match next_index(table) {
                    Some(k) => k,
                    None => return,
                },
            };
            table.insert(k, Value::String(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    proptest::proptest! {
        /// `int_key` is "the string an integer prints as", without printing.
        #[test]
        fn int_key_is_the_canonical_integer_form(k in "-?[0-9+ ]{0,21}") {
            let reference = k.parse::<i64>().ok().filter(|i| i.to_string() == k);
            proptest::prop_assert_eq!(int_key(&k), reference);
        }
    }

    #[test]
    fn int_key_edges() {
        assert_eq!(int_key("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(int_key("9223372036854775808"), None);
        assert_eq!(int_key("0"), Some(0));
        for not in ["", "-", "-0", "00", "07", "+7", " 7"] {
            assert_eq!(int_key(not), None, "{not:?}");
        }
    }

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn plain_pairs_and_empty_values() {
        assert_eq!(parse_query("a=1&b=2"), json!({"a": "1", "b": "2"}));
        assert_eq!(parse_query("a&b="), json!({"a": "", "b": ""}));
        assert_eq!(parse_query(""), json!({}));
        assert_eq!(parse_query("&&a=1&&"), json!({"a": "1"}));
        assert_eq!(parse_query("a=b=c"), json!({"a": "b=c"}));
    }

    #[test]
    fn url_decoding_is_php_url_decode() {
        assert_eq!(parse_query("a=x+y%20z%2B%25"), json!({"a": "x y z+%"}));
        assert_eq!(
            parse_query("a=%zz%4&b=%&c=100%"),
            json!({"a": "%zz%4", "b": "%", "c": "100%"})
        );
        assert_eq!(parse_query("a=%C3%A9%e9"), json!({"a": "é\u{FFFD}"}));
        // Encoded brackets are brackets once decoded.
        assert_eq!(parse_query("a%5Bb%5D=1"), json!({"a": {"b": "1"}}));
    }

    #[test]
    fn nested_keys_build_objects_with_string_keys() {
        let q = parse_query(
            "searchCriteria[filter_groups][0][filters][0][field]=stock_id&searchCriteria[filter_groups][0][filters][0][value]=1,2&searchCriteria[filter_groups][0][filters][0][condition_type]=in",
        );
        assert_eq!(
            q,
            json!({"searchCriteria": {"filter_groups": {"0": {"filters": {"0": {
                "field": "stock_id", "value": "1,2", "condition_type": "in"}}}}}})
        );
    }

    #[test]
    fn appends_use_the_next_integer_key() {
        assert_eq!(
            parse_query("s[]=a&s[]=b"),
            json!({"s": {"0": "a", "1": "b"}})
        );
        assert_eq!(
            parse_query("s[5]=a&s[]=b&s[x]=c&s[]=d"),
            json!({"s": {"5": "a", "6": "b", "x": "c", "7": "d"}})
        );
        assert_eq!(
            parse_query("s[-3]=a&s[]=b"),
            json!({"s": {"-3": "a", "0": "b"}})
        );
        // Not integer keys: leading zero, plus sign, minus zero.
        assert_eq!(
            parse_query("s[07]=a&s[%2B1]=b&s[-0]=c&s[]=d"),
            json!({"s": {"07": "a", "+1": "b", "-0": "c", "0": "d"}})
        );
        assert_eq!(
            parse_query("s[9223372036854775807]=a&s[]=b"),
            json!({"s": {"9223372036854775807": "a"}})
        );
        assert_eq!(
            parse_query("s[][a]=1&s[][a]=2"),
            json!({"s": {"0": {"a": "1"}, "1": {"a": "2"}}})
        );
        // A blank between the brackets still appends.
        assert_eq!(
            parse_query("s[ ]=a&s[%09]=b"),
            json!({"s": {"0": "a", "1": "b"}})
        );
    }

    #[test]
    fn insertion_order_is_kept_and_later_duplicates_win() {
        let q = parse_query("a[1]=x&a[0]=y&a[1]=z");
        assert_eq!(keys(&q["a"]), ["1", "0"]);
        assert_eq!(q, json!({"a": {"1": "z", "0": "y"}}));
        assert_eq!(parse_query("a=1&a=2"), json!({"a": "2"}));
        assert_eq!(parse_query("a=1&a[b]=2"), json!({"a": {"b": "2"}}));
        assert_eq!(parse_query("a[b]=2&a=1"), json!({"a": "1"}));
        assert_eq!(
            parse_query("a[b]=2&a[b][c]=3"),
            json!({"a": {"b": {"c": "3"}}})
        );
    }

    #[test]
    fn top_level_names_are_mangled() {
        assert_eq!(parse_query("a.b=1&c+d=2"), json!({"a_b": "1", "c_d": "2"}));
        assert_eq!(parse_query("++a=1"), json!({"a": "1"}));
        assert_eq!(parse_query("a[b.c d]=1"), json!({"a": {"b.c d": "1"}}));
        assert_eq!(parse_query("a[+b]=1"), json!({"a": {" b": "1"}}));
        assert_eq!(parse_query("=1&[a]=2&+=3"), json!({}));
    }

    #[test]
    fn unmatched_brackets_follow_php() {
        assert_eq!(parse_query("a[b=1"), json!({"a_b": "1"}));
        assert_eq!(parse_query("a[b.c[d=1"), json!({"a_b_c_d": "1"}));
        assert_eq!(parse_query("a[=1"), json!({"a_": "1"}));
        assert_eq!(parse_query("a.x[b=1"), json!({"a_x_b": "1"}));
        assert_eq!(parse_query("a[b][c=1"), json!({"a": {"b": "1"}}));
        assert_eq!(parse_query("a[][c=1"), json!({"a": {"0": "1"}}));
        assert_eq!(parse_query("a[b[c]=1"), json!({"a": {"b[c": "1"}}));
        assert_eq!(
            parse_query("a[b]c=1&d[e]]=2"),
            json!({"a": {"b": "1"}, "d": {"e": "2"}})
        );
        assert_eq!(parse_query("a]=1"), json!({"a]": "1"}));
    }

    #[test]
    fn nul_ends_a_name_but_not_a_value() {
        assert_eq!(parse_query("a%00b=1"), json!({"a": "1"}));
        assert_eq!(parse_query("a[b%00]=1"), json!({"a_b": "1"}));
        assert_eq!(parse_query("a=x%00y"), json!({"a": "x\u{0}y"}));
    }

    #[test]
    fn nesting_limit_drops_the_variable() {
        let ok = format!("a{}=1", "[x]".repeat(MAX_INPUT_NESTING_LEVEL));
        let q = parse_query(&format!("a=0&{ok}"));
        let mut leaf = &q["a"];
        for _ in 0..MAX_INPUT_NESTING_LEVEL {
            leaf = &leaf["x"];
        }
        assert_eq!(leaf, "1");
        let deep = format!("a{}=1", "[x]".repeat(MAX_INPUT_NESTING_LEVEL + 1));
        assert_eq!(
            parse_query(&format!("b=2&a=0&{deep}&c=3")),
            json!({"b": "2", "c": "3"})
        );
    }

    #[test]
    fn input_vars_limit() {
        let many: Vec<String> = (0..=MAX_INPUT_VARS).map(|i| format!("v{i}=1")).collect();
        let q = parse_query(&many.join("&"));
        let map = q.as_object().map(Map::len);
        assert_eq!(map, Some(MAX_INPUT_VARS));
        assert!(q.get(format!("v{}", MAX_INPUT_VARS - 1)).is_some());
        assert!(q.get(format!("v{MAX_INPUT_VARS}")).is_none());
    }

    #[test]
    fn cookie_prefix_forgery_is_dropped() {
        assert_eq!(parse_query("..Host-x=1"), json!({}));
        assert_eq!(parse_query("__Host-x=1"), json!({"__Host-x": "1"}));
        assert_eq!(parse_query("_.Secure-x=1"), json!({}));
    }

    #[test]
    fn get_list_reads_php_and_json_lists() {
        let q = parse_query("storeCodes[]=default&storeCodes[]=fr&one=x");
        let codes: Option<Vec<&str>> =
            get_list(&q["storeCodes"]).map(|l| l.into_iter().filter_map(Value::as_str).collect());
        assert_eq!(codes, Some(vec!["default", "fr"]));
        assert_eq!(get_list(&q["one"]), None);
        assert_eq!(get_list(&Value::Null), None);
        assert_eq!(get_list(&json!(["a"])), Some(vec![&json!("a")]));
    }
}
