//! What a whole store must hold before it becomes the state: the checks behind
//! `PUT /__sim/state` (and the fixture loader).
//!
//! An imported state replaces everything at once, so it is checked completely first and
//! refused with the first problem found, named (`categories: category 5 is its own
//! ancestor (5 → 7 → 5)`), the old state untouched. The rules are the ones the store's
//! own operations keep, so `GET /__sim/state` → `PUT /__sim/state` always round-trips:
//!
//! - **keys** ([`import`] only): every key an export has, at the top level, in `next`
//!   and in `next.sales`, and no other — a missing collection would silently empty it;
//! - **map keys** equal the entity's id; ids unique where they are ids;
//! - **counters**: every `next.*` id counter is above every id of its kind (and above
//!   every reference to one, for customers and quotes), so nothing new ever replaces
//!   something old;
//! - **uniqueness**: product SKU (case-insensitively, as lookups compare it), URL keys of
//!   products and category URL paths (the save's collision rule), customer e-mail per
//!   website, website / store group / store view / source codes, admin user names,
//!   integration keys, bearer token strings, masked cart ids, a sales channel per stock,
//!   one source item per SKU and source, one link per stock and source;
//! - **references**: products → attribute sets, categories and websites; categories →
//!   parents; stores → websites, groups, root categories; MSI links and items → stocks
//!   and sources; stock sales channels → websites; customers → websites, groups, store
//!   views; carts, orders and tokens → customers; orders → store views; documents →
//!   orders and their items;
//! - **the category tree**: only the Root Catalog (id 1) has parent 0; every other
//!   category's parent exists, no category is its own ancestor (checked iteratively),
//!   `level` is its parent's plus one, `path` its parent's plus `/id`, and a path fits
//!   Magento's `varchar(255)` column (so at most [`catalog::MAX_LEVEL`] levels).
//!
//! What Magento's schema leaves dangling is accepted: an order or a cart may name a
//! deleted customer (an id below `next.customer_id`), a reservation or an order a
//! deleted stock, a source item a SKU with no product.

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::hash::Hash;
use std::sync::OnceLock;

use serde_json::Value;

use crate::catalog::{self, Category};
use crate::msi::{DEFAULT_SOURCE, DEFAULT_STOCK};
use crate::state::{State, TokenOwner};

/// Category id of the Root Catalog (Magento's `Category::TREE_ROOT_ID`).
pub const TREE_ROOT_ID: u64 = 1;

/// Largest token lifetime accepted in `settings` (100 years, in hours): more would
/// overflow the date arithmetic of a token's expiry.
pub const MAX_TOKEN_HOURS: i64 = 24 * 365 * 100;

type Checked = Result<(), String>;

/// `PUT /__sim/state`: the raw JSON body checked for its keys, parsed, and validated.
pub fn import(raw: Value) -> Result<State, String> {
    check_keys(&raw)?;
    let mut state: State = serde_json::from_value(raw).map_err(|e| e.to_string())?;
    state.fill_counters();
    validate(&state)?;
    Ok(state)
}

/// Every invariant of a store; the first problem found, named, as the error.
pub fn validate(s: &State) -> Checked {
    basics(s)?;
    stores(s)?;
    categories(s)?;
    products(s)?;
    crate::prices::validate(s)?;
    crate::media::check_state(s)?;
    crate::product_links::check_state(s)?;
    crate::custom_options::check_state(s)?;
    url_keys(s)?;
    inventory(s)?;
    customers(s)?;
    carts(s)?;
    orders(s)?;
    documents(s)?;
    tokens(s)
}

// ---------------------------------------------------------------------------
// Keys

/// The key paths checked for presence, as an export writes them: the top level,
/// `next` and `next.sales`.
const KEYED: [&[&str]; 3] = [&[], &["next"], &["next", "sales"]];

/// The keys of an export at each of [`KEYED`], taken once from the embedded fixture
/// (so a field added to the state is required without a list to keep up to date).
fn template() -> &'static [Vec<String>; 3] {
    static KEYS: OnceLock<[Vec<String>; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        let export = serde_json::to_value(crate::fixtures::default_state()).unwrap_or_default();
        KEYED.map(|path| {
            let mut at = &export;
            for key in path {
                at = &at[*key];
            }
            at.as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        })
    })
}

