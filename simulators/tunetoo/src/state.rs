//! The whole state of one Tunetoo instance: shops (API key and secret), the catalogue and
//! its stock, orders with their lifecycle, webhook registrations, and the counters ids
//! come from. Domain only: functions over `&mut State` that answer what changed and the
//! events to send ([`Event`]); the HTTP layer signs and sends them after the lock.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sim_core::TimedQueue;
use time::{Date, OffsetDateTime};

use crate::catalogue::{Catalogue, size_index};
use crate::errors::{TResult, TunetooError};

/// A shop of the API: its key names it, its secret signs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shop {
    /// Its id.
    pub id: u64,
    /// A name for people.
    pub name: String,
    /// `X-TUNETOO-API-KEY`.
    pub api_key: String,
    /// The HMAC secret.
    pub secret: String,
}

/// Prices and stock rules (the seed gives no price list: the simulator's, COVERAGE.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Shipping per order, in cents, below [`Settings::free_shipping_from_cents`].
    pub shipping_cents: i64,
    /// Sub-total from which shipping is free, in cents.
    pub free_shipping_from_cents: i64,
    /// VAT in percent of sub-total plus shipping.
    pub tax_percent: i64,
    /// The stock of a variant nobody has set.
    pub default_stock: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            shipping_cents: 490,
            free_shipping_from_cents: 5000,
            tax_percent: 20,
            default_stock: 1000,
        }
    }
}

/// An order's status (seed 004, "Statuts de la commande").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created, waiting for the shop to pay it on Tunetoo's site.
    AwaitingPayment,
    /// Paid: in production.
    InProcess,
    /// Some items shipped.
    PartiallyFulfilled,
    /// Every item shipped.
    Fulfilled,
    /// Cancelled.
    Cancelled,
}

impl Status {
    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::AwaitingPayment => "awaiting_payment",
            Status::InProcess => "in_process",
            Status::PartiallyFulfilled => "partially_fulfilled",
            Status::Fulfilled => "fulfilled",
            Status::Cancelled => "cancelled",
        }
    }

    /// The status named `s`.
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::AwaitingPayment,
            Status::InProcess,
            Status::PartiallyFulfilled,
            Status::Fulfilled,
            Status::Cancelled,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }

    /// Whether the lifecycle goes from `self` to `to`: awaiting_payment → in_process →
    /// partially_fulfilled → fulfilled (partially_fulfilled may repeat), and cancelled
    /// from awaiting_payment or in_process.
    pub fn allows(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (AwaitingPayment, InProcess)
                | (InProcess, PartiallyFulfilled)
                | (InProcess, Fulfilled)
                | (PartiallyFulfilled, PartiallyFulfilled)
                | (PartiallyFulfilled, Fulfilled)
                | (AwaitingPayment, Cancelled)
                | (InProcess, Cancelled)
        )
    }
}

/// A shipping address as the order shows it (every field a string; `zip` sent as a
/// number is kept as its digits).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Address {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Company.
    pub company: String,
    /// Line 1.
    pub address1: String,
    /// Line 2.
    pub address2: String,
    /// City.
    pub city: String,
    /// Country name.
    pub country: String,
    /// ISO country code.
    pub country_code: Option<String>,
    /// Postal code.
    pub zip: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
}

/// A print file of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// `front` or `back`.
    pub zone: String,
    /// `image`.
    #[serde(rename = "type")]
    pub file_type: String,
    /// The image URL.
    pub value: String,
    /// Distance from the collar, in cm, as sent.
    pub collar_distance: String,
}

/// An ordered article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its id (a counter across orders).
    pub id: u64,
    /// The shop's own reference, echoed: `{"id", "options"}`.
    pub external: Value,
    /// How many.
    pub quantity: i64,
    /// Unit price in cents.
    pub price_cents: i64,
    /// The base product variant, `TSH180_856_M`.
    pub sku_base: String,
    /// The personalised article: `<design>_<size index>` (`100000_3`).
    pub sku: String,
    /// The print files.
    pub files: Vec<File>,
}

