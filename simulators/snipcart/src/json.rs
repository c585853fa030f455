//! Request bodies as Snipcart's .NET backend (Newtonsoft Json.NET) reads them.
//!
//! Json.NET's reader is lenient where serde_json is not, and Snipcart's own docs lean on
//! it: their curl examples send `{fetchUrl: 'https://…'}` and
//! `{ 'inventoryManagementMethod': 'Single', 'stock': 20 }`. [`parse`] reads strict JSON
//! first and, when leniency is on, falls back to [`parse_lenient`]: strings and property
//! names in single or double quotes, unquoted property names, `//` and `/* */` comments,
//! a trailing comma in an object or array, and `undefined` as `null`.
//!
//! Binding is case-insensitive as well: [`canonical`] renames an object's keys to the
//! spelling a [`Schema`] lists (`InventoryManagementMethod`, `inventorymanagementmethod`
//! → `inventoryManagementMethod`), recursively, and drops keys the schema does not know
//! (Json.NET ignores unknown members). Enum values are matched case-insensitively by
//! [`ci_enum`]. Responses are always strict JSON (serde_json writes them).
//!
//! Nesting is bounded ([`MAX_DEPTH`]), so no body can exhaust the stack.

use serde_json::{Map, Number, Value};

/// Deepest nesting of arrays and objects a body may have.
pub const MAX_DEPTH: usize = 64;

/// Why a body could not be read; the text goes into the 400's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JsonError(pub String);

/// Reads a request body: strict JSON, or with `lenient` Json.NET's relaxed syntax too.
pub fn parse(body: &[u8], lenient: bool) -> Result<Value, JsonError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) if depth_ok(&v) => Ok(v),
        Ok(_) => Err(JsonError(format!(
            "the body nests deeper than {MAX_DEPTH} levels"
        ))),
        Err(strict) if lenient => {
            let text = std::str::from_utf8(body)
                .map_err(|_| JsonError("the body is not UTF-8".to_owned()))?;
            parse_lenient(text).map_err(|lenient_err| {
                // The strict error is the more useful one for a body that is neither.
                if looks_relaxed(text) {
                    lenient_err
                } else {
                    JsonError(strict.to_string())
                }
            })
        }
        Err(strict) => Err(JsonError(strict.to_string())),
    }
}

fn looks_relaxed(text: &str) -> bool {
    text.contains('\'') || text.contains("//") || text.contains("/*")
}

fn depth_ok(v: &Value) -> bool {
    // Iterative: a deep body must not recurse here either.
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        if d > MAX_DEPTH {
            return false;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, d + 1))),
            _ => {}
        }
    }
    true
}

/// Json.NET's relaxed reading of `text` (see the module docs).
pub fn parse_lenient(text: &str) -> Result<Value, JsonError> {
    let mut r = Reader {
        s: text.as_bytes(),
        text,
        at: 0,
    };
    r.skip_space()?;
    let v = r.value(0)?;
    r.skip_space()?;
    if r.at < r.s.len() {
        return Err(r.error("additional text after the JSON value"));
    }
    Ok(v)
}

