//! Keyed collections: the store's growing tables, each with the indexes its lookups
//! need, so that no request scans a table that grows with the store.
//!
//! Every collection here serialises exactly as the plain map or list it wraps (that is
//! what `GET /__sim/state` exports and `PUT /__sim/state` imports); its indexes are
//! derived data, never exported, rebuilt whenever a collection is deserialised (fixture
//! load, import) and kept up to date by every mutating method. Reads go through
//! `Deref` to the underlying map; writes go through the methods, which is what keeps
//! the indexes true. [`crate::state::State::check_indexes`] compares every index with
//! one rebuilt from scratch (the property tests call it after random operations).
//!
//! Equality (`PartialEq`) compares the rows only.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::ops::Deref;

use hashbrown::HashTable;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::carts::Cart;
use crate::catalog::Product;
use crate::customers::Customer;
use crate::msi::{Reservation, SourceItem};
use crate::state::BearerToken;

/// SKUs and e-mails compare as MySQL's case-insensitive collation does (ASCII folding,
/// as the scans this replaces did).
fn fold(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// Compares two index builds and names the first difference.
fn same<T: PartialEq + std::fmt::Debug>(what: &str, kept: &T, rebuilt: &T) -> Result<(), String> {
    if kept == rebuilt {
        Ok(())
    } else {
        Err(format!(
            "{what}: kept index {kept:?} differs from rebuilt {rebuilt:?}"
        ))
    }
}

macro_rules! rows_only {
    ($name:ident, $target:ty) => {
        impl Deref for $name {
            type Target = $target;
            fn deref(&self) -> &$target {
                &self.rows
            }
        }
        impl<'a> IntoIterator for &'a $name {
            type Item = <&'a $target as IntoIterator>::Item;
            type IntoIter = <&'a $target as IntoIterator>::IntoIter;
            fn into_iter(self) -> Self::IntoIter {
                self.rows.iter()
            }
        }
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.rows == other.rows
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.rows.serialize(s)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$target>::deserialize(d).map(Self::from_rows)
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Products

/// Products by entity id, with their SKU, URL-key and category indexes, and a copy of
/// their searched text columns.
///
/// Memory per product is what bounds a large catalogue (BENCHMARKS.md, "Memory per
/// product"), so the rows are boxed (a B-tree node holds 11 entries and is about half
/// full when ids come in order: a product inline would cost twice its size) and the SKU
/// and URL-key indexes hold ids only, finding the key they compare in the row.
#[derive(Debug, Clone, Default)]
pub struct Products {
    rows: BTreeMap<u64, Box<Product>>,
    keys: ProductKeys,
    text: TextColumns,
    rendered: RenderCache,
}

/// Product JSON as [`crate::render::product`] wrote it, kept for the next read of the
/// same product, at most [`RENDER_CACHE_BYTES`] in all (oldest out first). Derived data
/// like the indexes: every change of a product drops its entry, and
/// [`Products::check`] compares each entry with a fresh rendering.
#[derive(Debug, Clone, Default)]
struct RenderCache {
    by_id: HashMap<u64, (u64, axum::body::Bytes)>,
    // (id, generation) in insertion order; an entry whose generation no longer
    // matches was dropped or replaced since.
    order: VecDeque<(u64, u64)>,
    next_generation: u64,
    bytes: usize,
}

/// Bytes of rendered product JSON the cache keeps (about 6,000 products).
const RENDER_CACHE_BYTES: usize = 8 << 20;

impl RenderCache {
    fn get(&self, id: u64) -> Option<axum::body::Bytes> {
        self.by_id.get(&id).map(|(_, b)| b.clone())
    }

    fn put(&mut self, id: u64, bytes: axum::body::Bytes) {
        if bytes.len() > RENDER_CACHE_BYTES / 16 {
            return;
        }
        self.drop(id);
        let generation = self.next_generation;
        self.next_generation = self.next_generation.wrapping_add(1);
        self.bytes += bytes.len();
        self.by_id.insert(id, (generation, bytes));
        self.order.push_back((id, generation));
        while self.bytes > RENDER_CACHE_BYTES {
            let Some((old, generation)) = self.order.pop_front() else {
                break;
            };
            if self.by_id.get(&old).is_some_and(|(g, _)| *g == generation) {
                self.drop(old);
            }
        }
        // Dropped entries leave their place in the queue behind: keep it within twice
        // the live entries.
        if self.order.len() > 2 * self.by_id.len() + 64 {
            let live = &self.by_id;
            self.order
                .retain(|(id, g)| live.get(id).is_some_and(|(lg, _)| lg == g));
        }
    }

    fn drop(&mut self, id: u64) {
        if let Some((_, b)) = self.by_id.remove(&id) {
            self.bytes -= b.len();
        }
    }
}

type Rows = BTreeMap<u64, Box<Product>>;

#[derive(Debug, Clone, Default)]
struct ProductKeys {
    hasher: RandomState,
    /// Ids by folded SKU, one per SKU (a later product with the same folded SKU takes
    /// the entry, as a map insert would).
    by_sku: HashTable<u64>,
    /// Ids by `url_key` attribute (more than one per key only in an imported state).
    by_url_key: HashTable<u64>,
    /// `category_links[].category_id` → ids, ascending.
    by_category: HashMap<String, Vec<u64>>,
    /// A configurable child's id → its parents' ids, ascending.
    parents: HashMap<u64, Vec<u64>>,
    /// An attribute id → the configurable products with an option for it, ascending.
    by_super_attribute: HashMap<u64, Vec<u64>>,
    /// Legacy stock item quantity ([`qty_key`]) → ids, ascending, for the low-stock
    /// report: one list per distinct quantity, 8 bytes a product.
    by_qty: BTreeMap<i64, Vec<u64>>,
    /// Folded `product_links[].linked_product_sku` → ids of the linking products,
    /// ascending (what a product delete drops links through).
    by_linked: HashMap<String, Vec<u64>>,
    /// `media_gallery_entries[].file` → ids of the products whose gallery holds it
    /// (what a new upload's name is checked against).
    by_media_file: HashMap<String, Vec<u64>>,
}

/// An `f64` as an `i64` that sorts as [`f64::total_cmp`] does.
fn qty_key(f: f64) -> i64 {
    let bits = f.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// A product's `url_key` attribute, when it is a string.
pub(crate) fn product_url_key(p: &Product) -> Option<&str> {
    p.attribute("url_key")
}

/// The folded SKUs `p` links to (`product_links[].linked_product_sku`), each once.
fn linked_skus(p: &Product) -> Vec<String> {
    let mut skus: Vec<String> = p
        .product_links
        .iter()
        .filter_map(|l| l.get("linked_product_sku").and_then(Value::as_str))
        .map(fold)
        .collect();
    skus.sort_unstable();
    skus.dedup();
    skus
}

fn media_files(p: &Product) -> impl Iterator<Item = &str> {
    p.media_gallery_entries
        .iter()
        .filter_map(|e| e.get("file").and_then(Value::as_str))
}

fn link_categories(p: &Product) -> impl Iterator<Item = &str> {
    p.category_links
        .iter()
        .filter_map(|l| l.get("category_id").and_then(Value::as_str))
}

fn sku_of(rows: &Rows, id: u64) -> Option<&str> {
    rows.get(&id).map(|p| p.sku.as_str())
}

fn url_key_of(rows: &Rows, id: u64) -> Option<&str> {
    rows.get(&id).and_then(|p| product_url_key(p))
}

/// The hash of `fold(sku)`, without building it.
fn folded_hash(hasher: &RandomState, sku: &str) -> u64 {
    let mut h = hasher.build_hasher();
    let mut buf = [0u8; 64];
    for chunk in sku.as_bytes().chunks(buf.len()) {
        let folded = &mut buf[..chunk.len()];
        folded.copy_from_slice(chunk);
        folded.make_ascii_lowercase();
        h.write(folded);
    }
    h.write_u8(0xff);
    h.finish()
}

impl ProductKeys {
    fn sku_hash(&self, sku: &str) -> u64 {
        folded_hash(&self.hasher, sku)
    }

    fn url_hash(&self, key: &str) -> u64 {
        self.hasher.hash_one(key)
    }

    /// Indexes `p`, whose row is not (or no longer) in `rows`; every id already
    /// indexed has its row there.
    fn add(&mut self, p: &Product, rows: &Rows) {
        let Self {
            hasher,
            by_sku,
            by_url_key,
            by_category,
            parents,
            by_super_attribute,
            by_qty: _,
            by_linked,
            by_media_file,
        } = self;
        let hash = folded_hash(hasher, &p.sku);
        let same_sku = |id: &u64| sku_of(rows, *id).is_some_and(|s| s.eq_ignore_ascii_case(&p.sku));
        match by_sku.find_mut(hash, same_sku) {
            Some(id) => *id = p.id,
            None => {
                by_sku.insert_unique(hash, p.id, |id| {
                    folded_hash(hasher, sku_of(rows, *id).unwrap_or_default())
                });
            }
        }
        if let Some(key) = product_url_key(p) {
            let hash = hasher.hash_one(key);
            if by_url_key.find(hash, |id| *id == p.id).is_none() {
                by_url_key.insert_unique(hash, p.id, |id| {
                    hasher.hash_one(url_key_of(rows, *id).unwrap_or_default())
                });
            }
        }
        for c in link_categories(p) {
            add_to(by_category, c, p.id);
        }
        for child in &p.configurable_links {
            let ids = parents.entry(*child).or_default();
            if let Err(at) = ids.binary_search(&p.id) {
                ids.insert(at, p.id);
            }
        }
        for o in &p.configurable_options {
            let ids = by_super_attribute.entry(o.attribute_id).or_default();
            if let Err(at) = ids.binary_search(&p.id) {
                ids.insert(at, p.id);
            }
        }
        for sku in linked_skus(p) {
            add_to(by_linked, &sku, p.id);
        }
        for file in media_files(p) {
            add_to(by_media_file, file, p.id);
        }
    }

    /// Takes `p` (indexed by [`ProductKeys::add`], unchanged since) out of the indexes.
    fn drop(&mut self, p: &Product) {
        if let Ok(entry) = self
            .by_sku
            .find_entry(self.sku_hash(&p.sku), |id| *id == p.id)
        {
            entry.remove();
        }
        if let Some(key) = product_url_key(p) {
            if let Ok(entry) = self
                .by_url_key
                .find_entry(self.url_hash(key), |id| *id == p.id)
            {
                entry.remove();
            }
        }
        for c in link_categories(p) {
            remove_from(&mut self.by_category, c, p.id);
        }
        for sku in linked_skus(p) {
            remove_from(&mut self.by_linked, &sku, p.id);
        }
        for file in media_files(p) {
            remove_from(&mut self.by_media_file, file, p.id);
        }
        for child in &p.configurable_links {
            if let Some(ids) = self.parents.get_mut(child) {
                ids.retain(|id| *id != p.id);
                if ids.is_empty() {
                    self.parents.remove(child);
                }
            }
        }
        for o in &p.configurable_options {
            if let Some(ids) = self.by_super_attribute.get_mut(&o.attribute_id) {
                ids.retain(|id| *id != p.id);
                if ids.is_empty() {
                    self.by_super_attribute.remove(&o.attribute_id);
                }
            }
        }
    }

    /// Files `id` under stock quantity key `key` (kept apart from [`ProductKeys::add`]
    /// so that a write that leaves the quantity alone does not touch the list).
    fn add_qty(&mut self, key: i64, id: u64) {
        let ids = self.by_qty.entry(key).or_default();
        if let Err(at) = ids.binary_search(&id) {
            ids.insert(at, id);
        }
    }

    fn drop_qty(&mut self, key: i64, id: u64) {
        if let Some(ids) = self.by_qty.get_mut(&key) {
            if let Ok(at) = ids.binary_search(&id) {
                ids.remove(at);
            }
            if ids.is_empty() {
                self.by_qty.remove(&key);
            }
        }
    }

    /// The (key, id) pairs of the SKU and URL-key indexes, sorted, and whether each
    /// entry is where a lookup of its key looks.
    fn entries(&self, rows: &Rows) -> Result<[Vec<(String, u64)>; 2], String> {
        let mut skus = Vec::new();
        for id in &self.by_sku {
            let sku = sku_of(rows, *id)
                .ok_or_else(|| format!("products: SKU index names {id}, which is not stored"))?;
            if self.by_sku.find(self.sku_hash(sku), |x| x == id).is_none() {
                return Err(format!(
                    "products: SKU index entry {id} is not under its SKU's hash"
                ));
            }
            skus.push((fold(sku), *id));
        }
        let mut urls = Vec::new();
        for id in &self.by_url_key {
            let key = url_key_of(rows, *id).ok_or_else(|| {
                format!("products: URL-key index names {id}, which has no URL key")
            })?;
            if self
                .by_url_key
                .find(self.url_hash(key), |x| x == id)
                .is_none()
            {
                return Err(format!(
                    "products: URL-key index entry {id} is not under its key's hash"
                ));
            }
            urls.push((key.to_owned(), *id));
        }
        skus.sort();
        urls.sort();
        Ok([skus, urls])
    }
}

/// Adds `id` to the ascending id list of `key` (a list, not a set: most keys name one
/// product, and a one-element `Vec` costs a fraction of a B-tree node).
fn add_to(map: &mut HashMap<String, Vec<u64>>, key: &str, id: u64) {
    let ids = match map.get_mut(key) {
        Some(ids) => ids,
        None => map
            .entry(key.to_owned())
            .or_insert_with(|| Vec::with_capacity(1)),
    };
    if let Err(at) = ids.binary_search(&id) {
        ids.insert(at, id);
    }
}

fn remove_from(map: &mut HashMap<String, Vec<u64>>, key: &str, id: u64) {
    if let Some(ids) = map.get_mut(key) {
        if let Ok(at) = ids.binary_search(&id) {
            ids.remove(at);
        }
        if ids.is_empty() {
            map.remove(key);
        }
    }
}

/// Gives back the spare capacity of a stored product's lists and strings (a list
/// grown by pushes keeps up to twice what it holds, for as long as the product is
/// stored).
fn compact(p: &mut Product) {
    p.sku.shrink_to_fit();
    if let Some(name) = &mut p.name {
        name.shrink_to_fit();
    }
    p.type_id.shrink_to_fit();
    p.created_at.shrink_to_fit();
    p.updated_at.shrink_to_fit();
    p.custom_attributes.shrink_to_fit();
    p.website_ids.shrink_to_fit();
    p.category_links.shrink_to_fit();
    p.options.shrink_to_fit();
    p.media_gallery_entries.shrink_to_fit();
    p.product_links.shrink_to_fit();
    p.tier_prices.shrink_to_fit();
}

impl PartialEq for Products {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

impl Serialize for Products {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A box serialises as what it holds: the map of products, as ever.
        self.rows.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Products {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Rows::deserialize(d).map(Self::from_rows)
    }
}

/// Where a text lies in [`TextColumns::text`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    start: usize,
    end: usize,
}

/// A product's entry in [`TextColumns`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct TextEntry {
    sku: Span,
    name: Option<Span>,
}

/// The `sku` and `name` of every product, side by side in one buffer in id order (as
/// products are created): what a searchCriteria scan reads from each product. Reading
/// them from the products themselves costs two cache misses per product (the product
/// in its B-tree node, then the string's heap block); here the scan streams through
/// two dense arrays.
///
/// A product that is changed or removed leaves its old text behind as garbage; once
/// the garbage outgrows the live text the buffer is rewritten in id order.
#[derive(Debug, Clone, Default)]
struct TextColumns {
    text: String,
    /// Product id → its texts, in the same id order as the products.
    entries: BTreeMap<u64, TextEntry>,
    /// Bytes of `text` no entry points to.
    garbage: usize,
}

/// Below this many bytes of garbage the buffer is never rewritten.
const MIN_GARBAGE: usize = 1 << 16;

impl TextColumns {
    fn push(text: &mut String, s: &str) -> Span {
        let start = text.len();
        text.push_str(s);
        Span {
            start,
            end: text.len(),
        }
    }

    fn get(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or_default()
    }

    /// Whether `p`'s entry holds `p`'s texts.
    fn holds(&self, p: &Product) -> bool {
        self.entries.get(&p.id).is_some_and(|e| {
            self.get(e.sku) == p.sku && e.name.map(|n| self.get(n)) == p.name.as_deref()
        })
    }

    fn add(&mut self, p: &Product) {
        self.drop(p.id);
        let entry = TextEntry {
            sku: Self::push(&mut self.text, &p.sku),
            name: p.name.as_deref().map(|n| Self::push(&mut self.text, n)),
        };
        self.entries.insert(p.id, entry);
    }

    fn drop(&mut self, id: u64) {
        if let Some(e) = self.entries.remove(&id) {
            let len = |s: Span| s.end - s.start;
            self.garbage += len(e.sku) + e.name.map_or(0, len);
        }
        if self.garbage > MIN_GARBAGE && self.garbage > self.text.len() / 2 {
            self.compact();
        }
    }

    /// Rewrites the buffer with the live texts only, in id order.
    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len().saturating_sub(self.garbage));
        for e in self.entries.values_mut() {
            let sku = self.text.get(e.sku.start..e.sku.end).unwrap_or_default();
            e.sku = Self::push(&mut text, sku);
            if let Some(n) = e.name {
                let name = self.text.get(n.start..n.end).unwrap_or_default();
                e.name = Some(Self::push(&mut text, name));
            }
        }
        self.text = text;
        self.garbage = 0;
    }

    /// Every product's texts, and nothing else, are kept.
    fn check(&self, rows: &Rows) -> Result<(), String> {
        if self.entries.len() != rows.len() {
            return Err(format!(
                "product text columns: {} entries for {} products",
                self.entries.len(),
                rows.len()
            ));
        }
        match rows.values().find(|p| !self.holds(p)) {
            Some(p) => Err(format!(
                "product text columns: product {} ({:?}, {:?}) is kept as {:?}",
                p.id,
                p.sku,
                p.name,
                self.entries
                    .get(&p.id)
                    .map(|e| (self.get(e.sku), e.name.map(|n| self.get(n))))
            )),
            None => Ok(()),
        }
    }
}

/// The columns [`TextColumns`] keeps.
const TEXT_COLUMNS: [&str; 2] = ["sku", "name"];

/// A product as a searchCriteria scan sees it: its `sku` and `name` from the text
/// columns, anything else from the product (see [`Products::search_rows`]).
#[derive(Debug, Clone, Copy)]
pub struct ProductRow<'a> {
    /// The product's id.
    pub id: u64,
    /// `product.sku`.
    pub sku: &'a str,
    /// `product.name`.
    pub name: Option<&'a str>,
    /// The product, when the scan walked the products too.
    product: Option<&'a Product>,
    rows: &'a Rows,
}

