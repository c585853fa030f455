//! Multi-Source Inventory: sources, stocks, stock–source links, source items,
//! reservations and salable quantity (reference §7).
//!
//! Every operation here is atomic: it validates the whole input first and only then
//! touches the state, so a failed call leaves the store exactly as it was. Inputs are
//! typed ([`SourceInput`], [`StockInput`], [`LinkInput`], [`SourceItemInput`]) and carry
//! what the client sent, absent fields included, because Magento validates the object
//! it bound from the request, not the stored row.
//!
//! Deliberate choices where Magento versions differ (see `COVERAGE.md`):
//!
//! - codes are compared exactly (MySQL would compare them case-insensitively); SKUs
//!   case-insensitively, as [`crate::catalog::find_by_sku`] does;
//! - the index `is_salable` includes reservations (MSI's
//!   `MinQtyStockWithReservationsCondition`), as reference §7.5 states it;
//! - a source item for an unknown SKU is accepted (2.4.0 has no existent-SKU validator).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::errors::{ErrorEntry, MResult, MagentoError, Params, msg};
use crate::state::State;

/// Code of the default source.
pub const DEFAULT_SOURCE: &str = "default";
/// Id of the default stock.
pub const DEFAULT_STOCK: u64 = 1;

/// MSI message templates, verbatim (typos included).
pub mod messages {
    /// `%field` is named.
    pub const NOT_EMPTY: &str = "\"%field\" can not be empty.";
    /// `%field` is named.
    pub const NO_WHITESPACE: &str = "\"%field\" can not contain whitespaces.";
    /// `%field` is named.
    pub const NO_LEADING_TRAILING: &str = "\"%field\" can not contain leading or trailing spaces.";
    /// `%field` is named.
    pub const NUMERIC: &str = "\"%field\" should be numeric.";
    /// `%field` is named; "should a known status" is Magento's text.
    pub const KNOWN_STATUS: &str = "\"%field\" should a known status.";
    /// `%field` is named; "greater then" is Magento's text.
    pub const GREATER_THAN_ZERO: &str = "\"%field\" should be greater then 0.";
    /// An empty list argument.
    pub const INPUT_EMPTY: &str = "Input data is empty";
    /// The default source may not be disabled.
    pub const DEFAULT_SOURCE_DISABLED: &str = "Default source can not be disabled.";
    /// Carrier links with the global shipping configuration; `%field` is named.
    pub const GLOBAL_CARRIERS: &str =
        "You can't configure \"%field\" because you have chosen Global Shipping configuration.";
    /// 404 of `GET /V1/inventory/sources/:code`; `%value` is named.
    pub const NO_SOURCE: &str = "Source with code \"%value\" does not exist.";
    /// 404 of `GET /V1/inventory/stocks/:id`; `%value` is named.
    pub const NO_STOCK: &str = "Stock with id \"%value\" does not exist.";
    /// 404 of `DELETE /V1/inventory/stocks/:id`; `%fieldName`, `%fieldValue` are named.
    pub const NO_STOCK_TO_DELETE: &str =
        "There is no stock with \"%fieldValue\" for \"%fieldName\". Verify and try again.";
    /// Deleting stock 1.
    pub const DEFAULT_STOCK_DELETE: &str = "Default Stock could not be deleted.";
    /// Deleting a stock that still has a sales channel.
    pub const STOCK_HAS_CHANNEL: &str =
        "Stock has at least one sale channel and could not be deleted.";
    /// A website sales channel naming no website; `%code` is named.
    pub const NO_WEBSITE: &str = "The website with code \"%code\" does not exist.";
    /// Saving channels for a stock that does not exist.
    pub const COULD_NOT_REPLACE_CHANNELS: &str = "Could not replace Sales Channels for Stock";
    /// A link touching the default source or stock.
    pub const LINK_DEFAULT_SAVE: &str =
        "Can not save link related to Default Source or Default Stock";
    /// Deleting a link touching the default source or stock.
    pub const LINK_DEFAULT_DELETE: &str =
        "Can not delete link related to Default Source or Default Stock";
    /// A link to an unknown source or stock (the database's foreign key refuses it).
    pub const COULD_NOT_SAVE_LINKS: &str = "Could not save StockSourceLinks";
    /// A source item at an unknown source (foreign key).
    pub const COULD_NOT_SAVE_ITEM: &str = "Could not save Source Item";
    /// A source row the database refuses (a negative `region_id`).
    pub const COULD_NOT_SAVE_SOURCE: &str = "Could not save Source";
    /// Salable quantity of an unknown SKU.
    pub const NO_PRODUCT: &str =
        "The product that was requested doesn't exist. Verify the product and try again.";
    /// Salable quantity of a composite product.
    pub const NO_SOURCE_ITEMS_SUPPORT: &str =
        "Can't check requested quantity for products without Source Items support.";
    /// Stock resolver without a match.
    pub const NO_LINKED_STOCK: &str = "No linked stock found";
}

use messages as m;

/// An inventory source. Optional fields are omitted from JSON when unset, as Magento
/// does; `extension_attributes` keeps the in-store pickup fields verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Code (primary key).
    pub source_code: String,
    /// Name.
    pub name: String,
    /// Contact email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Contact name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// Enabled.
    pub enabled: bool,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Country (`US`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_id: Option<String>,
    /// Directory region id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_id: Option<u64>,
    /// Free-text region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Postcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Fax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    /// Use the global shipping carriers.
    #[serde(default = "yes")]
    pub use_default_carrier_config: bool,
    /// Carrier links (`{"carrier_code","position"}`), kept as sent.
    #[serde(default)]
    pub carrier_links: Vec<Value>,
    /// `extension_attributes` (in-store pickup fields…).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extension_attributes: Map<String, Value>,
}

