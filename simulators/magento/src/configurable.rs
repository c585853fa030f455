//! Configurable products (issue 11, item 3): the options a configurable product is
//! configured by (`catalog_product_super_attribute`), its children
//! (`catalog_product_super_link`), and the services behind
//! `/V1/configurable-products/…`: `OptionRepository`, `LinkManagement`, and the
//! `ProductRepositorySave` plugin's checks on a product save.
//!
//! Facts from `Magento\ConfigurableProduct\Model\OptionRepository`, `LinkManagement`,
//! `Plugin\ProductRepositorySave` and the web-API tests `OptionRepositoryTest` and
//! `LinkManagementTest` (`dev/tests/api-functional/testsuite/Magento/ConfigurableProduct/Api/`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::attributes;
use crate::catalog::{self, Product};
use crate::errors::{ErrorEntry, MResult, MagentoError};
use crate::input;
use crate::state::State;

/// Messages clients match on, verbatim.
pub mod m {
    /// An option service called for a product of another type.
    pub const NOT_CONFIGURABLE: &str =
        "This is implemented for the \"%1\" configurable product only.";
    /// `OptionRepository::get` of an option the product lacks.
    pub const NO_SUCH_OPTION_ENTITY: &str =
        "The \"%1\" entity that was requested doesn't exist. Verify the entity and try again.";
    /// `deleteById` of an option the product lacks, and `removeChild` of a SKU that is
    /// not a child.
    pub const NO_SUCH_OPTION: &str =
        "The option that was requested doesn't exist. Verify the entity and try again.";
    /// An update of an option id the product lacks.
    pub const OPTION_NOT_FOUND: &str = "Option with id \"%1\" not found";
    /// A new option's required parts.
    pub const NO_ATTRIBUTE_ID: &str = "Option attribute ID is not specified.";
    /// Likewise.
    pub const NO_LABEL: &str = "Option label is not specified.";
    /// Likewise.
    pub const NO_VALUES: &str = "Option values are not specified.";
    /// Likewise.
    pub const NO_VALUE_INDEX: &str = "Value index is not specified for an option.";
    /// Any failed option save.
    pub const OPTION_NOT_SAVED: &str =
        "An error occurred while saving the option. Please try to save again.";
    /// `addChild` of a child already linked.
    pub const ALREADY_ATTACHED: &str = "The product is already attached.";
    /// `addChild` to a product without options.
    pub const NO_OPTIONS: &str = "The parent product doesn't have configurable product options.";
    /// `addChild` of a child without a value for an option's attribute.
    pub const CHILD_WITHOUT_VALUE: &str = "The child product doesn't have the \"%1\" attribute value. Verify the value and try again.";
    /// `removeChild` on a product of another type.
    pub const REMOVE_NOT_CONFIGURABLE: &str =
        "The product with the \"%1\" SKU isn't a configurable product.";
    /// A saved link to a child without a value for an option's attribute.
    pub const LINK_WITHOUT_VALUE: &str =
        "Product with id \"%1\" does not contain required attribute \"%2\".";
    /// Two saved links with the same option values.
    pub const SAME_VALUES: &str =
        "Products \"%1\" and \"%2\" have the same set of attribute values.";
}

/// One option of a configurable product (`ConfigurableProduct\Api\Data\OptionInterface`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigurableOption {
    /// `product_super_attribute_id`.
    pub id: u64,
    /// The EAV attribute it configures.
    pub attribute_id: u64,
    /// Label.
    pub label: String,
    /// Position.
    #[serde(default)]
    pub position: i64,
    /// Values (`value_index`: option ids of the attribute).
    #[serde(default)]
    pub values: Vec<i64>,
}

/// The option as the API renders it: `attribute_id` as a string (a database value),
/// `product_id` the configurable's id.
pub fn option_json(o: &ConfigurableOption, product_id: u64) -> Value {
    json!({
        "id": o.id,
        "attribute_id": o.attribute_id.to_string(),
        "label": o.label,
        "position": o.position,
        "values": o.values.iter().map(|v| json!({"value_index": v})).collect::<Vec<_>>(),
        "product_id": product_id,
    })
}

