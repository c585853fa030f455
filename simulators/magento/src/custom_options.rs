//! Custom option saves: `Product\Option\Repository::save` (`POST /V1/products/options`,
//! `PUT /V1/products/options/{optionId}`) and the options of a product save, with the
//! checks of `Product\Option\Validator\*` (Magento 2.4). Reads and deletes are in
//! [`crate::catalog`].
//!
//! An option is kept on its product as the JSON Magento answers, keys in
//! `ProductCustomOptionInterface` order, unset fields left out; the values of a select
//! option (`drop_down`, `radio`, `checkbox`, `multiple`) each carry an
//! `option_type_id` from `next.option_value_id`.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::catalog::{self, Product};
use crate::dates;
use crate::errors::{MResult, MagentoError};
use crate::input::{self, num};
use crate::state::State;

/// Messages clients match on, verbatim.
pub mod m {
    /// `save` of an option without `product_sku`.
    pub const EMPTY_SKU: &str = "The ProductSku is empty. Set the ProductSku and try again.";
    /// `save` of an `option_id` the product does not have (`NoSuchEntityException`'s
    /// default text).
    pub const NO_SUCH_ENTITY: &str = "No such entity.";
    /// Validator: no title, or no type.
    pub const REQUIRED_FIELDS: &str = "Missed values for option required fields";
    /// Validator: a type the store does not have.
    pub const INVALID_TYPE: &str = "Invalid option type";
    /// Validator: price type, price, sizes or select values wrong.
    pub const INVALID_VALUE: &str = "Invalid option value";
}

const OPTION_CLASS: &str = "Magento\\Catalog\\Api\\Data\\ProductCustomOptionInterface";
const VALUE_CLASS: &str = "Magento\\Catalog\\Api\\Data\\ProductCustomOptionValuesInterface";

/// How a field of an option or a value is typed in the interface.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Int,
    Float,
    Bool,
    Values,
    Ignored,
}

/// `ProductCustomOptionInterface`, in getter order.
const OPTION_FIELDS: &[(&str, Kind)] = &[
    ("product_sku", Kind::Text),
    ("option_id", Kind::Int),
    ("title", Kind::Text),
    ("type", Kind::Text),
    ("sort_order", Kind::Int),
    ("is_require", Kind::Bool),
    ("price", Kind::Float),
    ("price_type", Kind::Text),
    ("sku", Kind::Text),
    ("file_extension", Kind::Text),
    ("max_characters", Kind::Int),
    ("image_size_x", Kind::Int),
    ("image_size_y", Kind::Int),
    ("values", Kind::Values),
    ("extension_attributes", Kind::Ignored),
];

/// `ProductCustomOptionValuesInterface`, in getter order.
const VALUE_FIELDS: &[(&str, Kind)] = &[
    ("title", Kind::Text),
    ("sort_order", Kind::Int),
    ("price", Kind::Float),
    ("price_type", Kind::Text),
    ("sku", Kind::Text),
    ("option_type_id", Kind::Int),
];

/// Option types of a stock install by validator group.
const TEXT_TYPES: &[&str] = &["field", "area"];
const FILE_TYPES: &[&str] = &["file"];
const SELECT_TYPES: &[&str] = &["drop_down", "radio", "checkbox", "multiple"];
const DATE_TYPES: &[&str] = &["date", "date_time", "time"];
const PRICE_TYPES: &[&str] = &["fixed", "percent"];

fn known_type(t: &str) -> bool {
    [TEXT_TYPES, FILE_TYPES, SELECT_TYPES, DATE_TYPES]
        .iter()
        .any(|group| group.contains(&t))
}

