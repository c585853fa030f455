//! Product links (related, cross-sell, up-sell, grouped's associated): the rules of
//! `ProductLinkManagement`, `ProductLink\Repository`, `LinkTypeProvider` and the link
//! part of `ProductRepository::save` (Magento 2.4).
//!
//! Links are kept on the linking product (`Product::product_links`), each as
//! `{sku, link_type, linked_product_sku, linked_product_type, position}`, grouped by type
//! in [`LINK_TYPES`] order and by position within a type. The products index keeps the
//! reverse direction (linked SKU → linking products, [`crate::index::Products::linking_to`])
//! so that deleting a product drops the links to it without a scan.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::catalog::{self, Product};
use crate::dates;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::state::State;

/// Messages clients match on, verbatim.
pub mod m {
    /// `ProductLinkManagement::getLinkedItemsByType` (and so `deleteById`) with a type
    /// the store does not have.
    pub const TYPE_UNKNOWN: &str =
        "The \"%1\" link type is unknown. Verify the type and try again.";
    /// `ProductLinkManagement::setProductLinks` with a type the store does not have.
    pub const TYPE_NOT_FOUND: &str =
        "The \"%1\" link type wasn't found. Verify the type and try again.";
    /// Any failed link save (`CouldNotSaveException`).
    pub const INVALID_DATA: &str =
        "The linked products data is invalid. Verify the data and try again.";
    /// `deleteById` of a link the product does not have.
    pub const NOT_LINKED: &str = "Product %1 doesn't have linked %2 as %3";
}

/// The store's link types (`LinkTypeProvider`: Catalog's three, then GroupedProduct's
/// `associated`) with their ids.
pub const LINK_TYPES: &[(&str, u64)] = &[
    ("related", 1),
    ("crosssell", 5),
    ("upsell", 4),
    ("associated", 3),
];

const LINK_CLASS: &str = "Magento\\Catalog\\Api\\Data\\ProductLinkInterface";

/// Keys of `ProductLinkInterface`.
const LINK_KEYS: &[&str] = &[
    "sku",
    "link_type",
    "linked_product_sku",
    "linked_product_type",
    "position",
    "extension_attributes",
];

fn type_rank(t: &str) -> Option<usize> {
    LINK_TYPES.iter().position(|(name, _)| *name == t)
}

/// `GET /V1/products/links/types`.
pub fn types_json() -> Value {
    Value::Array(
        LINK_TYPES
            .iter()
            .map(|(name, code)| json!({"code": code, "name": name}))
            .collect(),
    )
}

/// `GET /V1/products/links/{type}/attributes`: `position` for every type, and `qty` for
/// `associated`; a type the store does not have has none (`[]`), as the link model with
/// a `null` type id answers.
pub fn attributes_json(link_type: &str) -> Value {
    match link_type {
        "associated" => json!([
            {"code": "position", "type": "int"},
            {"code": "qty", "type": "decimal"},
        ]),
        t if type_rank(t).is_some() => json!([{"code": "position", "type": "int"}]),
        _ => json!([]),
    }
}

/// One link as given by a client, bound.
#[derive(Debug, Clone)]
struct Incoming {
    link_type: Option<String>,
    linked_sku: String,
    position: Option<i64>,
}

fn bind(link: &Value, field: &str) -> MResult<Incoming> {
    let obj = link
        .as_object()
        .ok_or_else(|| input::type_error(field, link, LINK_CLASS))?;
    for key in obj.keys() {
        if !LINK_KEYS.contains(&input::snake(key).as_str()) {
            return Err(MagentoError::unknown_property(key, LINK_CLASS));
        }
    }
    let text = |name: &str| {
        input::field(link, name)
            .map(|v| input::to_string(v, name))
            .transpose()
    };
    Ok(Incoming {
        link_type: text("link_type")?.filter(|t| !t.is_empty()),
        linked_sku: text("linked_product_sku")?.unwrap_or_default(),
        position: input::field(link, "position")
            .map(|v| input::to_i64(v, "position"))
            .transpose()?,
    })
}

fn stored(sku: &str, link_type: &str, linked: &Product, position: i64) -> Value {
    let mut o = Map::new();
    o.insert("sku".into(), json!(sku));
    o.insert("link_type".into(), json!(link_type));
    o.insert("linked_product_sku".into(), json!(linked.sku));
    o.insert("linked_product_type".into(), json!(linked.type_id));
    o.insert("position".into(), json!(position));
    Value::Object(o)
}

fn link_type_of(link: &Value) -> &str {
    link.get("link_type").and_then(Value::as_str).unwrap_or("")
}