impl<'a> ProductRow<'a> {
    /// The product (looked up by id when the scan did not walk the products).
    pub fn product(&self) -> Option<&'a Product> {
        self.product
            .or_else(|| self.rows.get(&self.id).map(|p| &**p))
    }

    /// The row's column for searchCriteria: [`crate::catalog::product_field`], with
    /// `sku` and `name` read from the text columns.
    pub fn field(&self, column: &str) -> crate::search::Field<'a> {
        use crate::search::Field;
        match column {
            "sku" => Field::text(self.sku),
            "name" => self.name.map_or(Field::Missing, Field::text),
            _ => self
                .product()
                .map_or(Field::Missing, |p| crate::catalog::product_field(p, column)),
        }
    }
}

impl Products {
    fn from_rows(mut rows: Rows) -> Self {
        for p in rows.values_mut() {
            compact(p);
        }
        let mut keys = ProductKeys::default();
        let mut text = TextColumns::default();
        for p in rows.values() {
            keys.add(p, &rows);
            keys.add_qty(qty_key(p.stock_item.qty), p.id);
            text.add(p);
        }
        Self {
            rows,
            keys,
            text,
            rendered: RenderCache::default(),
        }
    }

    /// The product with `id` as JSON bytes ([`crate::render::product`]), from the
    /// cache when it was rendered since its last change.
    pub fn rendered(&mut self, id: u64) -> Option<Result<axum::body::Bytes, serde_json::Error>> {
        if let Some(bytes) = self.rendered.get(id) {
            return Some(Ok(bytes));
        }
        let product = self.rows.get(&id)?;
        Some(crate::render::product_bytes(product).map(|bytes| {
            let bytes = axum::body::Bytes::from(bytes);
            self.rendered.put(id, bytes.clone());
            bytes
        }))
    }