/// `GET /V1/products/options/types` (`ProductCustomOptionTypeList`): the stock types
/// of `product_options.xml`, `{label, code, group}`, in its order.
pub fn types_json() -> Value {
    const TYPES: &[(&str, &str, &str)] = &[
        ("Field", "field", "Text"),
        ("Area", "area", "Text"),
        ("File", "file", "File"),
        ("Drop-down", "drop_down", "Select"),
        ("Radio Buttons", "radio", "Select"),
        ("Checkbox", "checkbox", "Select"),
        ("Multiple Select", "multiple", "Select"),
        ("Date", "date", "Date"),
        ("Date & Time", "date_time", "Date"),
        ("Time", "time", "Date"),
    ];
    Value::Array(
        TYPES
            .iter()
            .map(|(label, code, group)| json!({"label": label, "code": code, "group": group}))
            .collect(),
    )
}

/// Whether `t` is a select type (its values are kept).
pub fn is_select(t: &str) -> bool {
    SELECT_TYPES.contains(&t)
}

/// Binds `raw` to `fields`: keys in either spelling, each value converted to its
/// interface type (a wrong type is the framework's 400), `null`s left out, in `fields`
/// order.
fn bind(
    raw: &Value,
    field: &str,
    fields: &[(&str, Kind)],
    class: &str,
) -> MResult<Map<String, Value>> {
    let obj = raw
        .as_object()
        .ok_or_else(|| input::type_error(field, raw, class))?;
    for key in obj.keys() {
        let name = input::snake(key);
        if !fields.iter().any(|(f, _)| *f == name) {
            return Err(MagentoError::unknown_property(key, class));
        }
    }
    let mut out = Map::new();
    for (name, kind) in fields {
        let Some(v) = input::field(raw, name) else {
            continue;
        };
        let bound = match kind {
            Kind::Text => json!(input::to_string(v, name)?),
            Kind::Int => json!(input::to_i64(v, name)?),
            Kind::Float => num(input::to_f64(v, name)?),
            Kind::Bool => json!(input::to_bool(v, name)?),
            Kind::Values => {
                let items = v
                    .as_array()
                    .ok_or_else(|| input::type_error(name, v, "array"))?;
                Value::Array(
                    items
                        .iter()
                        .map(|item| bind(item, name, VALUE_FIELDS, VALUE_CLASS).map(Value::Object))
                        .collect::<MResult<_>>()?,
                )
            }
            Kind::Ignored => continue,
        };
        out.insert((*name).to_owned(), bound);
    }
    Ok(out)
}

fn text<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

fn negative(o: &Map<String, Value>, key: &str) -> bool {
    o.get(key).and_then(Value::as_i64).is_some_and(|n| n < 0)
}

/// The price checks of `DefaultValidator::validateOptionValue`: a known price type and
/// a price that is a number.
fn priced(o: &Map<String, Value>) -> bool {
    text(o, "price_type").is_some_and(|t| PRICE_TYPES.contains(&t))
        && o.get("price").is_some_and(Value::is_number)
}

/// `Option\Validator\Pool`'s validator for the option's type, as `validateBeforeSave`
/// reports it: every failed check's message, joined by a newline, as a 400.
fn validate(o: &Map<String, Value>) -> MResult<()> {
    let t = text(o, "type").unwrap_or("");
    let mut messages = Vec::new();
    if text(o, "title").is_none_or(str::is_empty) || t.is_empty() || t == "0" {
        messages.push(m::REQUIRED_FIELDS);
    }
    if !known_type(t) {
        messages.push(m::INVALID_TYPE);
    }
    let values_ok = if TEXT_TYPES.contains(&t) {
        priced(o) && !negative(o, "max_characters")
    } else if FILE_TYPES.contains(&t) {
        priced(o) && !negative(o, "image_size_x") && !negative(o, "image_size_y")
    } else if is_select(t) {
        o.get("values")
            .and_then(Value::as_array)
            .filter(|v| !v.is_empty())
            .is_some_and(|values| {
                values.iter().all(|v| {
                    v.as_object().is_some_and(|v| {
                        priced(v) && text(v, "title").is_some_and(|t| !t.is_empty())
                    })
                })
            })
    } else {
        priced(o)
    };
    if !values_ok {
        messages.push(m::INVALID_VALUE);
    }
    if messages.is_empty() {
        Ok(())
    } else {
        Err(MagentoError::bad_request(messages.join("\n")))
    }
}

