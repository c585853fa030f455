//! Input binding the way Magento's `ServiceInputProcessor` does it (reference §1.5):
//! snake_case and camelCase keys are the same key, a missing required argument is
//! `"%fieldName" is required`, and a value of the wrong type is a rendered 400.

use serde_json::Value;

use crate::errors::{MResult, MagentoError};

/// `filter_groups` → `filterGroups`.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `filterGroups` → `filter_groups`.
pub fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The value at `key` of a JSON object under either spelling (snake_case given);
/// `None` for a missing key, a non-object or a JSON `null`.
pub fn field<'a>(obj: &'a Value, key: &str) -> Option<&'a Value> {
    let map = obj.as_object()?;
    map.get(key)
        // Without an underscore the camelCase spelling is the same key.
        .or_else(|| key.contains('_').then(|| map.get(&camel(key))).flatten())
        .filter(|v| !v.is_null())
}

/// An object's keys bound once to a fixed list of snake_case names, for a handler that
/// reads many of them: [`Bound::get`] answers what [`field`] answers, without a map
/// lookup or a camelCase copy per name.
#[derive(Debug)]
pub struct Bound<'a, const N: usize> {
    names: &'static [&'static str; N],
    // The value under the snake_case spelling, and under the camelCase one.
    exact: [Option<&'a Value>; N],
    camel: [Option<&'a Value>; N],
}

impl<'a, const N: usize> Bound<'a, N> {
    /// Binds `obj`'s keys to `names` (snake_case). `Err` carries the first key, in the
    /// object's order, whose snake_case spelling is not among them. A key that only
    /// snake-cases to a name (`attribute_setId`) is accepted and ignored, as [`field`]
    /// never looks it up.
    pub fn bind(
        obj: &'a serde_json::Map<String, Value>,
        names: &'static [&'static str; N],
    ) -> Result<Self, &'a str> {
        let mut bound = Bound {
            names,
            exact: [None; N],
            camel: [None; N],
        };
        for (key, value) in obj {
            if key.bytes().any(|b| b.is_ascii_uppercase()) {
                let name = snake(key);
                let at = bound.position(&name).ok_or(key.as_str())?;
                if camel(&name) == *key {
                    bound.camel[at] = Some(value);
                }
            } else {
                let at = bound.position(key).ok_or(key.as_str())?;
                bound.exact[at] = Some(value);
            }
        }
        Ok(bound)
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| *n == name)
    }

    /// [`field`] of the bound object: the snake_case spelling when sent (even as
    /// `null`), else the camelCase one; `None` when missing or `null`.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let at = self.position(name)?;
        self.exact[at].or(self.camel[at]).filter(|v| !v.is_null())
    }
}

/// A required top-level argument of a service method (`product`, `sourceItems`…),
/// under either spelling.
pub fn arg<'a>(body: &'a Value, name: &str) -> MResult<&'a Value> {
    let key = snake(name);
    field(body, &key)
        .or_else(|| {
            body.as_object()
                .and_then(|m| m.get(name))
                .filter(|v| !v.is_null())
        })
        .ok_or_else(|| MagentoError::required(name))
}

/// Magento's rendered type error for `field`.
pub fn type_error(field: &str, value: &Value, expected: &str) -> MagentoError {
    let shown = match value {
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => "array".to_owned(),
        other => other.to_string(),
    };
    MagentoError::bad_request(format!(
        "Error occurred during \"{field}\" processing. The \"{shown}\" value's type is invalid. The \"{expected}\" type was expected. Verify and try again."
    ))
}

/// A float argument: JSON numbers and numeric strings, as PHP casts them.
pub fn to_f64(value: &Value, field: &str) -> MResult<f64> {
    match value {
        Value::Number(n) => n.as_f64().ok_or_else(|| type_error(field, value, "float")),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| type_error(field, value, "float")),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        _ => Err(type_error(field, value, "float")),
    }
}

/// An int argument: integers, integral floats and numeric strings.
pub fn to_i64(value: &Value, field: &str) -> MResult<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .ok_or_else(|| type_error(field, value, "int")),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| type_error(field, value, "int")),
        Value::Bool(b) => Ok(i64::from(*b)),
        _ => Err(type_error(field, value, "int")),
    }
}

/// A bool argument. Magento's type processor accepts JSON booleans, numbers and the
/// strings `"true"`/`"false"`/`"1"`/`"0"` in any case (the seed sends `"True"`).
pub fn to_bool(value: &Value, field: &str) -> MResult<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => Ok(n.as_f64().is_some_and(|f| f != 0.0)),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "" | "no" | "off" => Ok(false),
            _ => Err(type_error(field, value, "bool")),
        },
        _ => Err(type_error(field, value, "bool")),
    }
}

/// A string argument: strings as they are, numbers and booleans as PHP prints them.
pub fn to_string(value: &Value, field: &str) -> MResult<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(if *b { "1".into() } else { String::new() }),
        _ => Err(type_error(field, value, "string")),
    }
}

/// A JSON number the way Magento prints a float: integral values without `.0`.
pub fn num(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_spellings_are_one_key() {
        let v = json!({"filterGroups": [1], "page_size": 2});
        assert_eq!(field(&v, "filter_groups"), Some(&json!([1])));
        assert_eq!(field(&v, "page_size"), Some(&json!(2)));
        assert_eq!(camel("condition_type"), "conditionType");
        assert_eq!(snake("sourceItems"), "source_items");
        let body = json!({"source_items": []});
        assert!(arg(&body, "sourceItems").is_ok());
        assert_eq!(
            arg(&json!({}), "product").unwrap_err(),
            MagentoError::required("product")
        );
    }

    #[test]
    fn scalars_cast_like_php() {
        assert_eq!(to_f64(&json!("89.95"), "p").unwrap(), 89.95);
        assert!(to_bool(&json!("True"), "manage_stock").unwrap());
        assert_eq!(to_i64(&json!("1"), "backorders").unwrap(), 1);
        assert_eq!(
            to_f64(&json!("abc"), "price").unwrap_err().message,
            "Error occurred during \"price\" processing. The \"abc\" value's type is invalid. The \"float\" type was expected. Verify and try again."
        );
        assert_eq!(num(136.0), json!(136));
        assert_eq!(num(1.231), json!(1.231));
    }

    const NAMES: &[&str; 4] = &["sku", "type_id", "attribute_set_id", "tier_prices"];

    proptest::proptest! {
        /// A bound object answers every name as `field` does, and refuses exactly the
        /// objects with a key that does not snake-case to a name, naming the first.
        #[test]
        fn bound_fields_answer_as_field_does(
            pairs in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "sku", "Sku", "type_id", "typeId", "type_Id", "typeID",
                        "attribute_set_id", "attributeSetId", "attribute_setId",
                        "tier_prices", "tierPrices", "other", "price",
                    ]),
                    proptest::option::of(0u8..4),
                ),
                0..8,
            ),
        ) {
            let mut map = serde_json::Map::new();
            for (key, value) in &pairs {
                map.insert((*key).to_owned(), value.map_or(Value::Null, |v| json!(v)));
            }
            let unknown = map.keys().find(|k| !NAMES.contains(&snake(k).as_str())).cloned();
            let obj = Value::Object(map.clone());
            match Bound::bind(&map, NAMES) {
                Ok(bound) => {
                    proptest::prop_assert_eq!(unknown, None);
                    for name in NAMES {
                        proptest::prop_assert_eq!(bound.get(name), field(&obj, name), "{}", name);
                    }
                }
                Err(key) => proptest::prop_assert_eq!(Some(key.to_owned()), unknown),
            }
        }
    }
}