    /// Every product in id order, as a searchCriteria scan that reads `columns` needs
    /// it. When those are all text columns (`sku`, `name`) only the text columns are
    /// read, and a row finds its product by id when asked (for the page); otherwise
    /// the scan walks the products alongside.
    pub fn search_rows(&self, columns: &[&str]) -> Vec<ProductRow<'_>> {
        let text = &self.text;
        let row = |id: u64, e: &TextEntry, product| ProductRow {
            id,
            sku: text.get(e.sku),
            name: e.name.map(|n| text.get(n)),
            product,
            rows: &self.rows,
        };
        if columns.iter().all(|c| TEXT_COLUMNS.contains(c)) {
            return text
                .entries
                .iter()
                .map(|(&id, e)| row(id, e, None))
                .collect();
        }
        self.rows
            .iter()
            .zip(&text.entries)
            .map(|((&id, product), (&text_id, e))| {
                if id == text_id {
                    row(id, e, Some(product))
                } else {
                    // Out of step (never, as `check` proves): the product's own text.
                    ProductRow {
                        id,
                        sku: &product.sku,
                        name: product.name.as_deref(),
                        product: Some(product),
                        rows: &self.rows,
                    }
                }
            })
            .collect()
    }

    /// How many products there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The product with entity id `id`.
    pub fn get(&self, id: &u64) -> Option<&Product> {
        self.rows.get(id).map(|p| &**p)
    }

    /// True when a product has entity id `id`.
    pub fn contains_key(&self, id: &u64) -> bool {
        self.rows.contains_key(id)
    }

    /// Every (id, product), by id.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&u64, &Product)> + '_ {
        self.rows.iter().map(|(id, p)| (id, &**p))
    }

    /// Every product, by id.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Product> + '_ {
        self.rows.values().map(|p| &**p)
    }

    /// Every id, ascending.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &u64> + '_ {
        self.rows.keys()
    }

    /// The product with `sku`, compared case-insensitively.
    pub fn by_sku(&self, sku: &str) -> Option<&Product> {
        self.keys
            .by_sku
            .find(self.keys.sku_hash(sku), |id| {
                sku_of(&self.rows, *id).is_some_and(|s| s.eq_ignore_ascii_case(sku))
            })
            .and_then(|id| self.get(id))
    }

    /// Ids of the products whose `url_key` attribute is `key`.
    pub fn with_url_key<'s>(&'s self, key: &'s str) -> impl Iterator<Item = u64> + 's {
        self.keys
            .by_url_key
            .iter_hash(self.keys.url_hash(key))
            .copied()
            .filter(move |id| url_key_of(&self.rows, *id) == Some(key))
    }

    /// Whether a configurable product has an option for attribute `attribute_id`.
    pub fn configures(&self, attribute_id: u64) -> bool {
        self.keys.by_super_attribute.contains_key(&attribute_id)
    }

    /// Ids of the configurable products that link `child` as a variation, ascending.
    pub fn parents_of(&self, child: u64) -> impl Iterator<Item = u64> + '_ {
        self.keys.parents.get(&child).into_iter().flatten().copied()
    }

    /// Ids of the products linked to category `id` (as the links spell it).
    pub fn in_category(&self, id: &str) -> impl Iterator<Item = u64> + '_ {
        self.keys.by_category.get(id).into_iter().flatten().copied()
    }

    /// Ids of the products with a product link to `sku` (compared case-insensitively).
    pub fn linking_to(&self, sku: &str) -> impl Iterator<Item = u64> + '_ {
        self.keys
            .by_linked
            .get(&fold(sku))
            .into_iter()
            .flatten()
            .copied()
    }

    /// Whether a stored media gallery entry of any product has `file`.
    pub fn media_file_used(&self, file: &str) -> bool {
        self.keys.by_media_file.contains_key(file)
    }

    /// Ids of the products whose legacy stock item quantity is at most `qty`, by
    /// quantity (a range of the quantity index: no walk over the other products).
    pub fn qty_at_most(&self, qty: f64) -> impl Iterator<Item = u64> + '_ {
        // -0.0 == 0.0, but sorts below it.
        let bound = if qty == 0.0 { 0.0 } else { qty };
        self.keys
            .by_qty
            .range(..=qty_key(bound))
            .flat_map(|(_, ids)| ids.iter().copied())
            // NaN and -0.0 sort apart from the numbers they compare equal to.
            .filter(move |id| self.rows.get(id).is_some_and(|p| p.stock_item.qty <= qty))
    }

    /// Stores `p` under its id, replacing the product with that id.
    pub fn insert(&mut self, mut p: Product) -> Option<Product> {
        compact(&mut p);
        let old = self.rows.remove(&p.id);
        let new_qty = qty_key(p.stock_item.qty);
        if let Some(old) = &old {
            self.keys.drop(old);
            let old_qty = qty_key(old.stock_item.qty);
            if old_qty != new_qty {
                self.keys.drop_qty(old_qty, p.id);
            }
        }
        self.keys.add(&p, &self.rows);
        self.keys.add_qty(new_qty, p.id);
        if !self.text.holds(&p) {
            self.text.add(&p);
        }
        self.rendered.drop(p.id);
        self.rows.insert(p.id, Box::new(p));
        old.map(|p| *p)
    }

    /// Removes the product with `id`.
    pub fn remove(&mut self, id: u64) -> Option<Product> {
        let old = self.rows.remove(&id)?;
        self.keys.drop(&old);
        self.keys.drop_qty(qty_key(old.stock_item.qty), id);
        self.text.drop(id);
        self.rendered.drop(id);
        Some(*old)
    }

    /// Changes the product with `id` in place (its keys may change; the id may not).
    pub fn update<R>(&mut self, id: u64, f: impl FnOnce(&mut Product) -> R) -> Option<R> {
        // Out of the map while it changes (a box moves, not the product), so that its
        // keys can be compared with the other rows'.
        let mut p = self.rows.remove(&id)?;
        self.keys.drop(&p);
        self.rendered.drop(id);
        let old_qty = qty_key(p.stock_item.qty);
        let r = f(&mut p);
        p.id = id;
        compact(&mut p);
        self.keys.add(&p, &self.rows);
        let new_qty = qty_key(p.stock_item.qty);
        if new_qty != old_qty {
            self.keys.drop_qty(old_qty, id);
            self.keys.add_qty(new_qty, id);
        }
        if !self.text.holds(&p) {
            self.text.add(&p);
        }
        self.rows.insert(id, p);
        Some(r)
    }

    /// Compares the indexes with ones rebuilt from the rows, and the text columns with
    /// the products.
    pub fn check(&self) -> Result<(), String> {
        let rebuilt = Self::from_rows(self.rows.clone());
        same(
            "products (SKU, URL key)",
            &self.keys.entries(&self.rows)?,
            &rebuilt.keys.entries(&rebuilt.rows)?,
        )?;
        same(
            "products by category",
            &self.keys.by_category,
            &rebuilt.keys.by_category,
        )?;
        same(
            "configurable parents",
            &self.keys.parents,
            &rebuilt.keys.parents,
        )?;
        same(
            "configurable attributes",
            &self.keys.by_super_attribute,
            &rebuilt.keys.by_super_attribute,
        )?;
        same(
            "products by stock quantity",
            &self.keys.by_qty,
            &rebuilt.keys.by_qty,
        )?;
        same(
            "products by linked SKU",
            &self.keys.by_linked,
            &rebuilt.keys.by_linked,
        )?;
        same(
            "products by media file",
            &self.keys.by_media_file,
            &rebuilt.keys.by_media_file,
        )?;
        self.text.check(&self.rows)?;
        let cache = &self.rendered;
        if cache.bytes != cache.by_id.values().map(|(_, b)| b.len()).sum::<usize>() {
            return Err("rendered products: the byte count is off".into());
        }
        for (id, (_, bytes)) in &cache.by_id {
            let fresh = self
                .rows
                .get(id)
                .map(|p| crate::render::product_bytes(p).map_err(|e| e.to_string()));
            match fresh {
                Some(Ok(fresh)) if fresh == bytes.as_ref() => {}
                _ => return Err(format!("rendered products: product {id} is stale")),
            }
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a Products {
    type Item = (&'a u64, &'a Product);
    type IntoIter = std::iter::Map<
        std::collections::btree_map::Iter<'a, u64, Box<Product>>,
        fn((&'a u64, &'a Box<Product>)) -> (&'a u64, &'a Product),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter().map(|(id, p)| (id, &**p))
    }
}

// ---------------------------------------------------------------------------
// Customers

/// Customers by id, with their (website, e-mail), group and address indexes.
#[derive(Debug, Clone, Default)]
pub struct Customers {
    rows: BTreeMap<u64, Customer>,
    by_email: HashMap<(u64, String), u64>,
    by_group: HashMap<u64, BTreeSet<u64>>,
    by_address: HashMap<u64, u64>,
}

rows_only!(Customers, BTreeMap<u64, Customer>);

impl Customers {
    fn from_rows(rows: BTreeMap<u64, Customer>) -> Self {
        let mut customers = Self::default();
        for c in rows.values() {
            customers.index(c);
        }
        customers.rows = rows;
        customers
    }

    /// The customer of `website_id` with `email` (case-insensitive).
    pub fn by_email(&self, email: &str, website_id: u64) -> Option<&Customer> {
        self.by_email
            .get(&(website_id, fold(email)))
            .and_then(|id| self.rows.get(id))
    }

    /// The ids of the customers in group `group_id`, in id order.
    pub fn in_group(&self, group_id: u64) -> impl Iterator<Item = u64> + '_ {
        self.by_group.get(&group_id).into_iter().flatten().copied()
    }

    /// The customer holding address `address_id`.
    pub fn by_address(&self, address_id: u64) -> Option<&Customer> {
        self.by_address
            .get(&address_id)
            .and_then(|id| self.rows.get(id))
    }

    fn index(&mut self, c: &Customer) {
        self.by_email.insert((c.website_id, fold(&c.email)), c.id);
        self.by_group.entry(c.group_id).or_default().insert(c.id);
        for a in &c.addresses {
            self.by_address.insert(a.id, c.id);
        }
    }

    fn unindex(&mut self, c: &Customer) {
        let key = (c.website_id, fold(&c.email));
        if self.by_email.get(&key) == Some(&c.id) {
            self.by_email.remove(&key);
        }
        if let Some(ids) = self.by_group.get_mut(&c.group_id) {
            ids.remove(&c.id);
            if ids.is_empty() {
                self.by_group.remove(&c.group_id);
            }
        }
        for a in &c.addresses {
            if self.by_address.get(&a.id) == Some(&c.id) {
                self.by_address.remove(&a.id);
            }
        }
    }

    /// Stores `c` under its id.
    pub fn insert(&mut self, c: Customer) -> Option<Customer> {
        let old = self.rows.remove(&c.id);
        if let Some(old) = &old {
            self.unindex(old);
        }
        self.index(&c);
        self.rows.insert(c.id, c);
        old
    }

    /// Removes the customer with `id`.
    pub fn remove(&mut self, id: u64) -> Option<Customer> {
        let old = self.rows.remove(&id)?;
        self.unindex(&old);
        Some(old)
    }

    /// Compares the indexes with ones rebuilt from the rows.
    pub fn check(&self) -> Result<(), String> {
        let rebuilt = Self::from_rows(self.rows.clone());
        same("customers", &self.by_email, &rebuilt.by_email)?;
        same("customer groups", &self.by_group, &rebuilt.by_group)?;
        same("customer addresses", &self.by_address, &rebuilt.by_address)
    }
}