/// A child as `LinkManagement::getChildren` answers it: the product's own fields
/// and attributes, without extension attributes, custom options or media.
pub fn child_json(p: &Product) -> Value {
    let mut v = catalog::product_json(p);
    if let Some(o) = v.as_object_mut() {
        o.remove("extension_attributes");
        o.remove("options");
        o.remove("media_gallery_entries");
        o.entry("product_links").or_insert_with(|| json!([]));
        o.entry("tier_prices").or_insert_with(|| json!([]));
        // Key order as Magento's populated data object writes it.
        let custom = o.remove("custom_attributes");
        if let Some(custom) = custom {
            o.insert("custom_attributes".into(), custom);
        }
    }
    v
}

const OPTION_CLASS: &str = "Magento\\ConfigurableProduct\\Api\\Data\\OptionInterface";
const OPTION_KEYS: &[&str] = &[
    "id",
    "attribute_id",
    "label",
    "position",
    "is_use_default",
    "values",
    "product_id",
    "extension_attributes",
];

/// An option as a request spells it.
#[derive(Debug, Default)]
pub struct OptionInput {
    id: Option<i64>,
    attribute_id: Option<i64>,
    label: Option<String>,
    position: Option<i64>,
    /// `None` when `values` was not sent; a value without `value_index` is `None`.
    values: Option<Vec<Option<i64>>>,
}

/// Binds one `OptionInterface` object.
pub fn option_input(v: &Value) -> MResult<OptionInput> {
    let obj = v
        .as_object()
        .ok_or_else(|| input::type_error("option", v, OPTION_CLASS))?;
    for key in obj.keys() {
        if !OPTION_KEYS.contains(&input::snake(key).as_str()) {
            return Err(MagentoError::unknown_property(key, OPTION_CLASS));
        }
    }
    let int = |key: &str| {
        input::field(v, key)
            .map(|x| input::to_i64(x, key))
            .transpose()
    };
    let values = match input::field(v, "values") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|item| {
                    input::field(item, "value_index")
                        .map(|x| input::to_i64(x, "value_index"))
                        .transpose()
                })
                .collect::<MResult<Vec<_>>>()?,
        ),
        Some(other) => return Err(input::type_error("values", other, "array")),
    };
    Ok(OptionInput {
        id: int("id")?.filter(|id| *id != 0),
        attribute_id: int("attribute_id")?,
        label: input::field(v, "label")
            .map(|x| input::to_string(x, "label"))
            .transpose()?,
        position: int("position")?,
        values,
    })
}