/// A shipment of some of an order's items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fulfillment {
    /// Tracking URL.
    pub tracking_url: String,
    /// Tracking number.
    pub tracking_number: String,
    /// Carrier.
    pub company: String,
    /// When it shipped.
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    /// What shipped: item ids and quantities.
    pub products: Vec<Shipped>,
}

/// Items of a shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shipped {
    /// The item.
    pub id: u64,
    /// How many of it.
    pub quantity: i64,
    /// The item's personalised SKU.
    pub sku: String,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Its id.
    pub id: u64,
    /// The shop it belongs to.
    pub shop: u64,
    /// The shop's own reference, echoed.
    pub external: Value,
    /// Where it stands.
    pub status: Status,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Shipments.
    pub fulfillments: Vec<Fulfillment>,
    /// Where it goes.
    pub shipping_address: Address,
    /// The articles.
    pub items: Vec<Item>,
    /// Sub-total in cents.
    pub subtotal_cents: i64,
    /// Shipping in cents.
    pub shipping_cents: i64,
    /// Tax in cents.
    pub tax_cents: i64,
}

impl Order {
    /// Total in cents.
    pub fn total_cents(&self) -> i64 {
        self.subtotal_cents + self.shipping_cents + self.tax_cents
    }

    /// How many of item `id` have shipped.
    pub fn shipped(&self, id: u64) -> i64 {
        self.fulfillments
            .iter()
            .flat_map(|f| &f.products)
            .filter(|p| p.id == id)
            .map(|p| p.quantity)
            .sum()
    }
}

/// A webhook registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// Its id.
    pub id: u64,
    /// The shop it belongs to.
    pub shop: u64,
    /// Where to POST.
    pub target: String,
    /// The event as registered (`order_fullfilled`, the docs' spelling, is kept).
    pub event: String,
}

/// The events (seed 004, "Webhooks").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// `order_change_status`.
    OrderChangeStatus,
    /// `order_fulfilled` (registered also as `order_fullfilled`).
    OrderFulfilled,
    /// `stock_updated`.
    StockUpdated,
}

impl EventKind {
    /// The event a registration names, in either spelling of the fulfilled one.
    pub fn parse(name: &str) -> Option<EventKind> {
        match name {
            "order_change_status" => Some(EventKind::OrderChangeStatus),
            "order_fulfilled" | "order_fullfilled" => Some(EventKind::OrderFulfilled),
            "stock_updated" => Some(EventKind::StockUpdated),
            _ => None,
        }
    }
}

/// Something that happened, for the shops' webhooks: built under the lock, sent after.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Which.
    pub kind: EventKind,
    /// The shop it concerns; `None` for every shop (stock is shared).
    pub shop: Option<u64>,
    /// The payload.
    pub body: Value,
}

/// Id counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Next {
    /// Next order id.
    pub order: u64,
    /// Next item id.
    pub item: u64,
    /// Next webhook id.
    pub webhook: u64,
    /// Next personalised design number.
    pub design: u64,
}

impl Default for Next {
    fn default() -> Self {
        Next {
            order: 1,
            item: 1,
            webhook: 1,
            design: 100_000,
        }
    }
}

/// The state.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Settings.
    pub settings: Settings,
    shops: Vec<Shop>,
    /// API key → position in `shops`.
    by_key: HashMap<String, usize>,
    /// The catalogue.
    pub catalogue: Catalogue,
    /// Variant SKU → stock, for variants whose stock was set or moved.
    stock: BTreeMap<String, i64>,
    orders: BTreeMap<u64, Order>,
    /// (shop, created date, order id): the list and its date filter.
    by_shop_date: BTreeSet<(u64, Date, u64)>,
    /// (shop, status, created date, order id): the status filter, with or without a date.
    by_shop_status: BTreeSet<(u64, Status, Date, u64)>,
    webhooks: BTreeMap<u64, Webhook>,
    /// Personalisation (variant colour and files) → design number.
    designs: HashMap<String, u64, foldhash::fast::RandomState>,
    /// Counters.
    pub next: Next,
    /// Orders to fulfil when the timed progression says so.
    pub pending: TimedQueue<u64>,
    /// `GET /v1/products`' JSON, until a variant goes in or out of stock.
    products_json: Option<std::sync::Arc<[u8]>>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.settings == other.settings
            && self.shops == other.shops
            && self.catalogue == other.catalogue
            && self.stock == other.stock
            && self.orders == other.orders
            && self.webhooks == other.webhooks
            && self.designs == other.designs
            && self.next == other.next
    }
}