fn check_keys(raw: &Value) -> Checked {
    if !raw.is_object() {
        return Err("the state must be a JSON object (what GET /__sim/state returns)".into());
    }
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    for (path, wanted) in KEYED.iter().zip(template()) {
        let mut at = raw;
        for key in *path {
            at = &at[*key];
        }
        let prefix: String = path.iter().map(|k| format!("{k}.")).collect();
        let Some(object) = at.as_object() else {
            if !path.is_empty() && !at.is_null() {
                return Err(format!(
                    "{} must be an object",
                    prefix.trim_end_matches('.')
                ));
            }
            // A missing `next` (or `next.sales`) is named itself, one level up.
            continue;
        };
        missing.extend(
            wanted
                .iter()
                .filter(|k| !object.contains_key(k.as_str()))
                .map(|k| format!("{prefix}{k}")),
        );
        unknown.extend(
            object
                .keys()
                .filter(|k| !wanted.contains(k))
                .map(|k| format!("{prefix}{k}")),
        );
    }
    if !missing.is_empty() {
        return Err(format!(
            "missing keys: {} (a state replaces the whole store: send every key GET /__sim/state returns, empty collections included)",
            missing.join(", ")
        ));
    }
    if !unknown.is_empty() {
        return Err(format!("unknown keys: {}", unknown.join(", ")));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Helpers

/// The first key seen twice, with the owners of both sightings.
fn duplicate<K: Hash + Eq, O: Copy>(items: impl IntoIterator<Item = (K, O)>) -> Option<(K, O, O)> {
    let mut seen = HashMap::new();
    for (key, owner) in items {
        if let Some(first) = seen.get(&key) {
            return Some((key, *first, owner));
        }
        seen.insert(key, owner);
    }
    None
}

/// Refuses an id used twice in `section`.
fn unique_ids<K: Hash + Eq + Display>(
    section: &str,
    what: &str,
    ids: impl IntoIterator<Item = K>,
) -> Checked {
    match duplicate(ids.into_iter().map(|id| (id, ()))) {
        Some((id, (), ())) => Err(format!("{section}: {what} {id} is listed twice")),
        None => Ok(()),
    }
}

/// Refuses a map entry whose key is not its entity's id.
fn keys_match<'m, T: 'm>(
    section: &str,
    what: &str,
    map: impl IntoIterator<Item = (&'m u64, &'m T)>,
    id: impl Fn(&T) -> u64,
) -> Checked {
    for (key, entity) in map {
        let id = id(entity);
        if *key != id {
            return Err(format!(
                "{section}: key \"{key}\" holds {what} {id} (each key must be its entry's id)"
            ));
        }
    }
    Ok(())
}

/// Refuses a counter at or below an id it has already handed out.
/// Magento's entity ids are `int(10) unsigned` columns: a counter past this could
/// never be stored (and could overflow).
pub const MAX_ENTITY_ID: u64 = 4_294_967_295;

fn counter(name: &str, next: u64, what: &str, ids: impl IntoIterator<Item = u64>) -> Checked {
    if next > MAX_ENTITY_ID {
        return Err(format!(
            "next.{name} {next} is past Magento's largest {what} id ({MAX_ENTITY_ID})"
        ));
    }
    match ids.into_iter().max() {
        Some(max) if max >= next => Err(format!(
            "next.{name} {next} must be above every {what} id (max {max})"
        )),
        _ => Ok(()),
    }
}

/// The number an increment id such as `"000000012"` was made from (`{:09}`), if it is
/// one a counter could produce.
fn increment_number(increment_id: &str) -> Option<u64> {
    let n: u64 = increment_id.parse().ok()?;
    (format!("{n:09}") == increment_id).then_some(n)
}

// ---------------------------------------------------------------------------
// Version, settings, admins, integrations

fn basics(s: &State) -> Checked {
    if s.version.split('.').count() < 2 {
        return Err(format!("version {:?} is not like 2.4.0", s.version));
    }
    for (name, hours) in [
        ("admin_token_hours", s.settings.admin_token_hours),
        ("customer_token_hours", s.settings.customer_token_hours),
    ] {
        if !(0..=MAX_TOKEN_HOURS).contains(&hours) {
            return Err(format!(
                "settings.{name} {hours} must be between 0 and {MAX_TOKEN_HOURS} (100 years)"
            ));
        }
    }
    for (name, value, max) in [
        (
            "customer_lockout_failures",
            s.settings.customer_lockout_failures,
            i64::from(i16::MAX),
        ),
        (
            "customer_lockout_minutes",
            s.settings.customer_lockout_minutes,
            MAX_TOKEN_HOURS * 60,
        ),
        (
            "token_max_failures",
            s.settings.token_max_failures,
            i64::from(u32::MAX),
        ),
        (
            "token_lock_timeout_secs",
            s.settings.token_lock_timeout_secs,
            MAX_TOKEN_HOURS * 3600,
        ),
        (
            "reset_link_expiration_hours",
            s.settings.reset_link_expiration_hours,
            MAX_TOKEN_HOURS,
        ),
    ] {
        if !(0..=max).contains(&value) {
            return Err(format!(
                "settings.{name} {value} must be between 0 and {max}"
            ));
        }
    }
    if s.settings.oauth_max_future_skew_secs < 0 {
        return Err(format!(
            "settings.oauth_max_future_skew_secs {} must not be negative",
            s.settings.oauth_max_future_skew_secs
        ));
    }
    unique_ids("admins", "admin user id", s.admins.iter().map(|a| a.id))?;
    if let Some((name, _, _)) = duplicate(
        s.admins
            .iter()
            .map(|a| (a.username.to_ascii_lowercase(), ())),
    ) {
        return Err(format!("admins: user name {name:?} is used twice"));
    }
    s.integrations.validate()
}

// ---------------------------------------------------------------------------
// Websites, store groups, store views, store configurations

fn stores(s: &State) -> Checked {
    unique_ids("websites", "website id", s.websites.iter().map(|w| w.id))?;
    unique_ids(
        "store_groups",
        "store group id",
        s.store_groups.iter().map(|g| g.id),
    )?;
    unique_ids(
        "store_views",
        "store view id",
        s.store_views.iter().map(|v| v.id),
    )?;
    unique_ids(
        "store_configs",
        "store view id",
        s.store_configs.iter().map(|c| c.id),
    )?;
    for (section, what, codes) in [
        (
            "websites",
            "websites",
            s.websites
                .iter()
                .map(|w| (w.code.as_str(), w.id))
                .collect::<Vec<_>>(),
        ),
        (
            "store_groups",
            "store groups",
            s.store_groups
                .iter()
                .map(|g| (g.code.as_str(), g.id))
                .collect(),
        ),
        (
            "store_views",
            "store views",
            s.store_views
                .iter()
                .map(|v| (v.code.as_str(), v.id))
                .collect(),
        ),
    ] {
        if let Some((code, a, b)) = duplicate(codes) {
            return Err(format!(
                "{section}: code {code:?} is used by {what} {a} and {b}"
            ));
        }
    }
    let group = |id: u64| s.store_groups.iter().find(|g| g.id == id);
    let view = |id: u64| s.store_views.iter().find(|v| v.id == id);
    let website_exists = |id: u64| s.websites.iter().any(|w| w.id == id);
    for g in &s.store_groups {
        if !website_exists(g.website_id) {
            return Err(format!(
                "store_groups: store group {} names website {}, which does not exist",
                g.id, g.website_id
            ));
        }
    }
    for v in &s.store_views {
        match group(v.store_group_id) {
            None => {
                return Err(format!(
                    "store_views: store view {} names store group {}, which does not exist",
                    v.id, v.store_group_id
                ));
            }
            Some(g) if g.website_id != v.website_id => {
                return Err(format!(
                    "store_views: store view {} is in website {} but its store group {} is in website {}",
                    v.id, v.website_id, g.id, g.website_id
                ));
            }
            Some(_) => {}
        }
    }
    for w in &s.websites {
        if group(w.default_group_id).is_none_or(|g| g.website_id != w.id) {
            return Err(format!(
                "websites: website {} has default_group_id {}, which is no store group of that website",
                w.id, w.default_group_id
            ));
        }
    }
    for g in &s.store_groups {
        if view(g.default_store_id).is_none_or(|v| v.store_group_id != g.id) {
            return Err(format!(
                "store_groups: store group {} has default_store_id {}, which is no store view of that group",
                g.id, g.default_store_id
            ));
        }
        if g.root_category_id != 0 && !s.categories.contains_key(&g.root_category_id) {
            return Err(format!(
                "store_groups: store group {} has root category {}, which does not exist",
                g.id, g.root_category_id
            ));
        }
    }
    for c in &s.store_configs {
        if view(c.id).is_none_or(|v| v.code != c.code || v.website_id != c.website_id) {
            return Err(format!(
                "store_configs: configuration {} ({:?}) matches no store view of that id, code and website",
                c.id, c.code
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Categories

/// `a → b → … → a`, shortened in the middle when long.
fn cycle_text(cycle: &[u64]) -> String {
    let ids: Vec<String> = cycle.iter().map(u64::to_string).collect();
    if ids.len() <= 12 {
        return ids.join(" → ");
    }
    format!(
        "{} → … ({} categories) → {}",
        ids[..5].join(" → "),
        ids.len() - 7,
        ids[ids.len() - 2..].join(" → ")
    )
}

fn categories(s: &State) -> Checked {
    let cats = &s.categories;
    keys_match("categories", "category", cats, |c| c.id)?;
    counter(
        "category_id",
        s.next.category_id,
        "category",
        cats.keys().copied(),
    )?;
    for c in cats.values() {
        if c.id == TREE_ROOT_ID && c.parent_id != 0 {
            return Err(format!(
                "categories: category {TREE_ROOT_ID} is the Root Catalog and must have parent_id 0, not {}",
                c.parent_id
            ));
        }
        if c.id != TREE_ROOT_ID && c.parent_id == 0 {
            return Err(format!(
                "categories: category {} has parent_id 0; only the Root Catalog (category {TREE_ROOT_ID}) has no parent",
                c.id
            ));
        }
        if c.parent_id != 0 && !cats.contains_key(&c.parent_id) {
            return Err(format!(
                "categories: category {}'s parent {} does not exist",
                c.id, c.parent_id
            ));
        }
    }
    // No cycles: walk up from each category until the root or a category already known
    // to reach it; each category is walked once overall.
    let mut reaches_root: HashSet<u64> = HashSet::new();
    for start in cats.keys() {
        let mut walk: Vec<u64> = Vec::new();
        let mut on_walk: HashMap<u64, usize> = HashMap::new();
        let mut at = *start;
        loop {
            if at == 0 || reaches_root.contains(&at) {
                break;
            }
            if let Some(&from) = on_walk.get(&at) {
                let mut cycle = walk[from..].to_vec();
                cycle.push(at);
                return Err(format!(
                    "categories: category {at} is its own ancestor ({})",
                    cycle_text(&cycle)
                ));
            }
            on_walk.insert(at, walk.len());
            walk.push(at);
            at = cats.get(&at).map_or(0, |c| c.parent_id);
        }
        reaches_root.extend(walk);
    }
    let parent = |c: &Category| cats.get(&c.parent_id);
    for c in cats.values() {
        let expected = parent(c).map_or(0, |p| p.level.saturating_add(1));
        if c.level != expected {
            return Err(format!(
                "categories: category {} has level {}, expected {expected} (one below its parent)",
                c.id, c.level
            ));
        }
    }
    if let Some(deep) = cats.values().find(|c| c.level > catalog::MAX_LEVEL) {
        return Err(format!(
            "categories: category {} is {} levels deep; a category path of at most {} characters (Magento's varchar column) holds {} levels",
            deep.id,
            deep.level,
            catalog::MAX_PATH_CHARS,
            catalog::MAX_LEVEL
        ));
    }
    for c in cats.values() {
        let expected = match parent(c) {
            Some(p) => format!("{}/{}", p.path, c.id),
            None => c.id.to_string(),
        };
        if c.path != expected {
            return Err(format!(
                "categories: category {} has path {:?}, expected {expected:?} (its parent's path and its id)",
                c.id, c.path
            ));
        }
        if c.path.len() > catalog::MAX_PATH_CHARS {
            return Err(format!(
                "categories: category {}'s path is {} characters long; Magento's column holds {}",
                c.id,
                c.path.len(),
                catalog::MAX_PATH_CHARS
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Products and URL keys

fn product_attributes(s: &State) -> Checked {
    let attrs = &s.product_attributes;
    for a in attrs.iter() {
        if a.attribute_code.is_empty() {
            return Err(format!(
                "product_attributes: attribute {} has an empty attribute_code",
                a.attribute_id
            ));
        }
        if a.attribute_id == 0 {
            return Err(format!(
                "product_attributes: \"{}\" has attribute_id 0",
                a.attribute_code
            ));
        }
        if !a.options.is_empty() && !matches!(a.source, crate::attributes::Source::Table) {
            return Err(format!(
                "product_attributes: \"{}\" has options but no table source",
                a.attribute_code
            ));
        }
    }
    let layout = &s.attribute_set_layout;
    for g in layout.groups() {
        if !s
            .attribute_sets
            .iter()
            .any(|set| set.attribute_set_id == g.attribute_set_id)
        {
            return Err(format!(
                "attribute_set_layout: group {} names attribute set {}, which the store does not have",
                g.attribute_group_id, g.attribute_set_id
            ));
        }
    }
    for e in layout.rows() {
        let group_ok = layout.groups().any(|g| {
            g.attribute_group_id == e.attribute_group_id && g.attribute_set_id == e.attribute_set_id
        });
        if !group_ok || attrs.by_id(e.attribute_id).is_none() {
            return Err(format!(
                "attribute_set_layout: entity attribute {} needs a group of set {} and a stored attribute {}",
                e.entity_attribute_id, e.attribute_set_id, e.attribute_id
            ));
        }
    }
    counter(
        "attribute_group_id",
        s.next.attribute_group_id,
        "attribute group",
        layout.groups().map(|g| g.attribute_group_id),
    )?;
    counter(
        "entity_attribute_id",
        s.next.entity_attribute_id,
        "set assignment",
        layout.rows().map(|e| e.entity_attribute_id),
    )?;
    counter(
        "attribute_id",
        s.next.attribute_id,
        "product attribute",
        attrs.iter().map(|a| a.attribute_id),
    )?;
    counter(
        "attribute_option_id",
        s.next.attribute_option_id,
        "attribute option",
        attrs
            .iter()
            .flat_map(|a| a.options.iter().map(|o| o.option_id)),
    )
}

fn products(s: &State) -> Checked {
    product_attributes(s)?;
    keys_match("products", "product", &s.products, |p| p.id)?;
    counter(
        "product_id",
        s.next.product_id,
        "product",
        s.products.keys().copied(),
    )?;
    counter(
        "option_id",
        s.next.option_id,
        "custom option",
        s.products
            .values()
            .flat_map(|p| &p.options)
            .filter_map(|o| o.get("option_id").and_then(Value::as_u64)),
    )?;
    counter(
        "configurable_option_id",
        s.next.configurable_option_id,
        "configurable option",
        s.products
            .values()
            .flat_map(|p| &p.configurable_options)
            .map(|o| o.id),
    )?;
    unique_ids(
        "products",
        "configurable option id",
        s.products
            .values()
            .flat_map(|p| &p.configurable_options)
            .map(|o| o.id),
    )?;
    for p in s.products.values() {
        if !p.configurable_links.is_empty() || !p.configurable_options.is_empty() {
            if p.type_id != "configurable" {
                return Err(format!(
                    "products: {} has configurable options or links but is a {} product",
                    p.sku, p.type_id
                ));
            }
            for o in &p.configurable_options {
                if s.product_attributes.by_id(o.attribute_id).is_none() {
                    return Err(format!(
                        "products: {}'s configurable option {} names attribute {}, which the store does not have",
                        p.sku, o.id, o.attribute_id
                    ));
                }
            }
            for child in &p.configurable_links {
                if *child == p.id || !s.products.contains_key(child) {
                    return Err(format!(
                        "products: {} links child {child}, which is not another stored product",
                        p.sku
                    ));
                }
            }
        }
    }
    counter(
        "media_id",
        s.next.media_id,
        "media gallery entry",
        s.products
            .values()
            .flat_map(|p| &p.media_gallery_entries)
            .filter_map(|e| e.get("id").and_then(Value::as_u64)),
    )?;
    unique_ids(
        "attribute_sets",
        "attribute set id",
        s.attribute_sets.iter().map(|a| a.attribute_set_id),
    )?;
    if let Some((sku, a, b)) = duplicate(
        s.products
            .values()
            .map(|p| (p.sku.to_ascii_lowercase(), p.id)),
    ) {
        let shown = s.products.get(&b).map_or(sku, |p| p.sku.clone());
        return Err(format!(
            "products: SKU {shown:?} is used by products {a} and {b} (SKUs compare case-insensitively)"
        ));
    }
    for p in s.products.values() {
        if p.sku.is_empty() {
            return Err(format!("products: product {} has an empty SKU", p.id));
        }
        if !s
            .attribute_sets
            .iter()
            .any(|a| a.attribute_set_id == p.attribute_set_id)
        {
            return Err(format!(
                "products: product {} ({:?}) names attribute set {}, which does not exist",
                p.id, p.sku, p.attribute_set_id
            ));
        }
        for w in &p.website_ids {
            if !s.websites.iter().any(|x| x.id == *w) {
                return Err(format!(
                    "products: product {} ({:?}) is assigned to website {w}, which does not exist",
                    p.id, p.sku
                ));
            }
        }
        for link in &p.category_links {
            let id = link.get("category_id").and_then(Value::as_str);
            if !id
                .and_then(|id| id.parse::<u64>().ok())
                .is_some_and(|id| s.categories.contains_key(&id))
            {
                return Err(format!(
                    "products: product {} ({:?}) links category {}, which does not exist",
                    p.id,
                    p.sku,
                    link.get("category_id").unwrap_or(&Value::Null)
                ));
            }
        }
        if p.stock_item.product_id != p.id {
            return Err(format!(
                "products: product {}'s stock_item has product_id {}",
                p.id, p.stock_item.product_id
            ));
        }
    }
    Ok(())
}

fn attribute<'a>(attrs: &'a [catalog::CustomAttribute], code: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.attribute_code == code)
        .and_then(|a| a.value.as_str())
}

/// The save's collision rule: a product's `url_key`, and a category's `url_path` (else
/// its `url_key`) from level 2 down, are one namespace.
fn url_keys(s: &State) -> Checked {
    #[derive(Clone, Copy)]
    enum Owner {
        Product(u64),
        Category(u64),
    }
    impl Display for Owner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Owner::Product(id) => write!(f, "product {id}"),
                Owner::Category(id) => write!(f, "category {id}"),
            }
        }
    }
    let products = s
        .products
        .values()
        .filter_map(|p| p.attribute("url_key").map(|k| (k, Owner::Product(p.id))));
    let categories = s
        .categories
        .values()
        .filter(|c| c.level >= 2)
        .filter_map(|c| {
            attribute(&c.custom_attributes, "url_path")
                .or_else(|| attribute(&c.custom_attributes, "url_key"))
                .map(|k| (k, Owner::Category(c.id)))
        });
    match duplicate(products.chain(categories)) {
        Some((key, a, b)) => Err(format!("url keys: {key:?} is used by {a} and {b}")),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// MSI

fn inventory(s: &State) -> Checked {
    keys_match("stocks", "stock", &s.stocks, |st| st.stock_id)?;
    counter(
        "stock_id",
        s.next.stock_id,
        "stock",
        s.stocks.keys().copied(),
    )?;
    if let Some((code, _, _)) = duplicate(s.sources.iter().map(|x| (x.source_code.as_str(), ()))) {
        return Err(format!("sources: source code {code:?} is used twice"));
    }
    let source_exists = |code: &str| s.sources.iter().any(|x| x.source_code == code);
    if !source_exists(DEFAULT_SOURCE) {
        return Err(format!(
            "sources: the default source {DEFAULT_SOURCE:?} is missing (Magento cannot remove it)"
        ));
    }
    if !s.stocks.contains_key(&DEFAULT_STOCK) {
        return Err(format!(
            "stocks: the default stock {DEFAULT_STOCK} is missing (Magento cannot remove it)"
        ));
    }
    for st in s.stocks.values() {
        for c in &st.sales_channels {
            if c.kind == "website" && !s.websites.iter().any(|w| w.code == c.code) {
                return Err(format!(
                    "stocks: stock {} has sales channel website {:?}, which does not exist",
                    st.stock_id, c.code
                ));
            }
        }
    }
    if let Some(((kind, code), a, b)) = duplicate(s.stocks.values().flat_map(|st| {
        st.sales_channels.iter().map(|c| {
            (
                (c.kind.to_ascii_lowercase(), c.code.to_ascii_lowercase()),
                st.stock_id,
            )
        })
    })) {
        return Err(format!(
            "stocks: sales channel {kind} {code:?} is assigned to stocks {a} and {b} (a channel belongs to one stock)"
        ));
    }
    for l in &s.stock_source_links {
        if !s.stocks.contains_key(&l.stock_id) {
            return Err(format!(
                "stock_source_links: a link names stock {}, which does not exist",
                l.stock_id
            ));
        }
        if !source_exists(&l.source_code) {
            return Err(format!(
                "stock_source_links: a link names source {:?}, which does not exist",
                l.source_code
            ));
        }
        if l.priority <= 0 {
            return Err(format!(
                "stock_source_links: the link of stock {} and source {:?} has priority {}; it must be above 0",
                l.stock_id, l.source_code, l.priority
            ));
        }
    }
    if let Some(((stock, source), _, _)) = duplicate(
        s.stock_source_links
            .iter()
            .map(|l| ((l.stock_id, l.source_code.as_str()), ())),
    ) {
        return Err(format!(
            "stock_source_links: stock {stock} and source {source:?} are linked twice"
        ));
    }
    for i in &s.source_items {
        if !source_exists(&i.source_code) {
            return Err(format!(
                "source_items: the item of SKU {:?} names source {:?}, which does not exist",
                i.sku, i.source_code
            ));
        }
        if i.status > 1 {
            return Err(format!(
                "source_items: the item of SKU {:?} at {:?} has status {}; it must be 0 or 1",
                i.sku, i.source_code, i.status
            ));
        }
    }
    if let Some(((sku, source), _, _)) = duplicate(
        s.source_items
            .iter()
            .map(|i| ((i.sku.to_ascii_lowercase(), i.source_code.as_str()), ())),
    ) {
        return Err(format!(
            "source_items: SKU {sku:?} has two items at source {source:?} (SKUs compare case-insensitively)"
        ));
    }
    unique_ids(
        "reservations",
        "reservation id",
        s.reservations.iter().map(|r| r.reservation_id),
    )?;
    counter(
        "reservation_id",
        s.next.reservation_id,
        "reservation",
        s.reservations.iter().map(|r| r.reservation_id),
    )
}

// ---------------------------------------------------------------------------
// Customers, carts, tokens

/// A customer reference is sound when the customer exists, or was deleted: its id was
/// handed out (is below the counter), so no new customer can ever take it.
fn customer_ref(s: &State, id: u64) -> bool {
    s.customers.contains_key(&id) || id < s.next.customer_id
}

/// Customer groups: keys are ids, codes unique as MySQL compares them (and not empty,
/// at most 32 characters), customer tax classes only, NOT LOGGED IN and the default
/// group present, the counter above every id.
fn customer_groups(s: &State) -> Checked {
    use crate::customers::{GROUP_CODE_MAX_LENGTH, NOT_LOGGED_IN, customer_tax_class};
    keys_match(
        "customer_groups",
        "customer group",
        s.customer_groups.iter(),
        |g| g.id,
    )?;
    counter(
        "customer_group_id",
        s.next.customer_group_id,
        "customer group",
        s.customer_groups.keys().copied(),
    )?;
    if let Some((code, a, b)) = duplicate(
        s.customer_groups
            .values()
            .map(|g| (g.code.trim_end_matches(' ').to_lowercase(), g.id)),
    ) {
        return Err(format!(
            "customer_groups: code {code:?} is used by groups {a} and {b}"
        ));
    }
    for g in s.customer_groups.values() {
        if g.code.trim().is_empty() || g.code.chars().count() > GROUP_CODE_MAX_LENGTH {
            return Err(format!(
                "customer_groups: group {} has code {:?} (1 to {GROUP_CODE_MAX_LENGTH} characters, not only blanks)",
                g.id, g.code
            ));
        }
        if customer_tax_class(g.tax_class_id).is_none() {
            return Err(format!(
                "customer_groups: group {} has tax class {}, which is no customer tax class (3, Retail Customer)",
                g.id, g.tax_class_id
            ));
        }
    }
    if !s.customer_groups.contains_key(&NOT_LOGGED_IN) {
        return Err("customer_groups: group 0 (NOT LOGGED IN) is missing".into());
    }
    if !s
        .customer_groups
        .contains_key(&s.settings.default_customer_group)
    {
        return Err(format!(
            "settings.default_customer_group {} is no customer group",
            s.settings.default_customer_group
        ));
    }
    Ok(())
}

/// Token request log rows are keyed by the user name as MySQL compares it
/// (lower-cased): another key could never be found.
fn token_request_log(s: &State) -> Checked {
    for (kind, rows) in [
        ("admin", &s.token_request_log.admin),
        ("customer", &s.token_request_log.customer),
    ] {
        if let Some(name) = rows.keys().find(|k| k.to_lowercase() != **k) {
            return Err(format!(
                "token_request_log.{kind}: user name {name:?} must be lower-case"
            ));
        }
        if rows.len() > crate::customers::TOKEN_LOG_CAPACITY {
            return Err(format!(
                "token_request_log.{kind}: {} rows, more than the {} kept",
                rows.len(),
                crate::customers::TOKEN_LOG_CAPACITY
            ));
        }
    }
    Ok(())
}

fn customers(s: &State) -> Checked {
    customer_groups(s)?;
    token_request_log(s)?;
    keys_match("customers", "customer", &s.customers, |c| c.id)?;
    counter(
        "customer_id",
        s.next.customer_id,
        "customer",
        s.customers.keys().copied(),
    )?;
    let addresses = || s.customers.values().flat_map(|c| c.addresses.iter());
    if let Some((id, a, b)) = duplicate(addresses().map(|a| (a.id, a.customer_id))) {
        return Err(format!(
            "customers: address id {id} is used by customers {a} and {b}"
        ));
    }
    counter(
        "customer_address_id",
        s.next.customer_address_id,
        "customer address",
        addresses().map(|a| a.id),
    )?;
    if let Some(((email, website), a, b)) = duplicate(
        s.customers
            .values()
            .map(|c| ((c.email.to_ascii_lowercase(), c.website_id), c.id)),
    ) {
        return Err(format!(
            "customers: e-mail {email:?} is used by customers {a} and {b} in website {website}"
        ));
    }
    for c in s.customers.values() {
        if !s.websites.iter().any(|w| w.id == c.website_id) {
            return Err(format!(
                "customers: customer {} is in website {}, which does not exist",
                c.id, c.website_id
            ));
        }
        if !s.store_views.iter().any(|v| v.id == c.store_id) {
            return Err(format!(
                "customers: customer {} is in store view {}, which does not exist",
                c.id, c.store_id
            ));
        }
        if !s.customer_groups.contains_key(&c.group_id) {
            return Err(format!(
                "customers: customer {} is in customer group {}, which does not exist",
                c.id, c.group_id
            ));
        }
        for (what, at) in [
            ("first_failure", &c.first_failure),
            ("lock_expires", &c.lock_expires),
            ("rp_token_created_at", &c.rp_token_created_at),
        ] {
            if let Some(at) = at
                .as_deref()
                .filter(|t| crate::dates::parse_db_time(t).is_none())
            {
                return Err(format!(
                    "customers: customer {}'s {what} {at:?} is not a YYYY-MM-DD HH:MM:SS time",
                    c.id
                ));
            }
        }
        for a in &c.addresses {
            if a.customer_id != c.id {
                return Err(format!(
                    "customers: customer {} holds address {} of customer {}",
                    c.id, a.id, a.customer_id
                ));
            }
        }
        for (what, default) in [
            ("default_billing", c.default_billing),
            ("default_shipping", c.default_shipping),
        ] {
            if let Some(id) = default.filter(|id| !c.addresses.iter().any(|a| a.id == *id)) {
                return Err(format!(
                    "customers: customer {}'s {what} is address {id}, which is not one of theirs",
                    c.id
                ));
            }
        }
    }
    Ok(())
}

fn carts(s: &State) -> Checked {
    let ids = &s.next.sales;
    keys_match("carts", "cart", &s.carts, |c| c.id)?;
    counter("sales.quote", ids.quote, "cart", s.carts.keys().copied())?;
    let items = || {
        s.carts
            .values()
            .flat_map(|c| c.items.iter().map(move |i| (i, c.id)))
    };
    if let Some((id, a, b)) = duplicate(items().map(|(i, cart)| (i.item_id, cart))) {
        return Err(format!("carts: item id {id} is used by carts {a} and {b}"));
    }
    counter(
        "sales.quote_item",
        ids.quote_item,
        "cart item",
        items().map(|(i, _)| i.item_id),
    )?;
    let payments: Vec<(u64, u64)> = s
        .carts
        .values()
        .filter_map(|c| c.payment_id.map(|p| (p, c.id)))
        .collect();
    let addresses: Vec<(u64, u64)> = s
        .carts
        .values()
        .filter_map(|c| c.billing_address_id.map(|a| (a, c.id)))
        .collect();
    for (name, next, what, ids) in [
        (
            "sales.quote_payment",
            ids.quote_payment,
            "quote payment",
            payments,
        ),
        (
            "sales.quote_address",
            ids.quote_address,
            "quote address",
            addresses,
        ),
    ] {
        if let Some((id, a, b)) = duplicate(ids.iter().copied()) {
            return Err(format!(
                "carts: {what} id {id} is used by carts {a} and {b}"
            ));
        }
        counter(name, next, what, ids.iter().map(|(id, _)| *id))?;
    }
    if let Some((masked, a, b)) = duplicate(
        s.carts
            .values()
            .filter_map(|c| c.masked_id.as_deref().map(|m| (m, c.id))),
    ) {
        return Err(format!(
            "carts: masked id {masked:?} is used by carts {a} and {b}"
        ));
    }
    for c in s.carts.values() {
        if !s.store_views.iter().any(|v| v.id == c.store_id) {
            return Err(format!(
                "carts: cart {} is in store view {}, which does not exist",
                c.id, c.store_id
            ));
        }
        if let Some(customer) = c.customer_id.filter(|id| !customer_ref(s, *id)) {
            return Err(format!(
                "carts: cart {} belongs to customer {customer}, who does not exist and was never created (next.customer_id {})",
                c.id, s.next.customer_id
            ));
        }
    }
    Ok(())
}

fn tokens(s: &State) -> Checked {
    let shown = |token: &str| format!("{}…", token.chars().take(12).collect::<String>());
    if let Some((token, _, _)) = duplicate(s.tokens.iter().map(|t| (t.token.as_str(), ()))) {
        return Err(format!(
            "tokens: token {:?} is issued twice; token strings must be unique",
            shown(token)
        ));
    }
    if let Some((t, i)) = s.tokens.iter().find_map(|t| {
        s.integrations
            .by_access_token(&t.token)
            .filter(|i| i.access_token == t.token)
            .map(|i| (t, i))
    }) {
        return Err(format!(
            "tokens: token {:?} is also the access token of integration {}",
            shown(&t.token),
            i.id
        ));
    }
    if let Some(t) = s.tokens.iter().find(|t| t.token.is_empty()) {
        return Err(format!("tokens: a token of {:?} is empty", t.owner));
    }
    let issued = u64::try_from(s.tokens.len()).unwrap_or(u64::MAX);
    if s.next.token <= issued {
        return Err(format!(
            "next.token {} must be above the number of tokens issued ({issued})",
            s.next.token
        ));
    }
    for t in &s.tokens {
        match t.owner {
            TokenOwner::Admin { user_id } => {
                if !s.admins.iter().any(|a| a.id == user_id) {
                    return Err(format!(
                        "tokens: a token belongs to admin user {user_id}, who does not exist"
                    ));
                }
            }
            TokenOwner::Customer { customer_id } => {
                let sound = s.customers.contains_key(&customer_id)
                    || (t.revoked && customer_ref(s, customer_id));
                if !sound {
                    return Err(format!(
                        "tokens: a {} token belongs to customer {customer_id}, who does not exist",
                        if t.revoked { "revoked" } else { "live" }
                    ));
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Orders and documents

fn orders(s: &State) -> Checked {
    let ids = &s.next.sales;
    keys_match("orders", "order", s.orders.iter(), |o| o.entity_id)?;
    counter("sales.order", ids.order, "order", s.orders.keys().copied())?;
    if let Some(o) = s
        .orders
        .values()
        .find(|o| increment_number(&o.increment_id).is_some_and(|n| n >= ids.order_increment))
    {
        return Err(format!(
            "next.sales.order_increment {} must be above every order increment id (order {} is {:?})",
            ids.order_increment, o.entity_id, o.increment_id
        ));
    }
    let items = || {
        s.orders
            .values()
            .flat_map(|o| o.items.iter().map(move |i| (i.item_id, o.entity_id)))
    };
    if let Some((id, a, b)) = duplicate(items()) {
        return Err(format!(
            "orders: item id {id} is used by orders {a} and {b}"
        ));
    }
    counter(
        "sales.order_item",
        ids.order_item,
        "order item",
        items().map(|(i, _)| i),
    )?;
    let addresses = || {
        s.orders.values().flat_map(|o| {
            std::iter::once(&o.billing_address)
                .chain(o.shipping_address.as_ref())
                .map(move |a| (a.entity_id, o.entity_id))
        })
    };
    if let Some((id, a, b)) = duplicate(addresses()) {
        return Err(format!(
            "orders: address id {id} is used by orders {a} and {b}"
        ));
    }
    counter(
        "sales.order_address",
        ids.order_address,
        "order address",
        addresses().map(|(a, _)| a),
    )?;
    let payments = || {
        s.orders
            .values()
            .map(|o| (o.payment.entity_id, o.entity_id))
    };
    if let Some((id, a, b)) = duplicate(payments()) {
        return Err(format!(
            "orders: payment id {id} is used by orders {a} and {b}"
        ));
    }
    counter(
        "sales.payment",
        ids.payment,
        "payment",
        payments().map(|(p, _)| p),
    )?;
    let comments = s
        .orders
        .values()
        .flat_map(|o| o.status_histories.iter().map(|h| h.entity_id))
        .chain(
            s.invoices
                .values()
                .flat_map(|d| d.comments.iter().map(|c| c.entity_id)),
        )
        .chain(
            s.shipments
                .values()
                .flat_map(|d| d.comments.iter().map(|c| c.entity_id)),
        )
        .chain(
            s.creditmemos
                .values()
                .flat_map(|d| d.comments.iter().map(|c| c.entity_id)),
        );
    counter("sales.comment", ids.comment, "comment", comments)?;
    for o in s.orders.values() {
        if o.items.is_empty() {
            return Err(format!("orders: order {} has no items", o.entity_id));
        }
        if !s.store_views.iter().any(|v| v.id == o.store_id) {
            return Err(format!(
                "orders: order {} is in store view {}, which does not exist",
                o.entity_id, o.store_id
            ));
        }
        if o.quote_id >= ids.quote {
            return Err(format!(
                "orders: order {} was placed from cart {}, which next.sales.quote {} has not handed out yet",
                o.entity_id, o.quote_id, ids.quote
            ));
        }
        if let Some(customer) = o.customer_id.filter(|id| !customer_ref(s, *id)) {
            return Err(format!(
                "orders: order {} belongs to customer {customer}, who does not exist and was never created (next.customer_id {})",
                o.entity_id, s.next.customer_id
            ));
        }
    }
    Ok(())
}

/// One document kind, seen uniformly.
struct Doc<'a> {
    id: u64,
    increment_id: &'a str,
    order_id: u64,
    items: &'a [crate::sales::DocItem],
}

fn documents(s: &State) -> Checked {
    let ids = &s.next.sales;
    keys_match("invoices", "invoice", s.invoices.iter(), |d| d.entity_id)?;
    keys_match("shipments", "shipment", s.shipments.iter(), |d| d.entity_id)?;
    keys_match("creditmemos", "credit memo", s.creditmemos.iter(), |d| {
        d.entity_id
    })?;
    let invoices: Vec<Doc<'_>> = s
        .invoices
        .values()
        .map(|d| Doc {
            id: d.entity_id,
            increment_id: &d.increment_id,
            order_id: d.order_id,
            items: &d.items,
        })
        .collect();
    let shipments: Vec<Doc<'_>> = s
        .shipments
        .values()
        .map(|d| Doc {
            id: d.entity_id,
            increment_id: &d.increment_id,
            order_id: d.order_id,
            items: &d.items,
        })
        .collect();
    let memos: Vec<Doc<'_>> = s
        .creditmemos
        .values()
        .map(|d| Doc {
            id: d.entity_id,
            increment_id: &d.increment_id,
            order_id: d.order_id,
            items: &d.items,
        })
        .collect();
    for (section, what, counter_name, next, docs) in [
        (
            "invoices",
            "invoice",
            "sales.invoice",
            ids.invoice,
            &invoices,
        ),
        (
            "shipments",
            "shipment",
            "sales.shipment",
            ids.shipment,
            &shipments,
        ),
        (
            "creditmemos",
            "credit memo",
            "sales.creditmemo",
            ids.creditmemo,
            &memos,
        ),
    ] {
        counter(counter_name, next, what, docs.iter().map(|d| d.id))?;
        if let Some(d) = docs
            .iter()
            .find(|d| increment_number(d.increment_id).is_some_and(|n| n >= next))
        {
            return Err(format!(
                "next.{counter_name} {next} must be above every {what} increment id ({what} {} is {:?})",
                d.id, d.increment_id
            ));
        }
        if let Some((increment, a, b)) = duplicate(docs.iter().map(|d| (d.increment_id, d.id))) {
            return Err(format!(
                "{section}: increment id {increment:?} is used by {what}s {a} and {b}"
            ));
        }
        for d in docs.iter() {
            let Some(order) = s.orders.get(&d.order_id) else {
                return Err(format!(
                    "{section}: {what} {} belongs to order {}, which does not exist",
                    d.id, d.order_id
                ));
            };
            if let Some(item) = d
                .items
                .iter()
                .find(|i| !order.items.iter().any(|o| o.item_id == i.order_item_id))
            {
                return Err(format!(
                    "{section}: {what} {} has a line for order item {}, which order {} does not have",
                    d.id, item.order_item_id, d.order_id
                ));
            }
        }
    }
    let lines = || {
        invoices
            .iter()
            .chain(&shipments)
            .chain(&memos)
            .flat_map(|d| d.items.iter().map(|i| i.entity_id))
    };
    unique_ids(
        "invoices, shipments and creditmemos",
        "document line id",
        lines(),
    )?;
    counter("sales.doc_item", ids.doc_item, "document line", lines())?;
    let tracks = || {
        s.shipments
            .values()
            .flat_map(|d| d.tracks.iter().map(|t| t.entity_id))
    };
    unique_ids("shipments", "track id", tracks())?;
    counter("sales.track", ids.track, "shipment track", tracks())?;
    // Each document kind keeps its comments in its own table: ids are unique within it.
    unique_ids(
        "invoices",
        "comment id",
        s.invoices
            .values()
            .flat_map(|d| d.comments.iter().map(|c| c.entity_id)),
    )?;
    unique_ids(
        "shipments",
        "comment id",
        s.shipments
            .values()
            .flat_map(|d| d.comments.iter().map(|c| c.entity_id)),
    )?;
    unique_ids(
        "creditmemos",
        "comment id",
        s.creditmemos
            .values()
            .flat_map(|d| d.comments.iter().map(|c| c.entity_id)),
    )?;
    for d in s.shipments.values() {
        if let Some(t) = d
            .tracks
            .iter()
            .find(|t| t.track_number.is_empty() || t.carrier_code.is_empty())
        {
            return Err(format!(
                "shipments: track {} of shipment {} needs a track_number and a carrier_code",
                t.entity_id, d.entity_id
            ));
        }
    }
    for d in s.shipments.values() {
        if !s.sources.iter().any(|x| x.source_code == d.source_code) {
            return Err(format!(
                "shipments: shipment {} ships from source {:?}, which does not exist",
                d.entity_id, d.source_code
            ));
        }
    }
    for d in s.creditmemos.values() {
        if let Some(invoice) = d.invoice_id {
            if s.invoices
                .get(&invoice)
                .is_none_or(|i| i.order_id != d.order_id)
            {
                return Err(format!(
                    "creditmemos: credit memo {} refunds invoice {invoice}, which is no invoice of order {}",
                    d.entity_id, d.order_id
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixture_passes() {
        let seed = crate::fixtures::default_state();
        assert_eq!(validate(&seed), Ok(()));
        let export = serde_json::to_value(&seed).unwrap();
        assert_eq!(import(export), Ok(seed));
    }

    #[test]
    fn increment_numbers_are_what_a_counter_makes() {
        assert_eq!(increment_number("000000012"), Some(12));
        assert_eq!(increment_number("1234567890"), Some(1_234_567_890));
        assert_eq!(increment_number("12"), None);
        assert_eq!(increment_number("INV-1"), None);
    }

    #[test]
    fn long_cycles_are_shortened() {
        let cycle: Vec<u64> = (1..=20).chain([1]).collect();
        assert_eq!(
            cycle_text(&cycle),
            "1 → 2 → 3 → 4 → 5 → … (14 categories) → 20 → 1"
        );
        assert_eq!(cycle_text(&[5, 7, 5]), "5 → 7 → 5");
    }
}
