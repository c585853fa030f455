//! Storefront checkouts (`POST /__sim/checkout`): a cart is priced and checked against
//! the catalogue ([`price`]), the merchant's checkout-time webhooks are called outside
//! the lock (handlers), then [`commit`] prices it again under one lock and applies
//! everything at once — stock, statistics, order, customer, discount usage — or
//! nothing. [`abandon`] keeps an unfinished cart instead. No HTTP here.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::carts::{AbandonedCart, CartSummary};
use crate::customers::{Customer, CustomerStatistics, CustomerStatus};
use crate::discounts::{self, CartLine, Effect, Problem};
use crate::json::ApiEnum as _;
use crate::money::Money;
use crate::orders::{
    Address, AppliedDiscount, ItemCustomField, Order, OrderItem, OrderJson, OrderStatus,
    PaymentStatus, Tax,
};
use crate::products::{InventoryMethod, Product, Variation};
use crate::state::{Mode, State};
use sim_core::Outbound;

/// A custom-field value chosen or typed in the cart.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomFieldInput {
    /// The field's name.
    pub name: String,
    /// The option or text.
    pub value: String,
}

/// A cart line.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemInput {
    /// The product's user-defined id.
    pub id: String,
    /// Units (at least 1).
    pub quantity: i64,
    /// The unit price the page showed, options included; checked when given.
    #[serde(default)]
    pub price: Option<Money>,
    /// Custom-field values (the dropdown choices make the variant).
    #[serde(default)]
    pub custom_fields: Vec<CustomFieldInput>,
    /// The button's `data-item-alternate-prices` (for `AlternatePrice` discounts).
    #[serde(default)]
    pub alternate_prices: BTreeMap<String, Money>,
}

/// `POST /__sim/checkout`'s body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckoutInput {
    /// `Test` (default) or `Live`, any case.
    #[serde(default)]
    pub mode: Option<String>,
    /// The customer's e-mail (required).
    #[serde(default)]
    pub email: Option<String>,
    /// Billing address (required, with a `name`).
    #[serde(default)]
    pub billing_address: Option<Address>,
    /// Shipping address; the billing one when absent.
    #[serde(default)]
    pub shipping_address: Option<Address>,
    /// Lines (at least one).
    #[serde(default)]
    pub items: Vec<ItemInput>,
    /// Discount codes entered.
    #[serde(default)]
    pub discount_codes: Vec<String>,
    /// `false`: the cart is abandoned instead of paid.
    #[serde(default)]
    pub complete: Option<bool>,
    /// The shipping rate chosen among those `shippingrates.fetch` answered.
    #[serde(default)]
    pub shipping_rate_user_defined_id: Option<String>,
    /// The customer creates an account (`Confirmed`).
    #[serde(default)]
    pub create_account: bool,
    /// Order metadata.
    #[serde(default)]
    pub metadata: Option<Value>,
}

/// Why a checkout did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The admin request itself is wrong (`400 {"error"}`).
    Bad(String),
    /// What the storefront would refuse (`422 {"error", "errors"}`).
    Refused(Vec<Problem>),
}

impl CheckoutInput {
    /// The mode, and the admin-input checks (`400`).
    pub fn check(&self) -> Result<Mode, Refusal> {
        let mode = match self.mode.as_deref() {
            None => Mode::Test,
            Some(m) => crate::json::ci_enum(m, &[("Test", Mode::Test), ("Live", Mode::Live)])
                .ok_or_else(|| Refusal::Bad(format!("mode {m:?} is not Test or Live")))?,
        };
        let email = self.email.as_deref().unwrap_or("");
        if !email.contains('@') || email.trim() != email {
            return Err(Refusal::Bad("email is required (an e-mail address)".into()));
        }
        if self
            .billing_address
            .as_ref()
            .and_then(|a| a.full_name.as_deref())
            .is_none_or(|n| n.trim().is_empty())
        {
            return Err(Refusal::Bad("billingAddress.name is required".into()));
        }
        if self.items.is_empty() {
            return Err(Refusal::Bad("items: at least one item is required".into()));
        }
        for (i, item) in self.items.iter().enumerate() {
            if item.quantity < 1 {
                return Err(Refusal::Bad(format!(
                    "items[{i}].quantity must be at least 1"
                )));
            }
            if item.id.is_empty() {
                return Err(Refusal::Bad(format!("items[{i}].id is required")));
            }
        }
        Ok(mode)
    }
}

