//! `POST /v1/orders`: the request body bound into an [`OrderInput`] (seed 004, "Créer une
//! commande" and "Préciser votre liste de produits"). Every field is checked before the
//! state is touched; a refusal is `400` naming the field. What the catalogue decides
//! (an unknown or out-of-stock `sku_base`) is [`crate::state::State::create_order`]'s.

use serde_json::{Map, Value, json};

use crate::errors::{TResult, TunetooError};
use crate::state::{Address, File};

/// An order to create, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderInput {
    /// `{"id", "options"}`, echoed.
    pub external: Value,
    /// Where it goes.
    pub shipping_address: Address,
    /// The articles.
    pub items: Vec<ItemInput>,
}

/// An article to order, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInput {
    /// `{"id", "options"}`, echoed.
    pub external: Value,
    /// The variant, `TSH180_856_M`.
    pub sku_base: String,
    /// How many, at least 1.
    pub quantity: i64,
    /// The print files, at least one.
    pub files: Vec<File>,
}

fn bad(field: &str, what: &str) -> TunetooError {
    TunetooError::BadRequest(format!("{field} {what}"))
}

/// A text field: a string, or a number as its digits (the docs send `zip` as a number).
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn required_text(obj: &Map<String, Value>, key: &str, field: &str) -> TResult<String> {
    match text(obj.get(key)) {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(bad(field, "is required")),
    }
}

fn optional_text(obj: &Map<String, Value>, key: &str, field: &str) -> TResult<String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        v => text(v).ok_or_else(|| bad(field, "must be a string")),
    }
}

/// `external`: absent or an object with an `id` (number or string) and `options`, a
/// list of `{name, value}`; echoed as `{"id", "options"}`.
fn external(v: Option<&Value>, field: &str) -> TResult<Value> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(json!({"id": null, "options": []}));
    };
    let obj = v
        .as_object()
        .ok_or_else(|| bad(field, "must be an object"))?;
    let id = match obj.get("id") {
        None => Value::Null,
        Some(id @ (Value::Number(_) | Value::String(_) | Value::Null)) => id.clone(),
        Some(_) => return Err(bad(&format!("{field}.id"), "must be a number or a string")),
    };
    let options = match obj.get("options") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(opts)) => {
            let mut out = Vec::with_capacity(opts.len());
            for (n, o) in opts.iter().enumerate() {
                let f = format!("{field}.options[{n}]");
                let o = o.as_object().ok_or_else(|| bad(&f, "must be an object"))?;
                out.push(json!({
                    "name": required_text(o, "name", &format!("{f}.name"))?,
                    "value": optional_text(o, "value", &format!("{f}.value"))?,
                }));
            }
            out
        }
        Some(_) => return Err(bad(&format!("{field}.options"), "must be a list")),
    };
    Ok(json!({"id": id, "options": options}))
}

fn address(v: Option<&Value>) -> TResult<Address> {
    let f = "shipping_address";
    let obj = v
        .and_then(Value::as_object)
        .ok_or_else(|| bad(f, "is required"))?;
    let country_code = required_text(obj, "country_code", "shipping_address.country_code")?;
    if !(country_code.len() == 2 && country_code.bytes().all(|b| b.is_ascii_alphabetic())) {
        return Err(bad(
            "shipping_address.country_code",
            "must be a two-letter country code",
        ));
    }
    Ok(Address {
        first_name: required_text(obj, "first_name", "shipping_address.first_name")?,
        last_name: required_text(obj, "last_name", "shipping_address.last_name")?,
        company: optional_text(obj, "company", "shipping_address.company")?,
        address1: required_text(obj, "address1", "shipping_address.address1")?,
        address2: optional_text(obj, "address2", "shipping_address.address2")?,
        city: required_text(obj, "city", "shipping_address.city")?,
        country: optional_text(obj, "country", "shipping_address.country")?,
        country_code: Some(country_code.to_ascii_uppercase()),
        zip: required_text(obj, "zip", "shipping_address.zip")?,
        phone: optional_text(obj, "phone", "shipping_address.phone")?,
        email: optional_text(obj, "email", "shipping_address.email")?,
    })
}

fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && s.len() > "https://".len()
}