// ---------------------------------------------------------------------------
// Carts

/// Carts (quotes) by id, with the masked-id and per-customer indexes and the expiry
/// queue.
#[derive(Debug, Clone, Default)]
pub struct Carts {
    rows: BTreeMap<u64, Cart>,
    by_mask: HashMap<String, u64>,
    by_customer: HashMap<u64, BTreeSet<u64>>,
    /// `(updated_at as Unix time, id)`: never later than the cart's real `updated_at`
    /// (which only grows), so the front is always the first cart that may expire.
    expiry: BTreeSet<(i64, u64)>,
}

rows_only!(Carts, BTreeMap<u64, Cart>);

fn updated_unix(c: &Cart) -> i64 {
    crate::dates::parse_db_time(&c.updated_at).map_or(i64::MIN, |t| t.unix_timestamp())
}

impl Carts {
    fn from_rows(rows: BTreeMap<u64, Cart>) -> Self {
        // The rows stay exactly as given (an import's validation must see them as
        // sent); only the indexes are derived.
        let mut carts = Self::default();
        for c in rows.values() {
            carts.index(c);
        }
        carts.rows = rows;
        carts
    }

    fn index(&mut self, c: &Cart) {
        if let Some(mask) = &c.masked_id {
            self.by_mask.insert(mask.clone(), c.id);
        }
        if let Some(customer) = c.customer_id {
            self.by_customer.entry(customer).or_default().insert(c.id);
        }
        self.expiry.insert((updated_unix(c), c.id));
    }