fn yes() -> bool {
    true
}

/// A stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stock {
    /// Id (1 is the default stock).
    pub stock_id: u64,
    /// Name.
    pub name: String,
    /// Sales channels (`{"type":"website","code":"base"}`), ordered by type then code
    /// as Magento's table key orders them.
    #[serde(default)]
    pub sales_channels: Vec<SalesChannel>,
}

/// A stock's sales channel.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SalesChannel {
    /// `website`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Website code.
    pub code: String,
}

/// A stock–source link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockSourceLink {
    /// Stock.
    pub stock_id: u64,
    /// Source.
    pub source_code: String,
    /// Priority (> 0).
    pub priority: i64,
}

/// A source item: quantity of one SKU at one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceItem {
    /// SKU.
    pub sku: String,
    /// Source.
    pub source_code: String,
    /// Quantity.
    pub quantity: f64,
    /// 1 in stock, 0 out of stock.
    pub status: u8,
}

/// An inventory reservation (negative = held by an order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reservation {
    /// Id.
    pub reservation_id: u64,
    /// Stock.
    pub stock_id: u64,
    /// SKU.
    pub sku: String,
    /// Quantity.
    pub quantity: f64,
    /// JSON metadata string (`{"event_type":"order_placed",…}`).
    pub metadata: String,
}

/// One field of an input object: not sent, sent as `null`, or sent with a value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Patch<T> {
    /// Not in the request: an update keeps the stored value.
    #[default]
    Keep,
    /// `null`: an update clears a nullable column.
    Clear,
    /// A value.
    Set(T),
}

impl<T> Patch<T> {
    /// The value, if one was sent.
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            Patch::Keep | Patch::Clear => None,
        }
    }

    fn merge(self, old: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => old,
            Patch::Clear => None,
            Patch::Set(v) => Some(v),
        }
    }
}

impl Patch<String> {
    /// PHP's `(string)$source->getX()`: the value or `""`.
    pub fn text(&self) -> &str {
        self.value().map_or("", String::as_str)
    }
}

/// A source as bound from `{"source": {...}}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceInput {
    /// Code (for `PUT`, the URL's).
    pub source_code: Patch<String>,
    /// Name.
    pub name: Patch<String>,
    /// Email.
    pub email: Patch<String>,
    /// Contact name.
    pub contact_name: Patch<String>,
    /// Enabled.
    pub enabled: Patch<bool>,
    /// Description.
    pub description: Patch<String>,
    /// Latitude.
    pub latitude: Patch<f64>,
    /// Longitude.
    pub longitude: Patch<f64>,
    /// Country.
    pub country_id: Patch<String>,
    /// Region id (a negative one is refused by the database).
    pub region_id: Patch<i64>,
    /// Region.
    pub region: Patch<String>,
    /// City.
    pub city: Patch<String>,
    /// Street.
    pub street: Patch<String>,
    /// Postcode.
    pub postcode: Patch<String>,
    /// Phone.
    pub phone: Patch<String>,
    /// Fax.
    pub fax: Patch<String>,
    /// Use global carriers.
    pub use_default_carrier_config: Patch<bool>,
    /// Carrier links.
    pub carrier_links: Patch<Vec<Value>>,
    /// `extension_attributes.is_pickup_location_active`.
    pub is_pickup_location_active: Patch<bool>,
    /// `extension_attributes.frontend_name`.
    pub frontend_name: Patch<String>,
    /// `extension_attributes.frontend_description`.
    pub frontend_description: Patch<String>,
}

/// A stock as bound from `{"stock": {...}}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StockInput {
    /// Id: set for an update (`PUT`, or `POST` with an id), absent to create.
    pub stock_id: Option<i64>,
    /// Name.
    pub name: Patch<String>,
    /// `extension_attributes.sales_channels`; absent means none.
    pub sales_channels: Vec<SalesChannelInput>,
}

/// One sales channel as sent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SalesChannelInput {
    /// `type`.
    pub kind: Option<String>,
    /// `code`.
    pub code: Option<String>,
}

/// A stock–source link as sent (`priority` is ignored by delete).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkInput {
    /// Stock.
    pub stock_id: Option<i64>,
    /// Source.
    pub source_code: Option<String>,
    /// Priority.
    pub priority: Option<i64>,
}

/// A source item as sent (`quantity` and `status` are ignored by delete).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceItemInput {
    /// SKU.
    pub sku: Option<String>,
    /// Source.
    pub source_code: Option<String>,
    /// Quantity.
    pub quantity: Option<f64>,
    /// Status.
    pub status: Option<i64>,
}

fn field_error(template: &str, field: &str) -> ErrorEntry {
    ErrorEntry::with(template, Params::named([("field", Value::from(field))]))
}

/// PHP `trim()`'s whitespace set.
fn php_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B'])
}

fn not_empty(errors: &mut Vec<ErrorEntry>, field: &str, value: &str) {
    if php_trim(value).is_empty() {
        errors.push(field_error(m::NOT_EMPTY, field));
    }
}