/// `/__sim/state`'s document and the fixture's `state`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Settings.
    #[serde(default)]
    pub settings: Settings,
    /// Shops.
    pub shops: Vec<Shop>,
    /// The catalogue.
    pub products: Catalogue,
    /// Stock of the variants whose stock was set or moved.
    #[serde(default)]
    pub stock: BTreeMap<String, i64>,
    /// Orders.
    #[serde(default)]
    pub orders: Vec<Order>,
    /// Webhook registrations.
    #[serde(default)]
    pub webhooks: Vec<Webhook>,
    /// Personalisations and their design numbers.
    #[serde(default)]
    pub designs: BTreeMap<String, u64>,
    /// Counters.
    #[serde(default)]
    pub next: Next,
    /// Timed fulfilments pending.
    #[serde(default)]
    pub pending: TimedQueue<u64>,
}

fn cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

impl State {
    /// The state of `doc`, checked whole: shops (ids, keys, secrets), stock (known
    /// variants, not negative), orders (shops, variants, ids below the counters, shipped
    /// quantities within ordered), webhooks (shops, events, ids).
    pub fn from_document(doc: Document) -> Result<State, String> {
        let mut by_key = HashMap::new();
        let mut shop_ids = BTreeSet::new();
        for (n, s) in doc.shops.iter().enumerate() {
            if s.api_key.is_empty() || s.secret.is_empty() {
                return Err(format!(
                    "shops: shop {} needs an api_key and a secret",
                    s.id
                ));
            }
            if by_key.insert(s.api_key.clone(), n).is_some() {
                return Err(format!("shops: the api_key of shop {} is used twice", s.id));
            }
            if !shop_ids.insert(s.id) {
                return Err(format!("shops: id {} is used twice", s.id));
            }
        }
        let s = &doc.settings;
        if s.shipping_cents < 0
            || s.free_shipping_from_cents < 0
            || !(0..=100).contains(&s.tax_percent)
            || s.default_stock < 0
        {
            return Err(
                "settings: prices and stock must not be negative, tax at most 100 %".into(),
            );
        }
        for (sku, n) in &doc.stock {
            if doc.products.variant(sku).is_none() {
                return Err(format!("stock: {sku} is no variant of the catalogue"));
            }
            if *n < 0 {
                return Err(format!("stock: {sku} has {n}"));
            }
        }
        let mut state = State {
            settings: doc.settings,
            shops: doc.shops,
            by_key,
            catalogue: doc.products,
            stock: doc.stock,
            designs: doc.designs.into_iter().collect(),
            next: doc.next,
            pending: doc.pending,
            ..State::default()
        };
        for o in doc.orders {
            if !shop_ids.contains(&o.shop) {
                return Err(format!(
                    "orders: order {} belongs to no shop ({})",
                    o.id, o.shop
                ));
            }
            if o.id >= state.next.order {
                return Err(format!(
                    "orders: order {} is not below next.order {}",
                    o.id, state.next.order
                ));
            }
            for i in &o.items {
                if i.id >= state.next.item {
                    return Err(format!("orders: item {} is not below next.item", i.id));
                }
                if state.catalogue.variant(&i.sku_base).is_none() {
                    return Err(format!(
                        "orders: order {}'s item {} is no variant",
                        o.id, i.sku_base
                    ));
                }
                if i.quantity < 1 || o.shipped(i.id) > i.quantity {
                    return Err(format!(
                        "orders: order {}'s item {} quantities do not add up",
                        o.id, i.id
                    ));
                }
            }
            state
                .by_shop_date
                .insert((o.shop, o.created_at.date(), o.id));
            if state.orders.insert(o.id, o).is_some() {
                return Err("orders: an order id is used twice".into());
            }
        }
        for w in doc.webhooks {
            if !shop_ids.contains(&w.shop)
                || EventKind::parse(&w.event).is_none()
                || w.id >= state.next.webhook
            {
                return Err(format!("webhooks: webhook {} is not valid", w.id));
            }
            if state.webhooks.insert(w.id, w).is_some() {
                return Err("webhooks: a webhook id is used twice".into());
            }
        }
        Ok(state)
    }