/// Where a line's stock is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    /// Not tracked, or sold out of stock (nothing to decrement).
    None,
    /// The product's own stock.
    Single,
    /// One of its variants (index in `variants`).
    Variant(usize),
}

#[derive(Debug, Clone)]
struct PricedLine {
    item: OrderItem,
    bucket: Bucket,
    alternate_prices: BTreeMap<String, Money>,
}

/// A cart checked against the catalogue and priced.
#[derive(Debug, Clone)]
pub struct Priced {
    lines: Vec<PricedLine>,
    items_total: Money,
    discounts: Vec<(String, Effect)>,
}

/// What the merchant's checkout-time webhooks answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct External {
    /// The chosen shipping rate.
    pub rate: Option<ShippingRate>,
    /// The taxes.
    pub taxes: Option<Vec<Tax>>,
}

/// One rate of a `shippingrates.fetch` answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingRate {
    /// Cost.
    pub cost: Money,
    /// Description (the method's name).
    pub description: String,
    /// The merchant's id of the rate.
    #[serde(default)]
    pub user_defined_id: Option<String>,
    /// Days to delivery.
    #[serde(default)]
    pub guaranteed_days_to_delivery: Option<i64>,
}

fn too_big() -> Refusal {
    Refusal::Bad("the amounts are out of range".into())
}