/// `OptionRepository::validateNewOptionData`: every missing part, aggregated.
fn validate_new(o: &OptionInput) -> MResult<()> {
    let mut errors = Vec::new();
    if o.attribute_id.is_none_or(|id| id == 0) {
        errors.push(ErrorEntry::new(m::NO_ATTRIBUTE_ID));
    }
    if o.label.as_deref().is_none_or(str::is_empty) {
        errors.push(ErrorEntry::new(m::NO_LABEL));
    }
    match &o.values {
        None => errors.push(ErrorEntry::new(m::NO_VALUES)),
        Some(values) if values.is_empty() => errors.push(ErrorEntry::new(m::NO_VALUES)),
        Some(values) => {
            for v in values {
                if v.is_none() {
                    errors.push(ErrorEntry::new(m::NO_VALUE_INDEX));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(MagentoError::input(errors))
    }
}

/// The product a `configurable-products` option service works on: 404 when unknown,
/// 400 when it is not configurable.
fn configurable<'s>(state: &'s State, sku: &str) -> MResult<&'s Product> {
    let p = catalog::product(state, sku)?;
    if p.type_id != "configurable" {
        return Err(MagentoError::bad_request(m::NOT_CONFIGURABLE).positional([json!(sku)]));
    }
    Ok(p)
}

/// `GET /V1/configurable-products/{sku}/options/all`.
pub fn list_options(state: &State, sku: &str) -> MResult<Value> {
    let p = configurable(state, sku)?;
    Ok(Value::Array(
        p.configurable_options
            .iter()
            .map(|o| option_json(o, p.id))
            .collect(),
    ))
}

/// `GET /V1/configurable-products/{sku}/options/{id}`.
pub fn get_option(state: &State, sku: &str, id: &str) -> MResult<Value> {
    let id = input::to_i64(&json!(id), "id")?;
    let p = configurable(state, sku)?;
    p.configurable_options
        .iter()
        .find(|o| i64::try_from(o.id) == Ok(id))
        .map(|o| option_json(o, p.id))
        .ok_or_else(|| MagentoError::not_found(m::NO_SUCH_OPTION_ENTITY).positional([json!(id)]))
}

fn attribute_of(state: &State, attribute_id: u64) -> Option<&attributes::AttributeDef> {
    state.product_attributes.by_id(attribute_id)
}

/// `POST /V1/configurable-products/{sku}/options` and `PUT …/options/{id}`
/// (`OptionRepository::save`): the option's id. A new option on a simple product makes
/// it configurable; one for an attribute the product already has updates that option.
pub fn save_option(
    state: &mut State,
    sku: &str,
    body: &Value,
    url_id: Option<&str>,
    now: time::OffsetDateTime,
) -> MResult<u64> {
    let raw = input::arg(body, "option")?;
    let mut o = option_input(raw)?;
    if let Some(id) = url_id {
        // The URL's id wins over the body's (`ParamsOverrider`).
        o.id = Some(input::to_i64(&json!(id), "id")?).filter(|id| *id != 0);
    }
    let (product_id, options) = if let Some(id) = o.id {
        let p = configurable(state, sku)?;
        let at = p
            .configurable_options
            .iter()
            .position(|x| i64::try_from(x.id) == Ok(id))
            .ok_or_else(|| MagentoError::not_found(m::OPTION_NOT_FOUND).positional([json!(id)]))?;
        let mut options = p.configurable_options.clone();
        let opt = &mut options[at];
        if let Some(label) = o.label.take() {
            opt.label = label;
        }
        if let Some(position) = o.position {
            opt.position = position;
        }
        if let Some(values) = o.values.take() {
            opt.values = values.into_iter().flatten().collect();
        }
        (p.id, options)
    } else {
        let p = catalog::product(state, sku)?;
        let (pid, type_id, mut options) = (p.id, p.type_id.clone(), p.configurable_options.clone());
        validate_new(&o)?;
        if !matches!(type_id.as_str(), "simple" | "virtual" | "configurable") {
            // `\InvalidArgumentException('Incompatible product type')`: not a
            // LocalizedException, so production mode masks it.
            return Err(MagentoError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "Incompatible product type",
            ));
        }
        let attribute_id = o
            .attribute_id
            .and_then(|id| u64::try_from(id).ok())
            .filter(|id| attribute_of(state, *id).is_some())
            .ok_or_else(|| MagentoError::bad_request(m::OPTION_NOT_SAVED))?;
        let values: Vec<i64> = o
            .values
            .take()
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .collect();
        let label = o.label.take().unwrap_or_default();
        match options.iter_mut().find(|x| x.attribute_id == attribute_id) {
            Some(existing) => {
                existing.label = label;
                existing.position = o.position.unwrap_or(existing.position);
                existing.values = values;
            }
            None => {
                let id = state.next.configurable_option_id;
                state.next.configurable_option_id = id
                    .checked_add(1)
                    .ok_or_else(|| MagentoError::bad_request(m::OPTION_NOT_SAVED))?;
                options.push(ConfigurableOption {
                    id,
                    attribute_id,
                    label,
                    position: o.position.unwrap_or(0),
                    values,
                });
            }
        }
        (pid, options)
    };
    let answer = options
        .iter()
        .find(|x| o.id.is_some_and(|id| i64::try_from(x.id) == Ok(id)))
        .or_else(|| {
            o.attribute_id.and_then(|a| {
                options
                    .iter()
                    .find(|x| i64::try_from(x.attribute_id) == Ok(a))
            })
        })
        .map(|x| x.id)
        .ok_or_else(|| MagentoError::bad_request(m::OPTION_NOT_SAVED))?;
    let stamp = crate::dates::db_time(now);
    state.products.update(product_id, |p| {
        if p.type_id == "simple" {
            p.type_id = "configurable".into();
        }
        p.configurable_options = options;
        p.updated_at = stamp;
    });
    Ok(answer)
}