    fn unindex(&mut self, c: &Cart) {
        if let Some(mask) = &c.masked_id {
            if self.by_mask.get(mask) == Some(&c.id) {
                self.by_mask.remove(mask);
            }
        }
        if let Some(customer) = c.customer_id {
            if let Some(ids) = self.by_customer.get_mut(&customer) {
                ids.remove(&c.id);
                if ids.is_empty() {
                    self.by_customer.remove(&customer);
                }
            }
        }
        // The expiry entry is left behind and skipped when it comes up.
    }

    /// The cart behind the masked id `mask`.
    pub fn by_mask(&self, mask: &str) -> Option<&Cart> {
        self.by_mask.get(mask).and_then(|id| self.rows.get(id))
    }

    /// The carts of `customer_id`, by id.
    pub fn of_customer(&self, customer_id: u64) -> impl Iterator<Item = &Cart> + '_ {
        self.by_customer
            .get(&customer_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.rows.get(id))
    }

    /// Stores `c` under its id.
    pub fn insert(&mut self, c: Cart) -> Option<Cart> {
        let old = self.rows.remove(&c.id);
        if let Some(old) = &old {
            self.unindex(old);
        }
        self.index(&c);
        self.rows.insert(c.id, c);
        old
    }

    /// The cart with `id`, to change in place. Its masked id and customer must not
    /// change through this (use [`Carts::insert`]); `updated_at` may only grow.
    pub fn get_mut(&mut self, id: &u64) -> Option<&mut Cart> {
        self.rows.get_mut(id)
    }

    /// Removes the cart with `id`.
    pub fn remove(&mut self, id: u64) -> Option<Cart> {
        let old = self.rows.remove(&id)?;
        self.unindex(&old);
        Some(old)
    }

    /// Deletes every cart last updated at or before `cutoff` (Unix time), as Magento's
    /// `sales_clean_quotes` cron does; returns how many went. Costs O(log n) per cart
    /// looked at, and looks only at carts that are due (or whose queue entry is stale).
    pub fn expire_before(&mut self, cutoff: i64) -> usize {
        let mut removed = 0;
        while let Some(&(at, id)) = self.expiry.first() {
            if at > cutoff {
                break;
            }
            self.expiry.pop_first();
            let Some(c) = self.rows.get(&id) else {
                continue;
            };
            let real = updated_unix(c);
            if real > at {
                // Touched since it was queued: queue it again at its real time.
                self.expiry.insert((real, id));
            } else if self.remove(id).is_some() {
                removed += 1;
            }
        }
        removed
    }

    /// Compares the indexes with ones rebuilt from the rows; the expiry queue must
    /// hold, for every cart, an entry no later than its `updated_at`.
    pub fn check(&self) -> Result<(), String> {
        let rebuilt = Self::from_rows(self.rows.clone());
        same("carts by mask", &self.by_mask, &rebuilt.by_mask)?;
        same("carts by customer", &self.by_customer, &rebuilt.by_customer)?;
        for c in self.rows.values() {
            let real = updated_unix(c);
            if !self
                .expiry
                .range((i64::MIN, c.id)..=(real, c.id))
                .any(|(_, id)| *id == c.id)
            {
                return Err(format!(
                    "cart {} has no expiry entry at or before {real}",
                    c.id
                ));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Bearer tokens

/// Issued bearer tokens, oldest first, with a token-string index.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    rows: VecDeque<BearerToken>,
    /// Token → serial (position + `dropped`).
    by_token: HashMap<String, u64>,
    /// Tokens dropped from the front so far.
    dropped: u64,
}

rows_only!(Tokens, VecDeque<BearerToken>);

impl Tokens {
    fn from_rows(rows: VecDeque<BearerToken>) -> Self {
        let by_token = rows
            .iter()
            .zip(0u64..)
            .map(|(t, n)| (t.token.clone(), n))
            .collect();
        Self {
            rows,
            by_token,
            dropped: 0,
        }
    }

    /// The token with this string.
    pub fn get(&self, token: &str) -> Option<&BearerToken> {
        let serial = *self.by_token.get(token)?;
        let at = usize::try_from(serial.checked_sub(self.dropped)?).ok()?;
        self.rows.get(at)
    }

    /// Remembers `token`, dropping the oldest while more than `capacity` would be kept.
    pub fn push(&mut self, token: BearerToken, capacity: usize) {
        while self.rows.len() >= capacity.max(1) {
            let Some(old) = self.rows.pop_front() else {
                break;
            };
            if self.by_token.get(&old.token) == Some(&self.dropped) {
                self.by_token.remove(&old.token);
            }
            self.dropped += 1;
        }
        let serial = self.dropped + self.rows.len() as u64;
        self.by_token.insert(token.token.clone(), serial);
        self.rows.push_back(token);
    }

    /// Revokes every token `owner` holds.
    pub fn revoke_owner(&mut self, owner: &crate::state::TokenOwner) {
        for t in self.rows.iter_mut().filter(|t| &t.owner == owner) {
            t.revoked = true;
        }
    }

    /// Compares the index with one rebuilt from the rows.
    pub fn check(&self) -> Result<(), String> {
        let kept: HashMap<&str, usize> = self
            .by_token
            .iter()
            .filter_map(|(t, n)| {
                Some((
                    t.as_str(),
                    usize::try_from(n.checked_sub(self.dropped)?).ok()?,
                ))
            })
            .collect();
        let mut rebuilt: HashMap<&str, usize> = HashMap::new();
        for (i, t) in self.rows.iter().enumerate() {
            rebuilt.insert(t.token.as_str(), i);
        }
        same("tokens", &kept, &rebuilt)?;
        if kept.len() != self.by_token.len() {
            return Err("tokens: the index keeps dropped tokens".into());
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Source items

/// MSI source items in creation order, with a (SKU, source) index.
#[derive(Debug, Clone, Default)]
pub struct SourceItems {
    /// Creation serial → item.
    rows: BTreeMap<u64, SourceItem>,
    /// (folded SKU, source code) → serial.
    by_key: BTreeMap<(String, String), u64>,
    next: u64,
}

impl PartialEq for SourceItems {
    fn eq(&self, other: &Self) -> bool {
        self.rows.len() == other.rows.len() && self.iter().eq(other.iter())
    }
}

impl Serialize for SourceItems {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.rows.values())
    }
}

impl<'de> Deserialize<'de> for SourceItems {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<SourceItem>::deserialize(d).map(Self::from_list)
    }
}

impl<'a> IntoIterator for &'a SourceItems {
    type Item = &'a SourceItem;
    type IntoIter = std::collections::btree_map::Values<'a, u64, SourceItem>;
    fn into_iter(self) -> Self::IntoIter {
        self.rows.values()
    }
}

impl SourceItems {
    /// Items in this (creation) order, kept exactly as given (an import's validation
    /// must see a duplicate (SKU, source) to refuse it); the index names the last.
    pub fn from_list(list: Vec<SourceItem>) -> Self {
        let mut items = Self::default();
        for item in list {
            let serial = items.next;
            items.next += 1;
            items
                .by_key
                .insert((fold(&item.sku), item.source_code.clone()), serial);
            items.rows.insert(serial, item);
        }
        items
    }

    /// Every item, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &SourceItem> + '_ {
        self.rows.values()
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The item of `sku` (case-insensitive) at `source`.
    pub fn get(&self, sku: &str, source: &str) -> Option<&SourceItem> {
        let serial = self.by_key.get(&(fold(sku), source.to_owned()))?;
        self.rows.get(serial)
    }

    /// Mutable [`SourceItems::get`] (SKU and source must not change through it).
    pub fn get_mut(&mut self, sku: &str, source: &str) -> Option<&mut SourceItem> {
        let serial = self.by_key.get(&(fold(sku), source.to_owned()))?;
        self.rows.get_mut(serial)
    }

    /// Every item of `sku`, by source code.
    pub fn of_sku(&self, sku: &str) -> impl Iterator<Item = &SourceItem> + '_ {
        let sku = fold(sku);
        self.by_key
            .range((sku.clone(), String::new())..)
            .take_while(move |((s, _), _)| *s == sku)
            .filter_map(|(_, serial)| self.rows.get(serial))
    }

    /// Saves `row` per (SKU, source): an existing item takes its quantity and status
    /// (and keeps its SKU spelling and place), a new one goes last.
    pub fn upsert(&mut self, row: SourceItem) {
        let key = (fold(&row.sku), row.source_code.clone());
        if let Some(existing) = self.by_key.get(&key).and_then(|s| self.rows.get_mut(s)) {
            existing.quantity = row.quantity;
            existing.status = row.status;
            return;
        }
        let serial = self.next;
        self.next += 1;
        self.by_key.insert(key, serial);
        self.rows.insert(serial, row);
    }

    /// Deletes the item of `sku` at `source`.
    pub fn remove(&mut self, sku: &str, source: &str) -> Option<SourceItem> {
        let serial = self.by_key.remove(&(fold(sku), source.to_owned()))?;
        self.rows.remove(&serial)
    }

    /// Deletes every item of `sku`.
    pub fn remove_sku(&mut self, sku: &str) {
        let sku = fold(sku);
        let keys: Vec<(String, String)> = self
            .by_key
            .range((sku.clone(), String::new())..)
            .take_while(|((s, _), _)| *s == sku)
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            if let Some(serial) = self.by_key.remove(&key) {
                self.rows.remove(&serial);
            }
        }
    }

    /// Compares the index with one rebuilt from the rows.
    pub fn check(&self) -> Result<(), String> {
        let rebuilt: BTreeMap<(String, String), u64> = self
            .rows
            .iter()
            .map(|(serial, i)| ((fold(&i.sku), i.source_code.clone()), *serial))
            .collect();
        same("source items", &self.by_key, &rebuilt)?;
        if rebuilt.len() != self.rows.len() {
            return Err("source items: two items share a (SKU, source)".into());
        }
        if self
            .rows
            .keys()
            .next_back()
            .is_some_and(|s| *s >= self.next)
        {
            return Err("source items: serial counter behind the rows".into());
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Reservations

/// MSI's append-only reservation log, with the running sum per (SKU, stock).
#[derive(Debug, Clone, Default)]
pub struct Reservations {
    rows: Vec<Reservation>,
    /// (folded SKU, stock) → Σ quantity, summed in log order.
    sums: HashMap<(String, u64), f64>,
}

rows_only!(Reservations, Vec<Reservation>);

impl Reservations {
    fn from_rows(rows: Vec<Reservation>) -> Self {
        let mut log = Self::default();
        for r in rows {
            log.push(r);
        }
        log
    }

    /// Appends `r`.
    pub fn push(&mut self, r: Reservation) {
        *self.sums.entry((fold(&r.sku), r.stock_id)).or_insert(0.0) += r.quantity;
        self.rows.push(r);
    }

    /// Σ quantities of `sku` (case-insensitive) on `stock_id`.
    pub fn sum(&self, sku: &str, stock_id: u64) -> f64 {
        self.sums
            .get(&(fold(sku), stock_id))
            .copied()
            .unwrap_or(0.0)
    }

    /// Every (folded SKU, stock) total.
    pub fn totals(&self) -> &HashMap<(String, u64), f64> {
        &self.sums
    }

    /// Compares the sums with ones rebuilt from the log (bit for bit: both add in log
    /// order).
    pub fn check(&self) -> Result<(), String> {
        same(
            "reservations",
            &self.sums,
            &Self::from_rows(self.rows.clone()).sums,
        )
    }
}

// ---------------------------------------------------------------------------
// Stocks

/// MSI stocks by id, with the sales-channel index (a channel belongs to one stock).
#[derive(Debug, Clone, Default)]
pub struct Stocks {
    rows: BTreeMap<u64, crate::msi::Stock>,
    /// (folded type, folded code) → stock id.
    by_channel: HashMap<(String, String), u64>,
}

rows_only!(Stocks, BTreeMap<u64, crate::msi::Stock>);

fn channel_key(c: &crate::msi::SalesChannel) -> (String, String) {
    (fold(&c.kind), fold(&c.code))
}

impl Stocks {
    fn from_rows(rows: BTreeMap<u64, crate::msi::Stock>) -> Self {
        let mut by_channel = HashMap::new();
        for s in rows.values() {
            for c in &s.sales_channels {
                by_channel.entry(channel_key(c)).or_insert(s.stock_id);
            }
        }
        Self { rows, by_channel }
    }

    /// The stock holding the sales channel `kind`/`code` (case-insensitive).
    pub fn for_channel(&self, kind: &str, code: &str) -> Option<&crate::msi::Stock> {
        self.by_channel
            .get(&(fold(kind), fold(code)))
            .and_then(|id| self.rows.get(id))
    }

    /// Stores a stock that has no sales channels yet (its channels are set with
    /// [`Stocks::set_channels`]).
    pub fn insert_empty(&mut self, id: u64, name: String) {
        let stock = crate::msi::Stock {
            stock_id: id,
            name,
            sales_channels: Vec::new(),
        };
        if let Some(old) = self.rows.insert(id, stock) {
            for c in &old.sales_channels {
                self.by_channel.remove(&channel_key(c));
            }
        }
    }

    /// Renames stock `id`; false when there is none.
    pub fn rename(&mut self, id: u64, name: String) -> bool {
        match self.rows.get_mut(&id) {
            Some(s) => {
                s.name = name;
                true
            }
            None => false,
        }
    }

    /// Gives stock `id` exactly `channels` (sorted, deduplicated), taking any of them
    /// away from the stock that held it.
    pub fn set_channels(&mut self, id: u64, channels: &[crate::msi::SalesChannel]) {
        if !self.rows.contains_key(&id) {
            return;
        }
        let mut list = channels.to_vec();
        list.sort();
        list.dedup();
        for c in &list {
            let key = channel_key(c);
            if let Some(holder) = self.by_channel.get(&key).copied().filter(|h| *h != id) {
                if let Some(s) = self.rows.get_mut(&holder) {
                    s.sales_channels.retain(|x| channel_key(x) != key);
                }
            }
        }
        if let Some(s) = self.rows.get_mut(&id) {
            for c in &s.sales_channels {
                self.by_channel.remove(&channel_key(c));
            }
            for c in &list {
                self.by_channel.insert(channel_key(c), id);
            }
            s.sales_channels = list;
        }
    }

    /// Removes stock `id`.
    pub fn remove(&mut self, id: u64) -> Option<crate::msi::Stock> {
        let old = self.rows.remove(&id)?;
        for c in &old.sales_channels {
            if self.by_channel.get(&channel_key(c)) == Some(&id) {
                self.by_channel.remove(&channel_key(c));
            }
        }
        Some(old)
    }

    /// Compares the index with one rebuilt from the rows.
    pub fn check(&self) -> Result<(), String> {
        same(
            "stocks",
            &self.by_channel,
            &Self::from_rows(self.rows.clone()).by_channel,
        )
    }
}

// ---------------------------------------------------------------------------
// Sales documents

/// A sales document that belongs to one order.
pub trait OrderDocument {
    /// Its entity id.
    fn entity_id(&self) -> u64;
    /// Its order's entity id.
    fn order_id(&self) -> u64;
    /// Ids of the rows it owns that are looked up on their own (a shipment's tracks,
    /// for `DELETE /V1/shipment/track/{id}`).
    fn child_ids(&self) -> Vec<u64> {
        Vec::new()
    }
}

macro_rules! order_document {
    ($t:ty $(, $children:expr)?) => {
        impl OrderDocument for $t {
            fn entity_id(&self) -> u64 {
                self.entity_id
            }
            fn order_id(&self) -> u64 {
                self.order_id
            }
            $(
                fn child_ids(&self) -> Vec<u64> {
                    ($children)(self)
                }
            )?
        }
    };
}

order_document!(crate::sales::Invoice);
order_document!(crate::sales::Shipment, |s: &crate::sales::Shipment| s
    .tracks
    .iter()
    .map(|t| t.entity_id)
    .collect());
order_document!(crate::sales::Creditmemo);

/// Invoices, shipments or credit memos by entity id, with the per-order index and
/// the index of the rows they own (track id → shipment).
#[derive(Debug, Clone)]
pub struct Documents<T> {
    rows: BTreeMap<u64, T>,
    by_order: HashMap<u64, BTreeSet<u64>>,
    by_child: HashMap<u64, u64>,
}

impl<T> Default for Documents<T> {
    fn default() -> Self {
        Self {
            rows: BTreeMap::new(),
            by_order: HashMap::new(),
            by_child: HashMap::new(),
        }
    }
}

impl<T> Deref for Documents<T> {
    type Target = BTreeMap<u64, T>;
    fn deref(&self) -> &BTreeMap<u64, T> {
        &self.rows
    }
}

impl<T: PartialEq> PartialEq for Documents<T> {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

impl<T: Serialize> Serialize for Documents<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.rows.serialize(s)
    }
}

impl<'de, T: Deserialize<'de> + OrderDocument> Deserialize<'de> for Documents<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<u64, T>::deserialize(d).map(Self::from_rows)
    }
}

