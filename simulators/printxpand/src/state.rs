//! The extension's data: customers, categories (a tree), products and orders, each
//! indexed by its id (customers also by e-mail), with its plain-list form
//! ([`Snapshot`]) and the category tree `/__sim/state` shows ([`CategoryNode`]; the
//! whole document is `crate::store`'s).
//!
//! Ids are kept as text, the way the platform keys its maps: `"101"` and `101` name the
//! same category. Each table keeps its rows in insertion order (so a dump reads the way
//! the store was filled) beside a `HashMap` from id to row, so no lookup scans a table.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The indexes' map: foldhash, several times faster than SipHash on short ids (a local
/// sandbox has no hash-flooding adversary).
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A row with an id.
pub trait Keyed {
    /// The row's id, as text.
    fn key(&self) -> &str;
}

/// Rows in insertion order, indexed by id.
#[derive(Debug, Clone)]
pub struct Table<T> {
    rows: BTreeMap<u64, T>,
    by_id: FastMap<String, u64>,
    next: u64,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            by_id: FastMap::default(),
            next: 0,
        }
    }
}

impl<T: Keyed> Table<T> {
    /// The row with id `id`.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id).and_then(|n| self.rows.get(n))
    }

    /// The row with id `id`, to change (its id must stay).
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.by_id.get(id).and_then(|n| self.rows.get_mut(n))
    }

    /// Whether a row has id `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Adds `row`, or replaces the row with its id in place; true when it was added.
    pub(crate) fn upsert(&mut self, row: T) -> bool {
        match self.by_id.get(row.key()) {
            Some(n) => {
                self.rows.insert(*n, row);
                false
            }
            None => {
                let n = self.next;
                self.next += 1;
                self.by_id.insert(row.key().to_owned(), n);
                self.rows.insert(n, row);
                true
            }
        }
    }

    /// Removes and returns the row with id `id`.
    pub(crate) fn remove(&mut self, id: &str) -> Option<T> {
        let n = self.by_id.remove(id)?;
        self.rows.remove(&n)
    }

    /// The rows, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows.values()
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// A customer. Only the names change once it exists (the seed: "The 'first name' and
/// 'last name' will only be updated").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// Its id.
    pub id: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// E-mail address, unique across customers (ignoring case).
    #[serde(default)]
    pub email: Option<String>,
}

impl Keyed for Customer {
    fn key(&self) -> &str {
        &self.id
    }
}

/// How deep categories go: a root category is at depth 1. Magento keeps a category's
/// ancestry in `catalog_category_entity.path`, a `varchar(255)` of slash-separated
/// entity ids, which holds about 40 levels of five-digit ids; the simulator refuses a
/// deeper category so the tree `/__sim/state` shows stays within what it can import.
pub const MAX_CATEGORY_DEPTH: usize = 40;

/// A category as `/__sim/state` shows it: in a tree, each with its children (in the
/// order they were created).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryNode {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// 1 enabled, 0 disabled.
    #[serde(default = "one")]
    pub status: u8,
    /// The categories under it.
    #[serde(default)]
    pub children: Vec<CategoryNode>,
}

impl CategoryNode {
    /// The categories of `roots` as rows naming their parents, parents first. Iterative,
    /// whatever the depth.
    pub fn flatten(roots: Vec<CategoryNode>) -> Vec<Category> {
        let mut out = Vec::new();
        let mut stack: Vec<(Option<String>, CategoryNode)> =
            roots.into_iter().rev().map(|n| (None, n)).collect();
        while let Some((parent_id, node)) = stack.pop() {
            let CategoryNode {
                id,
                name,
                status,
                children,
            } = node;
            stack.extend(children.into_iter().rev().map(|c| (Some(id.clone()), c)));
            out.push(Category {
                id,
                name,
                parent_id,
                status,
            });
        }
        out
    }
}

/// A category; `parent_id` `None` is a root category (the seed's `0`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its parent, `None` at the root.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// 1 enabled, 0 disabled.
    #[serde(default = "one")]
    pub status: u8,
}

fn one() -> u8 {
    1
}