/// PCRE `\s`: space, tab, newline, vertical tab, form feed, carriage return.
fn no_whitespace(errors: &mut Vec<ErrorEntry>, field: &str, value: &str) {
    if value
        .chars()
        .any(|c| matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r'))
    {
        errors.push(field_error(m::NO_WHITESPACE, field));
    }
}

/// MSI's `NoSpecialCharsInString`: `/\$[:]*{(.)*}/` (template-injection guard).
fn no_special_chars(errors: &mut Vec<ErrorEntry>, value: &str) {
    let hit = value.lines().any(|line| {
        line.match_indices('$').any(|(i, _)| {
            let rest = line[i + 1..].trim_start_matches(':');
            rest.strip_prefix('{').is_some_and(|r| r.contains('}'))
        })
    });
    if hit {
        errors.push(ErrorEntry::new(msg::VALIDATION_FAILED));
    }
}

fn validation_failed(errors: Vec<ErrorEntry>) -> MResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(MagentoError::validation(msg::VALIDATION_FAILED, errors))
    }
}

/// True for product types whose stock lives in source items (simple, virtual,
/// downloadable, gift card); composite types (configurable, bundle, grouped) are not.
pub fn supports_source_items(type_id: &str) -> bool {
    matches!(type_id, "simple" | "virtual" | "downloadable" | "giftcard")
}

// ---------------------------------------------------------------------------
// Sources

/// The source with `code`, or 404 `Source with code "%value" does not exist.`
pub fn source<'s>(state: &'s State, code: &str) -> MResult<&'s Source> {
    state
        .sources
        .iter()
        .find(|s| s.source_code == code)
        .ok_or_else(|| MagentoError::not_found(m::NO_SOURCE).named([("value", Value::from(code))]))
}

/// Every source in listing order: by code, as the table's primary key orders them.
pub fn sources_in_order(state: &State) -> Vec<&Source> {
    let mut rows: Vec<&Source> = state.sources.iter().collect();
    rows.sort_by(|a, b| {
        a.source_code
            .to_lowercase()
            .cmp(&b.source_code.to_lowercase())
            .then_with(|| a.source_code.cmp(&b.source_code))
    });
    rows
}

/// The validator chain of `SourceRepository::save`: name, code, postcode, country,
/// then the default source's enabled rule; carrier links only when those pass.
fn validate_source(input: &SourceInput) -> MResult<()> {
    let mut errors = Vec::new();
    let name = input.name.text();
    not_empty(&mut errors, "name", name);
    no_special_chars(&mut errors, name);
    let code = input.source_code.text();
    not_empty(&mut errors, "source_code", code);
    no_whitespace(&mut errors, "source_code", code);
    no_special_chars(&mut errors, code);
    not_empty(&mut errors, "postcode", input.postcode.text());
    not_empty(&mut errors, "country_id", input.country_id.text());
    // `(bool)$source->isEnabled()`: leaving `enabled` out disables, for this check.
    if code == DEFAULT_SOURCE && input.enabled.value() != Some(&true) {
        errors.push(ErrorEntry::new(m::DEFAULT_SOURCE_DISABLED));
    }
    validation_failed(errors)?;
    let links_sent = input.carrier_links.value().is_some_and(|l| !l.is_empty());
    if input.use_default_carrier_config.value() == Some(&true) && links_sent {
        return validation_failed(vec![field_error(m::GLOBAL_CARRIERS, "carrier_links")]);
    }
    Ok(())
}