impl<T: OrderDocument> Documents<T> {
    fn from_rows(rows: BTreeMap<u64, T>) -> Self {
        let mut by_order: HashMap<u64, BTreeSet<u64>> = HashMap::new();
        let mut by_child = HashMap::new();
        for (id, d) in &rows {
            by_order.entry(d.order_id()).or_default().insert(*id);
            for child in d.child_ids() {
                by_child.insert(child, *id);
            }
        }
        Self {
            rows,
            by_order,
            by_child,
        }
    }

    /// The document that owns row `child_id` (a shipment's track).
    pub fn of_child(&self, child_id: u64) -> Option<&T> {
        self.by_child
            .get(&child_id)
            .and_then(|id| self.rows.get(id))
    }

    /// The documents of order `order_id`, by id.
    pub fn of_order(&self, order_id: u64) -> impl Iterator<Item = &T> + '_ {
        self.by_order
            .get(&order_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.rows.get(id))
    }

    /// Stores `d` under its entity id.
    pub fn insert(&mut self, d: T) -> Option<T> {
        let id = d.entity_id();
        let old = self.rows.remove(&id);
        if let Some(old) = &old {
            if let Some(ids) = self.by_order.get_mut(&old.order_id()) {
                ids.remove(&id);
                if ids.is_empty() {
                    self.by_order.remove(&old.order_id());
                }
            }
            for child in old.child_ids() {
                if self.by_child.get(&child) == Some(&id) {
                    self.by_child.remove(&child);
                }
            }
        }
        self.by_order.entry(d.order_id()).or_default().insert(id);
        for child in d.child_ids() {
            self.by_child.insert(child, id);
        }
        self.rows.insert(id, d);
        old
    }

    /// Compares the index with one rebuilt from the rows.
    pub fn check(&self, what: &str) -> Result<(), String>
    where
        T: Clone,
    {
        let rebuilt = Self::from_rows(self.rows.clone());
        same(what, &self.by_order, &rebuilt.by_order)?;
        same(what, &self.by_child, &rebuilt.by_child)
    }
}