/// Checks `input`'s lines against the catalogue of `mode` and prices them: the
/// products exist, the custom-field values are the products' (dropdown options
/// known), the prices given match (product price plus the chosen options' changes),
/// and with `check_stock` each stock (variant or product) covers the quantities of all
/// lines drawing on it unless out-of-stock purchases are allowed there. Then the
/// discounts.
pub fn price(
    state: &State,
    mode: Mode,
    input: &CheckoutInput,
    now: OffsetDateTime,
    check_stock: bool,
) -> Result<Priced, Refusal> {
    let store = state.store(mode);
    let mut lines = Vec::with_capacity(input.items.len());
    let mut wanted: HashMap<(&str, Bucket), i64> = HashMap::new();
    let mut problems: Vec<Problem> = Vec::new();
    for (i, it) in input.items.iter().enumerate() {
        let Some(p) = store.products.by_user_id(&it.id) else {
            problems.push((
                "product-not-found".into(),
                format!("items[{i}]: product '{}' was not found.", it.id),
            ));
            continue;
        };
        let (unit, fields, choices) = match resolve_options(p, it) {
            Ok(r) => r,
            Err(e) => {
                problems.push(("invalid-custom-field".into(), format!("items[{i}]: {e}")));
                continue;
            }
        };
        if let Some(given) = it.price {
            if given != unit {
                problems.push((
                    "price-mismatch".into(),
                    format!(
                        "items[{i}]: the price of '{}' is {unit}, not {given}.",
                        p.user_defined_id
                    ),
                ));
                continue;
            }
        }
        let bucket = match p.inventory_management_method {
            None => Bucket::None,
            Some(InventoryMethod::Single) => Bucket::Single,
            Some(InventoryMethod::Variant) => {
                match p
                    .variants
                    .iter()
                    .flatten()
                    .position(|v| v.matches(&choices))
                {
                    Some(at) => Bucket::Variant(at),
                    None if !check_stock || p.allow_out_of_stock_purchases == Some(true) => {
                        Bucket::None
                    }
                    None => {
                        problems.push((
                            "out-of-stock".into(),
                            format!(
                                "items[{i}]: '{}' has no stock for this combination of options.",
                                p.user_defined_id
                            ),
                        ));
                        continue;
                    }
                }
            }
        };
        let q = wanted
            .entry((p.user_defined_id.as_str(), bucket))
            .or_insert(0);
        *q = q.saturating_add(it.quantity);
        let total = unit.checked_mul_int(it.quantity).ok_or_else(too_big)?;
        lines.push(PricedLine {
            item: OrderItem {
                unique_id: String::new(),
                id: p.user_defined_id.clone(),
                name: p.name.clone(),
                price: unit,
                quantity: it.quantity,
                total_price: total,
                url: p.url.clone(),
                description: p.description.clone(),
                image: p.image.clone(),
                custom_fields: fields,
                stackable: true,
                shippable: true,
                taxable: true,
                metadata: p.metadata.clone(),
            },
            bucket,
            alternate_prices: it.alternate_prices.clone(),
        });
    }
    if check_stock {
        // In the order of the lines, so the answer is deterministic.
        let mut seen = Vec::new();
        for line in &lines {
            let key = (line.item.id.as_str(), line.bucket);
            if seen.contains(&key) || line.bucket == Bucket::None {
                continue;
            }
            seen.push(key);
            let Some(p) = store.products.by_user_id(key.0) else {
                continue;
            };
            let want = wanted.get(&key).copied().unwrap_or(0);
            let (stock, allowed) = match line.bucket {
                Bucket::Single => (
                    p.stock.unwrap_or(0),
                    p.allow_out_of_stock_purchases == Some(true),
                ),
                Bucket::Variant(at) => match p.variants.as_ref().and_then(|v| v.get(at)) {
                    Some(v) => (v.stock, v.allow_out_of_stock_purchases),
                    None => (0, false),
                },
                Bucket::None => continue,
            };
            if !allowed && stock < want {
                problems.push((
                    "out-of-stock".into(),
                    format!(
                        "'{}' has {} in stock, {want} wanted.",
                        p.user_defined_id,
                        stock.max(0)
                    ),
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(Refusal::Refused(problems));
    }
    let items_total = lines
        .iter()
        .try_fold(Money::ZERO, |s, l| s.checked_add(l.item.total_price))
        .ok_or_else(too_big)?;
    let cart: Vec<CartLine<'_>> = lines
        .iter()
        .map(|l| CartLine {
            id: &l.item.id,
            quantity: l.item.quantity,
            price: l.item.price,
            total: l.item.total_price,
            alternate_prices: &l.alternate_prices,
        })
        .collect();
    let discounts = discounts::evaluate(
        &store.discounts,
        &input.discount_codes,
        &cart,
        items_total,
        now,
    )
    .map_err(Refusal::Refused)?;
    Ok(Priced {
        lines,
        items_total,
        discounts,
    })
}

/// The unit price with the chosen options, the item's custom fields, and the dropdown
/// choices (a dropdown not chosen takes its default value, else its first option).
fn resolve_options(
    p: &Product,
    it: &ItemInput,
) -> Result<(Money, Vec<ItemCustomField>, Vec<Variation>), String> {
    for given in &it.custom_fields {
        if !p
            .custom_fields
            .iter()
            .any(|f| f.name.eq_ignore_ascii_case(&given.name))
        {
            return Err(format!(
                "'{}' is not a custom field of '{}'.",
                given.name, p.user_defined_id
            ));
        }
    }
    let mut unit = p.price;
    let mut fields = Vec::new();
    let mut choices = Vec::new();
    for f in &p.custom_fields {
        let given = it
            .custom_fields
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(&f.name))
            .map(|g| g.value.clone());
        if f.is_dropdown() {
            let options = f.priced_options();
            let value = match given {
                Some(v) => v,
                None if options.iter().any(|(o, _)| *o == f.value) => f.value.clone(),
                None => options.first().map(|(o, _)| o.clone()).unwrap_or_default(),
            };
            let change = options
                .iter()
                .find(|(o, _)| *o == value)
                .map(|(_, c)| *c)
                .ok_or_else(|| format!("'{value}' is not an option of '{}'.", f.name))?;
            unit = unit
                .checked_add(change)
                .ok_or("the price is out of range")?;
            choices.push(Variation {
                name: f.name.clone(),
                option: value.clone(),
            });
            fields.push(ItemCustomField {
                name: f.name.clone(),
                value,
                kind: f.kind.clone(),
                options: f.options.clone(),
                operation: change,
            });
        } else if let Some(value) = given.or_else(|| (!f.value.is_empty()).then(|| f.value.clone()))
        {
            fields.push(ItemCustomField {
                name: f.name.clone(),
                value,
                kind: f.kind.clone(),
                options: f.options.clone(),
                operation: Money::ZERO,
            });
        }
    }
    Ok((unit, fields, choices))
}

/// The ids a checkout needs, handed out before the webhooks are called so the draft
/// they see is the order that is made.
#[derive(Debug, Clone)]
pub struct Ids {
    /// The order's token.
    pub token: String,
    /// Each line's `uniqueId`.
    pub unique_ids: Vec<String>,
}

impl Ids {
    /// Fresh ids for `input`.
    pub fn new(state: &mut State, input: &CheckoutInput) -> Ids {
        Ids {
            token: state.guid(),
            unique_ids: input.items.iter().map(|_| state.guid()).collect(),
        }
    }
}

/// What an order is built from.
struct Build<'a> {
    mode: Mode,
    input: &'a CheckoutInput,
    priced: &'a Priced,
    ids: &'a Ids,
    external: &'a External,
    now: OffsetDateTime,
}

/// The order `b.priced` makes, with `b.external`'s rate and taxes, as `status`.
fn build_order(
    state: &State,
    b: &Build<'_>,
    invoice_number: String,
    status: OrderStatus,
) -> Result<Order, Refusal> {
    let Build {
        mode,
        input,
        priced,
        ids,
        external,
        now,
    } = *b;
    let store = state.store(mode);
    let billing = input.billing_address.as_ref().cloned().unwrap_or_default();
    let shipping = input
        .shipping_address
        .as_ref()
        .cloned()
        .unwrap_or_else(|| billing.clone());
    let mut items = Vec::with_capacity(priced.lines.len());
    for (l, id) in priced.lines.iter().zip(&ids.unique_ids) {
        let mut item = l.item.clone();
        item.unique_id = id.clone();
        items.push(item);
    }
    let mut shipping_fees = external.rate.as_ref().map_or(Money::ZERO, |r| r.cost);
    let mut shipping_method = external.rate.as_ref().map(|r| r.description.clone());
    let mut saved = Money::ZERO;
    let mut applied = Vec::new();
    for (id, effect) in &priced.discounts {
        let Some(d) = store.discounts.get(id) else {
            continue;
        };
        let amount_saved = match effect {
            Effect::Items(m) => *m,
            Effect::Shipping { cost, description } => {
                // The discount's method replaces a dearer one, never a cheaper one.
                let new_fees = (*cost).min(shipping_fees);
                let off = shipping_fees.checked_sub(new_fees).ok_or_else(too_big)?;
                shipping_fees = new_fees;
                if description.is_some() {
                    shipping_method.clone_from(description);
                }
                off
            }
        };
        saved = saved.checked_add(amount_saved).ok_or_else(too_big)?;
        applied.push(AppliedDiscount {
            discount_id: d.id.clone(),
            name: d.name.clone(),
            code: d.code.clone(),
            trigger: d.trigger.name().to_owned(),
            kind: d.kind.name().to_owned(),
            rate: d.rate,
            amount: d.amount,
            amount_saved,
        });
    }
    let item_savings = priced
        .discounts
        .iter()
        .filter_map(|(_, e)| match e {
            Effect::Items(m) => Some(*m),
            Effect::Shipping { .. } => None,
        })
        .try_fold(Money::ZERO, |s, m| s.checked_add(m))
        .ok_or_else(too_big)?;
    let subtotal = priced
        .items_total
        .checked_sub(item_savings)
        .ok_or_else(too_big)?
        .max(Money::ZERO);
    let taxes = external.taxes.clone().unwrap_or_default();
    let taxes_total = taxes
        .iter()
        .filter(|t| !t.included_in_price)
        .try_fold(Money::ZERO, |s, t| s.checked_add(t.amount))
        .ok_or_else(too_big)?;
    let grand_total = subtotal
        .checked_add(shipping_fees)
        .and_then(|m| m.checked_add(taxes_total))
        .ok_or_else(too_big)?;
    let mut order = Order {
        token: ids.token.clone(),
        invoice_number,
        creation_date: now,
        modification_date: now,
        completion_date: now,
        status,
        payment_status: PaymentStatus::Paid,
        payment_method: "CreditCard".into(),
        email: input.email.clone().unwrap_or_default(),
        card_holder_name: billing.full_name.clone(),
        credit_card_last4_digits: Some("4242".into()),
        shipping_address_same_as_billing: input.shipping_address.is_none(),
        billing_address: billing,
        shipping_address: shipping,
        currency: state.settings.currency.clone(),
        lang: "en".into(),
        items,
        discounts: applied,
        taxes,
        refunds: Vec::new(),
        tracking_number: None,
        tracking_url: None,
        shipping_fees,
        shipping_method,
        shipping_provider: None,
        shipping_rate_user_defined_id: external
            .rate
            .as_ref()
            .and_then(|r| r.user_defined_id.clone()),
        subtotal,
        items_total: priced.items_total,
        taxes_total,
        grand_total,
        final_grand_total: grand_total,
        total_weight: Money::ZERO,
        saved_amount: saved,
        refunds_amount: Money::ZERO,
        metadata: input.metadata.clone().unwrap_or(Value::Null),
        custom_fields: Vec::new(),
        is_recurring_order: false,
        mode,
    };
    order.derive_refunds();
    Ok(order)
}

/// A call to one of the merchant's checkout-time webhooks, to make outside the lock.
#[derive(Debug, Clone)]
pub struct Call {
    /// `shippingrates.fetch` or `taxes.calculate`.
    pub event: &'static str,
    /// Where.
    pub url: String,
    /// Its `X-Snipcart-RequestToken`.
    pub token: String,
}

/// What the first lock of a completing checkout yields.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The mode.
    pub mode: Mode,
    /// Ids of the order to be.
    pub ids: Ids,
    /// The draft order (`InProgress`), what the webhooks see.
    pub draft: Order,
    /// The calls to make, shipping first.
    pub calls: Vec<Call>,
}

/// Checks and prices the cart, hands out its ids and the tokens of the webhook calls;
/// changes nothing else.
pub fn prepare(
    state: &mut State,
    mode: Mode,
    input: &CheckoutInput,
    now: OffsetDateTime,
) -> Result<Prepared, Refusal> {
    let priced = price(state, mode, input, now, true)?;
    let ids = Ids::new(state, input);
    let invoice = invoice_number(state.counters.invoice.saturating_add(1));
    let draft = build_order(
        state,
        &Build {
            mode,
            input,
            priced: &priced,
            ids: &ids,
            external: &External::default(),
            now,
        },
        invoice,
        OrderStatus::InProgress,
    )?;
    let mut calls = Vec::new();
    let urls = [
        (
            "shippingrates.fetch",
            state.settings.shipping_rates_url.clone(),
        ),
        ("taxes.calculate", state.settings.taxes_url.clone()),
    ];
    for (event, url) in urls {
        if let Some(url) = url {
            let token = state.call_token(&url, mode, now);
            calls.push(Call { event, url, token });
        }
    }
    Ok(Prepared {
        mode,
        ids,
        draft,
        calls,
    })
}

/// `SNIP-0001`.
pub fn invoice_number(n: u64) -> String {
    format!("SNIP-{n:04}")
}

/// Prices the cart again (stock may have moved while the webhooks were called) and
/// applies it all: stock taken, product statistics, the order (`Processed`, `Paid`),
/// the customer, discount usage, and the `order.completed` deliveries. On `Err`
/// nothing changed.
pub fn commit(
    state: &mut State,
    mode: Mode,
    input: &CheckoutInput,
    ids: &Ids,
    external: &External,
    now: OffsetDateTime,
) -> Result<(Order, Vec<Outbound>), Refusal> {
    let priced = price(state, mode, input, now, true)?;
    let n = state.counters.invoice.saturating_add(1);
    let order = build_order(
        state,
        &Build {
            mode,
            input,
            priced: &priced,
            ids,
            external,
            now,
        },
        invoice_number(n),
        OrderStatus::Processed,
    )?;
    let store = state.store(mode);
    if store.orders.get(&order.token).is_some()
        || store.orders.by_invoice(&order.invoice_number).is_some()
    {
        return Err(Refusal::Bad("this checkout was already made".into()));
    }
    // Nothing below can fail: the state changes all together.
    state.counters.invoice = n;
    let store = state.store_mut(mode);
    for line in &priced.lines {
        let Some(p) = store.products.by_user_id_mut(&line.item.id) else {
            continue;
        };
        match line.bucket {
            Bucket::None => {}
            Bucket::Single => {
                p.stock = Some(p.stock.unwrap_or(0).saturating_sub(line.item.quantity));
            }
            Bucket::Variant(at) => {
                if let Some(v) = p.variants.as_mut().and_then(|v| v.get_mut(at)) {
                    v.stock = v.stock.saturating_sub(line.item.quantity);
                }
            }
        }
        p.derive_total();
        p.statistics.number_of_sales = p
            .statistics
            .number_of_sales
            .saturating_add(u64::try_from(line.item.quantity).unwrap_or(0));
        p.statistics.total_sales = p
            .statistics
            .total_sales
            .checked_add(line.item.total_price)
            .unwrap_or(p.statistics.total_sales);
        if p.archived {
            p.archived = false;
        }
        p.modification_date = now;
    }
    for (id, _) in &priced.discounts {
        store.discounts.count_use(id);
    }
    let customer_id = store.customers.by_email(&order.email).map(|c| c.id.clone());
    let customer_id = match customer_id {
        Some(id) => id,
        None => {
            let id = state.guid();
            let c = Customer {
                id: id.clone(),
                email: order.email.clone(),
                mode,
                status: CustomerStatus::Unconfirmed,
                creation_date: now,
                billing_address: Address::default(),
                shipping_address: Address::default(),
                shipping_address_same_as_billing: true,
                statistics: CustomerStatistics::default(),
            };
            // A new e-mail and a fresh GUID: the insert cannot be refused.
            let _ = state.store_mut(mode).customers.insert(c);
            id
        }
    };
    let store = state.store_mut(mode);
    if let Some(c) = store.customers.by_email_mut(&order.email) {
        debug_assert_eq!(c.id, customer_id);
        c.billing_address = order.billing_address.clone();
        c.shipping_address = order.shipping_address.clone();
        c.shipping_address_same_as_billing = order.shipping_address_same_as_billing;
        if input.create_account {
            c.status = CustomerStatus::Confirmed;
        }
        c.statistics.orders_count = c.statistics.orders_count.saturating_add(1);
        c.statistics.orders_amount = c
            .statistics
            .orders_amount
            .checked_add(order.grand_total)
            .unwrap_or(c.statistics.orders_amount);
    }
    // Token and invoice number were checked free above.
    let _ = store.orders.insert(order.clone());
    let out = state.webhook(
        "order.completed",
        mode,
        now,
        &OrderJson::of(&order),
        &Map::new(),
    );
    Ok((order, out))
}

/// Keeps the cart as abandoned: checked and priced (stock not checked, nothing taken).
pub fn abandon(
    state: &mut State,
    mode: Mode,
    input: &CheckoutInput,
    now: OffsetDateTime,
) -> Result<AbandonedCart, Refusal> {
    let priced = price(state, mode, input, now, false)?;
    let ids = Ids::new(state, input);
    let order = build_order(
        state,
        &Build {
            mode,
            input,
            priced: &priced,
            ids: &ids,
            external: &External::default(),
            now,
        },
        String::new(),
        OrderStatus::InProgress,
    )?;
    let cart = AbandonedCart {
        token: ids.token,
        email: order.email,
        mode,
        status: "Abandoned".into(),
        creation_date: now,
        modification_date: now,
        currency: order.currency,
        billing_address: order.billing_address,
        shipping_address: order.shipping_address,
        items: order.items,
        discount_codes: input.discount_codes.clone(),
        summary: CartSummary {
            subtotal: order.items_total,
            discount_total: order.saved_amount,
            total: order.subtotal,
        },
    };
    state
        .store_mut(mode)
        .abandoned_carts
        .insert(cart.clone())
        .map_err(Refusal::Bad)?;
    Ok(cart)
}

/// A merchant's `shippingrates.fetch` answer: the rate chosen (`wanted` names it by
/// its `userDefinedId`, else the first), or the refusal its `errors` (or its shape)
/// make.
pub fn read_rates(answer: &Value, wanted: Option<&str>) -> Result<ShippingRate, Vec<Problem>> {
    static RATE: crate::json::Schema = crate::json::Schema {
        fields: &[
            ("cost", None),
            ("description", None),
            ("userDefinedId", None),
            ("guaranteedDaysToDelivery", None),
        ],
    };
    static RATES: crate::json::Schema = crate::json::Schema {
        fields: &[("rates", Some(&RATE)), ("errors", Some(&ERROR))],
    };
    let answer = crate::json::canonical(answer.clone(), &RATES);
    merchant_errors(&answer)?;
    let rates: Vec<ShippingRate> = answer
        .get("rates")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| bad_answer("shippingrates.fetch", &e.to_string()))?
        .ok_or_else(|| bad_answer("shippingrates.fetch", "it has neither rates nor errors"))?;
    let chosen = match wanted {
        Some(id) => rates
            .into_iter()
            .find(|r| r.user_defined_id.as_deref() == Some(id))
            .ok_or_else(|| {
                vec![(
                    "shipping-rate-not-found".to_owned(),
                    format!("No shipping rate has the userDefinedId '{id}'."),
                )]
            })?,
        None => rates.into_iter().next().ok_or_else(|| {
            vec![(
                "no-shipping-rates".to_owned(),
                "The merchant offered no shipping rate.".to_owned(),
            )]
        })?,
    };
    if chosen.cost.is_negative() {
        return Err(bad_answer(
            "shippingrates.fetch",
            "a rate's cost is negative",
        ));
    }
    Ok(chosen)
}