/// `Option::cleanFileExtensions`: the extensions lower-cased, each once, `, `-joined.
fn clean_extensions(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    let mut seen: Vec<&str> = Vec::new();
    for ext in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !ext.is_empty() && !seen.contains(&ext) {
            seen.push(ext);
        }
    }
    seen.join(", ")
}

/// Ids for the option and its values: an id the product's option (`old`) already has
/// is kept, anything else takes the next one.
fn assign_ids(
    o: &mut Map<String, Value>,
    old: Option<&Value>,
    option_id: Option<u64>,
    next_option: &mut u64,
    next_value: &mut u64,
) -> MResult<()> {
    let taken = |next: &mut u64| -> MResult<u64> {
        let id = *next;
        *next = next
            .checked_add(1)
            .ok_or_else(|| MagentoError::bad_request(catalog::m::NOT_SAVED))?;
        Ok(id)
    };
    let id = match option_id {
        Some(id) => id,
        None => taken(next_option)?,
    };
    let old_value_ids: Vec<u64> = old
        .and_then(|o| o.get("values"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("option_type_id").and_then(Value::as_u64))
        .collect();
    if let Some(values) = o.get_mut("values").and_then(Value::as_array_mut) {
        for v in values.iter_mut() {
            let Some(v) = v.as_object_mut() else { continue };
            let given = v
                .get("option_type_id")
                .and_then(Value::as_u64)
                .filter(|id| old_value_ids.contains(id));
            let value_id = match given {
                Some(id) => id,
                None => taken(next_value)?,
            };
            v.insert("option_type_id".into(), json!(value_id));
        }
    }
    o.insert("option_id".into(), json!(id));
    Ok(())
}

/// The option as stored: `product_sku` and `option_id` first, then the fields in
/// interface order; `is_require` true and `sort_order` 0 when not sent (the table's
/// defaults); option-level price and values only where the type keeps them.
fn stored(sku: &str, o: &Map<String, Value>) -> Value {
    let t = text(o, "type").unwrap_or("");
    let mut out = Map::new();
    out.insert("product_sku".into(), json!(sku));
    for (name, _) in OPTION_FIELDS {
        let value = match *name {
            "product_sku" => continue,
            "sort_order" => o.get(*name).cloned().or(Some(json!(0))),
            "is_require" => o.get(*name).cloned().or(Some(json!(true))),
            "price" | "price_type" if is_select(t) => None,
            "values" if !is_select(t) => None,
            "file_extension" => text(o, name).map(|e| json!(clean_extensions(e))),
            _ => o.get(*name).cloned(),
        };
        if let Some(v) = value {
            out.insert((*name).to_owned(), v);
        }
    }
    Value::Object(out)
}

fn option_id_of(o: &Value) -> Option<u64> {
    o.get("option_id").and_then(Value::as_u64)
}

/// The `options` of a product save: each validated, `product_sku` the product's; an
/// option (or value) id the product's option already has is kept, any other id is
/// replaced by a new one (deviation: Magento would move another product's option row
/// to this product). The list replaces the product's options.
pub fn from_product_save(
    next_option: &mut u64,
    next_value: &mut u64,
    p: &Product,
    value: &Value,
) -> MResult<Vec<Value>> {
    let items = value
        .as_array()
        .ok_or_else(|| input::type_error("options", value, "array"))?;
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        let mut o = bind(item, "options", OPTION_FIELDS, OPTION_CLASS)?;
        validate(&o)?;
        let given = o
            .get("option_id")
            .and_then(Value::as_u64)
            .filter(|id| !out.iter().any(|x| option_id_of(x) == Some(*id)));
        let old = given.and_then(|id| p.options.iter().find(|x| option_id_of(x) == Some(id)));
        let keep = old.and(given);
        assign_ids(&mut o, old, keep, next_option, next_value)?;
        out.push(stored(&p.sku, &o));
    }
    Ok(out)
}