// ---------------------------------------------------------------------------
// Orders

/// Orders by entity id, with the index of their items (item id → order id) that
/// `GET /V1/orders/items/{id}` reads.
#[derive(Debug, Clone, Default)]
pub struct Orders {
    rows: BTreeMap<u64, crate::sales::Order>,
    by_item: HashMap<u64, u64>,
}

impl Deref for Orders {
    type Target = BTreeMap<u64, crate::sales::Order>;
    fn deref(&self) -> &Self::Target {
        &self.rows
    }
}

impl PartialEq for Orders {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

impl Serialize for Orders {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.rows.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Orders {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<u64, crate::sales::Order>::deserialize(d).map(Self::from_rows)
    }
}

impl Orders {
    fn from_rows(rows: BTreeMap<u64, crate::sales::Order>) -> Self {
        let mut by_item = HashMap::new();
        for (id, o) in &rows {
            for item in &o.items {
                by_item.insert(item.item_id, *id);
            }
        }
        Self { rows, by_item }
    }

    /// The order holding item `item_id`, and the item.
    pub fn by_item(
        &self,
        item_id: u64,
    ) -> Option<(&crate::sales::Order, &crate::sales::OrderItem)> {
        let order = self.rows.get(self.by_item.get(&item_id)?)?;
        let item = order.items.iter().find(|i| i.item_id == item_id)?;
        Some((order, item))
    }

    /// Stores order `o` under `id` (its entity id), replacing the one there.
    pub fn insert(&mut self, id: u64, o: crate::sales::Order) -> Option<crate::sales::Order> {
        let old = self.rows.remove(&id);
        if let Some(old) = &old {
            for item in &old.items {
                if self.by_item.get(&item.item_id) == Some(&id) {
                    self.by_item.remove(&item.item_id);
                }
            }
        }
        for item in &o.items {
            self.by_item.insert(item.item_id, id);
        }
        self.rows.insert(id, o);
        old
    }