fn file(v: &Value, field: &str) -> TResult<File> {
    let obj = v
        .as_object()
        .ok_or_else(|| bad(field, "must be an object"))?;
    let zone = required_text(obj, "zone", &format!("{field}.zone"))?;
    if zone != "front" && zone != "back" {
        return Err(bad(&format!("{field}.zone"), "must be front or back"));
    }
    let file_type = required_text(obj, "type", &format!("{field}.type"))?;
    if file_type != "image" {
        return Err(bad(&format!("{field}.type"), "must be image"));
    }
    let value = required_text(obj, "value", &format!("{field}.value"))?;
    if !is_url(&value) {
        return Err(bad(&format!("{field}.value"), "must be the image's URL"));
    }
    let collar = required_text(obj, "collar_distance", &format!("{field}.collar_distance"))?;
    if !collar
        .trim()
        .parse::<f64>()
        .is_ok_and(|d| d.is_finite() && d >= 0.0)
    {
        return Err(bad(
            &format!("{field}.collar_distance"),
            "must be a distance in cm",
        ));
    }
    Ok(File {
        zone,
        file_type,
        value,
        collar_distance: collar,
    })
}

fn item(v: &Value, n: usize) -> TResult<ItemInput> {
    let field = format!("items[{n}]");
    let obj = v
        .as_object()
        .ok_or_else(|| bad(&field, "must be an object"))?;
    let sku_base = required_text(obj, "sku_base", &format!("{field}.sku_base"))?;
    let quantity = obj
        .get("quantity")
        .and_then(|q| {
            q.as_i64()
                .or_else(|| q.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .filter(|q| (1..=100_000).contains(q))
        .ok_or_else(|| {
            bad(
                &format!("{field}.quantity"),
                "must be a whole number from 1 to 100000",
            )
        })?;
    let files = match obj.get("files") {
        Some(Value::Array(fs)) if !fs.is_empty() => fs
            .iter()
            .enumerate()
            .map(|(k, f)| file(f, &format!("{field}.files[{k}]")))
            .collect::<TResult<Vec<_>>>()?,
        _ => {
            return Err(bad(
                &format!("{field}.files"),
                "must list at least one file",
            ));
        }
    };
    Ok(ItemInput {
        external: external(obj.get("external"), &format!("{field}.external"))?,
        sku_base,
        quantity,
        files,
    })
}

impl OrderInput {
    /// Binds a request body.
    pub fn bind(body: &[u8]) -> TResult<OrderInput> {
        let v: Value = serde_json::from_slice(body)
            .map_err(|_| TunetooError::BadRequest("The body is not valid JSON".into()))?;
        let obj = v
            .as_object()
            .ok_or_else(|| TunetooError::BadRequest("The body must be a JSON object".into()))?;
        let items = match obj.get("items") {
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .enumerate()
                .map(|(n, i)| item(i, n))
                .collect::<TResult<Vec<_>>>()?,
            _ => return Err(bad("items", "must list at least one item")),
        };
        Ok(OrderInput {
            external: external(obj.get("external"), "external")?,
            shipping_address: address(obj.get("shipping_address"))?,
            items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const DOCS_ORDER: &str = r#"{
      "external": {"id": 1, "options": [{"name": "commande-tunetoo", "value": "Commande Tunetoo"}]},
      "shipping_address": {"first_name": "Hewitt", "last_name": "Santos", "address1": "242 Remsen Avenue",
        "address2": "", "city": "Bagtown", "country": "France", "country_code": "FR", "zip": 75001,
        "phone": "0611223344", "email": "hewitt@santos.fr"},
      "items": [{"external": {"id": 26, "options": [{"name": "tshirt", "value": "T-Shirt"}]},
        "sku_base": "TSH180_856_M", "quantity": 15,
        "files": [{"zone": "front", "type": "image", "value": "https://www.tunetoo.com/images/impression.png", "collar_distance": "3"}]}]
    }"#;

    #[test]
    fn the_docs_order_binds_with_its_numeric_zip() {
        let o = OrderInput::bind(DOCS_ORDER.as_bytes()).unwrap();
        assert_eq!(o.shipping_address.zip, "75001");
        assert_eq!(o.items[0].quantity, 15);
        assert_eq!(o.external["options"][0]["name"], "commande-tunetoo");
    }

    #[test]
    fn refusals_name_the_field() {
        let with = |from: &str, to: &str| {
            OrderInput::bind(DOCS_ORDER.replace(from, to).as_bytes())
                .err()
                .map(|e| e.to_string())
        };
        assert_eq!(
            with("\"quantity\": 15", "\"quantity\": 0").as_deref(),
            Some("items[0].quantity must be a whole number from 1 to 100000")
        );
        assert_eq!(
            with("\"front\"", "\"side\"").as_deref(),
            Some("items[0].files[0].zone must be front or back")
        );
        assert_eq!(
            with("\"FR\"", "\"France\"").as_deref(),
            Some("shipping_address.country_code must be a two-letter country code")
        );
        assert_eq!(
            OrderInput::bind(b"[]")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("The body must be a JSON object")
        );
    }
}