impl Keyed for Category {
    fn key(&self) -> &str {
        &self.id
    }
}

/// `simple` or `configurable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductType {
    /// A simple product.
    Simple,
    /// A configurable product with variations.
    Configurable,
}

/// A tier price: `price` from `qty` items on, as the request wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierPrice {
    /// The unit price.
    pub price: String,
    /// The quantity it starts at.
    pub qty: String,
}

/// One value of a select-like custom option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionValue {
    /// Its title.
    pub title: String,
    /// Its value, if sent.
    #[serde(default)]
    pub value: Option<String>,
    /// Sort order.
    #[serde(default)]
    pub sort_order: Option<i64>,
    /// Price.
    #[serde(default)]
    pub price: Option<String>,
    /// `fixed` or `percent`.
    #[serde(default)]
    pub price_type: Option<String>,
    /// SKU.
    #[serde(default)]
    pub sku: Option<String>,
}

/// A product's custom option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomOption {
    /// Its title.
    pub title: String,
    /// One of [`crate::products::OPTION_TYPES`].
    #[serde(rename = "type")]
    pub option_type: String,
    /// Sort order.
    #[serde(default)]
    pub sort_order: Option<i64>,
    /// Whether the option is required.
    #[serde(default)]
    pub is_require: bool,
    /// Price.
    #[serde(default)]
    pub price: Option<String>,
    /// `fixed` or `percent`.
    #[serde(default)]
    pub price_type: Option<String>,
    /// SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// Text options: the longest answer.
    #[serde(default)]
    pub max_characters: Option<u64>,
    /// File options: allowed extensions, `png,jpg`.
    #[serde(default)]
    pub file_extension: Option<String>,
    /// File options: image width.
    #[serde(default)]
    pub image_size_x: Option<String>,
    /// File options: image height.
    #[serde(default)]
    pub image_size_y: Option<String>,
    /// Select-like options: the values.
    #[serde(default)]
    pub values: Vec<OptionValue>,
}

/// One attribute of a variation: `Size` = `M`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    /// The attribute (one of the product's `attribute_names`).
    pub name: String,
    /// Its option.
    pub option: String,
}

/// A configurable product's variation (sub-product). Kept inside its product: the seed
/// reuses product ids (10002) as variation ids, so they are not products of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variation {
    /// Its id.
    pub id: String,
    /// 1 enabled, 0 disabled.
    #[serde(default = "one")]
    pub status: u8,
    /// Price.
    #[serde(default)]
    pub price: Option<String>,
    /// Special price.
    #[serde(default)]
    pub special_price: Option<String>,
    /// Image sources.
    #[serde(default)]
    pub images: Vec<String>,
    /// Its attributes, one per product attribute name.
    pub attributes: Vec<Attribute>,
}

/// A product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Simple or configurable.
    #[serde(rename = "type")]
    pub product_type: ProductType,
    /// Price.
    #[serde(default)]
    pub price: Option<String>,
    /// Special price.
    #[serde(default)]
    pub special_price: Option<String>,
    /// The categories it is in.
    #[serde(default)]
    pub category_ids: Vec<String>,
    /// 1 enabled, 0 disabled.
    #[serde(default = "one")]
    pub status: u8,
    /// 1 when the product designer is enabled.
    #[serde(default)]
    pub enable_product_designer: u8,
    /// Image sources.
    #[serde(default)]
    pub images: Vec<String>,
    /// Tier prices.
    #[serde(default)]
    pub tier_prices: Vec<TierPrice>,
    /// Custom options.
    #[serde(default)]
    pub custom_options: Vec<CustomOption>,
    /// Configurable products: the attributes their variations vary on.
    #[serde(default)]
    pub attribute_names: Vec<String>,
    /// Configurable products: the variations.
    #[serde(default)]
    pub variations: Vec<Variation>,
}

impl Keyed for Product {
    fn key(&self) -> &str {
        &self.id
    }
}

