//! Carts (quotes) and checkout (reference §8.4): guest carts behind a masked id,
//! customer carts (`/V1/carts/mine`), items, shipping estimates from the fixture's
//! carriers, totals, offline payment methods, and placement — which checks salable
//! quantity on the stock of the store's website and writes the `order_placed`
//! reservation (§7.6), all under one lock so concurrent checkouts cannot oversell.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::dates;
use crate::errors::{MResult, MagentoError};
use crate::input::{self, num};
use crate::msi::Reservation;
use crate::sales::{self, Order, OrderAddress, OrderItem, Payment, round};
use crate::state::State;

/// Messages clients match on, verbatim.
pub mod m {
    /// Unknown or inactive cart (`%fieldName` is `cartId`).
    pub const NO_SUCH_ENTITY: &str = "No such entity with %fieldName = %fieldValue";
    /// A cart item the cart does not hold.
    pub const NO_ITEM: &str = "The %1 Cart doesn't contain the %2 item.";
    /// A quantity that is not a positive number.
    pub const INVALID_VALUE: &str =
        "Invalid value of \"%value\" provided for the %fieldName field.";
    /// Not enough salable quantity.
    pub const QTY_NOT_AVAILABLE: &str = "The requested qty is not available";
    /// A disabled or unsellable product.
    pub const PRODUCT_NOT_AVAILABLE: &str = "Product that you are trying to add is not available.";
    /// Shipping information without an address (or country).
    pub const SHIPPING_ADDRESS_MISSING: &str =
        "The shipping address is missing. Set the address and try again.";
    /// Shipping information on an empty cart.
    pub const EMPTY_CART_SHIPPING: &str =
        "The shipping method can't be set for an empty cart. Add an item to cart and try again.";
    /// Unknown carrier/method pair.
    pub const NO_CARRIER: &str = "Carrier with such method not found: %1, %2";
    /// Placement without a shipping method.
    pub const SHIPPING_METHOD_MISSING: &str =
        "The shipping method is missing. Select the shipping method and try again.";
    /// Placement with an incomplete shipping address.
    pub const CHECK_SHIPPING_ADDRESS: &str = "Please check the shipping address information. %1";
    /// Placement with an incomplete billing address.
    pub const CHECK_BILLING_ADDRESS: &str = "Please check the billing address information. %1";
    /// Placement without a payment method.
    pub const PAYMENT_MISSING: &str = "Enter a valid payment method and try again.";
    /// A payment method the store does not offer.
    pub const PAYMENT_NOT_AVAILABLE: &str = "The requested Payment Method is not available.";
    /// A guest placement without an e-mail.
    pub const EMAIL_MISSING: &str = "The customer email is missing. Enter and try again.";
    /// An address field left out (rendered inside the address checks).
    pub const FIELD_REQUIRED: &str = "\"%fieldName\" is required. Enter and try again.";
    /// `/V1/carts/mine` for a customer who has no active cart.
    pub const NO_CUSTOMER_CART: &str = "No such entity with %fieldName = %fieldValue";
}

/// Checkout configuration (carriers and offline payment methods), from the fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckoutConfig {
    /// Flat rate carrier.
    pub flatrate: FlatRate,
    /// Free shipping carrier.
    pub freeshipping: FreeShipping,
    /// Offline payment methods offered, in listing order.
    pub payment_methods: Vec<PaymentMethod>,
}

impl Default for CheckoutConfig {
    fn default() -> Self {
        Self {
            flatrate: FlatRate::default(),
            freeshipping: FreeShipping::default(),
            payment_methods: vec![
                PaymentMethod::new("checkmo", "Check / Money order"),
                PaymentMethod::new("banktransfer", "Bank Transfer Payment"),
                PaymentMethod::new("cashondelivery", "Cash On Delivery"),
            ],
        }
    }
}

/// `carriers/flatrate/*`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlatRate {
    /// Enabled.
    pub active: bool,
    /// Carrier title.
    pub title: String,
    /// Method name.
    pub name: String,
    /// Price.
    pub price: f64,
    /// `I` per item, `O` per order.
    #[serde(rename = "type")]
    pub kind: String,
}

impl Default for FlatRate {
    fn default() -> Self {
        Self {
            active: true,
            title: "Flat Rate".into(),
            name: "Fixed".into(),
            price: 5.0,
            kind: "I".into(),
        }
    }
}

/// `carriers/freeshipping/*`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FreeShipping {
    /// Enabled.
    pub active: bool,
    /// Carrier title.
    pub title: String,
    /// Method name.
    pub name: String,
    /// Minimum subtotal (none: always free).
    pub free_shipping_subtotal: Option<f64>,
}

impl Default for FreeShipping {
    fn default() -> Self {
        Self {
            active: true,
            title: "Free Shipping".into(),
            name: "Free".into(),
            free_shipping_subtotal: Some(100.0),
        }
    }
}

/// An offline payment method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethod {
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
}

impl PaymentMethod {
    fn new(code: &str, title: &str) -> Self {
        Self {
            code: code.into(),
            title: title.into(),
        }
    }
}

/// A cart (quote).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cart {
    /// Quote id.
    pub id: u64,
    /// Masked id of a guest cart.
    #[serde(default)]
    pub masked_id: Option<String>,
    /// Store view.
    pub store_id: u64,
    /// Owner (customer carts).
    #[serde(default)]
    pub customer_id: Option<u64>,
    /// Inactive once ordered.
    pub is_active: bool,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
    /// Items.
    #[serde(default)]
    pub items: Vec<CartItem>,
    /// Shipping address as given.
    #[serde(default)]
    pub shipping_address: Option<Map<String, Value>>,
    /// Billing address as given.
    #[serde(default)]
    pub billing_address: Option<Map<String, Value>>,
    /// Chosen carrier and method codes.
    #[serde(default)]
    pub shipping_method: Option<(String, String)>,
    /// Customer e-mail (guests).
    #[serde(default)]
    pub email: Option<String>,
    /// Chosen payment method code.
    #[serde(default)]
    pub payment_method: Option<String>,
    /// The order placed from it.
    #[serde(default)]
    pub reserved_order_id: Option<String>,
    /// Id of the quote payment row, once a payment method was set
    /// (`PaymentMethodManagement::set` answers it).
    #[serde(default)]
    pub payment_id: Option<u64>,
    /// `po_number` of the payment.
    #[serde(default)]
    pub po_number: Option<String>,
    /// `additional_data` of the payment.
    #[serde(default)]
    pub payment_additional_data: Option<Vec<String>>,
    /// Quote address id of the billing address (a new one per
    /// `BillingAddressManagement::assign`).
    #[serde(default)]
    pub billing_address_id: Option<u64>,
}

/// A cart item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartItem {
    /// Item id.
    pub item_id: u64,
    /// SKU.
    pub sku: String,
    /// Quantity.
    pub qty: f64,
    /// Name.
    pub name: String,
    /// Unit price (special price when active).
    pub price: f64,
    /// Product type.
    pub product_type: String,
    /// Product id.
    pub product_id: u64,
    /// A configurable item's choices (`product_option.extension_attributes.
    /// configurable_item_options`): the item's `sku` is then the chosen child's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurable_item_options: Vec<ConfigurableItemOption>,
}

/// One chosen value of a configurable item: the attribute id (a string, as Magento
/// renders it) and the option id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigurableItemOption {
    /// Attribute id.
    pub option_id: String,
    /// Option id of the attribute.
    pub option_value: i64,
}

/// `Configurable::_prepareProduct` without (matching) options.
pub const CHOOSE_OPTIONS: &str = "You need to choose options for your item.";