    /// The state as its document.
    pub fn to_document(&self) -> Document {
        Document {
            settings: self.settings.clone(),
            shops: self.shops.clone(),
            products: self.catalogue.clone(),
            stock: self.stock.clone(),
            orders: self.orders.values().cloned().collect(),
            webhooks: self.webhooks.values().cloned().collect(),
            designs: self.designs.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            next: self.next.clone(),
            pending: self.pending.clone(),
        }
    }

    /// The shop whose API key is `key`.
    pub fn shop_by_key(&self, key: &str) -> Option<&Shop> {
        self.by_key.get(key).and_then(|n| self.shops.get(*n))
    }

    /// The shops.
    pub fn shops(&self) -> &[Shop] {
        &self.shops
    }

    /// A variant's stock.
    pub fn stock(&self, sku: &str) -> i64 {
        self.stock
            .get(sku)
            .copied()
            .unwrap_or(self.settings.default_stock)
    }

    /// `GET /v1/products`' JSON, rendered once until a variant goes in or out of stock.
    pub fn products_json(&mut self) -> std::sync::Arc<[u8]> {
        if let Some(json) = &self.products_json {
            return json.clone();
        }
        let json: std::sync::Arc<[u8]> = std::sync::Arc::from(
            serde_json::to_vec(&crate::render::products(self)).unwrap_or_default(),
        );
        self.products_json = Some(json.clone());
        json
    }

    /// Records a variant's new stock, forgetting the rendered catalogue when the variant
    /// went in or out of stock.
    fn put_stock(&mut self, sku: &str, stock: i64) {
        if (self.stock(sku) > 0) != (stock > 0) {
            self.products_json = None;
        }
        self.stock.insert(sku.to_owned(), stock);
    }

    /// Sets a variant's stock; the `stock_updated` event when it changed.
    pub fn set_stock(&mut self, sku: &str, stock: i64) -> TResult<Option<Event>> {
        if self.catalogue.variant(sku).is_none() {
            return Err(TunetooError::NotFound(format!("Product {sku} not found")));
        }
        if stock < 0 {
            return Err(TunetooError::BadRequest(
                "stock must not be negative".into(),
            ));
        }
        let before = self.stock(sku);
        self.put_stock(sku, stock);
        Ok((before != stock).then(|| stock_event(&[(sku.to_owned(), stock)])))
    }

    /// Order `id` of `shop`.
    pub fn order(&self, shop: u64, id: u64) -> TResult<&Order> {
        self.orders
            .get(&id)
            .filter(|o| o.shop == shop)
            .ok_or_else(|| order_not_found(id))
    }

    /// Order `id`, whatever its shop (the `/__sim/` drivers).
    pub fn any_order(&self, id: u64) -> TResult<&Order> {
        self.orders.get(&id).ok_or_else(|| order_not_found(id))
    }

    /// `shop`'s orders, oldest first, created on `date` if given, in `status` if given:
    /// one index range either way, never the whole table.
    pub fn orders(&self, shop: u64, date: Option<Date>, status: Option<Status>) -> Vec<&Order> {
        let ids: Vec<u64> = match (status, date) {
            (Some(st), Some(d)) => self
                .by_shop_status
                .range((shop, st, d, 0)..=(shop, st, d, u64::MAX))
                .map(|k| k.3)
                .collect(),
            (Some(st), None) => self
                .by_shop_status
                .range((shop, st, Date::MIN, 0)..=(shop, st, Date::MAX, u64::MAX))
                .map(|k| k.3)
                .collect(),
            (None, Some(d)) => self
                .by_shop_date
                .range((shop, d, 0)..=(shop, d, u64::MAX))
                .map(|k| k.2)
                .collect(),
            (None, None) => self
                .by_shop_date
                .range((shop, Date::MIN, 0)..=(shop, Date::MAX, u64::MAX))
                .map(|k| k.2)
                .collect(),
        };
        let mut out: Vec<&Order> = ids.iter().filter_map(|id| self.orders.get(id)).collect();
        out.sort_by_key(|o| o.id);
        out
    }