    /// Compares the index with one rebuilt from the rows.
    pub fn check(&self) -> Result<(), String> {
        same(
            "orders",
            &self.by_item,
            &Self::from_rows(self.rows.clone()).by_item,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::TokenOwner;

    fn token(n: u64) -> BearerToken {
        BearerToken {
            token: format!("t{n}"),
            owner: TokenOwner::Admin { user_id: 1 },
            expires_at: 100,
            revoked: false,
        }
    }

    #[test]
    fn product_text_columns_follow_every_change_and_compact() {
        use crate::search::Field;
        let mut state = crate::fixtures::default_state();
        let scope = crate::catalog::SaveScope {
            now: time::OffsetDateTime::UNIX_EPOCH,
            website_ids: vec![1],
            timezone: "UTC".into(),
        };
        let body = serde_json::json!({"sku": "t", "name": "T", "price": 1, "weight": 1});
        let id = crate::catalog::save_product(&mut state, &body, None, &scope).unwrap();
        let template = state.products.get(&id).cloned().unwrap();
        let product = |id: u64, name: Option<String>| {
            let mut p = template.clone();
            p.id = id;
            p.sku = format!("sku-{id}");
            p.name = name;
            p
        };
        let mut products = Products::default();
        for id in 1..=200 {
            products.insert(product(id, Some(format!("Name {id}"))));
        }
        products.check().unwrap();
        // Renames leave their old text behind until the buffer is rewritten.
        for round in 0..400 {
            for id in [7, 8, 9] {
                products.update(id, |p| {
                    p.name = Some(format!("Renamed {round} {}", "x".repeat(200)));
                });
            }
        }
        assert!(products.text.text.len() < 100_000, "compacted");
        products.update(10, |p| p.name = None);
        products.update(12, |p| p.sku = "other".into());
        products.update(13, |p| p.weight = Some(2.0)); // same texts: nothing appended
        products.remove(11);
        products.insert(product(5, Some("Replaced".into())));
        products.insert(product(500, None));
        products.check().unwrap();
        let walked = products.search_rows(&["sku", "weight"]);
        let text_only = products.search_rows(&["sku", "name"]);
        assert!(walked.iter().all(|r| r.product.is_some()));
        assert!(text_only.iter().all(|r| r.product.is_none()));
        for rows in [&walked, &text_only] {
            assert_eq!(rows.len(), products.len());
            for r in rows {
                let p = r.product().unwrap();
                assert_eq!((r.sku, r.name), (&*p.sku, p.name.as_deref()));
                assert!(std::ptr::eq(p, products.get(&r.id).unwrap()));
            }
        }
        let rows = text_only;
        assert_eq!(rows[4].name, Some("Replaced"));
        let renamed = format!("Renamed 399 {}", "x".repeat(200));
        assert_eq!(rows[6].field("name"), Field::text(&renamed));
        assert_eq!(rows[9].field("name"), Field::Missing);
        assert_eq!(rows[10].field("sku"), Field::text("other"));
        assert_eq!(rows[11].field("weight"), Field::Num(2.0));
        let back: Products =
            serde_json::from_value(serde_json::to_value(&products).unwrap()).unwrap();
        back.check().unwrap();
        assert_eq!(back.text.garbage, 0);
        // `check` sees a column out of step with its product.
        let mut broken = products.clone();
        let (a, b) = (broken.text.entries[&1], broken.text.entries[&2]);
        broken.text.entries.insert(1, b);
        broken.text.entries.insert(2, a);
        assert!(broken.check().unwrap_err().contains("product 1"));
    }

    #[test]
    fn tokens_past_capacity_drop_the_oldest_and_stay_findable() {
        let mut tokens = Tokens::default();
        for n in 0..10 {
            tokens.push(token(n), 4);
            tokens.check().unwrap();
        }
        assert_eq!(tokens.len(), 4);
        assert!(tokens.get("t5").is_none());
        assert_eq!(tokens.get("t6").map(|t| t.token.as_str()), Some("t6"));
        assert_eq!(tokens.get("t9").map(|t| t.token.as_str()), Some("t9"));
        let json = serde_json::to_value(&tokens).unwrap();
        let back: Tokens = serde_json::from_value(json).unwrap();
        assert_eq!(back, tokens);
        assert_eq!(back.get("t7").map(|t| t.token.as_str()), Some("t7"));
    }

    fn item(sku: &str, source: &str, quantity: f64) -> SourceItem {
        SourceItem {
            sku: sku.into(),
            source_code: source.into(),
            quantity,
            status: 1,
        }
    }

    #[test]
    fn source_items_keep_creation_order_and_fold_skus() {
        let mut items = SourceItems::default();
        items.upsert(item("b", "us", 1.0));
        items.upsert(item("A", "us", 2.0));
        items.upsert(item("a", "eu", 3.0));
        items.upsert(item("a", "us", 4.0));
        let order: Vec<(&str, &str, f64)> = items
            .iter()
            .map(|i| (i.sku.as_str(), i.source_code.as_str(), i.quantity))
            .collect();
        assert_eq!(
            order,
            [("b", "us", 1.0), ("A", "us", 4.0), ("a", "eu", 3.0)]
        );
        assert_eq!(items.of_sku("A").count(), 2);
        items.remove_sku("a");
        assert_eq!(items.len(), 1);
        items.check().unwrap();
        let json = serde_json::to_value(&items).unwrap();
        assert!(json.is_array(), "exported as the plain list");
    }

    #[test]
    fn reservation_sums_follow_the_log() {
        let mut log = Reservations::default();
        for (sku, qty) in [("x", -2.0), ("X", 1.5), ("y", -1.0)] {
            log.push(Reservation {
                reservation_id: 1,
                stock_id: 2,
                sku: sku.into(),
                quantity: qty,
                metadata: String::new(),
            });
        }
        assert_eq!(log.sum("x", 2), -0.5);
        assert_eq!(log.sum("x", 1), 0.0);
        log.check().unwrap();
    }
}

// ---------------------------------------------------------------------------
// Categories

/// Categories by id, with their URL-path and children indexes.
#[derive(Debug, Clone, Default)]
pub struct Categories {
    rows: BTreeMap<u64, crate::catalog::Category>,
    keys: CategoryKeys,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct CategoryKeys {
    /// URL path (or key) of categories at level 2 and below → ids.
    by_url: HashMap<String, Vec<u64>>,
    /// Parent id → its children as (position, id); a category naming itself as its
    /// parent is nobody's child.
    children: HashMap<u64, BTreeSet<(i64, u64)>>,
}

rows_only!(Categories, BTreeMap<u64, crate::catalog::Category>);

/// The URL path a category at level 2 or below claims (`url_path`, else `url_key`).
fn category_url(c: &crate::catalog::Category) -> Option<&str> {
    if c.level < 2 {
        return None;
    }
    let attr = |code: &str| {
        c.custom_attributes
            .iter()
            .find(|a| a.attribute_code == code)
            .and_then(|a| a.value.as_str())
    };
    attr("url_path").or_else(|| attr("url_key"))
}

impl CategoryKeys {
    fn add(&mut self, c: &crate::catalog::Category) {
        if let Some(url) = category_url(c) {
            add_to(&mut self.by_url, url, c.id);
        }
        if c.parent_id != c.id {
            self.children
                .entry(c.parent_id)
                .or_default()
                .insert((c.position, c.id));
        }
    }

    fn drop(&mut self, c: &crate::catalog::Category) {
        if let Some(url) = category_url(c) {
            remove_from(&mut self.by_url, url, c.id);
        }
        if let Some(kids) = self.children.get_mut(&c.parent_id) {
            kids.remove(&(c.position, c.id));
            if kids.is_empty() {
                self.children.remove(&c.parent_id);
            }
        }
    }
}

impl Categories {
    fn from_rows(rows: BTreeMap<u64, crate::catalog::Category>) -> Self {
        let mut keys = CategoryKeys::default();
        for c in rows.values() {
            keys.add(c);
        }
        Self { rows, keys }
    }

    /// Ids of the categories (level 2 and below) whose URL path is `url`.
    pub fn with_url(&self, url: &str) -> impl Iterator<Item = u64> + '_ {
        self.keys.by_url.get(url).into_iter().flatten().copied()
    }

    /// The children of `id`, by position then id.
    pub fn children_of(&self, id: u64) -> impl Iterator<Item = &crate::catalog::Category> + '_ {
        self.keys
            .children
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|(_, child)| self.rows.get(child))
    }

    /// Stores `c` under its id.
    pub fn insert(&mut self, c: crate::catalog::Category) -> Option<crate::catalog::Category> {
        let old = self.rows.remove(&c.id);
        if let Some(old) = &old {
            self.keys.drop(old);
        }
        self.keys.add(&c);
        self.rows.insert(c.id, c);
        old
    }

    /// Removes the category with `id`.
    pub fn remove(&mut self, id: u64) -> Option<crate::catalog::Category> {
        let old = self.rows.remove(&id)?;
        self.keys.drop(&old);
        Some(old)
    }

    /// Compares the indexes with ones rebuilt from the rows.
    pub fn check(&self) -> Result<(), String> {
        same(
            "categories",
            &self.keys,
            &Self::from_rows(self.rows.clone()).keys,
        )
    }
}