/// `POST /V1/inventory/sources`, `PUT /V1/inventory/sources/:code`: creates the source
/// or updates it (the code is the primary key). An update changes only the fields
/// sent (`null` clears a nullable one), as Magento's row update does. The in-store
/// pickup `frontend_name` falls back to the name when blank.
pub fn save_source(state: &mut State, input: SourceInput) -> MResult<()> {
    validate_source(&input)?;
    let region_id = match input.region_id {
        Patch::Set(id) => match u64::try_from(id) {
            Ok(id) => Patch::Set(id),
            Err(_) => return Err(MagentoError::bad_request(m::COULD_NOT_SAVE_SOURCE)),
        },
        Patch::Clear => Patch::Clear,
        Patch::Keep => Patch::Keep,
    };
    let code = input.source_code.text().to_owned();
    let name = input.name.text().to_owned();
    let existing = state.sources.iter().position(|s| s.source_code == code);
    let old = existing.and_then(|i| state.sources.get(i)).cloned();
    let mut ext = old
        .as_ref()
        .map(|s| s.extension_attributes.clone())
        .unwrap_or_default();
    let pickup = match (
        &input.is_pickup_location_active,
        ext.get("is_pickup_location_active"),
    ) {
        (Patch::Set(b), _) => *b,
        (_, Some(v)) => v.as_bool().unwrap_or(false),
        (_, None) => false,
    };
    ext.insert("is_pickup_location_active".into(), Value::Bool(pickup));
    let frontend_name = match input.frontend_name.value() {
        Some(f) if !php_trim(f).is_empty() => f.clone(),
        _ => name.clone(),
    };
    ext.insert("frontend_name".into(), Value::String(frontend_name));
    match input.frontend_description {
        Patch::Set(d) => {
            ext.insert("frontend_description".into(), Value::String(d));
        }
        Patch::Clear => {
            ext.remove("frontend_description");
        }
        Patch::Keep => {}
    }
    let o = old.as_ref();
    let keep_bool = |p: Patch<bool>, old: Option<bool>| match p {
        Patch::Set(b) => b,
        Patch::Keep | Patch::Clear => old.unwrap_or(true),
    };
    let source = Source {
        source_code: code,
        name,
        email: input.email.merge(o.and_then(|s| s.email.clone())),
        contact_name: input
            .contact_name
            .merge(o.and_then(|s| s.contact_name.clone())),
        enabled: keep_bool(input.enabled, o.map(|s| s.enabled)),
        description: input
            .description
            .merge(o.and_then(|s| s.description.clone())),
        latitude: input.latitude.merge(o.and_then(|s| s.latitude)),
        longitude: input.longitude.merge(o.and_then(|s| s.longitude)),
        country_id: input.country_id.merge(o.and_then(|s| s.country_id.clone())),
        region_id: region_id.merge(o.and_then(|s| s.region_id)),
        region: input.region.merge(o.and_then(|s| s.region.clone())),
        city: input.city.merge(o.and_then(|s| s.city.clone())),
        street: input.street.merge(o.and_then(|s| s.street.clone())),
        postcode: input.postcode.merge(o.and_then(|s| s.postcode.clone())),
        phone: input.phone.merge(o.and_then(|s| s.phone.clone())),
        fax: input.fax.merge(o.and_then(|s| s.fax.clone())),
        use_default_carrier_config: keep_bool(
            input.use_default_carrier_config,
            o.map(|s| s.use_default_carrier_config),
        ),
        carrier_links: input
            .carrier_links
            .merge(o.map(|s| s.carrier_links.clone()))
            .unwrap_or_default(),
        extension_attributes: ext,
    };
    match existing.and_then(|i| state.sources.get_mut(i)) {
        Some(slot) => *slot = source,
        None => state.sources.push(source),
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Stocks

/// The stock with `id`, or 404 `Stock with id "%value" does not exist.`
pub fn stock(state: &State, id: i64) -> MResult<&Stock> {
    u64::try_from(id)
        .ok()
        .and_then(|id| state.stocks.get(&id))
        .ok_or_else(|| MagentoError::not_found(m::NO_STOCK).named([("value", Value::from(id))]))
}

fn validate_stock(state: &State, input: &StockInput) -> MResult<()> {
    let mut errors = Vec::new();
    not_empty(&mut errors, "name", input.name.text());
    for channel in &input.sales_channels {
        let kind = channel.kind.as_deref().unwrap_or("");
        let code = channel.code.as_deref().unwrap_or("");
        not_empty(&mut errors, "type", kind);
        not_empty(&mut errors, "code", code);
        if kind == "website" && !state.websites.iter().any(|w| w.code == code) {
            errors.push(ErrorEntry::with(
                m::NO_WEBSITE,
                Params::named([("code", Value::from(code))]),
            ));
        }
    }
    validation_failed(errors)
}

/// Replaces the channels of `stock_id` with `channels`, moving any channel another
/// stock holds (a channel belongs to one stock).
fn replace_channels(state: &mut State, stock_id: u64, channels: &[SalesChannel]) {
    state.stocks.set_channels(stock_id, channels);
}

/// `POST /V1/inventory/stocks` and `PUT /V1/inventory/stocks/:id`: validates the name
/// and the sales channels, creates (new id from `next.stock_id`) or renames, then
/// replaces the stock's channels with the ones sent. Websites the stock loses go back
/// to the default stock. Returns the stock id.
///
/// An id naming no stock updates nothing and is echoed back, unless channels were
/// sent: then the channel rows have no stock to point to and Magento answers
/// `Could not replace Sales Channels for Stock`.
pub fn save_stock(state: &mut State, input: StockInput) -> MResult<i64> {
    validate_stock(state, &input)?;
    let channels: Vec<SalesChannel> = input
        .sales_channels
        .iter()
        .map(|c| SalesChannel {
            kind: c.kind.clone().unwrap_or_default(),
            code: c.code.clone().unwrap_or_default(),
        })
        .collect();
    let name = input.name.text().to_owned();
    let id = match input.stock_id {
        Some(id) => {
            let Some(key) = u64::try_from(id)
                .ok()
                .filter(|k| state.stocks.rename(*k, name.clone()))
            else {
                if channels.is_empty() {
                    return Ok(id);
                }
                return Err(MagentoError::bad_request(m::COULD_NOT_REPLACE_CHANNELS));
            };
            key
        }
        None => {
            let id = state.next.stock_id;
            state.next.stock_id += 1;
            state.stocks.insert_empty(id, name);
            id
        }
    };
    let before = state
        .stocks
        .get(&id)
        .map(|s| s.sales_channels.clone())
        .unwrap_or_default();
    let unassigned: Vec<SalesChannel> = before
        .into_iter()
        .filter(|c| {
            c.kind == "website"
                && !channels
                    .iter()
                    .any(|n| n.kind == "website" && n.code == c.code)
        })
        .collect();
    replace_channels(state, id, &channels);
    if !unassigned.is_empty() {
        let mut merged = unassigned;
        if let Some(default) = state.stocks.get(&DEFAULT_STOCK) {
            merged.extend(default.sales_channels.iter().cloned());
        }
        replace_channels(state, DEFAULT_STOCK, &merged);
    }
    i64::try_from(id).map_err(|_| MagentoError::bad_request("Could not save Stock"))
}

/// `DELETE /V1/inventory/stocks/:id`: refuses the default stock and any stock with a
/// sales channel, 404s an unknown id, and drops the stock's links with it.
pub fn delete_stock(state: &mut State, id: i64) -> MResult<()> {
    if id == DEFAULT_STOCK as i64 {
        return Err(MagentoError::bad_request(m::DEFAULT_STOCK_DELETE));
    }
    let key = u64::try_from(id).ok();
    if key
        .and_then(|k| state.stocks.get(&k))
        .is_some_and(|s| !s.sales_channels.is_empty())
    {
        return Err(MagentoError::bad_request(m::STOCK_HAS_CHANNEL));
    }
    let Some(key) = key.filter(|k| state.stocks.contains_key(k)) else {
        return Err(MagentoError::not_found(m::NO_STOCK_TO_DELETE).named([
            ("fieldName", Value::from("stock_id")),
            ("fieldValue", Value::from(id)),
        ]));
    };
    state.stocks.remove(key);
    state.stock_source_links.retain(|l| l.stock_id != key);
    Ok(())
}

/// `GET /V1/inventory/stock-resolver/:type/:code`: the stock holding the sales channel,
/// or 404 `No linked stock found`.
pub fn stock_for_channel<'s>(state: &'s State, kind: &str, code: &str) -> MResult<&'s Stock> {
    state
        .stocks
        .for_channel(kind, code)
        .ok_or_else(|| MagentoError::not_found(m::NO_LINKED_STOCK))
}