struct Reader<'a> {
    s: &'a [u8],
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> JsonError {
        let line = self.s[..self.at.min(self.s.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        JsonError(format!("{what}, line {line}, position {}", self.at))
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn skip_space(&mut self) -> Result<(), JsonError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.at += 1,
                Some(b'/') => match self.s.get(self.at + 1) {
                    Some(b'/') => {
                        while self.peek().is_some_and(|b| b != b'\n') {
                            self.at += 1;
                        }
                    }
                    Some(b'*') => {
                        let rest = &self.s[self.at + 2..];
                        let end = rest
                            .windows(2)
                            .position(|w| w == b"*/")
                            .ok_or_else(|| self.error("unterminated comment"))?;
                        self.at += 2 + end + 2;
                    }
                    _ => return Err(self.error("unexpected character '/'")),
                },
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the body nests too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(q @ (b'"' | b'\'')) => Ok(Value::String(self.string(q)?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => {
                let word = self.word().to_owned();
                match word.as_str() {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" | "undefined" => Ok(Value::Null),
                    "" => Err(self.error("unexpected character")),
                    other => Err(self.error(&format!("unexpected value '{other}'"))),
                }
            }
            None => Err(self.error("unexpected end of the body")),
        }
    }

    /// An identifier run: what Json.NET takes for an unquoted name or a literal.
    fn word(&mut self) -> &str {
        let start = self.at;
        while self.at < self.s.len() {
            let rest = &self.text[self.at..];
            let Some(c) = rest.chars().next() else { break };
            if c.is_alphanumeric() || c == '_' || c == '$' {
                self.at += c.len_utf8();
            } else {
                break;
            }
        }
        &self.text[start..self.at]
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.at += 1; // {
        let mut map = Map::new();
        loop {
            self.skip_space()?;
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(map));
                }
                Some(q @ (b'"' | b'\'')) => {
                    let key = self.string(q)?;
                    self.member(&mut map, key, depth)?;
                }
                Some(_) => {
                    let key = self.word().to_owned();
                    if key.is_empty() {
                        return Err(self.error("invalid property name"));
                    }
                    self.member(&mut map, key, depth)?;
                }
                None => return Err(self.error("unterminated object")),
            }
            self.skip_space()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected ',' or '}' after a property value")),
            }
        }
    }

    fn member(
        &mut self,
        map: &mut Map<String, Value>,
        key: String,
        depth: usize,
    ) -> Result<(), JsonError> {
        self.skip_space()?;
        if self.peek() != Some(b':') {
            return Err(self.error("expected ':' after a property name"));
        }
        self.at += 1;
        self.skip_space()?;
        let v = self.value(depth + 1)?;
        map.insert(key, v);
        Ok(())
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.at += 1; // [
        let mut items = Vec::new();
        loop {
            self.skip_space()?;
            if self.peek() == Some(b']') {
                self.at += 1;
                return Ok(Value::Array(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_space()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {}
                _ => return Err(self.error("expected ',' or ']' after an array item")),
            }
        }
    }

    fn string(&mut self, quote: u8) -> Result<String, JsonError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let run = rest
                .bytes()
                .position(|b| b == quote || b == b'\\')
                .ok_or_else(|| self.error("unterminated string"))?;
            out.push_str(&rest[..run]);
            self.at += run;
            if self.peek() == Some(quote) {
                self.at += 1;
                return Ok(out);
            }
            // A backslash escape.
            self.at += 1;
            let Some(e) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match e {
                b'"' => out.push('"'),
                b'\'' => out.push('\''),
                b'\\' => out.push('\\'),
                b'/' => out.push('/'),
                b'b' => out.push('\u{8}'),
                b'f' => out.push('\u{c}'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'u' => {
                    let unit = self.hex4()?;
                    let c = if (0xD800..0xDC00).contains(&unit) {
                        // A high surrogate: a low one must follow as `\uXXXX`.
                        if self.s.get(self.at..self.at + 2) != Some(b"\\u") {
                            return Err(self.error("lone surrogate in a string"));
                        }
                        self.at += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&low) {
                            return Err(self.error("lone surrogate in a string"));
                        }
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    } else {
                        char::from_u32(unit)
                    };
                    out.push(c.ok_or_else(|| self.error("lone surrogate in a string"))?);
                }
                _ => return Err(self.error("bad escape in a string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.error("bad \\u escape"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.error("bad \\u escape"))?;
        self.at += 4;
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.at += 1;
        }
        let text = &self.text[start..self.at];
        // serde_json's own number grammar decides what a number is.
        match serde_json::from_str::<Number>(text) {
            Ok(n) => Ok(Value::Number(n)),
            Err(_) => Err(self.error(&format!("invalid number '{text}'"))),
        }
    }
}

/// The keys an input object may carry, in their canonical spelling, each with the
/// schema of its value (for nested objects, or arrays of them).
#[derive(Debug)]
pub struct Schema {
    /// `(canonical name, schema of the value)`.
    pub fields: &'static [(&'static str, Option<&'static Schema>)],
}

/// `value` with every object key the schema knows renamed to its canonical spelling
/// (case-insensitively), keys it does not know dropped, recursively into the nested
/// schemas (an array is each of its items). A value without a schema is kept as it is.
pub fn canonical(value: Value, schema: &Schema) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                if let Some((name, inner)) = schema
                    .fields
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&key))
                {
                    let v = match inner {
                        Some(inner) => canonical(v, inner),
                        None => v,
                    };
                    out.insert((*name).to_owned(), v);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| canonical(v, schema)).collect())
        }
        other => other,
    }
}