/// The configurable choices of a cart item body, bound.
fn configurable_choices(item: &Value) -> MResult<Vec<ConfigurableItemOption>> {
    let Some(list) = input::field(item, "product_option")
        .and_then(|o| input::field(o, "extension_attributes"))
        .and_then(|e| input::field(e, "configurable_item_options"))
    else {
        return Ok(Vec::new());
    };
    let items = list
        .as_array()
        .ok_or_else(|| input::type_error("configurable_item_options", list, "array"))?;
    items
        .iter()
        .map(|o| {
            let id = input::field(o, "option_id")
                .map(|v| input::to_i64(v, "option_id"))
                .transpose()?;
            let value = input::field(o, "option_value")
                .map(|v| input::to_i64(v, "option_value"))
                .transpose()?;
            match (id, value) {
                (Some(id), Some(value)) => Ok(ConfigurableItemOption {
                    option_id: id.to_string(),
                    option_value: value,
                }),
                _ => Err(MagentoError::bad_request(CHOOSE_OPTIONS)),
            }
        })
        .collect()
}

/// Counters of the checkout and sales entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SalesIds {
    /// Quote.
    pub quote: u64,
    /// Quote item.
    pub quote_item: u64,
    /// Order entity.
    pub order: u64,
    /// Order increment id.
    pub order_increment: u64,
    /// Order item.
    pub order_item: u64,
    /// Order address.
    pub order_address: u64,
    /// Order payment.
    pub payment: u64,
    /// Status history / document comment.
    pub comment: u64,
    /// Invoice entity and increment.
    pub invoice: u64,
    /// Shipment entity and increment.
    pub shipment: u64,
    /// Credit memo entity and increment.
    pub creditmemo: u64,
    /// Document item.
    pub doc_item: u64,
    /// Shipment track.
    pub track: u64,
    /// Quote payment (0 when a state leaves it out: filled from the carts).
    #[serde(default)]
    pub quote_payment: u64,
    /// Quote address (0 when a state leaves it out: filled from the carts).
    #[serde(default)]
    pub quote_address: u64,
}

impl Default for SalesIds {
    fn default() -> Self {
        Self {
            quote: 1,
            quote_item: 1,
            order: 1,
            order_increment: 1,
            order_item: 1,
            order_address: 1,
            payment: 1,
            comment: 1,
            invoice: 1,
            shipment: 1,
            creditmemo: 1,
            doc_item: 1,
            track: 1,
            quote_payment: 1,
            quote_address: 1,
        }
    }
}

fn take(counter: &mut u64) -> u64 {
    let id = *counter;
    *counter += 1;
    id
}

