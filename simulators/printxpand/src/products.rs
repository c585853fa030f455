//! `product/create` and `product/delete`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::batch::{Done, Failed};
use crate::json::{echo_as_int, flag, id_key, is_numeric, non_empty, text};
use crate::messages as m;
use crate::state::{
    Attribute, CustomOption, OptionValue, Product, ProductType, State, TierPrice, Variation,
};

/// The custom option types the seed lists (`date` is listed twice there).
pub const OPTION_TYPES: [&str; 12] = [
    "text",
    "field",
    "area",
    "file",
    "select",
    "drop_down",
    "radio",
    "checkbox",
    "multiple",
    "date",
    "date_time",
    "time",
];

/// The option types that choose among `values`.
const SELECT_TYPES: [&str; 5] = ["select", "drop_down", "radio", "checkbox", "multiple"];

/// One product of a `product/create` body, bound. Lists left out of the request are
/// `None` (an update keeps the product's own).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProductInput {
    /// The id, as text.
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// Simple or configurable (any case).
    pub(crate) product_type: ProductType,
    /// Price, if sent.
    pub(crate) price: Option<String>,
    /// Special price, if sent and not empty.
    pub(crate) special_price: Option<String>,
    /// `category_id` (or `category_ids`): comma-separated ids.
    pub(crate) category_ids: Option<Vec<String>>,
    /// 0 or 1, if sent.
    pub(crate) status: Option<u8>,
    /// 0 or 1, if sent.
    pub(crate) enable_product_designer: Option<u8>,
    /// Image sources.
    pub(crate) images: Option<Vec<String>>,
    /// Tier prices.
    pub(crate) tier_prices: Option<Vec<TierPrice>>,
    /// Custom options.
    pub(crate) custom_options: Option<Vec<CustomOption>>,
    /// Configurable products: `attribute_names`, split on commas.
    pub(crate) attribute_names: Vec<String>,
    /// Configurable products: the variations.
    pub(crate) variations: Vec<Variation>,
}

/// The product-designer callback a created or updated product with
/// `enable_product_designer: 1` asks for; the HTTP layer POSTs [`DesignerCall::payload`]
/// to the third party's endpoint, which answers `[{"response":"success"}]`.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignerCall {
    /// The product's id, as text.
    pub product_id: String,
    /// `integration_product_id`: the id as the success answer echoes it.
    pub integration_product_id: Value,
    /// The product's first image source (empty when it has none).
    pub image_url: String,
}

impl DesignerCall {
    /// The product designer's page for the product on the store at `store_base`
    /// (`http://127.0.0.1:8083`): the simulator's choice, the seed names no path.
    pub fn designer_url(&self, store_base: &str) -> String {
        format!(
            "{}/productdesigner/index/index/id/{}",
            store_base.trim_end_matches('/'),
            self.product_id
        )
    }

    /// `{image_url, designer_url, enable_product_designer, integration_product_id}`.
    pub fn payload(&self, store_base: &str) -> Value {
        json!({
            "image_url": self.image_url,
            "designer_url": self.designer_url(store_base),
            "enable_product_designer": 1,
            "integration_product_id": self.integration_product_id,
        })
    }
}

fn list(v: Option<&Value>) -> Option<&Vec<Value>> {
    v.and_then(Value::as_array)
}

fn comma_ids(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Null => Some(Vec::new()),
        Value::String(s) => Some(
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        Value::Number(_) => id_key(Some(v)).map(|id| vec![id]),
        Value::Array(items) => items.iter().map(|i| id_key(Some(i))).collect(),
        _ => None,
    }
}

fn images(v: Option<&Value>) -> Option<Vec<String>> {
    list(v).map(|l| l.iter().filter_map(|i| text(i.get("src"))).collect())
}

fn option_value(v: &Value) -> Option<OptionValue> {
    Some(OptionValue {
        title: non_empty(v.get("title"))?,
        value: text(v.get("value")),
        sort_order: v.get("sort_order").and_then(Value::as_i64),
        price: text(v.get("price")),
        price_type: text(v.get("price_type")),
        sku: text(v.get("sku")),
    })
}