// ---------------------------------------------------------------------------
// Stock–source links

fn is_default_link(stock_id: Option<i64>, source_code: Option<&str>) -> bool {
    stock_id == Some(DEFAULT_STOCK as i64) || source_code == Some(DEFAULT_SOURCE)
}

/// `POST /V1/inventory/stock-source-links`: validates every link (source code,
/// priority, the default source/stock rule), then upserts them by (stock, source).
/// An unknown stock or source fails the whole batch, as the database's foreign keys do.
pub fn save_links(state: &mut State, links: Vec<LinkInput>) -> MResult<()> {
    if links.is_empty() {
        return Err(MagentoError::bad_request(m::INPUT_EMPTY));
    }
    let mut errors = Vec::new();
    for link in &links {
        let code = link.source_code.as_deref().unwrap_or("");
        not_empty(&mut errors, "source_code", code);
        no_whitespace(&mut errors, "source_code", code);
        // `stock_id` is checked as `(string)(int)$id`, which is never empty: no error.
        if link.priority.unwrap_or(0) <= 0 {
            errors.push(field_error(m::GREATER_THAN_ZERO, "priority"));
        }
        let initial = link.stock_id == Some(DEFAULT_STOCK as i64)
            && link.source_code.as_deref() == Some(DEFAULT_SOURCE);
        if !initial && is_default_link(link.stock_id, link.source_code.as_deref()) {
            errors.push(ErrorEntry::new(m::LINK_DEFAULT_SAVE));
        }
    }
    validation_failed(errors)?;
    let mut rows = Vec::with_capacity(links.len());
    for link in links {
        let stock_id = link
            .stock_id
            .and_then(|id| u64::try_from(id).ok())
            .filter(|id| state.stocks.contains_key(id));
        let source_code = link
            .source_code
            .filter(|c| state.sources.iter().any(|s| &s.source_code == c));
        let (Some(stock_id), Some(source_code)) = (stock_id, source_code) else {
            return Err(MagentoError::bad_request(m::COULD_NOT_SAVE_LINKS));
        };
        rows.push(StockSourceLink {
            stock_id,
            source_code,
            priority: link.priority.unwrap_or(0),
        });
    }
    for row in rows {
        match state
            .stock_source_links
            .iter_mut()
            .find(|l| l.stock_id == row.stock_id && l.source_code == row.source_code)
        {
            Some(existing) => existing.priority = row.priority,
            None => state.stock_source_links.push(row),
        }
    }
    Ok(())
}

/// `POST /V1/inventory/stock-source-links-delete`: refuses any link touching the
/// default source or stock, then deletes the (stock, source) pairs that exist.
pub fn delete_links(state: &mut State, links: Vec<LinkInput>) -> MResult<()> {
    if links
        .iter()
        .any(|l| is_default_link(l.stock_id, l.source_code.as_deref()))
    {
        return Err(MagentoError::bad_request(m::LINK_DEFAULT_DELETE));
    }
    if links.is_empty() {
        return Err(MagentoError::bad_request(m::INPUT_EMPTY));
    }
    state.stock_source_links.retain(|l| {
        !links.iter().any(|d| {
            d.stock_id == i64::try_from(l.stock_id).ok()
                && d.source_code.as_deref() == Some(l.source_code.as_str())
        })
    });
    Ok(())
}