/// An order's shipping address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShippingAddress {
    /// The addressee (required).
    pub name: String,
    /// Line 1.
    #[serde(default)]
    pub address1: Option<String>,
    /// Line 2.
    #[serde(default)]
    pub address2: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State.
    #[serde(default)]
    pub state: Option<String>,
    /// Country.
    #[serde(default)]
    pub country: Option<String>,
    /// Country code.
    #[serde(default)]
    pub country_code: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub zip: Option<String>,
}

/// An order. The item arrays keep the JSON values as sent (the seed sends design ids and
/// prices as strings, quantities as numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Its id.
    pub order_id: String,
    /// Where it ships.
    pub shipping_address: ShippingAddress,
    /// Sub-total, as sent.
    pub sub_total: String,
    /// Status, as sent (`Success`, `Open`…).
    #[serde(default)]
    pub status: Option<String>,
    /// Design ids, one per item.
    pub design_id: Vec<Value>,
    /// Item prices, one per item.
    pub item_price: Vec<Value>,
    /// Item quantities, one per item.
    pub item_qty: Vec<Value>,
}

impl Keyed for Order {
    fn key(&self) -> &str {
        &self.order_id
    }
}

/// The whole store as `/__sim/state` shows and imports it: plain lists, in insertion
/// order. [`Snapshot::validate`] checks one before it becomes a [`State`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Customers.
    #[serde(default)]
    pub customers: Vec<Customer>,
    /// Categories (each names its parent).
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Products.
    #[serde(default)]
    pub products: Vec<Product>,
    /// Orders.
    #[serde(default)]
    pub orders: Vec<Order>,
}