/// `DELETE /V1/configurable-products/{sku}/options/{id}`: the option goes, and with it
/// every child link (`saveProducts($product, [])`).
pub fn delete_option(
    state: &mut State,
    sku: &str,
    id: &str,
    now: time::OffsetDateTime,
) -> MResult<()> {
    let id = input::to_i64(&json!(id), "id")?;
    let p = configurable(state, sku)?;
    let wanted: Option<u64> = u64::try_from(id).ok();
    if !p.configurable_options.iter().any(|o| Some(o.id) == wanted) {
        return Err(MagentoError::not_found(m::NO_SUCH_OPTION));
    }
    let product_id = p.id;
    let stamp = crate::dates::db_time(now);
    state.products.update(product_id, |p| {
        p.configurable_options.retain(|o| Some(o.id) != wanted);
        p.configurable_links.clear();
        p.updated_at = stamp;
    });
    Ok(())
}

/// `GET /V1/configurable-products/{sku}/children`: the children in link order (none
/// for another type).
pub fn children(state: &State, sku: &str) -> MResult<Value> {
    let p = catalog::product(state, sku)?;
    if p.type_id != "configurable" {
        return Ok(json!([]));
    }
    Ok(Value::Array(
        p.configurable_links
            .iter()
            .filter_map(|id| state.products.get(id))
            .map(child_json)
            .collect(),
    ))
}

/// The attribute codes of a product's options, in option order.
fn option_codes(state: &State, options: &[ConfigurableOption]) -> MResult<Vec<String>> {
    options
        .iter()
        .map(|o| {
            attribute_of(state, o.attribute_id)
                .map(|a| a.attribute_code.clone())
                .ok_or_else(|| attributes::no_such_attribute(&o.attribute_id.to_string()))
        })
        .collect()
}

/// `ProductRepositorySave::beforeSave`'s check of a configurable's links: each child
/// exists, has a value for every option's attribute, and no two children share the
/// same values.
pub fn validate_links(state: &State, options: &[ConfigurableOption], links: &[u64]) -> MResult<()> {
    if options.is_empty() && links.is_empty() {
        return Ok(());
    }
    let codes = option_codes(state, options)?;
    let mut seen: std::collections::HashMap<Vec<&str>, u64> = std::collections::HashMap::new();
    for id in links {
        let child = state
            .products
            .get(id)
            .ok_or_else(|| MagentoError::not_found(catalog::m::PRODUCT_NOT_FOUND))?;
        let mut key = Vec::with_capacity(codes.len());
        for code in &codes {
            let value = child.attribute(code).filter(|v| !v.is_empty() && *v != "0");
            let Some(value) = value else {
                return Err(MagentoError::bad_request(m::LINK_WITHOUT_VALUE)
                    .positional([json!(id.to_string()), json!(code)]));
            };
            key.push(value);
        }
        if let Some(first) = seen.insert(key, *id) {
            return Err(MagentoError::bad_request(m::SAME_VALUES)
                .positional([json!(id.to_string()), json!(first.to_string())]));
        }
    }
    Ok(())
}

/// `POST /V1/configurable-products/{sku}/child`.
pub fn add_child(
    state: &mut State,
    sku: &str,
    child_sku: &str,
    now: time::OffsetDateTime,
) -> MResult<()> {
    let p = catalog::product(state, sku)?;
    let child = catalog::product(state, child_sku)?;
    if p.configurable_links.contains(&child.id) {
        return Err(MagentoError::bad_request(m::ALREADY_ATTACHED));
    }
    if p.configurable_options.is_empty() {
        return Err(MagentoError::bad_request(m::NO_OPTIONS));
    }
    let codes = option_codes(state, &p.configurable_options)?;
    for code in &codes {
        if child
            .attribute(code)
            .is_none_or(|v| v.is_empty() || v == "0")
        {
            return Err(MagentoError::bad_request(m::CHILD_WITHOUT_VALUE).positional([json!(code)]));
        }
    }
    // `getConfigurableAttributesData`: each option is rebuilt from its attribute, with
    // the attribute's store label and the options of every attribute seen so far (the
    // list is not reset between attributes in Magento's loop).
    let mut options = p.configurable_options.clone();
    let mut sorted: Vec<usize> = (0..options.len()).collect();
    sorted.sort_by_key(|i| options[*i].attribute_id);
    let mut values: Vec<i64> = Vec::new();
    for i in sorted {
        if let Some(a) = attribute_of(state, options[i].attribute_id) {
            values.extend(
                a.options
                    .iter()
                    .filter_map(|o| i64::try_from(o.option_id).ok()),
            );
            options[i].label = a.default_frontend_label.clone();
        }
        options[i].values = values.clone();
    }
    let mut links = p.configurable_links.clone();
    links.push(child.id);
    validate_links(state, &options, &links)?;
    let id = p.id;
    let stamp = crate::dates::db_time(now);
    state.products.update(id, |p| {
        p.configurable_options = options;
        p.configurable_links = links;
        p.updated_at = stamp;
    });
    Ok(())
}