fn linked_sku_of(link: &Value) -> &str {
    link.get("linked_product_sku")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn position_of(link: &Value) -> i64 {
    link.get("position").and_then(Value::as_i64).unwrap_or(0)
}

/// Type order, then position (stable: equal positions keep their order).
fn sort(links: &mut [Value]) {
    links.sort_by_key(|l| {
        (
            type_rank(link_type_of(l)).unwrap_or(usize::MAX),
            position_of(l),
        )
    });
}

/// The link part of `ProductRepository::save`: `product_links` replaces every link of
/// the product. Every linked SKU must exist (404 `The Product with the "%1" SKU doesn't
/// exist.`, checked type by type in order of first appearance); a product linked twice
/// under one type keeps the last link; links of a type the store does not have are
/// dropped, as Magento saves only known types. A link without a position is at 0.
pub fn from_product_save(state: &State, sku: &str, value: &Value) -> MResult<Vec<Value>> {
    let items = value
        .as_array()
        .ok_or_else(|| input::type_error("product_links", value, "array"))?;
    let bound: Vec<Incoming> = items
        .iter()
        .map(|l| bind(l, "product_links"))
        .collect::<MResult<_>>()?;
    resolve(state, sku, &bound)
}

/// Groups `links` by type (first appearance), resolves the linked products (the first
/// unknown SKU is the 404), and keeps one link per linked product per type.
fn resolve(state: &State, sku: &str, links: &[Incoming]) -> MResult<Vec<Value>> {
    let mut groups: Vec<(&str, Vec<&Incoming>)> = Vec::new();
    for l in links {
        let t = l.link_type.as_deref().unwrap_or("");
        match groups.iter_mut().find(|(g, _)| *g == t) {
            Some((_, members)) => members.push(l),
            None => groups.push((t, vec![l])),
        }
    }
    let mut out: Vec<Value> = Vec::new();
    for (t, members) in groups {
        let mut kept: Vec<(u64, Value)> = Vec::new();
        for l in members {
            let linked = catalog::find_by_sku(state, &l.linked_sku).ok_or_else(|| {
                MagentoError::not_found(catalog::m::SKU_NOT_FOUND).positional([json!(l.linked_sku)])
            })?;
            let link = stored(sku, t, linked, l.position.unwrap_or(0));
            match kept.iter_mut().find(|(id, _)| *id == linked.id) {
                Some(slot) => slot.1 = link,
                None => kept.push((linked.id, link)),
            }
        }
        if type_rank(t).is_some() {
            out.extend(kept.into_iter().map(|(_, l)| l));
        }
    }
    sort(&mut out);
    Ok(out)
}

/// `GET /V1/products/{sku}/links/{type}`: the type is checked first (404 `The "%1" link
/// type is unknown…`), then the product (404).
pub fn linked_items(state: &State, sku: &str, link_type: &str) -> MResult<Vec<Value>> {
    if type_rank(link_type).is_none() {
        return Err(MagentoError::not_found(m::TYPE_UNKNOWN).positional([json!(link_type)]));
    }
    let p = catalog::product(state, sku)?;
    Ok(p.product_links
        .iter()
        .filter(|l| link_type_of(l) == link_type)
        .cloned()
        .collect())
}

/// `POST /V1/products/{sku}/links {items}` (`ProductLinkManagement::setProductLinks`):
/// every item needs a known `link_type` (400 `"%fieldName" is required` naming
/// `linkType`; 404 `The "%1" link type wasn't found…`), then the product must exist.
/// The links of the last item's type are replaced by the items (Magento reads the
/// type from its loop variable); the items' `sku` is ignored. A failed save (an
/// unknown linked SKU) is 400 `The linked products data is invalid…`. `Ok(false)` asks
/// the caller for Magento's masked 500: empty `items` on a product that has links
/// reaches an undefined PHP variable.
pub fn set_product_links(
    state: &mut State,
    sku: &str,
    items: &Value,
    now: OffsetDateTime,
) -> MResult<bool> {
    let list = items
        .as_array()
        .ok_or_else(|| input::type_error("items", items, "array"))?;
    let bound: Vec<Incoming> = list
        .iter()
        .map(|l| bind(l, "items"))
        .collect::<MResult<_>>()?;
    let mut last_type = None;
    for l in &bound {
        let t = l
            .link_type
            .as_deref()
            .ok_or_else(|| MagentoError::required("linkType"))?;
        if type_rank(t).is_none() {
            return Err(MagentoError::not_found(m::TYPE_NOT_FOUND).positional([json!(t)]));
        }
        last_type = Some(t.to_owned());
    }
    let p = catalog::product(state, sku)?;
    let (id, product_sku) = (p.id, p.sku.clone());
    let Some(replaced) = last_type else {
        if p.product_links.is_empty() {
            return Ok(true);
        }
        return Ok(false);
    };
    let mut wanted: Vec<Incoming> = p
        .product_links
        .iter()
        .filter(|l| link_type_of(l) != replaced)
        .map(|l| Incoming {
            link_type: Some(link_type_of(l).to_owned()),
            linked_sku: linked_sku_of(l).to_owned(),
            position: Some(position_of(l)),
        })
        .collect();
    wanted.extend(bound);
    let links = resolve(state, &product_sku, &wanted)
        .map_err(|_| MagentoError::bad_request(m::INVALID_DATA))?;
    let stamp = dates::db_time(now);
    state.products.update(id, |p| {
        p.product_links = links;
        p.updated_at = stamp;
    });
    Ok(true)
}

/// `PUT /V1/products/{sku}/links {entity}` (`ProductLink\Repository::save`): the linked
/// product, then the product, must exist (404); a type the store does not have is 400
/// `The linked products data is invalid…`. Adds the link, or moves an existing one
/// (same type and linked product) to the new position. The URL's SKU wins over the
/// entity's.
pub fn save_link(state: &mut State, sku: &str, entity: &Value) -> MResult<()> {
    let l = bind(entity, "entity")?;
    let linked = catalog::product(state, &l.linked_sku)?.clone();
    let p = catalog::product(state, sku)?;
    let (id, product_sku) = (p.id, p.sku.clone());
    let t = l.link_type.unwrap_or_default();
    if type_rank(&t).is_none() {
        return Err(MagentoError::bad_request(m::INVALID_DATA));
    }
    let link = stored(&product_sku, &t, &linked, l.position.unwrap_or(0));
    state.products.update(id, |p| {
        let existing = p
            .product_links
            .iter_mut()
            .find(|x| link_type_of(x) == t && linked_sku_of(x).eq_ignore_ascii_case(&linked.sku));
        match existing {
            Some(x) => *x = link,
            None => p.product_links.push(link),
        }
        sort(&mut p.product_links);
    });
    Ok(())
}

/// `DELETE /V1/products/{sku}/links/{type}/{linkedProductSku}`
/// (`ProductLink\Repository::deleteById`): the type and product are checked as
/// [`linked_items`] does; a linked SKU the product's links of that type do not name
/// (compared exactly, as PHP's `==` on strings) is 404 `Product %1 doesn't have linked
/// %2 as %3`.
pub fn delete_link(state: &mut State, sku: &str, link_type: &str, linked_sku: &str) -> MResult<()> {
    let links = linked_items(state, sku, link_type)?;
    if !links.iter().any(|l| linked_sku_of(l) == linked_sku) {
        return Err(MagentoError::not_found(m::NOT_LINKED).positional([
            json!(sku),
            json!(linked_sku),
            json!(link_type),
        ]));
    }
    let id = catalog::product(state, sku)?.id;
    state.products.update(id, |p| {
        p.product_links
            .retain(|l| !(link_type_of(l) == link_type && linked_sku_of(l) == linked_sku));
    });
    Ok(())
}

/// A product with `sku` was deleted: the links to it go (the database's foreign key
/// cascades), found through the reverse index.
pub fn product_deleted(state: &mut State, sku: &str) {
    let linking: Vec<u64> = state.products.linking_to(sku).collect();
    for id in linking {
        state.products.update(id, |p| {
            p.product_links
                .retain(|l| !linked_sku_of(l).eq_ignore_ascii_case(sku));
        });
    }
}

/// Import check: every link of a product is an object of a known type that names its
/// product's SKU and an existing linked product.
pub fn check_state(state: &State) -> Result<(), String> {
    for p in state.products.values() {
        for l in &p.product_links {
            let ok = l.is_object()
                && type_rank(link_type_of(l)).is_some()
                && l.get("sku")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case(&p.sku))
                && catalog::find_by_sku(state, linked_sku_of(l)).is_some()
                && l.get("position").is_some_and(Value::is_i64);
            if !ok {
                return Err(format!(
                    "products: product {} ({:?}) has product link {l}, which is not \
                     {{sku: its SKU, link_type: related|crosssell|upsell|associated, \
                     linked_product_sku: an existing product, position: int}}",
                    p.id, p.sku
                ));
            }
        }
    }
    Ok(())
}
