//! Reading the loosely typed JSON the platform accepts: ids and numbers as strings or
//! numbers, PHP's idea of "empty".

use serde_json::Value;

/// An entity id as text: a non-empty string or a positive integer. `""`, `"0"`, `0`,
/// `null` and anything else count as missing, as PHP's `empty()` has it.
pub(crate) fn id_key(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty() && t != "0").then(|| t.to_owned())
        }
        Value::Number(n) => n.as_u64().filter(|n| *n > 0).map(|n| n.to_string()),
        _ => None,
    }
}

/// A text field: a string, or a number's text; `None` for absent, null and the rest.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-empty text field.
pub(crate) fn non_empty(v: Option<&Value>) -> Option<String> {
    text(v).filter(|s| !s.trim().is_empty())
}

/// A PHP array's values in order: a JSON list's elements, or a JSON object's values
/// (what `$_GET` makes of `design_id[]=7&design_id[]=8`); `None` for anything else.
pub(crate) fn php_list(v: Option<&Value>) -> Option<Vec<Value>> {
    match v? {
        Value::Array(a) => Some(a.clone()),
        Value::Object(o) => Some(o.values().cloned().collect()),
        _ => None,
    }
}

/// Whether `v` is a number or a string holding a finite decimal number.
pub(crate) fn is_numeric(v: &Value) -> bool {
    match v {
        Value::Number(_) => true,
        Value::String(s) => s.trim().parse::<f64>().is_ok_and(f64::is_finite),
        _ => false,
    }
}

/// A 0/1 flag as a number or a string; `None` when absent, `Some(Err)` when neither.
pub(crate) fn flag(v: Option<&Value>) -> Option<Result<u8, ()>> {
    match v? {
        Value::Null => None,
        Value::Number(n) => Some(match n.as_u64() {
            Some(0) => Ok(0),
            Some(1) => Ok(1),
            _ => Err(()),
        }),
        Value::String(s) => Some(match s.trim() {
            "0" => Ok(0),
            "1" => Ok(1),
            _ => Err(()),
        }),
        Value::Bool(b) => Some(Ok(u8::from(*b))),
        _ => Some(Err(())),
    }
}

/// The id echoed as an integer when it is a string of digits (category and product
/// successes, as the seed shows them), else as sent.
pub(crate) fn echo_as_int(v: &Value) -> Value {
    match v {
        Value::String(s) => s
            .trim()
            .parse::<u64>()
            .map_or_else(|_| v.clone(), Value::from),
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn empty_ids_are_missing_the_way_php_sees_them() {
        for v in [
            json!(""),
            json!("0"),
            json!(0),
            json!(null),
            json!(" "),
            json!(1.5),
            json!([1]),
        ] {
            assert_eq!(id_key(Some(&v)), None, "{v}");
        }
        assert_eq!(id_key(None), None);
        assert_eq!(id_key(Some(&json!("101"))).as_deref(), Some("101"));
        assert_eq!(id_key(Some(&json!(101))).as_deref(), Some("101"));
    }

    #[test]
    fn numbers_and_flags() {
        assert!(is_numeric(&json!("70.12")) && is_numeric(&json!(3)));
        assert!(!is_numeric(&json!("Test 11111")) && !is_numeric(&json!("")));
        assert!(!is_numeric(&json!("inf")) && !is_numeric(&json!(null)));
        assert_eq!(flag(Some(&json!("1"))), Some(Ok(1)));
        assert_eq!(flag(Some(&json!(2))), Some(Err(())));
        assert_eq!(flag(None), None);
        assert_eq!(echo_as_int(&json!("10008")), json!(10008));
        assert_eq!(echo_as_int(&json!("ab")), json!("ab"));
        assert_eq!(echo_as_int(&json!(7)), json!(7));
    }
}