/// `DELETE /V1/configurable-products/{sku}/children/{childSku}`.
pub fn remove_child(
    state: &mut State,
    sku: &str,
    child_sku: &str,
    now: time::OffsetDateTime,
) -> MResult<()> {
    let p = catalog::product(state, sku)?;
    if p.type_id != "configurable" {
        return Err(MagentoError::bad_request(m::REMOVE_NOT_CONFIGURABLE).positional([json!(sku)]));
    }
    let keep: Vec<u64> = p
        .configurable_links
        .iter()
        .copied()
        .filter(|id| state.products.get(id).is_none_or(|c| c.sku != child_sku))
        .collect();
    if keep.len() == p.configurable_links.len() {
        return Err(MagentoError::not_found(m::NO_SUCH_OPTION));
    }
    let id = p.id;
    let stamp = crate::dates::db_time(now);
    state.products.update(id, |p| {
        p.configurable_links = keep;
        p.updated_at = stamp;
    });
    Ok(())
}

/// The options and links a product save sends in `extension_attributes`, applied to
/// `p` (a configurable: other types ignore them, as Magento's save handler does).
/// Options keep their ids by attribute; new ones take ids from `next_option`.
pub fn apply_save(
    state: &State,
    p: &mut Product,
    options: Option<&Value>,
    links: Option<&Value>,
    next_option: &mut u64,
) -> MResult<()> {
    if let Some(v) = options {
        let items = v
            .as_array()
            .ok_or_else(|| input::type_error("configurable_product_options", v, "array"))?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let o = option_input(item)?;
            let attribute_id = o
                .attribute_id
                .and_then(|id| u64::try_from(id).ok())
                .ok_or_else(|| MagentoError::bad_request(m::OPTION_NOT_SAVED))?;
            let attribute = attribute_of(state, attribute_id)
                .ok_or_else(|| attributes::no_such_attribute(&attribute_id.to_string()))?;
            let existing = p
                .configurable_options
                .iter()
                .find(|x| x.attribute_id == attribute_id);
            let id = match existing {
                Some(x) => x.id,
                None => {
                    let id = *next_option;
                    *next_option = next_option
                        .checked_add(1)
                        .ok_or_else(|| MagentoError::bad_request(m::OPTION_NOT_SAVED))?;
                    id
                }
            };
            out.push(ConfigurableOption {
                id,
                attribute_id,
                label: o
                    .label
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| attribute.default_frontend_label.clone()),
                position: o.position.unwrap_or(0),
                values: o.values.unwrap_or_default().into_iter().flatten().collect(),
            });
        }
        if p.type_id == "configurable" {
            p.configurable_options = out;
        }
    }
    if let Some(v) = links {
        let items = v
            .as_array()
            .ok_or_else(|| input::type_error("configurable_product_links", v, "array"))?;
        let mut ids: Vec<u64> = Vec::with_capacity(items.len());
        for item in items {
            let id = input::to_i64(item, "configurable_product_links")?;
            let id = u64::try_from(id)
                .map_err(|_| MagentoError::not_found(catalog::m::PRODUCT_NOT_FOUND))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if p.type_id == "configurable" {
            p.configurable_links = ids;
        }
    }
    if p.type_id == "configurable" {
        validate_links(state, &p.configurable_options, &p.configurable_links)?;
    }
    Ok(())
}