/// A 32-character masked cart id, deterministic from the quote id.
fn mask(id: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let digest = Sha256::digest(format!("cartsim-quote-{id}").as_bytes());
    digest
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

fn cart_not_found(value: Value) -> MagentoError {
    MagentoError::not_found(m::NO_SUCH_ENTITY)
        .named([("fieldName", json!("cartId")), ("fieldValue", value)])
}

/// A new cart in `store_id`; guest carts get a masked id. Returns the quote id.
pub fn create(
    state: &mut State,
    store_id: u64,
    customer_id: Option<u64>,
    now: OffsetDateTime,
) -> u64 {
    let id = take(&mut state.next.sales.quote);
    // `createEmptyCart` saves the quote with its (empty) billing address.
    let billing_address_id = take(&mut state.next.sales.quote_address);
    let stamp = dates::db_time(now);
    state.carts.insert(Cart {
        id,
        masked_id: customer_id.is_none().then(|| mask(id)),
        store_id,
        customer_id,
        is_active: true,
        created_at: stamp.clone(),
        updated_at: stamp,
        items: Vec::new(),
        shipping_address: None,
        billing_address: None,
        shipping_method: None,
        email: None,
        payment_method: None,
        reserved_order_id: None,
        payment_id: None,
        po_number: None,
        payment_additional_data: None,
        billing_address_id: Some(billing_address_id),
    });
    id
}

/// The active guest cart behind `masked`, or Magento's 404 (`fieldValue` null: the
/// mask resolves to no quote).
pub fn guest_cart_id(state: &State, masked: &str) -> MResult<u64> {
    let cart = state
        .carts
        .by_mask(masked)
        .ok_or_else(|| cart_not_found(Value::Null))?;
    if cart.is_active {
        Ok(cart.id)
    } else {
        Err(cart_not_found(json!(cart.id)))
    }
}

/// The active cart of a customer, created on first use (`POST /V1/carts/mine`).
pub fn customer_cart_id(state: &State, customer_id: u64) -> MResult<u64> {
    state
        .carts
        .of_customer(customer_id)
        .find(|c| c.is_active)
        .map(|c| c.id)
        .ok_or_else(|| {
            MagentoError::not_found(m::NO_CUSTOMER_CART).named([
                ("fieldName", json!("customerId")),
                ("fieldValue", json!(customer_id)),
            ])
        })
}

/// `POST /V1/carts/mine`: the customer's active cart id, a new one when none.
pub fn create_for_customer(
    state: &mut State,
    store_id: u64,
    customer_id: u64,
    now: OffsetDateTime,
) -> u64 {
    customer_cart_id(state, customer_id)
        .unwrap_or_else(|_| create(state, store_id, Some(customer_id), now))
}

fn cart(state: &State, id: u64) -> MResult<&Cart> {
    state
        .carts
        .get(&id)
        .filter(|c| c.is_active)
        .ok_or_else(|| cart_not_found(json!(id)))
}

fn cart_mut(state: &mut State, id: u64) -> MResult<&mut Cart> {
    state
        .carts
        .get_mut(&id)
        .filter(|c| c.is_active)
        .ok_or_else(|| cart_not_found(json!(id)))
}

/// The MSI stock selling on the website of `store_id` (the default stock when no stock
/// names the website).
pub fn stock_for_store(state: &State, store_id: u64) -> u64 {
    let website = state
        .store_views
        .iter()
        .find(|s| s.id == store_id)
        .map(|s| s.website_id);
    let code = state
        .websites
        .iter()
        .find(|w| Some(w.id) == website)
        .map(|w| w.code.clone())
        .unwrap_or_default();
    crate::msi::stock_for_channel(state, "website", &code)
        .map_or(crate::msi::DEFAULT_STOCK, |s| s.stock_id)
}

/// Unit price of a product now: the special price when set, lower and active.
fn unit_price(p: &crate::catalog::Product, today: &str) -> f64 {
    let price = p.price.unwrap_or(0.0);
    let attr = |code: &str| p.attribute(code);
    let special = attr("special_price").and_then(|v| v.parse::<f64>().ok());
    let from_ok = attr("special_from_date").is_none_or(|d| d.get(..10).is_some_and(|d| d <= today));
    let to_ok = attr("special_to_date").is_none_or(|d| d.get(..10).is_some_and(|d| d >= today));
    match special {
        Some(s) if s < price && from_ok && to_ok => s,
        _ => price,
    }
}

fn store_timezone(state: &State, store_id: u64) -> String {
    state
        .store_config(store_id)
        .map_or_else(|| "UTC".to_owned(), |c| c.timezone.clone())
}

/// `POST …/items`: adds `qty` of the SKU (merging with an item of the same SKU) after
/// checking the product can be sold in that quantity. Returns the item id.
pub fn add_item(
    state: &mut State,
    cart_id: u64,
    item: &Value,
    now: OffsetDateTime,
) -> MResult<u64> {
    let store_id = cart(state, cart_id)?.store_id;
    let sku = input::field(item, "sku")
        .map(|v| input::to_string(v, "sku"))
        .transpose()?
        .unwrap_or_default();
    let qty = match input::field(item, "qty") {
        Some(v) => input::to_f64(v, "qty")?,
        None => 1.0,
    };
    if qty <= 0.0 {
        return Err(MagentoError::bad_request(m::INVALID_VALUE)
            .named([("fieldName", json!("qty")), ("value", num(qty))]));
    }
    let parent = crate::catalog::product(state, &sku)?.clone();
    // A configurable item is the chosen child's SKU, stock and price under the
    // parent's name and type.
    let choices = if parent.type_id == "configurable" {
        configurable_choices(item)?
    } else {
        Vec::new()
    };
    let product = if parent.type_id == "configurable" {
        let chosen: Vec<(u64, String)> = choices
            .iter()
            .filter_map(|c| Some((c.option_id.parse().ok()?, c.option_value.to_string())))
            .collect();
        crate::configurable::child_for(state, &parent, &chosen)
            .cloned()
            .ok_or_else(|| MagentoError::bad_request(CHOOSE_OPTIONS))?
    } else {
        parent.clone()
    };
    if parent.status != 1 {
        return Err(MagentoError::bad_request(m::PRODUCT_NOT_AVAILABLE));
    }
    let website = state
        .store_views
        .iter()
        .find(|s| s.id == store_id)
        .map_or(0, |s| s.website_id);
    if product.status != 1 || !product.website_ids.contains(&website) {
        return Err(MagentoError::bad_request(m::PRODUCT_NOT_AVAILABLE));
    }
    let existing = cart(state, cart_id)?
        .items
        .iter()
        .find(|i| i.sku.eq_ignore_ascii_case(&product.sku))
        .map_or(0.0, |i| i.qty);
    check_qty(state, &product.sku, store_id, existing + qty)?;
    let today = dates::local_midnight(now, &store_timezone(state, store_id));
    let price = unit_price(&product, &today[..10]);
    let next_item = state.next.sales.quote_item;
    let c = cart_mut(state, cart_id)?;
    c.updated_at = dates::db_time(now);
    if let Some(i) = c
        .items
        .iter_mut()
        .find(|i| i.sku.eq_ignore_ascii_case(&product.sku))
    {
        i.qty += qty;
        return Ok(i.item_id);
    }
    c.items.push(CartItem {
        item_id: next_item,
        sku: product.sku.clone(),
        qty,
        name: parent.name.clone().unwrap_or_default(),
        price,
        product_type: parent.type_id.clone(),
        product_id: parent.id,
        configurable_item_options: choices,
    });
    state.next.sales.quote_item += 1;
    Ok(next_item)
}

fn check_qty(state: &State, sku: &str, store_id: u64, qty: f64) -> MResult<()> {
    let stock = stock_for_store(state, store_id);
    if crate::msi::is_salable_for_qty(state, sku, stock, qty) {
        return Ok(());
    }
    let any = crate::msi::is_salable_for_qty(state, sku, stock, f64::MIN_POSITIVE);
    Err(MagentoError::bad_request(if any {
        m::QTY_NOT_AVAILABLE
    } else {
        m::PRODUCT_NOT_AVAILABLE
    }))
}

/// `PUT …/items/{itemId}`: sets the quantity.
pub fn update_item(
    state: &mut State,
    cart_id: u64,
    item_id: u64,
    item: &Value,
    now: OffsetDateTime,
) -> MResult<u64> {
    let c = cart(state, cart_id)?;
    let store_id = c.store_id;
    let sku = c
        .items
        .iter()
        .find(|i| i.item_id == item_id)
        .map(|i| i.sku.clone())
        .ok_or_else(|| {
            MagentoError::not_found(m::NO_ITEM).positional([json!(cart_id), json!(item_id)])
        })?;
    let qty = match input::field(item, "qty") {
        Some(v) => input::to_f64(v, "qty")?,
        None => 0.0,
    };
    if qty <= 0.0 {
        return Err(MagentoError::bad_request(m::INVALID_VALUE)
            .named([("fieldName", json!("qty")), ("value", num(qty))]));
    }
    check_qty(state, &sku, store_id, qty)?;
    let c = cart_mut(state, cart_id)?;
    c.updated_at = dates::db_time(now);
    if let Some(i) = c.items.iter_mut().find(|i| i.item_id == item_id) {
        i.qty = qty;
    }
    Ok(item_id)
}

/// `DELETE …/items/{itemId}` → `true`.
pub fn delete_item(
    state: &mut State,
    cart_id: u64,
    item_id: u64,
    now: OffsetDateTime,
) -> MResult<()> {
    let c = cart_mut(state, cart_id)?;
    let before = c.items.len();
    c.items.retain(|i| i.item_id != item_id);
    if c.items.len() == before {
        return Err(
            MagentoError::not_found(m::NO_ITEM).positional([json!(cart_id), json!(item_id)])
        );
    }
    c.updated_at = dates::db_time(now);
    Ok(())
}

/// A cart item as the items endpoints render it.
pub fn item_json(c: &Cart, i: &CartItem) -> Value {
    let mut v = json!({
        "item_id": i.item_id,
        "sku": i.sku,
        "qty": num(i.qty),
        "name": i.name,
        "price": num(i.price),
        "product_type": i.product_type,
        "quote_id": c.id.to_string(),
    });
    if !i.configurable_item_options.is_empty() {
        v["product_option"] = json!({"extension_attributes": {
            "configurable_item_options": i.configurable_item_options,
        }});
    }
    v
}

/// `GET …/items`.
pub fn items_json(state: &State, cart_id: u64) -> MResult<Value> {
    let c = cart(state, cart_id)?;
    Ok(Value::Array(
        c.items.iter().map(|i| item_json(c, i)).collect(),
    ))
}

/// `GET /V1/guest-carts/{cartId}` and `/V1/carts/mine`.
pub fn cart_json(state: &State, cart_id: u64) -> MResult<Value> {
    cart(state, cart_id).map(|c| cart_view(state, c))
}

/// A cart as `CartRepository::get` renders it.
fn cart_view(state: &State, c: &Cart) -> Value {
    let customer = c.customer_id.and_then(|id| state.customers.get(&id));
    let mut o = Map::new();
    o.insert("id".into(), json!(c.id));
    o.insert("created_at".into(), json!(c.created_at));
    o.insert("updated_at".into(), json!(c.updated_at));
    o.insert("is_active".into(), json!(c.is_active));
    o.insert("is_virtual".into(), json!(is_virtual(c)));
    o.insert(
        "items".into(),
        Value::Array(c.items.iter().map(|i| item_json(c, i)).collect()),
    );
    o.insert("items_count".into(), json!(c.items.len()));
    o.insert("items_qty".into(), num(c.items.iter().map(|i| i.qty).sum()));
    o.insert(
        "customer".into(),
        match customer {
            Some(cu) => json!({"id": cu.id, "group_id": cu.group_id, "email": cu.email,
                               "firstname": cu.firstname, "lastname": cu.lastname,
                               "store_id": cu.store_id, "website_id": cu.website_id}),
            None => json!({"email": c.email, "firstname": null, "lastname": null}),
        },
    );
    o.insert(
        "billing_address".into(),
        quote_address_json(
            c.billing_address_id,
            c.billing_address.as_ref(),
            c.customer_id,
        ),
    );
    o.insert("orig_order_id".into(), json!(0));
    o.insert(
        "currency".into(),
        json!({"global_currency_code": "USD", "base_currency_code": "USD",
               "store_currency_code": "USD", "quote_currency_code": "USD",
               "store_to_base_rate": 0, "store_to_quote_rate": 0,
               "base_to_global_rate": 1, "base_to_quote_rate": 1}),
    );
    o.insert("customer_is_guest".into(), json!(c.customer_id.is_none()));
    o.insert("customer_note_notify".into(), json!(true));
    o.insert("customer_tax_class_id".into(), json!(3));
    o.insert("store_id".into(), json!(c.store_id));
    let assignments = match &c.shipping_address {
        Some(a) => {
            json!([{"shipping": {"address": a, "method": c.shipping_method.as_ref().map(|(k, m)| format!("{k}_{m}"))},
                           "items": c.items.iter().map(|i| item_json(c, i)).collect::<Vec<_>>()}])
        }
        None => json!([]),
    };
    o.insert(
        "extension_attributes".into(),
        json!({"shipping_assignments": assignments}),
    );
    Value::Object(o)
}

fn is_virtual(c: &Cart) -> bool {
    !c.items.is_empty()
        && c.items
            .iter()
            .all(|i| matches!(i.product_type.as_str(), "virtual" | "downloadable"))
}

fn subtotal(c: &Cart) -> f64 {
    round(c.items.iter().map(|i| i.price * i.qty).sum())
}

/// One rate: (carrier, method, carrier title, method title, amount).
struct Rate {
    carrier: String,
    method: String,
    carrier_title: String,
    method_title: String,
    amount: f64,
}

fn rates(state: &State, c: &Cart) -> Vec<Rate> {
    if c.items.is_empty() || is_virtual(c) {
        return Vec::new();
    }
    let cfg = &state.checkout;
    let mut out = Vec::new();
    let shippable: f64 = c
        .items
        .iter()
        .filter(|i| !matches!(i.product_type.as_str(), "virtual" | "downloadable"))
        .map(|i| i.qty)
        .sum();
    if cfg.flatrate.active {
        let amount = if cfg.flatrate.kind == "O" {
            cfg.flatrate.price
        } else {
            cfg.flatrate.price * shippable
        };
        out.push(Rate {
            carrier: "flatrate".into(),
            method: "flatrate".into(),
            carrier_title: cfg.flatrate.title.clone(),
            method_title: cfg.flatrate.name.clone(),
            amount: round(amount),
        });
    }
    if cfg.freeshipping.active
        && cfg
            .freeshipping
            .free_shipping_subtotal
            .is_none_or(|min| subtotal(c) >= min)
    {
        out.push(Rate {
            carrier: "freeshipping".into(),
            method: "freeshipping".into(),
            carrier_title: cfg.freeshipping.title.clone(),
            method_title: cfg.freeshipping.name.clone(),
            amount: 0.0,
        });
    }
    out
}

/// `POST …/estimate-shipping-methods`.
pub fn estimate(state: &State, cart_id: u64) -> MResult<Value> {
    let c = cart(state, cart_id)?;
    Ok(Value::Array(
        rates(state, c)
            .into_iter()
            .map(|r| {
                json!({
                    "carrier_code": r.carrier, "method_code": r.method,
                    "carrier_title": r.carrier_title, "method_title": r.method_title,
                    "amount": num(r.amount), "base_amount": num(r.amount), "available": true,
                    "error_message": "", "price_excl_tax": num(r.amount),
                    "price_incl_tax": num(r.amount),
                })
            })
            .collect(),
    ))
}

fn chosen_rate(state: &State, c: &Cart) -> Option<Rate> {
    let (carrier, method) = c.shipping_method.as_ref()?;
    rates(state, c)
        .into_iter()
        .find(|r| &r.carrier == carrier && &r.method == method)
}

fn address_map(value: &Value, name: &str) -> MResult<Map<String, Value>> {
    value.as_object().cloned().ok_or_else(|| {
        input::type_error(name, value, "Magento\\Quote\\Api\\Data\\AddressInterface")
    })
}

/// `POST …/shipping-information`: stores the addresses and the carrier, answers the
/// payment methods and the totals.
pub fn set_shipping_information(
    state: &mut State,
    cart_id: u64,
    info: &Value,
    now: OffsetDateTime,
) -> MResult<Value> {
    let c = cart(state, cart_id)?;
    let shipping = input::field(info, "shipping_address")
        .map(|v| address_map(v, "shipping_address"))
        .transpose()?
        .filter(|a| a.get("country_id").is_some_and(|v| !v.is_null() && v != ""))
        .ok_or_else(|| MagentoError::bad_request(m::SHIPPING_ADDRESS_MISSING))?;
    let billing = input::field(info, "billing_address")
        .map(|v| address_map(v, "billing_address"))
        .transpose()?;
    if c.items.is_empty() {
        return Err(MagentoError::bad_request(m::EMPTY_CART_SHIPPING));
    }
    let carrier = input::field(info, "shipping_carrier_code")
        .map(|v| input::to_string(v, "shipping_carrier_code"))
        .transpose()?
        .unwrap_or_default();
    let method = input::field(info, "shipping_method_code")
        .map(|v| input::to_string(v, "shipping_method_code"))
        .transpose()?
        .unwrap_or_default();
    let mut trial = c.clone();
    trial.shipping_method = Some((carrier.clone(), method.clone()));
    if !is_virtual(c) && chosen_rate(state, &trial).is_none() {
        return Err(if method.is_empty() {
            MagentoError::not_found(m::SHIPPING_METHOD_MISSING)
        } else {
            MagentoError::not_found(m::NO_CARRIER).positional([json!(carrier), json!(method)])
        });
    }
    let c = cart_mut(state, cart_id)?;
    if c.email.is_none() {
        c.email = shipping
            .get("email")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    c.shipping_address = Some(shipping);
    if let Some(b) = billing {
        c.billing_address = Some(b);
    }
    c.shipping_method = Some((carrier, method));
    c.updated_at = dates::db_time(now);
    Ok(json!({
        "payment_methods": payment_methods(state),
        "totals": totals_json(state, cart_id)?,
    }))
}

/// `GET …/payment-methods`.
pub fn payment_methods(state: &State) -> Value {
    Value::Array(
        state
            .checkout
            .payment_methods
            .iter()
            .map(|p| json!({"code": p.code, "title": p.title}))
            .collect(),
    )
}

/// `GET …/totals` (and the `totals` of shipping-information).
pub fn totals_json(state: &State, cart_id: u64) -> MResult<Value> {
    let c = cart(state, cart_id)?;
    let sub = subtotal(c);
    let rate = chosen_rate(state, c);
    let shipping = rate.as_ref().map_or(0.0, |r| r.amount);
    let grand = round(sub + shipping);
    let items: Vec<Value> = c
        .items
        .iter()
        .map(|i| {
            let row = round(i.price * i.qty);
            json!({
                "item_id": i.item_id, "price": num(i.price), "base_price": num(i.price),
                "qty": num(i.qty), "row_total": num(row), "base_row_total": num(row),
                "row_total_with_discount": 0, "tax_amount": 0, "base_tax_amount": 0,
                "tax_percent": 0, "discount_amount": 0, "base_discount_amount": 0,
                "discount_percent": 0, "price_incl_tax": num(i.price),
                "base_price_incl_tax": num(i.price), "row_total_incl_tax": num(row),
                "base_row_total_incl_tax": num(row), "options": "[]",
                "weee_tax_applied_amount": null, "weee_tax_applied": null, "name": i.name,
            })
        })
        .collect();
    let mut segments = vec![json!({"code": "subtotal", "title": "Subtotal", "value": num(sub)})];
    if let Some(r) = &rate {
        segments.push(json!({"code": "shipping",
            "title": format!("Shipping & Handling ({} - {})", r.carrier_title, r.method_title),
            "value": num(shipping)}));
    }
    segments.push(json!({"code": "tax", "title": "Tax", "value": 0,
        "extension_attributes": {"tax_grandtotal_details": []}}));
    segments.push(json!({"code": "grand_total", "title": "Grand Total", "value": num(grand), "area": "footer"}));
    Ok(json!({
        "grand_total": num(grand), "base_grand_total": num(grand),
        "subtotal": num(sub), "base_subtotal": num(sub),
        "discount_amount": 0, "base_discount_amount": 0,
        "subtotal_with_discount": num(sub), "base_subtotal_with_discount": num(sub),
        "shipping_amount": num(shipping), "base_shipping_amount": num(shipping),
        "shipping_discount_amount": 0, "base_shipping_discount_amount": 0,
        "tax_amount": 0, "base_tax_amount": 0, "weee_tax_applied_amount": null,
        "shipping_tax_amount": 0, "base_shipping_tax_amount": 0,
        "subtotal_incl_tax": num(sub), "shipping_incl_tax": num(shipping),
        "base_shipping_incl_tax": num(shipping),
        "base_currency_code": "USD", "quote_currency_code": "USD",
        "items_qty": num(c.items.iter().map(|i| i.qty).sum()),
        "items": items,
        "total_segments": segments,
    }))
}

/// What a placement may bring along: a payment method, a billing address, an e-mail.
#[derive(Debug, Default)]
pub struct Placement {
    /// `paymentMethod.method`.
    pub payment_method: Option<String>,
    /// `billingAddress`.
    pub billing_address: Option<Map<String, Value>>,
    /// `email` (guest payment-information).
    pub email: Option<String>,
}

/// Binds `paymentMethod` (required when `required`), `billingAddress`/`billing_address`
/// and `email` from a placement body.
pub fn bind_placement(body: &Value, require_payment: bool) -> MResult<Placement> {
    let payment = match input::field(body, "payment_method") {
        Some(p) => Some(
            input::field(p, "method")
                .map(|v| input::to_string(v, "method"))
                .transpose()?
                .unwrap_or_default(),
        ),
        None if require_payment => return Err(MagentoError::required("paymentMethod")),
        None => None,
    };
    let billing = input::field(body, "billing_address")
        .map(|v| address_map(v, "billing_address"))
        .transpose()?;
    let email = input::field(body, "email")
        .map(|v| input::to_string(v, "email"))
        .transpose()?;
    Ok(Placement {
        payment_method: payment,
        billing_address: billing,
        email,
    })
}

fn missing_fields(a: Option<&Map<String, Value>>) -> Vec<String> {
    let blank = |v: Option<&Value>| match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(items)) => items
            .iter()
            .all(|s| s.as_str().is_none_or(|s| s.trim().is_empty())),
        Some(_) => false,
    };
    [
        "firstname",
        "lastname",
        "street",
        "city",
        "telephone",
        "postcode",
        "country_id",
    ]
    .into_iter()
    .filter(|f| blank(a.and_then(|a| a.get(*f))))
    .map(|f| m::FIELD_REQUIRED.replace("%fieldName", f))
    .collect()
}