fn custom_option(v: &Value) -> Option<CustomOption> {
    let title = non_empty(v.get("title"))?;
    let option_type = text(v.get("type"))?;
    if !OPTION_TYPES.contains(&option_type.as_str()) {
        return None;
    }
    let values = match list(v.get("values")) {
        Some(vs) => vs.iter().map(option_value).collect::<Option<Vec<_>>>()?,
        None => Vec::new(),
    };
    if SELECT_TYPES.contains(&option_type.as_str()) && values.is_empty() {
        return None;
    }
    Some(CustomOption {
        title,
        option_type,
        sort_order: v.get("sort_order").and_then(Value::as_i64),
        is_require: flag(v.get("is_require")).transpose().ok()? == Some(1),
        price: text(v.get("price")),
        price_type: text(v.get("price_type")),
        sku: text(v.get("sku")),
        max_characters: v.get("max_characters").and_then(|x| {
            x.as_u64()
                .or_else(|| x.as_str().and_then(|s| s.trim().parse().ok()))
        }),
        file_extension: text(v.get("file_extension")),
        image_size_x: text(v.get("image_size_x")),
        image_size_y: text(v.get("image_size_y")),
        values,
    })
}

fn tier_price(v: &Value) -> Option<TierPrice> {
    let price = v.get("price").filter(|p| is_numeric(p))?;
    let qty = v.get("qty").filter(|q| is_numeric(q))?;
    Some(TierPrice {
        price: text(Some(price))?,
        qty: text(Some(qty))?,
    })
}

fn special_price_ok(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) if s.trim().is_empty() => true,
        Some(p) => is_numeric(p),
    }
}

/// A configurable product's variations, each with attributes naming exactly
/// `names`, one option each.
fn variations(v: Option<&Value>, names: &[String]) -> Option<Vec<Variation>> {
    let items: Vec<&Value> = match v? {
        Value::Object(map) => map.values().collect(),
        Value::Array(items) => items.iter().collect(),
        _ => return None,
    };
    let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    if items.is_empty() || wanted.is_empty() {
        return None;
    }
    items
        .into_iter()
        .map(|var| {
            let id = id_key(var.get("id"))?;
            let attributes = list(var.get("attributes"))?
                .iter()
                .map(|a| {
                    Some(Attribute {
                        name: non_empty(a.get("name"))?,
                        option: non_empty(a.get("option"))?,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            let got: BTreeSet<&str> = attributes.iter().map(|a| a.name.as_str()).collect();
            if got != wanted || got.len() != attributes.len() {
                return None;
            }
            Some(Variation {
                id,
                status: flag(var.get("status")).transpose().ok()?.unwrap_or(1),
                price: text(var.get("price")),
                special_price: non_empty(var.get("special_price")),
                images: images(var.get("images")).unwrap_or_default(),
                attributes,
            })
        })
        .collect()
}

impl ProductInput {
    /// Binds one item, checking in the order the seed's examples imply: id, name and
    /// type; `special_price`; a configurable product's variations; custom options;
    /// tier prices. Categories are checked against the store by [`create`].
    pub(crate) fn bind(item: &Value) -> Result<ProductInput, Failed> {
        let obj: &Map<String, Value> = item
            .as_object()
            .ok_or_else(|| Failed::new(None, 404, m::PRODUCT_PROPER_DATA))?;
        let id =
            id_key(obj.get("id")).ok_or_else(|| Failed::new(None, 404, m::PRODUCT_PROPER_DATA))?;
        let fail = |message| Failed::new(obj.get("id").cloned(), 404, message);
        let name = non_empty(obj.get("name")).ok_or_else(|| fail(m::PRODUCT_PROPER_DATA))?;
        let product_type = match text(obj.get("type"))
            .map(|t| t.trim().to_lowercase())
            .as_deref()
        {
            Some("simple") => ProductType::Simple,
            Some("configurable") => ProductType::Configurable,
            _ => return Err(fail(m::PRODUCT_PROPER_DATA)),
        };
        let status = flag(obj.get("status"))
            .transpose()
            .map_err(|()| fail(m::PRODUCT_PROPER_DATA))?;
        let enable_product_designer = flag(obj.get("enable_product_designer"))
            .transpose()
            .map_err(|()| fail(m::PRODUCT_PROPER_DATA))?;
        if !special_price_ok(obj.get("special_price")) {
            return Err(fail(m::PRODUCT_INVALID_SPECIAL_PRICE));
        }
        let (attribute_names, variations) = match product_type {
            ProductType::Simple => (Vec::new(), Vec::new()),
            ProductType::Configurable => {
                let names: Vec<String> =
                    comma_ids(obj.get("attribute_names").unwrap_or(&Value::Null))
                        .unwrap_or_default();
                let vars = variations(obj.get("variations"), &names)
                    .ok_or_else(|| fail(m::PRODUCT_CONFIGURABLE_ATTRIBUTES))?;
                (names, vars)
            }
        };
        let category_ids = match obj.get("category_id").or_else(|| obj.get("category_ids")) {
            None => None,
            Some(v) => Some(comma_ids(v).ok_or_else(|| fail(m::PRODUCT_CATEGORY_NOT_FOUND))?),
        };
        let custom_options = match obj.get("custom_options") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_array()
                    .and_then(|l| l.iter().map(custom_option).collect::<Option<Vec<_>>>())
                    .ok_or_else(|| fail(m::PRODUCT_INVALID_CUSTOM_OPTIONS))?,
            ),
        };
        let tier_prices = match obj.get("tier_price") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_array()
                    .and_then(|l| l.iter().map(tier_price).collect::<Option<Vec<_>>>())
                    .ok_or_else(|| fail(m::PRODUCT_INVALID_TIER_PRICE))?,
            ),
        };
        Ok(ProductInput {
            id,
            name,
            product_type,
            price: text(obj.get("price")),
            special_price: non_empty(obj.get("special_price")),
            category_ids,
            status,
            enable_product_designer,
            images: images(obj.get("images")),
            tier_prices,
            custom_options,
            attribute_names,
            variations,
        })
    }
}