/// `GET /V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/:id`: the
/// linked sources, enabled or not, by ascending priority (ties in link order).
pub fn sources_by_priority(state: &State, stock_id: i64) -> Vec<&Source> {
    let mut links: Vec<&StockSourceLink> = state
        .stock_source_links
        .iter()
        .filter(|l| i64::try_from(l.stock_id).ok() == Some(stock_id))
        .collect();
    links.sort_by_key(|l| l.priority);
    links
        .into_iter()
        .filter_map(|l| {
            state
                .sources
                .iter()
                .find(|s| s.source_code == l.source_code)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Source items

/// The `errors[]` of `SourceItemsValidator` for `items`: per item the SKU, the source
/// code, the quantity and the status checks, in that order.
fn source_item_errors(items: &[SourceItemInput]) -> Vec<ErrorEntry> {
    let mut errors = Vec::new();
    for item in items {
        let sku = item.sku.as_deref().unwrap_or("");
        not_empty(&mut errors, "sku", sku);
        if php_trim(sku) != sku {
            errors.push(field_error(m::NO_LEADING_TRAILING, "sku"));
        }
        let code = item.source_code.as_deref().unwrap_or("");
        not_empty(&mut errors, "source_code", code);
        no_whitespace(&mut errors, "source_code", code);
        if item.quantity.is_none() {
            errors.push(field_error(m::NUMERIC, "quantity"));
        }
        match item.status {
            None => errors.push(field_error(m::NUMERIC, "status")),
            Some(0 | 1) => {}
            Some(_) => errors.push(field_error(m::KNOWN_STATUS, "status")),
        }
    }
    errors
}

/// `POST /V1/inventory/source-items`: validates every item (`Validation Failed: ` +
/// the first error, rendered, with the full list), refuses the batch if any source is
/// unknown, then upserts per (SKU, source). Items at the `default` source update the
/// product's legacy stock item (reference §7.7).
pub fn save_source_items(state: &mut State, items: Vec<SourceItemInput>) -> MResult<()> {
    if items.is_empty() {
        return Err(MagentoError::bad_request(m::INPUT_EMPTY));
    }
    let errors = source_item_errors(&items);
    if let Some(first) = errors.first() {
        let rendered = first.parameters.render(&first.message);
        return Err(MagentoError::validation(
            format!("{}: {rendered}", msg::VALIDATION_FAILED),
            errors,
        ));
    }
    let mut rows = Vec::with_capacity(items.len());
    for item in items {
        let (Some(sku), Some(source_code), Some(quantity), Some(status)) =
            (item.sku, item.source_code, item.quantity, item.status)
        else {
            return Err(MagentoError::bad_request(m::COULD_NOT_SAVE_ITEM));
        };
        if !state.sources.iter().any(|s| s.source_code == source_code) {
            return Err(MagentoError::bad_request(m::COULD_NOT_SAVE_ITEM));
        }
        rows.push(SourceItem {
            sku,
            source_code,
            quantity,
            status: u8::from(status == 1),
        });
    }
    for row in rows {
        let legacy = (row.source_code == DEFAULT_SOURCE)
            .then(|| (row.sku.clone(), row.quantity, row.status == 1));
        upsert_item(state, row);
        if let Some((sku, qty, in_stock)) = legacy {
            if legacy_synced(state, &sku) {
                crate::catalog::apply_default_source_item(state, &sku, Some((qty, in_stock)));
            }
        }
    }
    Ok(())
}

fn upsert_item(state: &mut State, row: SourceItem) {
    state.source_items.upsert(row);
}

/// True when `sku` is a catalog product whose type keeps its stock in source items
/// (only those are mirrored into the legacy stock item).
fn legacy_synced(state: &State, sku: &str) -> bool {
    crate::catalog::find_by_sku(state, sku).is_some_and(|p| supports_source_items(&p.type_id))
}

/// `POST /V1/inventory/source-items-delete`: deletes the (SKU, source) pairs that
/// exist; a deleted `default` item sets the legacy stock item to 0, out of stock.
pub fn delete_source_items(state: &mut State, items: Vec<SourceItemInput>) -> MResult<()> {
    if items.is_empty() {
        return Err(MagentoError::bad_request(m::INPUT_EMPTY));
    }
    for item in &items {
        let (Some(sku), Some(code)) = (item.sku.as_deref(), item.source_code.as_deref()) else {
            continue;
        };
        state.source_items.remove(sku, code);
        if code == DEFAULT_SOURCE && legacy_synced(state, sku) {
            crate::catalog::apply_default_source_item(state, sku, None);
        }
    }
    Ok(())
}

/// Legacy → MSI sync (reference §7.7): the legacy stock item of `sku` was saved with
/// `qty` and `in_stock`; upserts the `default` source item to match. The caller (the
/// catalog) decides whether the product type keeps source items.
pub fn sync_default_source_item(state: &mut State, sku: &str, qty: f64, in_stock: bool) {
    upsert_item(
        state,
        SourceItem {
            sku: sku.to_owned(),
            source_code: DEFAULT_SOURCE.to_owned(),
            quantity: qty,
            status: u8::from(in_stock),
        },
    );
}

// ---------------------------------------------------------------------------
// Salable quantity (reference §7.5)

/// The stock index row of one SKU in one stock, computed on demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexRow {
    /// Σ quantity of in-stock items at the stock's enabled sources.
    pub physical: f64,
    /// Σ reservations of the SKU on the stock.
    pub reserved: f64,
    /// The index's `is_salable`.
    pub is_salable: bool,
}

/// Σ reservation quantities of `sku` on `stock_id` (negative = held).
pub fn reserved_qty(state: &State, sku: &str, stock_id: u64) -> f64 {
    state.reservations.sum(sku, stock_id)
}

/// Effective (`use_config_*` resolved against Magento's defaults) out-of-stock
/// threshold, manage-stock flag and backorders of `sku`; `None` when not in the catalog.
fn item_config(state: &State, sku: &str) -> Option<(f64, bool, i64, f64)> {
    crate::catalog::find_by_sku(state, sku).map(|p| {
        let si = &p.stock_item;
        let min_qty = if si.use_config_min_qty {
            0.0
        } else {
            si.min_qty
        };
        let manage = if si.use_config_manage_stock {
            true
        } else {
            si.manage_stock
        };
        let backorders = if si.use_config_backorders {
            0
        } else {
            si.backorders
        };
        (min_qty, manage, backorders, si.qty)
    })
}

/// The index row of `sku` in stock `stock_id`: `None` when no source item of the SKU
/// sits at an enabled source linked to the stock (or the stock does not exist).
pub fn index_row(state: &State, sku: &str, stock_id: i64) -> Option<IndexRow> {
    let stock_id = u64::try_from(stock_id).ok()?;
    let enabled: Vec<&str> = state
        .stock_source_links
        .iter()
        .filter(|l| l.stock_id == stock_id)
        .filter(|l| {
            state
                .sources
                .iter()
                .any(|s| s.source_code == l.source_code && s.enabled)
        })
        .map(|l| l.source_code.as_str())
        .collect();
    let items: Vec<&SourceItem> = state
        .source_items
        .of_sku(sku)
        .filter(|i| enabled.contains(&i.source_code.as_str()))
        .collect();
    if items.is_empty() {
        return None;
    }
    let physical: f64 = items
        .iter()
        .filter(|i| i.status == 1)
        .map(|i| i.quantity)
        .sum();
    let any_in_stock = items.iter().any(|i| i.status == 1);
    let reserved = reserved_qty(state, sku, stock_id);
    let is_salable = match item_config(state, sku) {
        None => true,
        Some((min_qty, manage, backorders, legacy_qty)) => {
            !manage
                || physical + reserved - min_qty > 0.0
                || (backorders != 0 && (min_qty >= 0.0 || legacy_qty > min_qty) && any_in_stock)
        }
    };
    Some(IndexRow {
        physical,
        reserved,
        is_salable,
    })
}

/// `GET /V1/inventory/get-product-salable-quantity/:sku/:stockId`:
/// `physical + reserved − min_qty`, or 0 when the index has no salable row.
/// Unknown SKU → 404; composite type → 400.
pub fn salable_qty(state: &State, sku: &str, stock_id: i64) -> MResult<f64> {
    let product = crate::catalog::find_by_sku(state, sku)
        .ok_or_else(|| MagentoError::not_found(m::NO_PRODUCT))?;
    if !supports_source_items(&product.type_id) {
        return Err(MagentoError::bad_request(m::NO_SOURCE_ITEMS_SUPPORT));
    }
    let Some(row) = index_row(state, sku, stock_id).filter(|r| r.is_salable) else {
        return Ok(0.0);
    };
    let min_qty = item_config(state, sku).map_or(0.0, |(min, ..)| min);
    Ok(row.physical + row.reserved - min_qty)
}

/// MSI's `IsProductSalableForRequestedQty`: whether `qty` of `sku` can be sold from
/// stock `stock_id` now. Unmanaged stock always can; with backorders a salable index row
/// is enough; otherwise the salable quantity must cover `qty`. Types without source
/// items answer their legacy stock status; unknown SKUs cannot be sold.
pub fn is_salable_for_qty(state: &State, sku: &str, stock_id: u64, qty: f64) -> bool {
    let Some(product) = crate::catalog::find_by_sku(state, sku) else {
        return false;
    };
    if product.type_id == "configurable" {
        return configurable_salable(state, product, |child| {
            is_salable_for_qty(state, child, stock_id, qty)
        });
    }
    if !supports_source_items(&product.type_id) {
        return product.stock_item.is_in_stock;
    }
    let Some((_, manage, backorders, _)) = item_config(state, sku) else {
        return false;
    };
    if !manage {
        return true;
    }
    let stock = i64::try_from(stock_id).unwrap_or(-1);
    if !index_row(state, sku, stock).is_some_and(|r| r.is_salable) {
        return false;
    }
    if backorders != 0 {
        return true;
    }
    salable_qty(state, sku, stock).is_ok_and(|salable| salable + 1e-9 >= qty)
}

/// A configurable product sells while its own stock item is in stock and at least one
/// enabled child sells (the stock index gives the parent its children's best status).
/// Children are not configurable, so this does not recurse further.
fn configurable_salable(
    state: &State,
    product: &crate::catalog::Product,
    child_salable: impl Fn(&str) -> bool,
) -> bool {
    product.stock_item.is_in_stock
        && product
            .configurable_links
            .iter()
            .filter_map(|id| state.products.get(id))
            .filter(|c| c.type_id != "configurable" && c.status == 1)
            .any(|c| child_salable(&c.sku))
}

/// Why `qty` of a SKU cannot be sold: MSI's `ProductSalabilityError` `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalabilityError {
    /// `back_order-disabled`…
    pub code: &'static str,
    /// `Backorders are disabled`…
    pub message: &'static str,
}

const BACKORDERS_DISABLED: SalabilityError = SalabilityError {
    code: "back_order-disabled",
    message: "Backorders are disabled",
};
const MANAGE_STOCK_ENABLED: SalabilityError = SalabilityError {
    code: "manage_stock-enabled",
    message: "Manage stock is enabled",
};
const NOT_ENOUGH_QTY: SalabilityError = SalabilityError {
    code: "is_salable_with_reservations-not_enough_qty",
    message: "The requested qty is not available",
};
const NO_STOCK_DATA: SalabilityError = SalabilityError {
    code: "is_salable_with_reservations-no_data",
    message: "The requested sku is not assigned to given stock",
};

/// `GET /V1/inventory/is-product-salable-for-requested-qty/:sku/:stockId/:requestedQty`,
/// MSI's `IsProductSalableForRequestedQtyConditionChain`: salable when one of its
/// sufficient conditions holds — backorders (sort order 10), unmanaged stock (20),
/// enough salable quantity counting reservations (30) — else the errors of all three,
/// in that order. Unknown SKU → 404; a type without source items → 400, as the chain's
/// product type check throws. The required quantity checks (minimum and maximum sale
/// quantity, increments) are not modelled.
pub fn salable_for_requested_qty(
    state: &State,
    sku: &str,
    stock_id: i64,
    qty: f64,
) -> MResult<Vec<SalabilityError>> {
    let product = crate::catalog::find_by_sku(state, sku)
        .ok_or_else(|| MagentoError::not_found(m::NO_PRODUCT))?;
    if !supports_source_items(&product.type_id) {
        return Err(MagentoError::bad_request(m::NO_SOURCE_ITEMS_SUPPORT));
    }
    let (_, manage, backorders, _) = item_config(state, sku).unwrap_or((0.0, true, 0, 0.0));
    let row = index_row(state, sku, stock_id);
    let backorders_ok = backorders != 0 && row.as_ref().is_some_and(|r| r.is_salable);
    if backorders_ok || !manage {
        return Ok(Vec::new());
    }
    let reservations = match row {
        None => NO_STOCK_DATA,
        Some(_) => match salable_qty(state, sku, stock_id) {
            Ok(left) if left + 1e-9 >= qty => return Ok(Vec::new()),
            _ => NOT_ENOUGH_QTY,
        },
    };
    Ok(vec![
        BACKORDERS_DISABLED,
        MANAGE_STOCK_ENABLED,
        reservations,
    ])
}

/// `GET /V1/inventory/is-product-salable/:sku/:stockId`: never an error. Unknown SKU
/// or no index row → `false`; a composite product answers its legacy stock status.
pub fn is_salable(state: &State, sku: &str, stock_id: i64) -> bool {
    let Some(product) = crate::catalog::find_by_sku(state, sku) else {
        return false;
    };
    if product.type_id == "configurable" {
        return configurable_salable(state, product, |child| is_salable(state, child, stock_id));
    }
    if !supports_source_items(&product.type_id) {
        return product.stock_item.is_in_stock;
    }
    index_row(state, sku, stock_id).is_some_and(|r| r.is_salable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        crate::fixtures::default_state()
    }

    #[test]
    fn special_chars_match_magentos_pattern() {
        let mut e = Vec::new();
        no_special_chars(&mut e, "a ${x} b");
        no_special_chars(&mut e, "$::{y}");
        assert_eq!(e.len(), 2);
        let mut e = Vec::new();
        no_special_chars(&mut e, "$ {x}");
        no_special_chars(&mut e, "${ no close");
        no_special_chars(&mut e, "plain");
        assert!(e.is_empty());
    }

    #[test]
    fn a_new_source_gets_defaults_and_frontend_name() {
        let mut s = state();
        let input = SourceInput {
            source_code: Patch::Set("central".into()),
            name: Patch::Set("Central".into()),
            postcode: Patch::Set("63145".into()),
            country_id: Patch::Set("US".into()),
            ..SourceInput::default()
        };
        save_source(&mut s, input).unwrap();
        let c = source(&s, "central").unwrap();
        assert!(c.enabled && c.use_default_carrier_config);
        assert_eq!(c.extension_attributes["frontend_name"], "Central");
        assert_eq!(c.extension_attributes["is_pickup_location_active"], false);
        assert_eq!(
            sources_in_order(&s)
                .iter()
                .map(|s| s.source_code.as_str())
                .collect::<Vec<_>>(),
            ["central", "default", "ua-warehouse", "us-warehouse"]
        );
    }

    #[test]
    fn an_update_keeps_what_was_not_sent() {
        let mut s = state();
        let input = SourceInput {
            source_code: Patch::Set("ua-warehouse".into()),
            name: Patch::Set("UA".into()),
            postcode: Patch::Set("1".into()),
            country_id: Patch::Set("UA".into()),
            email: Patch::Clear,
            ..SourceInput::default()
        };
        save_source(&mut s, input).unwrap();
        let ua = source(&s, "ua-warehouse").unwrap();
        assert_eq!(ua.city.as_deref(), Some("Ternopil"));
        assert_eq!(ua.email, None);
        assert_eq!(ua.name, "UA");
    }

    #[test]
    fn a_stock_losing_its_website_hands_it_to_the_default_stock() {
        let mut s = state();
        let id = save_stock(
            &mut s,
            StockInput {
                stock_id: Some(2),
                name: Patch::Set("Stock2".into()),
                sales_channels: Vec::new(),
            },
        )
        .unwrap();
        assert_eq!(id, 2);
        assert!(s.stocks[&2].sales_channels.is_empty());
        assert_eq!(s.stocks[&1].sales_channels[0].code, "base");
    }

    #[test]
    fn failed_validation_changes_nothing() {
        let mut s = state();
        let before = s.clone();
        let err = save_source_items(
            &mut s,
            vec![
                SourceItemInput {
                    sku: Some("a".into()),
                    source_code: Some("default".into()),
                    quantity: Some(1.0),
                    status: Some(1),
                },
                SourceItemInput {
                    sku: Some(" b".into()),
                    source_code: Some("nope".into()),
                    quantity: None,
                    status: Some(7),
                },
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "Validation Failed: \"sku\" can not contain leading or trailing spaces."
        );
        assert_eq!(err.errors.len(), 3);
        assert_eq!(s, before);
    }
}