impl Snapshot {
    /// Checks an imported store: ids present and unique per kind, e-mails unique
    /// (ignoring case), every category's parent and every product's category present,
    /// and no category its own ancestor. Iterative, whatever the data's depth.
    pub fn validate(&self) -> Result<(), String> {
        fn unique<'a>(kind: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), String> {
            let mut seen = HashSet::new();
            for id in ids {
                if id.is_empty() {
                    return Err(format!("{kind}: an empty id"));
                }
                if !seen.insert(id) {
                    return Err(format!("{kind}: id {id} appears twice"));
                }
            }
            Ok(())
        }
        unique("customers", self.customers.iter().map(|c| c.id.as_str()))?;
        unique("categories", self.categories.iter().map(|c| c.id.as_str()))?;
        unique("products", self.products.iter().map(|p| p.id.as_str()))?;
        unique("orders", self.orders.iter().map(|o| o.order_id.as_str()))?;
        let mut emails = HashMap::new();
        for c in &self.customers {
            if let Some(e) = &c.email
                && let Some(other) = emails.insert(e.to_lowercase(), &c.id)
            {
                return Err(format!(
                    "customers: {other} and {} have the e-mail {e}",
                    c.id
                ));
            }
        }
        let parents: HashMap<&str, Option<&str>> = self
            .categories
            .iter()
            .map(|c| (c.id.as_str(), c.parent_id.as_deref()))
            .collect();
        for c in &self.categories {
            if let Some(p) = &c.parent_id
                && !parents.contains_key(p.as_str())
            {
                return Err(format!("categories: {}'s parent {p} does not exist", c.id));
            }
        }
        // Walk up from each category until a category of known depth or the root; a
        // walk longer than the number of categories has met a cycle. Then every
        // category on the walk learns its depth.
        let mut depths: HashMap<&str, usize> = HashMap::new();
        for c in &self.categories {
            let mut path = Vec::new();
            let mut at = Some(c.id.as_str());
            let mut base = 0;
            while let Some(id) = at {
                if let Some(d) = depths.get(id) {
                    base = *d;
                    break;
                }
                if path.len() > parents.len() {
                    return Err(format!("categories: {} is in a cycle", c.id));
                }
                path.push(id);
                at = parents.get(id).copied().flatten();
            }
            for (up, id) in path.iter().rev().enumerate() {
                let depth = base + up + 1;
                if depth > MAX_CATEGORY_DEPTH {
                    return Err(format!(
                        "categories: {id} is {depth} levels deep; at most {MAX_CATEGORY_DEPTH}"
                    ));
                }
                depths.insert(id, depth);
            }
        }
        for p in &self.products {
            for cat in &p.category_ids {
                if !parents.contains_key(cat.as_str()) {
                    return Err(format!(
                        "products: {}'s category {cat} does not exist",
                        p.id
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The store, with its indexes.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub(crate) customers: Table<Customer>,
    /// Lower-cased e-mail → customer id.
    pub(crate) emails: FastMap<String, String>,
    pub(crate) categories: Table<Category>,
    /// Category id → its children's ids (root categories are under no key).
    pub(crate) children: FastMap<String, BTreeSet<String>>,
    pub(crate) products: Table<Product>,
    /// Category id → the ids of the products in it.
    pub(crate) products_in: FastMap<String, BTreeSet<String>>,
    pub(crate) orders: Table<Order>,
}

impl State {
    /// The customers.
    pub fn customers(&self) -> &Table<Customer> {
        &self.customers
    }

    /// The id of the customer with e-mail `email` (any case).
    pub fn customer_by_email(&self, email: &str) -> Option<&Customer> {
        self.emails
            .get(&email.to_lowercase())
            .and_then(|id| self.customers.get(id))
    }

    /// The categories.
    pub fn categories(&self) -> &Table<Category> {
        &self.categories
    }

    /// The children of category `id`.
    pub fn children(&self, id: &str) -> impl Iterator<Item = &Category> {
        self.children
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|c| self.categories.get(c))
    }

    /// The products.
    pub fn products(&self) -> &Table<Product> {
        &self.products
    }

    /// The orders.
    pub fn orders(&self) -> &Table<Order> {
        &self.orders
    }

    /// The categories as a tree, each level in creation order. Built bottom-up without
    /// recursion.
    pub fn category_tree(&self) -> Vec<CategoryNode> {
        let mut kids: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut roots = Vec::new();
        for c in self.categories.iter() {
            match &c.parent_id {
                Some(p) => kids.entry(p.as_str()).or_default().push(&c.id),
                None => roots.push(c.id.as_str()),
            }
        }
        let mut order = Vec::with_capacity(self.categories.len());
        let mut stack: Vec<&str> = roots.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            order.push(id);
            stack.extend(kids.get(id).into_iter().flatten().rev());
        }
        let mut built: HashMap<&str, CategoryNode> = HashMap::new();
        for id in order.into_iter().rev() {
            let Some(c) = self.categories.get(id) else {
                continue;
            };
            let children = kids
                .get(id)
                .into_iter()
                .flatten()
                .filter_map(|k| built.remove(k))
                .collect();
            built.insert(
                id,
                CategoryNode {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    status: c.status,
                    children,
                },
            );
        }
        roots.into_iter().filter_map(|r| built.remove(r)).collect()
    }

    /// How deep category `id` is (1 for a root); 0 when there is no such category.
    pub(crate) fn depth(&self, id: &str) -> usize {
        let mut depth = 0;
        let mut at = self.categories.get(id);
        // Depth is bounded by MAX_CATEGORY_DEPTH; the bound only guards the loop.
        while let Some(c) = at {
            depth += 1;
            if depth > self.categories.len() {
                break;
            }
            at = c.parent_id.as_deref().and_then(|p| self.categories.get(p));
        }
        depth
    }

    /// How many levels category `id` and those under it span (1 for a leaf).
    pub(crate) fn height(&self, id: &str) -> usize {
        let mut level: Vec<&str> = vec![id];
        let mut height = 0;
        while !level.is_empty() && height <= MAX_CATEGORY_DEPTH {
            height += 1;
            level = level
                .iter()
                .flat_map(|c| self.children.get(*c).into_iter().flatten())
                .map(String::as_str)
                .collect();
        }
        height
    }

    /// The store as plain lists.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            customers: self.customers.iter().cloned().collect(),
            categories: self.categories.iter().cloned().collect(),
            products: self.products.iter().cloned().collect(),
            orders: self.orders.iter().cloned().collect(),
        }
    }

    /// Adds or replaces a customer, keeping the e-mail index.
    pub(crate) fn put_customer(&mut self, c: Customer) -> bool {
        if let Some(old) = self.customers.get(&c.id).and_then(|o| o.email.clone()) {
            self.emails.remove(&old.to_lowercase());
        }
        if let Some(e) = &c.email {
            self.emails.insert(e.to_lowercase(), c.id.clone());
        }
        self.customers.upsert(c)
    }

    /// Adds or replaces a category, keeping the children index.
    pub(crate) fn put_category(&mut self, c: Category) -> bool {
        let old_parent = self.categories.get(&c.id).and_then(|o| o.parent_id.clone());
        if let Some(p) = old_parent {
            self.unlink_child(&p, &c.id);
        }
        if let Some(p) = &c.parent_id {
            self.children
                .entry(p.clone())
                .or_default()
                .insert(c.id.clone());
        }
        self.categories.upsert(c)
    }

    fn unlink_child(&mut self, parent: &str, child: &str) {
        if let Some(set) = self.children.get_mut(parent) {
            set.remove(child);
            if set.is_empty() {
                self.children.remove(parent);
            }
        }
    }

    /// Whether `ancestor` is `id` or one of its ancestors.
    pub(crate) fn is_ancestor_or_self(&self, ancestor: &str, id: &str) -> bool {
        let mut at = Some(id);
        // A valid tree has no path longer than its size; the bound only guards the loop.
        for _ in 0..=self.categories.len() {
            match at {
                Some(a) if a == ancestor => return true,
                Some(a) => at = self.categories.get(a).and_then(|c| c.parent_id.as_deref()),
                None => return false,
            }
        }
        false
    }

    /// Removes category `id` and, as Magento does, every category under it; the
    /// products lose them. False when there is no such category.
    pub(crate) fn delete_category(&mut self, id: &str) -> bool {
        let Some(top) = self.categories.remove(id) else {
            return false;
        };
        if let Some(p) = &top.parent_id {
            self.unlink_child(p, id);
        }
        let mut stack = vec![top.id];
        while let Some(c) = stack.pop() {
            if let Some(kids) = self.children.remove(&c) {
                for k in kids {
                    self.categories.remove(&k);
                    stack.push(k);
                }
            }
            for pid in self.products_in.remove(&c).into_iter().flatten() {
                if let Some(p) = self.products.get_mut(&pid) {
                    p.category_ids.retain(|x| x != &c);
                }
            }
        }
        true
    }

    /// Adds or replaces a product, keeping the category index (untouched when the
    /// product stays in the same categories).
    pub(crate) fn put_product(&mut self, p: Product) -> bool {
        let old = self.products.get(&p.id).map(|o| &o.category_ids);
        if old != Some(&p.category_ids) {
            let old: Vec<String> = old.cloned().unwrap_or_default();
            for c in old {
                if let Some(set) = self.products_in.get_mut(&c) {
                    set.remove(&p.id);
                    if set.is_empty() {
                        self.products_in.remove(&c);
                    }
                }
            }
            for c in &p.category_ids {
                self.products_in
                    .entry(c.clone())
                    .or_default()
                    .insert(p.id.clone());
            }
        }
        self.products.upsert(p)
    }

    /// Removes product `id`; false when there is none.
    pub(crate) fn delete_product(&mut self, id: &str) -> bool {
        let Some(p) = self.products.remove(id) else {
            return false;
        };
        for c in p.category_ids {
            if let Some(set) = self.products_in.get_mut(&c) {
                set.remove(id);
                if set.is_empty() {
                    self.products_in.remove(&c);
                }
            }
        }
        true
    }
}

impl TryFrom<Snapshot> for State {
    type Error = String;

    fn try_from(s: Snapshot) -> Result<State, String> {
        s.validate()?;
        let mut state = State::default();
        for c in s.customers {
            state.put_customer(c);
        }
        for c in s.categories {
            state.put_category(c);
        }
        for p in s.products {
            state.put_product(p);
        }
        for o in s.orders {
            state.orders.upsert(o);
        }
        Ok(state)
    }
}

/// Two stores are equal when their rows are (the indexes follow from them).
impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.snapshot() == other.snapshot()
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.snapshot().serialize(s)
    }
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<State, D::Error> {
        State::try_from(Snapshot::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