    /// `shop`'s webhooks.
    pub fn webhooks(&self, shop: u64) -> impl Iterator<Item = &Webhook> {
        self.webhooks.values().filter(move |w| w.shop == shop)
    }

    /// Every registration that wants `event` (of `shop`, or of every shop).
    pub fn subscribers(&self, event: &Event) -> Vec<(&Webhook, &Shop)> {
        self.webhooks
            .values()
            .filter(|w| EventKind::parse(&w.event) == Some(event.kind))
            .filter(|w| event.shop.is_none_or(|s| s == w.shop))
            .filter_map(|w| self.shops.iter().find(|s| s.id == w.shop).map(|s| (w, s)))
            .collect()
    }

    /// Webhook `id` of `shop`.
    pub fn webhook(&self, shop: u64, id: u64) -> TResult<&Webhook> {
        self.webhooks
            .get(&id)
            .filter(|w| w.shop == shop)
            .ok_or_else(|| TunetooError::NotFound(format!("Webhook {id} not found")))
    }

    /// Registers a webhook.
    pub fn add_webhook(&mut self, shop: u64, target: String, event: String) -> Webhook {
        let id = self.next.webhook;
        self.next.webhook += 1;
        let w = Webhook {
            id,
            shop,
            target,
            event,
        };
        self.webhooks.insert(id, w.clone());
        w
    }

    /// Removes webhook `id` of `shop`.
    pub fn delete_webhook(&mut self, shop: u64, id: u64) -> TResult<Webhook> {
        self.webhook(shop, id)?;
        self.webhooks
            .remove(&id)
            .ok_or_else(|| TunetooError::NotFound(format!("Webhook {id} not found")))
    }

    /// Creates an order from a checked input: prices from the catalogue, personalised
    /// SKUs, stock taken. Refused whole (nothing changes) when a product is unknown or
    /// short of stock.
    pub fn create_order(
        &mut self,
        shop: u64,
        input: crate::orders::OrderInput,
        now: OffsetDateTime,
    ) -> TResult<(u64, Vec<Event>)> {
        // Check every item before anything changes; several items may take one variant.
        let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
        for item in &input.items {
            if self.catalogue.variant(&item.sku_base).is_none() {
                return Err(TunetooError::Unprocessable(format!(
                    "Unknown product: {}",
                    item.sku_base
                )));
            }
            *wanted.entry(item.sku_base.as_str()).or_default() += item.quantity;
        }
        for (sku, qty) in &wanted {
            let left = self.stock(sku);
            if left < *qty {
                return Err(TunetooError::Unprocessable(format!(
                    "Product {sku} is out of stock: {left} left"
                )));
            }
        }
        let moved: Vec<(String, i64)> = wanted
            .iter()
            .map(|(sku, qty)| ((*sku).to_owned(), self.stock(sku) - qty))
            .collect();
        let mut items = Vec::with_capacity(input.items.len());
        let mut subtotal = 0i64;
        for item in input.items {
            let Some(v) = self.catalogue.variant(&item.sku_base) else {
                return Err(TunetooError::Internal);
            };
            let Some(product) = self.catalogue.product_of(v) else {
                return Err(TunetooError::Internal);
            };
            let price = cents(product.price);
            let size = size_index(product, &v.size);
            let color_key = item
                .sku_base
                .rsplit_once('_')
                .map_or(item.sku_base.as_str(), |(c, _)| c);
            let design_key = format!(
                "{color_key}|{}",
                serde_json::to_string(&item.files).unwrap_or_default()
            );
            let design = match self.designs.get(&design_key) {
                Some(d) => *d,
                None => {
                    let d = self.next.design;
                    self.next.design += 1;
                    self.designs.insert(design_key, d);
                    d
                }
            };
            subtotal += price * item.quantity;
            let id = self.next.item;
            self.next.item += 1;
            items.push(Item {
                id,
                external: item.external,
                quantity: item.quantity,
                price_cents: price,
                sku_base: item.sku_base,
                sku: format!("{design}_{size}"),
                files: item.files,
            });
        }
        for (sku, left) in &moved {
            self.put_stock(sku, *left);
        }
        let shipping = if subtotal >= self.settings.free_shipping_from_cents {
            0
        } else {
            self.settings.shipping_cents
        };
        let tax = ((subtotal + shipping) * self.settings.tax_percent + 50) / 100;
        let id = self.next.order;
        self.next.order += 1;
        let order = Order {
            id,
            shop,
            external: input.external,
            status: Status::AwaitingPayment,
            created_at: now,
            updated_at: now,
            fulfillments: Vec::new(),
            shipping_address: input.shipping_address,
            items,
            subtotal_cents: subtotal,
            shipping_cents: shipping,
            tax_cents: tax,
        };
        self.by_shop_date.insert((shop, now.date(), id));
        self.by_shop_status
            .insert((shop, Status::AwaitingPayment, now.date(), id));
        self.orders.insert(id, order);
        Ok((id, vec![stock_event(&moved)]))
    }