static ERROR: crate::json::Schema = crate::json::Schema {
    fields: &[("key", None), ("message", None)],
};

/// A merchant's `taxes.calculate` answer: the taxes, or the refusal.
pub fn read_taxes(answer: &Value) -> Result<Vec<Tax>, Vec<Problem>> {
    static TAX: crate::json::Schema = crate::json::Schema {
        fields: &[
            ("name", None),
            ("amount", None),
            ("rate", None),
            ("numberForInvoice", None),
            ("includedInPrice", None),
            ("appliesOnShipping", None),
        ],
    };
    static TAXES: crate::json::Schema = crate::json::Schema {
        fields: &[("taxes", Some(&TAX)), ("errors", Some(&ERROR))],
    };
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct TaxIn {
        name: String,
        amount: Money,
        #[serde(default)]
        rate: Option<Money>,
        #[serde(default, deserialize_with = "crate::json::convert::opt_string")]
        number_for_invoice: Option<String>,
        #[serde(default, deserialize_with = "crate::json::convert::opt_bool")]
        included_in_price: Option<bool>,
        #[serde(default, deserialize_with = "crate::json::convert::opt_bool")]
        applies_on_shipping: Option<bool>,
    }
    let answer = crate::json::canonical(answer.clone(), &TAXES);
    merchant_errors(&answer)?;
    let taxes: Vec<TaxIn> = answer
        .get("taxes")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| bad_answer("taxes.calculate", &e.to_string()))?
        .ok_or_else(|| bad_answer("taxes.calculate", "it has neither taxes nor errors"))?;
    Ok(taxes
        .into_iter()
        .map(|t| Tax {
            tax_name: t.name,
            tax_rate: t.rate,
            amount: t.amount,
            number_for_invoice: t.number_for_invoice,
            included_in_price: t.included_in_price.unwrap_or(false),
            applies_on_shipping: t.applies_on_shipping.unwrap_or(false),
        })
        .collect())
}