/// Creates or updates the product (what the request leaves out, an update keeps); its
/// categories must exist ("sync category first"). With `enable_product_designer: 1`
/// it also answers the designer callback to send.
pub(crate) fn create(
    state: &mut State,
    item: &Value,
) -> Result<(Done, Option<DesignerCall>), Failed> {
    let input = ProductInput::bind(item)?;
    let sent_id = item.get("id").cloned().unwrap_or(Value::Null);
    if let Some(cats) = &input.category_ids
        && cats.iter().any(|c| !state.categories.contains(c))
    {
        return Err(Failed::new(
            Some(sent_id),
            404,
            m::PRODUCT_CATEGORY_NOT_FOUND,
        ));
    }
    // What the request leaves out, an update keeps: only those fields are copied.
    let old = state.products.get(&input.id);
    let kept = |f: fn(&Product) -> Vec<String>| old.map(f).unwrap_or_default();
    let product = Product {
        id: input.id,
        name: input.name,
        product_type: input.product_type,
        price: input.price.or_else(|| old.and_then(|o| o.price.clone())),
        special_price: input.special_price,
        category_ids: input
            .category_ids
            .unwrap_or_else(|| kept(|o| o.category_ids.clone())),
        status: input.status.or_else(|| old.map(|o| o.status)).unwrap_or(1),
        enable_product_designer: input
            .enable_product_designer
            .or_else(|| old.map(|o| o.enable_product_designer))
            .unwrap_or(0),
        images: input.images.unwrap_or_else(|| kept(|o| o.images.clone())),
        tier_prices: input
            .tier_prices
            .unwrap_or_else(|| old.map(|o| o.tier_prices.clone()).unwrap_or_default()),
        custom_options: input
            .custom_options
            .unwrap_or_else(|| old.map(|o| o.custom_options.clone()).unwrap_or_default()),
        attribute_names: input.attribute_names,
        variations: input.variations,
    };
    let echo = echo_as_int(&sent_id);
    let call = (input.enable_product_designer == Some(1)).then(|| DesignerCall {
        product_id: product.id.clone(),
        integration_product_id: echo.clone(),
        image_url: product.images.first().cloned().unwrap_or_default(),
    });
    let created = state.put_product(product);
    let message = if created {
        m::PRODUCT_CREATED
    } else {
        m::PRODUCT_UPDATED
    };
    Ok((Done::new(echo, message), call))
}

/// Deletes the product with id `item`.
pub(crate) fn delete(state: &mut State, item: &Value) -> Result<Done, Failed> {
    match id_key(Some(item)) {
        Some(id) if state.delete_product(&id) => Ok(Done::new(item.clone(), m::PRODUCT_DELETED)),
        _ => Err(Failed::new(Some(item.clone()), 404, m::PRODUCT_NOT_FOUND)),
    }
}