    /// Moves order `id` to `to`, with its `order_change_status` event (none when the
    /// status stays: a second partial shipment); `409` when the lifecycle does not go
    /// there from where the order is.
    fn transition(&mut self, id: u64, to: Status, now: OffsetDateTime) -> TResult<Option<Event>> {
        let order = self
            .orders
            .get_mut(&id)
            .ok_or_else(|| order_not_found(id))?;
        if !order.status.allows(to) {
            return Err(TunetooError::Conflict(format!(
                "Order {id} is {}: it cannot become {}",
                order.status.as_str(),
                to.as_str()
            )));
        }
        let changed = order.status != to;
        let key = (order.shop, order.status, order.created_at.date(), order.id);
        self.by_shop_status.remove(&key);
        self.by_shop_status.insert((key.0, to, key.2, key.3));
        order.status = to;
        order.updated_at = now;
        let shop = order.shop;
        Ok(changed.then(|| Event {
            kind: EventKind::OrderChangeStatus,
            shop: Some(shop),
            body: crate::render::order(order),
        }))
    }

    /// The shop paid order `id` on Tunetoo's site: it goes into production.
    pub fn pay(&mut self, id: u64, now: OffsetDateTime) -> TResult<Vec<Event>> {
        Ok(self
            .transition(id, Status::InProcess, now)?
            .into_iter()
            .collect())
    }