/// The child of configurable `parent` whose values match `chosen` (attribute id →
/// option id), as the cart's `configurable_item_options` pick it.
pub fn child_for<'s>(
    state: &'s State,
    parent: &Product,
    chosen: &[(u64, String)],
) -> Option<&'s Product> {
    let codes: Vec<(u64, &str)> = parent
        .configurable_options
        .iter()
        .filter_map(|o| {
            attribute_of(state, o.attribute_id).map(|a| (o.attribute_id, a.attribute_code.as_str()))
        })
        .collect();
    if codes.len() != parent.configurable_options.len() || chosen.len() < codes.len() {
        return None;
    }
    parent
        .configurable_links
        .iter()
        .filter_map(|id| state.products.get(id))
        .find(|child| {
            codes.iter().all(|(attribute_id, code)| {
                chosen
                    .iter()
                    .find(|(a, _)| a == attribute_id)
                    .is_some_and(|(_, value)| child.attribute(code) == Some(value.as_str()))
            })
        })
}

/// Variations [`generate_variation`] builds at most: past this PHP would run out of
/// memory (a 500); the simulator answers the masked 500 instead of growing.
pub const MAX_VARIATIONS: usize = 10_000;

/// `PUT /V1/configurable-products/variation` (`ConfigurableProductManagement::
/// generateVariation`): one unsaved simple product per combination of the options'
/// values, first option outermost — SKU and name the product's with `-<value>` per
/// option, its price, status 1, not visible individually, the values as custom
/// attributes. An option names its attribute by code or id.
pub fn generate_variation(state: &State, body: &Value) -> MResult<Value> {
    let product = input::arg(body, "product")?;
    let text = |key: &str| -> MResult<String> {
        Ok(input::field(product, key)
            .map(|v| input::to_string(v, key))
            .transpose()?
            .unwrap_or_default())
    };
    let sku = text("sku")?;
    let name = text("name")?;
    let price = input::field(product, "price")
        .map(|v| input::to_f64(v, "price"))
        .transpose()?;
    let options = input::arg(body, "options")?;
    let options = options
        .as_array()
        .ok_or_else(|| input::type_error("options", options, "array"))?;
    let mut axes: Vec<(String, Vec<String>)> = Vec::with_capacity(options.len());
    let mut total: usize = 1;
    for o in options {
        let key = input::field(o, "attribute_id")
            .map(|v| input::to_string(v, "attribute_id"))
            .transpose()?
            .unwrap_or_default();
        let attribute = state
            .product_attributes
            .get(&key)
            .or_else(|| {
                key.parse()
                    .ok()
                    .and_then(|id| state.product_attributes.by_id(id))
            })
            .ok_or_else(|| attributes::no_such_attribute(&key))?;
        let values: Vec<String> = match input::field(o, "values") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| input::field(v, "value_index"))
                .map(|v| input::to_string(v, "value_index"))
                .collect::<MResult<_>>()?,
            _ => Vec::new(),
        };
        total = total.saturating_mul(values.len());
        axes.push((attribute.attribute_code.clone(), values));
    }
    if total > MAX_VARIATIONS {
        return Err(MagentoError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "Allowed memory size exhausted",
        ));
    }
    let mut combos: Vec<Vec<&str>> = vec![Vec::new()];
    for (_, values) in &axes {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    let mut next = c.clone();
                    next.push(v.as_str());
                    next
                })
            })
            .collect();
    }
    if axes.is_empty() {
        combos.clear();
    }
    Ok(Value::Array(
        combos
            .into_iter()
            .map(|combo| {
                let suffix: String = combo.iter().map(|v| format!("-{v}")).collect();
                let mut o = serde_json::Map::new();
                o.insert("sku".into(), json!(format!("{sku}{suffix}")));
                o.insert("name".into(), json!(format!("{name}{suffix}")));
                if let Some(p) = price {
                    o.insert("price".into(), input::num(p));
                }
                o.insert("status".into(), json!(1));
                o.insert("visibility".into(), json!(1));
                o.insert("extension_attributes".into(), json!([]));
                o.insert("product_links".into(), json!([]));
                o.insert("tier_prices".into(), json!([]));
                o.insert(
                    "custom_attributes".into(),
                    Value::Array(
                        axes.iter()
                            .zip(&combo)
                            .map(|((code, _), v)| json!({"attribute_code": code, "value": v}))
                            .collect(),
                    ),
                );
                Value::Object(o)
            })
            .collect(),
    ))
}