/// `QuoteManagement::placeOrder`: validates the cart as `QuoteValidator` does, checks
/// salable quantity per SKU on the website's stock, creates the order (state `new`,
/// status `pending`), writes one `order_placed` reservation per SKU, deactivates the
/// cart, and returns the order id. Nothing changes when anything is refused.
pub fn place_order(
    state: &mut State,
    cart_id: u64,
    placement: Placement,
    now: OffsetDateTime,
) -> MResult<u64> {
    let mut c = cart(state, cart_id)?.clone();
    if let Some(b) = placement.billing_address {
        c.billing_address = Some(b);
    }
    if let Some(e) = placement.email {
        c.email = Some(e);
    }
    if let Some(p) = placement.payment_method {
        if !state.checkout.payment_methods.iter().any(|m| m.code == p) {
            return Err(MagentoError::bad_request(m::PAYMENT_NOT_AVAILABLE));
        }
        c.payment_method = Some(p);
    }
    let virtual_cart = is_virtual(&c);
    if !virtual_cart {
        let missing = missing_fields(c.shipping_address.as_ref());
        if !missing.is_empty() {
            return Err(MagentoError::bad_request(m::CHECK_SHIPPING_ADDRESS)
                .positional([json!(missing.join(" "))]));
        }
    }
    let rate = chosen_rate(state, &c);
    if !virtual_cart && rate.is_none() {
        return Err(MagentoError::bad_request(m::SHIPPING_METHOD_MISSING));
    }
    if c.billing_address.is_none() {
        c.billing_address = c.shipping_address.clone();
    }
    let missing = missing_fields(c.billing_address.as_ref());
    if !missing.is_empty() {
        return Err(MagentoError::bad_request(m::CHECK_BILLING_ADDRESS)
            .positional([json!(missing.join(" "))]));
    }
    let method = c
        .payment_method
        .clone()
        .ok_or_else(|| MagentoError::bad_request(m::PAYMENT_MISSING))?;
    let customer = c
        .customer_id
        .and_then(|id| state.customers.get(&id))
        .cloned();
    let email = match &customer {
        Some(cu) => cu.email.clone(),
        None => c
            .email
            .clone()
            .or_else(|| {
                c.billing_address
                    .as_ref()
                    .and_then(|b| b.get("email"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .filter(|e| !e.trim().is_empty())
            .ok_or_else(|| MagentoError::bad_request(m::EMAIL_MISSING))?,
    };
    if c.items.is_empty() {
        return Err(MagentoError::bad_request(m::SHIPPING_METHOD_MISSING));
    }
    let stock_id = stock_for_store(state, c.store_id);
    let mut wanted: Vec<(String, f64)> = Vec::new();
    for i in &c.items {
        match wanted
            .iter_mut()
            .find(|(s, _)| s.eq_ignore_ascii_case(&i.sku))
        {
            Some((_, q)) => *q += i.qty,
            None => wanted.push((i.sku.clone(), i.qty)),
        }
    }
    for (sku, qty) in &wanted {
        if !crate::msi::is_salable_for_qty(state, sku, stock_id, *qty) {
            return Err(MagentoError::bad_request(m::QTY_NOT_AVAILABLE));
        }
    }

    // Everything checked: write.
    let stamp = dates::db_time(now);
    let ids = &mut state.next.sales;
    let order_id = take(&mut ids.order);
    let increment_id = format!("{:09}", take(&mut ids.order_increment));
    let items: Vec<OrderItem> = c
        .items
        .iter()
        .map(|i| OrderItem {
            item_id: take(&mut ids.order_item),
            quote_item_id: i.item_id,
            sku: i.sku.clone(),
            name: i.name.clone(),
            product_id: i.product_id,
            product_type: i.product_type.clone(),
            price: i.price,
            original_price: i.price,
            weight: None,
            is_virtual: matches!(i.product_type.as_str(), "virtual" | "downloadable"),
            is_qty_decimal: false,
            qty_ordered: i.qty,
            qty_invoiced: 0.0,
            qty_shipped: 0.0,
            qty_refunded: 0.0,
            qty_canceled: 0.0,
            row_invoiced: 0.0,
            amount_refunded: 0.0,
            created_at: stamp.clone(),
            updated_at: stamp.clone(),
        })
        .collect();
    let billing = OrderAddress {
        entity_id: take(&mut ids.order_address),
        address_type: "billing".into(),
        fields: order_address_fields(c.billing_address.as_ref(), &email),
    };
    let shipping_address = (!virtual_cart).then(|| OrderAddress {
        entity_id: take(&mut ids.order_address),
        address_type: "shipping".into(),
        fields: order_address_fields(c.shipping_address.as_ref(), &email),
    });
    let payment_id = take(&mut ids.payment);
    let title = state
        .checkout
        .payment_methods
        .iter()
        .find(|p| p.code == method)
        .map_or_else(String::new, |p| p.title.clone());
    let sub = subtotal(&c);
    let shipping_amount = rate.as_ref().map_or(0.0, |r| r.amount);
    let weights: Vec<Option<f64>> = c
        .items
        .iter()
        .map(|i| crate::catalog::find_by_sku(state, &i.sku).and_then(|p| p.weight))
        .collect();
    let mut items = items;
    for (item, w) in items.iter_mut().zip(weights) {
        item.weight = w;
    }
    let weight = items
        .iter()
        .map(|i| i.weight.unwrap_or(0.0) * i.qty_ordered)
        .sum();
    let order = Order {
        entity_id: order_id,
        increment_id: increment_id.clone(),
        state: "new".into(),
        status: "pending".into(),
        hold_before_state: None,
        hold_before_status: None,
        store_id: c.store_id,
        store_name: store_name(state, c.store_id),
        stock_id,
        quote_id: c.id,
        protect_code: protect_code(order_id),
        customer_id: customer.as_ref().map(|cu| cu.id),
        customer_is_guest: customer.is_none(),
        customer_email: email,
        customer_firstname: Some(customer.as_ref().map_or_else(
            || billing_text(&billing, "firstname"),
            |cu| cu.firstname.clone(),
        )),
        customer_lastname: Some(customer.as_ref().map_or_else(
            || billing_text(&billing, "lastname"),
            |cu| cu.lastname.clone(),
        )),
        customer_group_id: customer.as_ref().map_or(0, |cu| cu.group_id),
        currency_code: "USD".into(),
        created_at: stamp.clone(),
        updated_at: stamp,
        is_virtual: virtual_cart,
        weight,
        shipping_method: rate.as_ref().map(|r| format!("{}_{}", r.carrier, r.method)),
        shipping_description: rate
            .as_ref()
            .map(|r| format!("{} - {}", r.carrier_title, r.method_title)),
        subtotal: sub,
        shipping_amount,
        discount_amount: 0.0,
        tax_amount: 0.0,
        grand_total: round(sub + shipping_amount),
        totals: sales::Totals::default(),
        items,
        billing_address: billing,
        shipping_address,
        payment: Payment {
            entity_id: payment_id,
            method,
            title,
        },
        status_histories: Vec::new(),
        extra: Map::new(),
    };
    for (sku, qty) in wanted {
        if crate::catalog::find_by_sku(state, &sku)
            .is_some_and(|p| crate::msi::supports_source_items(&p.type_id))
        {
            add_reservation(state, stock_id, &sku, -qty, "order_placed", &order);
        }
    }
    state.orders.insert(order_id, order);
    if c.payment_id.is_none() {
        c.payment_id = Some(take(&mut state.next.sales.quote_payment));
    }
    if let Some(stored) = state.carts.get_mut(&cart_id) {
        *stored = c;
        stored.is_active = false;
        stored.reserved_order_id = Some(increment_id);
    }
    Ok(order_id)
}

/// Appends a reservation for `order` (`event_type` as MSI writes it).
pub fn add_reservation(
    state: &mut State,
    stock_id: u64,
    sku: &str,
    quantity: f64,
    event: &str,
    order: &Order,
) {
    let id = state.next.reservation_id;
    state.next.reservation_id += 1;
    state.reservations.push(Reservation {
        reservation_id: id,
        stock_id,
        sku: sku.to_owned(),
        quantity,
        metadata: json!({
            "event_type": event,
            "object_type": "order",
            "object_id": order.entity_id.to_string(),
            "object_increment_id": order.increment_id,
        })
        .to_string(),
    });
}

fn billing_text(a: &OrderAddress, key: &str) -> String {
    a.fields
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn order_address_fields(a: Option<&Map<String, Value>>, email: &str) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in a.into_iter().flatten() {
        if matches!(
            k.as_str(),
            "id" | "customer_address_id"
                | "same_as_billing"
                | "save_in_address_book"
                | "extension_attributes"
                | "custom_attributes"
        ) {
            continue;
        }
        out.insert(input::snake(k), v.clone());
    }
    out.entry("email").or_insert(json!(email));
    out
}

/// `website\ngroup\nstore view`, as Magento stores `store_name`.
fn store_name(state: &State, store_id: u64) -> String {
    let view = state.store_views.iter().find(|s| s.id == store_id);
    let group = view.and_then(|v| state.store_groups.iter().find(|g| g.id == v.store_group_id));
    let website = view.and_then(|v| state.websites.iter().find(|w| w.id == v.website_id));
    format!(
        "{}\n{}\n{}",
        website.map_or("", |w| w.name.as_str()),
        group.map_or("", |g| g.name.as_str()),
        view.map_or("", |v| v.name.as_str())
    )
}

fn protect_code(order_id: u64) -> String {
    let digest = Sha256::digest(format!("cartsim-order-{order_id}").as_bytes());
    digest.iter().take(3).map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------
// Cart lookups by URL family, payment selection, shipping methods, billing address,
// customer assignment and the admin cart list (issue 11, item 8).

/// Messages of the services below, verbatim.
pub mod m2 {
    /// `ParamOverriderCartId`: a `mine` sub-resource for a customer without an active
    /// cart.
    pub const NO_ACTIVE_CART: &str = "Current customer does not have an active cart.";
    /// `QuoteManagement::assignCustomer`: the store is not one the customer shares.
    pub const ASSIGN_OTHER_STORE: &str =
        "The customer can't be assigned to the cart. The cart belongs to a different store.";
    /// `QuoteManagement::assignCustomer`: the cart already has a customer.
    pub const ASSIGN_NOT_ANONYMOUS: &str =
        "The customer can't be assigned to the cart because the cart isn't anonymous.";
    /// A customer id the store does not know.
    pub const NO_SUCH_CUSTOMER: &str = "No such entity with %fieldName = %fieldValue";
}

/// The cart with quote id `id` whatever its state (`QuoteRepository::get`, which the
/// cart read and the payment services use); 404 naming `cartId` when unknown.
pub fn any_cart(state: &State, id: u64) -> MResult<&Cart> {
    state
        .carts
        .get(&id)
        .ok_or_else(|| cart_not_found(json!(id)))
}

/// The quote behind a guest cart's masked id whatever the cart's state (the guest
/// services over `QuoteRepository::get`); an unknown mask is the 404 with
/// `fieldValue` null.
pub fn guest_quote_id(state: &State, masked: &str) -> MResult<u64> {
    state
        .carts
        .by_mask(masked)
        .map(|c| c.id)
        .ok_or_else(|| cart_not_found(Value::Null))
}

/// The cart id a `/V1/carts/mine/…` sub-resource runs on (`ParamOverriderCartId`):
/// the customer's active cart, else 404 `Current customer does not have an active
/// cart.`
pub fn mine_cart_id(state: &State, customer_id: u64) -> MResult<u64> {
    customer_cart_id(state, customer_id).map_err(|_| MagentoError::not_found(m2::NO_ACTIVE_CART))
}

/// The `cartId` path parameter of an admin route, as the `int` Magento binds it: a
/// non-numeric value is the rendered type error, a negative one an unknown cart.
pub fn admin_cart_id(param: &str) -> MResult<u64> {
    let id = input::to_i64(&Value::String(param.to_owned()), "cartId")?;
    u64::try_from(id).map_err(|_| cart_not_found(json!(id)))
}

/// `POST /V1/carts/` (`QuoteManagement::createEmptyCart`): an anonymous cart without a
/// masked id in `store_id`. Returns the quote id.
pub fn create_admin_cart(state: &mut State, store_id: u64, now: OffsetDateTime) -> u64 {
    let id = create(state, store_id, None, now);
    if let Some(c) = state.carts.get(&id).cloned() {
        state.carts.insert(Cart {
            masked_id: None,
            ..c
        });
    }
    id
}

/// `POST /V1/customers/{customerId}/carts` (`createEmptyCartForCustomer`): the
/// customer's active cart, a new one in `store_id` when none; an unknown customer is
/// 404 naming `customerId`.
pub fn create_for_customer_checked(
    state: &mut State,
    store_id: u64,
    customer_id: u64,
    now: OffsetDateTime,
) -> MResult<u64> {
    if !state.customers.contains_key(&customer_id) {
        return Err(no_such_customer(customer_id));
    }
    Ok(create_for_customer(state, store_id, customer_id, now))
}

fn no_such_customer(id: impl Into<Value>) -> MagentoError {
    MagentoError::not_found(m2::NO_SUCH_CUSTOMER).named([
        ("fieldName", json!("customerId")),
        ("fieldValue", id.into()),
    ])
}

/// A `customerId` argument bound as an `int`: a negative one is an unknown customer.
pub fn customer_id_arg(id: i64) -> MResult<u64> {
    u64::try_from(id).map_err(|_| no_such_customer(id))
}

/// `GET /V1/carts/{cartId}` (`CartRepository::get`): any cart, active or not.
pub fn any_cart_json(state: &State, cart_id: u64) -> MResult<Value> {
    any_cart(state, cart_id).map(|c| cart_view(state, c))
}

fn has_country(a: Option<&Map<String, Value>>) -> bool {
    a.and_then(|a| a.get("country_id").or_else(|| a.get("countryId")))
        .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
}

fn grand_total(state: &State, c: &Cart) -> f64 {
    round(subtotal(c) + chosen_rate(state, c).map_or(0.0, |r| r.amount))
}

/// `PUT …/selected-payment-method` (`PaymentMethodManagement::set`) on any cart: a
/// shippable cart needs a shipping address with a country; the method must be one
/// the store offers, and a zero grand total takes only `free`
/// (`Checks\ZeroTotal`). Returns the quote payment id (kept across re-sets).
pub fn set_payment(
    state: &mut State,
    cart_id: u64,
    method: &Value,
    now: OffsetDateTime,
) -> MResult<u64> {
    let c = any_cart(state, cart_id)?;
    if !method.is_object() {
        return Err(input::type_error(
            "method",
            method,
            "Magento\\Quote\\Api\\Data\\PaymentInterface",
        ));
    }
    let code = input::field(method, "method")
        .map(|v| input::to_string(v, "method"))
        .transpose()?
        .unwrap_or_default();
    let po_number = input::field(method, "po_number")
        .map(|v| input::to_string(v, "po_number"))
        .transpose()?;
    let additional = match input::field(method, "additional_data") {
        None => None,
        Some(Value::Array(list)) => Some(
            list.iter()
                .map(|v| input::to_string(v, "additional_data"))
                .collect::<MResult<Vec<_>>>()?,
        ),
        Some(other) => return Err(input::type_error("additional_data", other, "string[]")),
    };
    if !is_virtual(c) && !has_country(c.shipping_address.as_ref()) {
        return Err(MagentoError::bad_request(m::SHIPPING_ADDRESS_MISSING));
    }
    let offered = state
        .checkout
        .payment_methods
        .iter()
        .any(|p| p.code == code);
    if !offered || (grand_total(state, c) < 0.0001 && code != "free") {
        return Err(MagentoError::bad_request(m::PAYMENT_NOT_AVAILABLE));
    }
    let next_payment = state.next.sales.quote_payment;
    let c = state
        .carts
        .get_mut(&cart_id)
        .ok_or_else(|| cart_not_found(json!(cart_id)))?;
    let payment_id = match c.payment_id {
        Some(id) => id,
        None => {
            c.payment_id = Some(next_payment);
            state.next.sales.quote_payment += 1;
            next_payment
        }
    };
    c.payment_method = Some(code);
    c.po_number = po_number;
    c.payment_additional_data = additional;
    c.updated_at = dates::db_time(now);
    Ok(payment_id)
}

/// `GET …/selected-payment-method` (`PaymentMethodManagement::get`) on any cart:
/// `null` before a payment was set, else the payment as `PaymentInterface` renders
/// it (nullable getters left out when null).
pub fn payment_json(state: &State, cart_id: u64) -> MResult<Value> {
    let c = any_cart(state, cart_id)?;
    if c.payment_id.is_none() {
        return Ok(Value::Null);
    }
    let mut o = Map::new();
    if let Some(po) = &c.po_number {
        o.insert("po_number".into(), json!(po));
    }
    o.insert(
        "method".into(),
        json!(c.payment_method.clone().unwrap_or_default()),
    );
    if let Some(data) = &c.payment_additional_data {
        o.insert("additional_data".into(), json!(data));
    }
    Ok(Value::Object(o))
}

/// `GET …/payment-methods` on any cart (`PaymentMethodManagement::getList` reads the
/// cart with `QuoteRepository::get`).
pub fn payment_methods_of(state: &State, cart_id: u64) -> MResult<Value> {
    any_cart(state, cart_id)?;
    Ok(payment_methods(state))
}

/// `GET …/shipping-methods` (`ShippingMethodManagement::getList`): `[]` for an empty
/// or virtual cart; 400 without a shipping address country; else the rates for the
/// cart as estimates render them.
pub fn shipping_methods(state: &State, cart_id: u64) -> MResult<Value> {
    let c = cart(state, cart_id)?;
    if c.items.is_empty() || is_virtual(c) {
        return Ok(json!([]));
    }
    if !has_country(c.shipping_address.as_ref()) {
        return Err(MagentoError::bad_request(m::SHIPPING_ADDRESS_MISSING));
    }
    estimate(state, cart_id)
}

/// The value of `key` as an `int` getter renders it (numbers and numeric strings;
/// anything else null).
fn int_of(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| json!(n.as_f64().map(|f| f as i64)), |i| json!(i)),
        Some(Value::String(s)) => s.trim().parse::<i64>().map_or(Value::Null, |i| json!(i)),
        Some(Value::Bool(b)) => json!(i64::from(*b)),
        _ => Value::Null,
    }
}

/// The value as a `string` getter renders it.
fn str_of(v: Option<&Value>) -> Value {
    match v {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => json!(s),
        Some(Value::Bool(b)) => json!(if *b { "1" } else { "" }),
        Some(Value::Number(n)) => json!(n.to_string()),
        Some(other) => json!(other.to_string()),
    }
}

/// A quote address as `AddressInterface` renders it: the non-nullable getters always
/// (null when unset), the nullable ones (`company`, `fax`, `middlename`, `prefix`,
/// `suffix`, `vat_id`, `customer_id`, `customer_address_id`) only when set.
pub fn quote_address_json(
    id: Option<u64>,
    a: Option<&Map<String, Value>>,
    customer_id: Option<u64>,
) -> Value {
    let empty = Map::new();
    let a = a.unwrap_or(&empty);
    let mut snake = Map::new();
    for (k, v) in a {
        snake.insert(input::snake(k), v.clone());
    }
    let get = |k: &str| snake.get(k).filter(|v| !v.is_null());
    let mut o = Map::new();
    if let Some(id) = id {
        o.insert("id".into(), json!(id));
    }
    o.insert("region".into(), str_of(get("region")));
    o.insert("region_id".into(), int_of(get("region_id")));
    o.insert("region_code".into(), str_of(get("region_code")));
    o.insert("country_id".into(), str_of(get("country_id")));
    let street = match get("street") {
        Some(Value::Array(lines)) => lines.iter().map(|l| str_of(Some(l))).collect(),
        Some(other) => vec![str_of(Some(other))],
        None => vec![json!("")],
    };
    o.insert("street".into(), Value::Array(street));
    for key in [
        "company",
        "telephone",
        "fax",
        "postcode",
        "city",
        "firstname",
        "lastname",
        "middlename",
        "prefix",
        "suffix",
        "vat_id",
    ] {
        let nullable = matches!(
            key,
            "company" | "fax" | "middlename" | "prefix" | "suffix" | "vat_id"
        );
        let v = str_of(get(key));
        if !(nullable && v.is_null()) {
            o.insert(key.into(), v);
        }
    }
    if let Some(c) = customer_id {
        o.insert("customer_id".into(), json!(c));
    }
    o.insert("email".into(), str_of(get("email")));
    o.insert(
        "same_as_billing".into(),
        json!(int_of(get("same_as_billing")).as_i64().unwrap_or(0)),
    );
    let address_id = int_of(get("customer_address_id"));
    if !address_id.is_null() {
        o.insert("customer_address_id".into(), address_id);
    }
    o.insert(
        "save_in_address_book".into(),
        json!(int_of(get("save_in_address_book")).as_i64().unwrap_or(0)),
    );
    Value::Object(o)
}

/// `GET …/billing-address` (`BillingAddressManagement::get`, active carts): the billing
/// address, empty fields null, as `AddressInterface` renders it.
pub fn billing_address_json(state: &State, cart_id: u64) -> MResult<Value> {
    let c = cart(state, cart_id)?;
    Ok(quote_address_json(
        c.billing_address_id,
        c.billing_address.as_ref(),
        c.customer_id,
    ))
}

/// `POST …/billing-address` (`BillingAddressManagement::assign`, active carts): the
/// old billing address is removed and the given one saved under a new address id,
/// which is returned; with `useForShipping` it becomes the shipping address too
/// (`same_as_billing` 1), otherwise the shipping address is marked
/// `same_as_billing` 0.
pub fn assign_billing_address(
    state: &mut State,
    cart_id: u64,
    address: &Value,
    use_for_shipping: bool,
    now: OffsetDateTime,
) -> MResult<u64> {
    cart(state, cart_id)?;
    let mut billing = address_map(address, "address")?;
    billing.remove("id");
    let id = state.next.sales.quote_address;
    let c = cart_mut(state, cart_id)?;
    if use_for_shipping {
        let mut shipping = billing.clone();
        shipping.insert("same_as_billing".into(), json!(1));
        shipping.insert("save_in_address_book".into(), json!(0));
        c.shipping_address = Some(shipping);
    } else if let Some(s) = c.shipping_address.as_mut() {
        s.insert("same_as_billing".into(), json!(0));
    }
    c.billing_address = Some(billing);
    c.billing_address_id = Some(id);
    c.updated_at = dates::db_time(now);
    state.next.sales.quote_address += 1;
    Ok(id)
}

/// `QuoteManagement::assignCustomer` (2.4.0): on the active cart `cart_id`, for an
/// existing customer, with `store_id` among the customer's website's store views and
/// a cart without a customer. The customer's active cart, if any, is merged into this
/// one (`Quote::merge`: quantities of a SKU already here add up, other items are
/// copied under new item ids) and deactivated; the cart then belongs to the customer
/// and loses its masked id. Nothing changes when anything is refused.
pub fn assign_customer(
    state: &mut State,
    cart_id: u64,
    customer_id: u64,
    store_id: i64,
    now: OffsetDateTime,
) -> MResult<()> {
    let target = cart(state, cart_id)?.clone();
    let customer = state
        .customers
        .get(&customer_id)
        .ok_or_else(|| no_such_customer(customer_id))?;
    let shared = state
        .store_views
        .iter()
        .any(|s| s.website_id == customer.website_id && i64::try_from(s.id) == Ok(store_id));
    if !shared {
        return Err(MagentoError::bad_request(m2::ASSIGN_OTHER_STORE));
    }
    if target.customer_id.is_some() {
        return Err(MagentoError::bad_request(m2::ASSIGN_NOT_ANONYMOUS));
    }
    let stamp = dates::db_time(now);
    let mut merged = target;
    if let Ok(old_id) = customer_cart_id(state, customer_id) {
        let old_items = state
            .carts
            .get(&old_id)
            .map(|c| c.items.clone())
            .unwrap_or_default();
        for item in old_items {
            match merged
                .items
                .iter_mut()
                .find(|i| i.sku.eq_ignore_ascii_case(&item.sku))
            {
                Some(i) => i.qty += item.qty,
                None => {
                    let item_id = take(&mut state.next.sales.quote_item);
                    merged.items.push(CartItem { item_id, ..item });
                }
            }
        }
        if let Some(old) = state.carts.get_mut(&old_id) {
            old.is_active = false;
            old.updated_at = stamp.clone();
        }
    }
    merged.customer_id = Some(customer_id);
    merged.masked_id = None;
    merged.is_active = true;
    merged.updated_at = stamp;
    state.carts.insert(merged);
    Ok(())
}

/// A cart's column for searchCriteria (`quote` table columns).
fn cart_field<'a>(state: &State, c: &'a Cart, column: &str) -> crate::search::Field<'a> {
    use crate::search::Field;
    let id = |v: Option<u64>| v.map_or(Field::Missing, |v| Field::Num(v as f64));
    match column {
        "entity_id" => Field::Num(c.id as f64),
        "store_id" => Field::Num(c.store_id as f64),
        "customer_id" => id(c.customer_id),
        "is_active" => Field::Num(f64::from(u8::from(c.is_active))),
        "is_virtual" => Field::Num(f64::from(u8::from(is_virtual(c)))),
        "customer_is_guest" => Field::Num(f64::from(u8::from(c.customer_id.is_none()))),
        "created_at" => Field::text(&c.created_at),
        "updated_at" => Field::text(&c.updated_at),
        "items_count" => Field::Num(c.items.len() as f64),
        "items_qty" => Field::Num(c.items.iter().map(|i| i.qty).sum()),
        "subtotal" | "base_subtotal" => Field::Num(subtotal(c)),
        "grand_total" | "base_grand_total" => Field::Num(grand_total(state, c)),
        "customer_email" => c.email.as_deref().map_or(Field::Missing, Field::text),
        "reserved_order_id" => c
            .reserved_order_id
            .as_deref()
            .map_or(Field::Missing, Field::text),
        _ => Field::Missing,
    }
}

/// `GET /V1/carts/search` (`QuoteRepository::getList`): every cart, active or not, in
/// id order, filtered, sorted and paged by the criteria; items as `GET
/// /V1/carts/{cartId}` renders them.
pub fn search_carts(state: &State, query: &Value) -> MResult<Value> {
    let criteria = crate::search::from_query(query, true)?;
    let rows: Vec<&Cart> = state.carts.values().collect();
    let (page, total) = criteria.apply(&rows, |c, f| cart_field(state, c, f))?;
    let items = page.into_iter().map(|c| cart_view(state, c)).collect();
    Ok(crate::search::result(items, &criteria, total))
}

/// The cart of an admin item update (`PUT /V1/carts/{cartId}/items/{itemId}`):
/// `CartItemRepository::save` reads `cartItem.quote_id` (the URL's last parameter,
/// `itemId`, is the only one `ParamsOverrider` puts into the body), refuses it when
/// PHP-falsy (400 `"quoteId" is required…`) and loads it with `getActive` (404 naming
/// `cartId` with the value as sent).
pub fn item_quote_id(state: &State, item: &Value) -> MResult<u64> {
    let raw = input::field(item, "quote_id")
        .cloned()
        .unwrap_or(Value::Null);
    let text = match &raw {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => if *b { "1" } else { "" }.to_owned(),
        other => return Err(input::type_error("quote_id", other, "string")),
    };
    if text.is_empty() || text == "0" {
        return Err(MagentoError::required("quoteId"));
    }
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|id| state.carts.get(id).is_some_and(|c| c.is_active))
        .ok_or_else(|| cart_not_found(raw))
}