    /// Ships `quantities` (item id → how many; every item's remaining quantity when
    /// empty) of order `id` with the tracking given: `partially_fulfilled`, or
    /// `fulfilled` once everything has shipped; `order_fulfilled` with the shipment,
    /// then `order_change_status`.
    pub fn fulfil(
        &mut self,
        id: u64,
        quantities: &[(u64, i64)],
        tracking: Tracking,
        now: OffsetDateTime,
    ) -> TResult<Vec<Event>> {
        let order = self.any_order(id)?;
        if !matches!(order.status, Status::InProcess | Status::PartiallyFulfilled) {
            return Err(TunetooError::Conflict(format!(
                "Order {id} is {}: only an order in process can ship",
                order.status.as_str()
            )));
        }
        let mut products = Vec::new();
        if quantities.is_empty() {
            for item in &order.items {
                let left = item.quantity - order.shipped(item.id);
                if left > 0 {
                    products.push(Shipped {
                        id: item.id,
                        quantity: left,
                        sku: item.sku.clone(),
                    });
                }
            }
        } else {
            for (item_id, qty) in quantities {
                let item = order
                    .items
                    .iter()
                    .find(|i| i.id == *item_id)
                    .ok_or_else(|| {
                        TunetooError::NotFound(format!("Order {id} has no item {item_id}"))
                    })?;
                let already = order.shipped(item.id)
                    + products
                        .iter()
                        .filter(|p: &&Shipped| p.id == item.id)
                        .map(|p| p.quantity)
                        .sum::<i64>();
                if *qty < 1 || already + qty > item.quantity {
                    return Err(TunetooError::BadRequest(format!(
                        "item {item_id}: {qty} cannot ship, {} of {} left",
                        item.quantity - already,
                        item.quantity
                    )));
                }
                products.push(Shipped {
                    id: item.id,
                    quantity: *qty,
                    sku: item.sku.clone(),
                });
            }
        }
        if products.is_empty() {
            return Err(TunetooError::Conflict(format!(
                "Order {id} has nothing left to ship"
            )));
        }
        let fulfillment = Fulfillment {
            tracking_url: tracking.url,
            tracking_number: tracking.number,
            company: tracking.company,
            date: now,
            products,
        };
        let (external, shop) = (order.external.clone(), order.shop);
        let Some(order) = self.orders.get_mut(&id) else {
            return Err(order_not_found(id));
        };
        order.fulfillments.push(fulfillment);
        let done = order
            .items
            .iter()
            .all(|i| order.shipped(i.id) >= i.quantity);
        let shipped = crate::render::fulfillment(order.fulfillments.last(), id, &external);
        let to = if done {
            Status::Fulfilled
        } else {
            Status::PartiallyFulfilled
        };
        let status = self.transition(id, to, now)?;
        if done {
            self.pending.retain(|o| *o != id);
        }
        let mut events = vec![Event {
            kind: EventKind::OrderFulfilled,
            shop: Some(shop),
            body: shipped,
        }];
        events.extend(status);
        Ok(events)
    }

    /// Cancels order `id` (awaiting payment or in process); its stock comes back.
    pub fn cancel(&mut self, id: u64, now: OffsetDateTime) -> TResult<Vec<Event>> {
        let status = self.transition(id, Status::Cancelled, now)?;
        self.pending.retain(|o| *o != id);
        let mut events: Vec<Event> = status.into_iter().collect();
        let mut back: BTreeMap<String, i64> = BTreeMap::new();
        if let Some(order) = self.orders.get(&id) {
            for item in &order.items {
                *back.entry(item.sku_base.clone()).or_default() += item.quantity;
            }
        }
        let moved: Vec<(String, i64)> = back
            .into_iter()
            .map(|(sku, qty)| {
                let n = self.stock(&sku) + qty;
                (sku, n)
            })
            .collect();
        for (sku, n) in &moved {
            self.put_stock(sku, *n);
        }
        events.push(stock_event(&moved));
        Ok(events)
    }

    /// Fulfils, in full and with a made-up tracking, every order whose timed production
    /// is over.
    pub fn fulfil_due(&mut self, now: OffsetDateTime) -> Vec<Event> {
        let due = self.pending.drain_due(now);
        due.into_iter()
            .filter_map(|id| self.fulfil(id, &[], Tracking::made_up(id), now).ok())
            .flatten()
            .collect()
    }
}

/// A shipment's tracking.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tracking {
    /// Tracking URL.
    pub url: String,
    /// Tracking number.
    pub number: String,
    /// Carrier.
    pub company: String,
}

impl Tracking {
    /// What a shipment the simulator makes by itself carries.
    pub fn made_up(order: u64) -> Tracking {
        let number = format!("6A{order:011}");
        Tracking {
            url: format!("https://www.laposte.fr/outils/suivre-vos-envois?code={number}"),
            number,
            company: "Colissimo".into(),
        }
    }
}

fn order_not_found(id: u64) -> TunetooError {
    TunetooError::NotFound(format!("Order {id} not found"))
}

/// `stock_updated`: the SKUs with their new stock (every shop hears it).
fn stock_event(moved: &[(String, i64)]) -> Event {
    Event {
        kind: EventKind::StockUpdated,
        shop: None,
        body: Value::Array(
            moved
                .iter()
                .map(|(sku, stock)| serde_json::json!({"sku": sku, "stock": stock}))
                .collect(),
        ),
    }
}