/// `POST /V1/products/options {option}` and `PUT /V1/products/options/{optionId}`
/// (`Product\Option\Repository::save`): `product_sku` is required (400 `The ProductSku
/// is empty…`) and must name a product (404); an `option_id` must be one of the
/// product's options (404 `No such entity.`). The option sent is validated whole, as
/// Magento validates the option object it builds from the request (an update sends the
/// whole option); then it replaces the stored one (values not sent: the stored values
/// stay; values sent: those with a stored `option_type_id` keep it, the others are new,
/// stored values not sent are deleted) or is added. Returns the option as stored.
pub fn save(state: &mut State, option: &Value, now: OffsetDateTime) -> MResult<Value> {
    let mut o = bind(option, "option", OPTION_FIELDS, OPTION_CLASS)?;
    let sku = text(&o, "product_sku")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| MagentoError::bad_request(m::EMPTY_SKU))?;
    let p = catalog::product(state, &sku)?;
    let (id, product_sku) = (p.id, p.sku.clone());
    let old = match o.get("option_id").and_then(Value::as_i64) {
        Some(option_id) => Some(
            p.options
                .iter()
                .find(|x| x.get("option_id").and_then(Value::as_i64) == Some(option_id))
                .cloned()
                .ok_or_else(|| MagentoError::not_found(m::NO_SUCH_ENTITY))?,
        ),
        None => None,
    };
    validate(&o)?;
    if let Some(old) = &old {
        if o.get("values")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            if let Some(values) = old.get("values") {
                o.insert("values".into(), values.clone());
            }
        }
    }
    let mut next_option = state.next.option_id;
    let mut next_value = state.next.option_value_id;
    let keep = old.as_ref().and_then(option_id_of);
    assign_ids(
        &mut o,
        old.as_ref(),
        keep,
        &mut next_option,
        &mut next_value,
    )?;
    let saved = stored(&product_sku, &o);
    let stamp = dates::db_time(now);
    let answer = saved.clone();
    state.products.update(id, |p| {
        match p
            .options
            .iter_mut()
            .find(|x| keep.is_some() && option_id_of(x) == keep)
        {
            Some(slot) => *slot = saved,
            None => p.options.push(saved),
        }
        catalog::option_flags(p);
        p.updated_at = stamp;
    });
    state.next.option_id = next_option;
    state.next.option_value_id = next_value;
    Ok(answer)
}

/// Import check: every option is an object with an `option_id`, its product's SKU, a
/// known type and (select types) values with `option_type_id`s; no id is used twice;
/// `next.option_value_id` is above every value id.
pub fn check_state(state: &State) -> Result<(), String> {
    let mut value_ids = std::collections::HashSet::new();
    for p in state.products.values() {
        for o in &p.options {
            let t = o.get("type").and_then(Value::as_str).unwrap_or("");
            let ok = option_id_of(o).is_some()
                && o.get("product_sku")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case(&p.sku))
                && known_type(t);
            if !ok {
                return Err(format!(
                    "products: product {} ({:?}) has custom option {o}, which is not \
                     {{option_id: int, product_sku: its SKU, type: a store option type, …}}",
                    p.id, p.sku
                ));
            }
            let values = o.get("values").and_then(Value::as_array);
            for v in values.into_iter().flatten() {
                let Some(id) = v.get("option_type_id").and_then(Value::as_u64) else {
                    return Err(format!(
                        "products: product {} ({:?}) has custom option value {v} without an option_type_id",
                        p.id, p.sku
                    ));
                };
                if !value_ids.insert(id) {
                    return Err(format!(
                        "products: custom option value id {id} is used twice"
                    ));
                }
                if id >= state.next.option_value_id {
                    return Err(format!(
                        "next.option_value_id {} must be above every custom option value id (found {id})",
                        state.next.option_value_id
                    ));
                }
            }
        }
    }
    Ok(())
}