/// An enum the API spells as PascalCase words: bound case-insensitively, written as
/// listed.
pub trait ApiEnum: Copy + PartialEq + 'static {
    /// Every value, as the API spells it.
    const ALL: &'static [(&'static str, Self)];

    /// Binds a request value, case-insensitively.
    fn from_name(text: &str) -> Option<Self> {
        ci_enum(text, Self::ALL)
    }

    /// The API's spelling.
    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("", |(n, _)| n)
    }
}

/// The variant of `names` equal to `text` ignoring ASCII case, as Json.NET's
/// `StringEnumConverter` binds enum values.
pub fn ci_enum<T: Copy>(text: &str, names: &[(&str, T)]) -> Option<T> {
    names
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    #[test]
    fn the_docs_curl_bodies_read_leniently() {
        assert_eq!(
            parse(b"{fetchUrl: 'https://yoursite.com/products.json'}", true).unwrap(),
            json!({"fetchUrl": "https://yoursite.com/products.json"})
        );
        assert_eq!(
            parse(
                b"{ 'inventoryManagementMethod': 'Single', 'stock': 20 }",
                true
            )
            .unwrap(),
            json!({"inventoryManagementMethod": "Single", "stock": 20})
        );
        assert!(parse(b"{fetchUrl: 'x'}", false).is_err());
    }

    #[test]
    fn comments_trailing_commas_escapes_and_undefined() {
        let v = parse_lenient(
            "/* a */ {a: [1, 2,], // b\n 'b': 'it\\'s', c: undefined, $d_1: -1.5e2,}",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": [1, 2], "b": "it's", "c": null, "$d_1": -150.0})
        );
        assert_eq!(parse_lenient("'\\ud83d\\ude00'").unwrap(), json!("😀"));
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        for bad in [
            "",
            "{",
            "[",
            "{a}",
            "{a:}",
            "{'a' 1}",
            "'abc",
            "[1 2]",
            "{a:1}}",
            "tru",
            "/* x",
            "'\\u12'",
            "'\\ud800'",
            "--1",
            "{:1}",
            "'\\q'",
            "é",
        ] {
            assert!(parse_lenient(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(parse(deep.as_bytes(), true).is_err());
        let deep_strict = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(deep_strict.as_bytes(), true).is_err());
    }

    static VARIATION: Schema = Schema {
        fields: &[("name", None), ("option", None)],
    };
    static VARIANT: Schema = Schema {
        fields: &[("variation", Some(&VARIATION)), ("stock", None)],
    };
    static INVENTORY: Schema = Schema {
        fields: &[
            ("inventoryManagementMethod", None),
            ("variants", Some(&VARIANT)),
            ("metadata", None),
        ],
    };

    #[test]
    fn keys_bind_case_insensitively_and_unknown_ones_drop() {
        let v = json!({
            "INVENTORYMANAGEMENTMETHOD": "variant",
            "Variants": [{"Variation": [{"NAME": "Size", "Option": "16GB"}], "stock": 3}],
            "metadata": {"KeepMe": 1},
            "nope": true
        });
        assert_eq!(
            canonical(v, &INVENTORY),
            json!({
                "inventoryManagementMethod": "variant",
                "variants": [{"variation": [{"name": "Size", "option": "16GB"}], "stock": 3}],
                "metadata": {"KeepMe": 1}
            })
        );
        assert_eq!(ci_enum("sInGlE", &[("Single", 1), ("Variant", 2)]), Some(1));
        assert_eq!(ci_enum("Singles", &[("Single", 1)]), None);
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            (-1e9f64..1e9).prop_map(|f| json!(f)),
            ".{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::btree_map("[a-zA-Z_$][a-zA-Z0-9_$]{0,6}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Writes `v` the way the docs do: single quotes, unquoted names.
    fn relaxed(v: &Value) -> String {
        match v {
            Value::String(s) => {
                let strict = serde_json::to_string(s).unwrap();
                let inner = &strict[1..strict.len() - 1];
                format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
            }
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().map(relaxed).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Object(map) => {
                let parts: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", relaxed(v)))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
            other => other.to_string(),
        }
    }

    proptest! {
        /// Strict JSON reads the same through the lenient reader, and so does the
        /// docs' relaxed spelling of it.
        #[test]
        fn lenient_reading_agrees_with_strict_json(v in json_value()) {
            let strict = serde_json::to_string(&v).unwrap();
            // serde_json's own reading of the text (its float parsing is not always
            // the closest double, so `v` itself is not the reference).
            let read: Value = serde_json::from_str(&strict).unwrap();
            prop_assert_eq!(parse_lenient(&strict).unwrap(), read.clone());
            prop_assert_eq!(parse(relaxed(&v).as_bytes(), true).unwrap(), read);
        }

        /// No input makes the reader panic.
        #[test]
        fn any_text_is_read_or_refused(text in ".{0,40}") {
            let _ = parse(text.as_bytes(), true);
        }
    }
}

/// Json.NET's conversions for typed fields: an integer from a JSON integer, an
/// integral float (`20.0`) or a numeric string (`"20"`); a boolean from `true`/`false`
/// or those words as strings (any case). For `#[serde(deserialize_with)]`.
pub mod convert {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    fn int_of(v: &Value) -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn bool_of(v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// An optional integer (`null` is `None`).
    pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            v => int_of(&v).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("could not convert {v} to an integer"))
            }),
        }
    }

    /// An optional boolean (`null` is `None`).
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            v => bool_of(&v).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("could not convert {v} to a boolean"))
            }),
        }
    }

    /// An optional string; a number or boolean is written as its text, as Json.NET
    /// converts it.
    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            v @ (Value::Number(_) | Value::Bool(_)) => Ok(Some(v.to_string())),
            v => Err(serde::de::Error::custom(format!(
                "could not convert {v} to a string"
            ))),
        }
    }
}

/// A request body bound to `T`: read ([`parse`]), keys made canonical ([`canonical`]),
/// then deserialised. Every failure is a `400` whose message says what went wrong.
pub fn bind<T: serde::de::DeserializeOwned>(
    body: &[u8],
    schema: &Schema,
    lenient: bool,
) -> Result<T, crate::errors::SnipcartError> {
    use crate::errors::SnipcartError;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(SnipcartError::BadRequest(
            "The request is invalid. The request body is empty.".into(),
        ));
    }
    let value = parse(body, lenient)
        .map_err(|e| SnipcartError::BadRequest(format!("The request is invalid. {e}")))?;
    if !value.is_object() {
        return Err(SnipcartError::BadRequest(
            "The request is invalid. The body must be a JSON object.".into(),
        ));
    }
    serde_json::from_value(canonical(value, schema))
        .map_err(|e| SnipcartError::BadRequest(format!("The request is invalid. {e}")))
}