fn merchant_errors(answer: &Value) -> Result<(), Vec<Problem>> {
    let Some(errors) = answer.get("errors").and_then(Value::as_array) else {
        return Ok(());
    };
    if errors.is_empty() {
        return Ok(());
    }
    Err(errors
        .iter()
        .map(|e| {
            let text = |k: &str| {
                e.get(k)
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .unwrap_or_default()
            };
            (text("key"), text("message"))
        })
        .collect())
}

fn bad_answer(event: &str, why: &str) -> Vec<Problem> {
    vec![(
        format!("{}-invalid-answer", event.replace('.', "-")),
        format!("The answer to {event} is not valid: {why}."),
    )]
}

/// The refusal of a call that got no usable answer (non-2xx, time-out, unreachable).
pub fn call_failed(event: &str, why: &str) -> Vec<Problem> {
    vec![(
        format!("{}-failed", event.replace('.', "-")),
        format!("The call to {event} failed: {why}."),
    )]
}

/// Applies a chosen rate to a draft (what `taxes.calculate` then sees).
pub fn with_rate(draft: &mut Order, rate: &ShippingRate) {
    draft.shipping_fees = rate.cost;
    draft.shipping_method = Some(rate.description.clone());
    draft.shipping_rate_user_defined_id = rate.user_defined_id.clone();
    if let Some(total) = draft
        .subtotal
        .checked_add(rate.cost)
        .and_then(|m| m.checked_add(draft.taxes_total))
    {
        draft.grand_total = total;
        draft.final_grand_total = total;
    }
}
