//! Orders (completed checkouts), their notifications and refunds (reference §4).
//! Indexed by token, by invoice number, by e-mail (customers' orders) and by the
//! user-defined ids of their items (`productId` filter, sales windows).

use std::collections::HashMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use time::OffsetDateTime;

use crate::dates;
use crate::json::ApiEnum as _;
use crate::json::convert;
use crate::money::Money;
use crate::products::Statistics;
use crate::state::Mode;

/// Order statuses (reference §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderStatus {
    /// A cart not completed yet.
    InProgress,
    /// Completed, paid, waiting for the merchant.
    Processed,
    /// Disputed by the customer.
    Disputed,
    /// Shipped.
    Shipped,
    /// Delivered.
    Delivered,
    /// Pending.
    Pending,
    /// Cancelled.
    Cancelled,
    /// Dispatched.
    Dispatched,
}

impl crate::json::ApiEnum for OrderStatus {
    const ALL: &'static [(&'static str, OrderStatus)] = &[
        ("InProgress", OrderStatus::InProgress),
        ("Processed", OrderStatus::Processed),
        ("Disputed", OrderStatus::Disputed),
        ("Shipped", OrderStatus::Shipped),
        ("Delivered", OrderStatus::Delivered),
        ("Pending", OrderStatus::Pending),
        ("Cancelled", OrderStatus::Cancelled),
        ("Dispatched", OrderStatus::Dispatched),
    ];
}

/// Payment statuses (reference §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum PaymentStatus {
    Paid,
    Deferred,
    PaidDeferred,
    ChargedBack,
    Refunded,
    Paidout,
    Failed,
    Pending,
    Expired,
    Cancelled,
    Open,
    Authorized,
}

impl crate::json::ApiEnum for PaymentStatus {
    const ALL: &'static [(&'static str, PaymentStatus)] = &[
        ("Paid", PaymentStatus::Paid),
        ("Deferred", PaymentStatus::Deferred),
        ("PaidDeferred", PaymentStatus::PaidDeferred),
        ("ChargedBack", PaymentStatus::ChargedBack),
        ("Refunded", PaymentStatus::Refunded),
        ("Paidout", PaymentStatus::Paidout),
        ("Failed", PaymentStatus::Failed),
        ("Pending", PaymentStatus::Pending),
        ("Expired", PaymentStatus::Expired),
        ("Cancelled", PaymentStatus::Cancelled),
        ("Open", PaymentStatus::Open),
        ("Authorized", PaymentStatus::Authorized),
    ];
}

/// A postal address (kept nested; shown flat as `billingAddressName`… too).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Address {
    /// Full name (`name` in a checkout body).
    #[serde(default, alias = "name")]
    pub full_name: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Company.
    #[serde(default)]
    pub company_name: Option<String>,
    /// Line 1.
    #[serde(default)]
    pub address1: Option<String>,
    /// Line 2.
    #[serde(default)]
    pub address2: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// Two-letter country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Province or state.
    #[serde(default)]
    pub province: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
}

/// `address` written flat with `prefix` (`billingAddressName`, `billingAddressCity`…),
/// the older payloads' shape; for `#[serde(flatten)]`.
pub struct FlatAddress<'a> {
    /// `billingAddress` or `shippingAddress`.
    pub prefix: &'static str,
    /// The address.
    pub address: &'a Address,
}

impl Serialize for FlatAddress<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.address;
        let mut map = s.serialize_map(Some(10))?;
        for (suffix, v) in [
            ("Name", &a.full_name),
            ("FirstName", &a.first_name),
            ("CompanyName", &a.company_name),
            ("Address1", &a.address1),
            ("Address2", &a.address2),
            ("City", &a.city),
            ("Country", &a.country),
            ("Province", &a.province),
            ("PostalCode", &a.postal_code),
            ("Phone", &a.phone),
        ] {
            map.serialize_entry(&format!("{}{suffix}", self.prefix), v)?;
        }
        map.end()
    }
}

/// A custom field's value on an ordered item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemCustomField {
    /// Its name.
    pub name: String,
    /// The value chosen or typed.
    pub value: String,
    /// `dropdown`, `textbox`…
    #[serde(rename = "type")]
    pub kind: String,
    /// The dropdown's options.
    #[serde(default)]
    pub options: String,
    /// The price change the value brought.
    pub operation: Money,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderItem {
    /// This line's GUID.
    pub unique_id: String,
    /// The product's user-defined id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Unit price, options included.
    pub price: Money,
    /// Quantity.
    pub quantity: i64,
    /// `price × quantity`.
    pub total_price: Money,
    /// Product URL.
    pub url: String,
    /// Description.
    pub description: Option<String>,
    /// Image.
    pub image: Option<String>,
    /// Custom-field values.
    #[serde(default)]
    pub custom_fields: Vec<ItemCustomField>,
    /// Always true here.
    pub stackable: bool,
    /// Always true here.
    pub shippable: bool,
    /// Always true here.
    pub taxable: bool,
    /// The product's metadata.
    #[serde(default)]
    pub metadata: Value,
}

/// A discount as applied to an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppliedDiscount {
    /// The discount's id.
    pub discount_id: String,
    /// Its name.
    pub name: String,
    /// The code used, for a `Code` trigger.
    pub code: Option<String>,
    /// Its trigger.
    pub trigger: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its rate (percent), if a rate.
    pub rate: Option<Money>,
    /// Its amount, if an amount.
    pub amount: Option<Money>,
    /// What it took off.
    pub amount_saved: Money,
}

/// A tax line (from `taxes.calculate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tax {
    /// The answer's `name`.
    pub tax_name: String,
    /// Rate, if given.
    pub tax_rate: Option<Money>,
    /// Amount.
    pub amount: Money,
    /// The invoice number of the tax.
    pub number_for_invoice: Option<String>,
    /// Already in the prices.
    pub included_in_price: bool,
    /// Applies to shipping too.
    pub applies_on_shipping: bool,
}

/// A refund (reference §4; its webhook content too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Refund {
    /// GUID.
    pub id: String,
    /// The order's token.
    pub order_token: String,
    /// Amount, 2 places.
    pub amount: Money,
    /// Why.
    pub comment: Option<String>,
    /// Always true (the sandbox's gateway refunds at once).
    pub refunded_by_payment_gateway: bool,
    /// Whether the customer was told by e-mail.
    pub notified_customer_by_email: bool,
    /// The order's currency.
    pub currency: String,
    /// When.
    #[serde(with = "dates::dotnet")]
    pub creation_date: OffsetDateTime,
}

/// A notification of an order (kept beside the orders).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Notification {
    /// GUID.
    pub id: String,
    /// The order's token (not shown by the API).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub order_token: String,
    /// When.
    #[serde(with = "dates::dotnet")]
    pub creation_date: OffsetDateTime,
    /// `Comment`, `OrderStatusChanged`, `OrderShipped`, `TrackingNumber`, `Invoice`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `Email` or `None`.
    pub delivery_method: String,
    /// The e-mail's body (Email only).
    pub body: Option<String>,
    /// The merchant's message.
    pub message: Option<String>,
    /// The e-mail's subject (Email only).
    pub subject: Option<String>,
    /// When the e-mail went (Email only).
    #[serde(with = "dates::dotnet_opt", default)]
    pub sent_on: Option<OffsetDateTime>,
}

/// An order, as stored; [`OrderJson`] is how the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Order {
    /// GUID.
    pub token: String,
    /// `SNIP-0001`.
    pub invoice_number: String,
    /// Created.
    #[serde(with = "dates::dotnet")]
    pub creation_date: OffsetDateTime,
    /// Last changed.
    #[serde(with = "dates::dotnet")]
    pub modification_date: OffsetDateTime,
    /// Completed.
    #[serde(with = "dates::dotnet")]
    pub completion_date: OffsetDateTime,
    /// Status.
    pub status: OrderStatus,
    /// Payment status.
    pub payment_status: PaymentStatus,
    /// `CreditCard`.
    pub payment_method: String,
    /// The customer's e-mail.
    pub email: String,
    /// The card holder.
    pub card_holder_name: Option<String>,
    /// `4242`.
    pub credit_card_last4_digits: Option<String>,
    /// Billing address.
    pub billing_address: Address,
    /// Shipping address.
    pub shipping_address: Address,
    /// Whether the shipping address is the billing one.
    pub shipping_address_same_as_billing: bool,
    /// Lower-case ISO code.
    pub currency: String,
    /// Language.
    pub lang: String,
    /// Lines.
    pub items: Vec<OrderItem>,
    /// Discounts applied.
    #[serde(default)]
    pub discounts: Vec<AppliedDiscount>,
    /// Taxes.
    #[serde(default)]
    pub taxes: Vec<Tax>,
    /// Refunds, oldest first.
    #[serde(default)]
    pub refunds: Vec<Refund>,
    /// Tracking number.
    pub tracking_number: Option<String>,
    /// Tracking URL.
    pub tracking_url: Option<String>,
    /// Shipping cost.
    pub shipping_fees: Money,
    /// The chosen rate's description.
    pub shipping_method: Option<String>,
    /// Always `null` here.
    pub shipping_provider: Option<String>,
    /// The chosen rate's user-defined id.
    pub shipping_rate_user_defined_id: Option<String>,
    /// Items after discounts.
    pub subtotal: Money,
    /// Items before discounts.
    pub items_total: Money,
    /// Taxes not included in prices.
    pub taxes_total: Money,
    /// `subtotal + shippingFees + taxesTotal`.
    pub grand_total: Money,
    /// `grandTotal − refundsAmount`.
    pub final_grand_total: Money,
    /// Weight.
    pub total_weight: Money,
    /// What the discounts took off.
    pub saved_amount: Money,
    /// Refunded so far.
    pub refunds_amount: Money,
    /// Merchant metadata.
    #[serde(default)]
    pub metadata: Value,
    /// Order custom fields.
    #[serde(default)]
    pub custom_fields: Vec<Value>,
    /// Always false here.
    pub is_recurring_order: bool,
    /// Test or Live.
    pub mode: Mode,
}

impl Order {
    /// Recomputes `finalGrandTotal` and `refundsAmount` from the refunds.
    pub fn derive_refunds(&mut self) {
        self.refunds_amount = self
            .refunds
            .iter()
            .try_fold(Money::ZERO, |sum, r| sum.checked_add(r.amount))
            .unwrap_or(self.grand_total);
        self.final_grand_total = self
            .grand_total
            .checked_sub(self.refunds_amount)
            .unwrap_or(Money::ZERO);
    }
}

/// An order as the API shows it: every stored field, plus the flat
/// `billingAddress*`/`shippingAddress*` fields of the older payloads.
#[derive(Serialize)]
pub struct OrderJson<'a> {
    #[serde(flatten)]
    order: &'a Order,
    #[serde(flatten)]
    billing: FlatAddress<'a>,
    #[serde(flatten)]
    shipping: FlatAddress<'a>,
}

impl<'a> OrderJson<'a> {
    /// The view of `order`.
    pub fn of(order: &'a Order) -> Self {
        OrderJson {
            order,
            billing: FlatAddress {
                prefix: "billingAddress",
                address: &order.billing_address,
            },
            shipping: FlatAddress {
                prefix: "shippingAddress",
                address: &order.shipping_address,
            },
        }
    }
}

/// The orders of one mode, in completion order, and their notifications.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Orders {
    #[serde(default)]
    items: Vec<Order>,
    #[serde(default)]
    notifications: Vec<Notification>,
    #[serde(skip)]
    by_token: HashMap<String, usize>,
    #[serde(skip)]
    by_invoice: HashMap<String, usize>,
    #[serde(skip)]
    by_email: HashMap<String, Vec<usize>>,
    #[serde(skip)]
    by_product: HashMap<String, Vec<usize>>,
    #[serde(skip)]
    notifications_of: HashMap<String, Vec<usize>>,
}

impl Orders {
    /// Every order, oldest first.
    pub fn all(&self) -> &[Order] {
        &self.items
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The order with this token.
    pub fn get(&self, token: &str) -> Option<&Order> {
        self.by_token.get(token).and_then(|&i| self.items.get(i))
    }

    /// The order with this token, to change (not its token, e-mail or items).
    pub fn get_mut(&mut self, token: &str) -> Option<&mut Order> {
        self.by_token
            .get(token)
            .copied()
            .and_then(|i| self.items.get_mut(i))
    }

    /// The order with this invoice number.
    pub fn by_invoice(&self, invoice: &str) -> Option<&Order> {
        self.by_invoice
            .get(invoice)
            .and_then(|&i| self.items.get(i))
    }

    /// Orders placed with this e-mail (case-insensitive), oldest first.
    pub fn of_email(&self, email: &str) -> Vec<&Order> {
        self.by_email
            .get(&email.to_lowercase())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.items.get(i))
            .collect()
    }

    /// Orders with an item of this user-defined id, oldest first.
    pub fn with_product(&self, user_defined_id: &str) -> Vec<&Order> {
        self.by_product
            .get(user_defined_id)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.items.get(i))
            .collect()
    }

    /// Adds an order; `Err` when its token or invoice number is taken.
    pub fn insert(&mut self, order: Order) -> Result<(), String> {
        if self.by_token.contains_key(&order.token) {
            return Err(format!("order token {} is taken", order.token));
        }
        if self.by_invoice.contains_key(&order.invoice_number) {
            return Err(format!("invoice number {} is taken", order.invoice_number));
        }
        let at = self.items.len();
        self.by_token.insert(order.token.clone(), at);
        self.by_invoice.insert(order.invoice_number.clone(), at);
        self.by_email
            .entry(order.email.to_lowercase())
            .or_default()
            .push(at);
        let mut seen: Vec<&str> = Vec::new();
        for item in &order.items {
            if !seen.contains(&item.id.as_str()) {
                seen.push(&item.id);
                self.by_product.entry(item.id.clone()).or_default().push(at);
            }
        }
        self.items.push(order);
        Ok(())
    }

    /// The notifications of an order, oldest first.
    pub fn notifications(&self, token: &str) -> Vec<&Notification> {
        self.notifications_of
            .get(token)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.notifications.get(i))
            .collect()
    }

    /// Adds a notification; `Err` when its order is unknown.
    pub fn add_notification(&mut self, n: Notification) -> Result<(), String> {
        if !self.by_token.contains_key(&n.order_token) {
            return Err(format!(
                "notification {}: order {} is unknown",
                n.id, n.order_token
            ));
        }
        self.notifications_of
            .entry(n.order_token.clone())
            .or_default()
            .push(self.notifications.len());
        self.notifications.push(n);
        Ok(())
    }

    /// Rebuilds every index and checks the whole collection: tokens, invoice numbers,
    /// item and refund ids unique, every order in `mode`, refunds within the total,
    /// every notification's order known.
    pub fn reindex(&mut self, mode: Mode) -> Result<(), String> {
        let items = std::mem::take(&mut self.items);
        let notifications = std::mem::take(&mut self.notifications);
        self.by_token.clear();
        self.by_invoice.clear();
        self.by_email.clear();
        self.by_product.clear();
        self.notifications_of.clear();
        let mut ids: HashMap<String, ()> = HashMap::new();
        for mut o in items {
            if o.mode != mode {
                return Err(format!("order {} is in mode {:?}", o.token, o.mode));
            }
            if o.token.is_empty() || o.invoice_number.is_empty() {
                return Err("an order needs a token and an invoiceNumber".into());
            }
            for id in o
                .items
                .iter()
                .map(|i| &i.unique_id)
                .chain(o.refunds.iter().map(|r| &r.id))
            {
                if ids.insert(id.clone(), ()).is_some() {
                    return Err(format!("id {id} is given twice"));
                }
            }
            if o.refunds.iter().any(|r| r.order_token != o.token) {
                return Err(format!("order {}: a refund names another order", o.token));
            }
            o.derive_refunds();
            if o.final_grand_total.is_negative() {
                return Err(format!("order {}: refunds exceed the total", o.token));
            }
            self.insert(o)?;
        }
        for n in notifications {
            if ids.insert(n.id.clone(), ()).is_some() {
                return Err(format!("id {} is given twice", n.id));
            }
            self.add_notification(n)?;
        }
        Ok(())
    }

    /// Checks that the indexes point where they should (tests).
    pub fn check(&self) -> Result<(), String> {
        if self.by_token.len() != self.items.len() || self.by_invoice.len() != self.items.len() {
            return Err("index sizes differ from the orders".into());
        }
        for (i, o) in self.items.iter().enumerate() {
            if self.by_token.get(&o.token) != Some(&i)
                || self.by_invoice.get(&o.invoice_number) != Some(&i)
                || !self
                    .by_email
                    .get(&o.email.to_lowercase())
                    .is_some_and(|v| v.contains(&i))
            {
                return Err(format!("index of order {} is stale", o.token));
            }
        }
        Ok(())
    }

    /// Units sold and revenue of the product with this user-defined id in orders
    /// completed within `from`..=`to`.
    pub fn sales_of(
        &self,
        user_defined_id: &str,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> Statistics {
        let mut stats = Statistics::default();
        for o in self.with_product(user_defined_id) {
            if from.is_some_and(|f| o.completion_date < f)
                || to.is_some_and(|t| o.completion_date > t)
            {
                continue;
            }
            for item in o.items.iter().filter(|i| i.id == user_defined_id) {
                stats.number_of_sales = stats
                    .number_of_sales
                    .saturating_add(u64::try_from(item.quantity).unwrap_or(0));
                stats.total_sales = stats
                    .total_sales
                    .checked_add(item.total_price)
                    .unwrap_or(stats.total_sales);
            }
        }
        stats
    }
}

// ---------------------------------------------------------------------------
// Operations

/// `GET /orders`'s filters.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Status.
    pub status: Option<OrderStatus>,
    /// Payment status.
    pub payment_status: Option<PaymentStatus>,
    /// Exact invoice number.
    pub invoice_number: Option<String>,
    /// An item's user-defined id.
    pub product_id: Option<String>,
    /// Billing name or e-mail contains (case-insensitive).
    pub placed_by: Option<String>,
    /// Completed at or after.
    pub from: Option<OffsetDateTime>,
    /// Completed at or before.
    pub to: Option<OffsetDateTime>,
    /// `isRecurringOrder`: no order here is recurring (no subscriptions), so `true`
    /// finds none.
    pub is_recurring_order: Option<bool>,
    /// Exact-match address filters (reference §4): `(billing?, field, value)`, the
    /// field one of `City`, `Country`, `Province`, `PostalCode`; compared ignoring case.
    pub address: Vec<(bool, AddressField, String)>,
}

/// An address field the order list filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressField {
    /// `…AddressCity`.
    City,
    /// `…AddressCountry` (two-letter code).
    Country,
    /// `…AddressProvince`.
    Province,
    /// `…AddressPostalCode`.
    PostalCode,
}

impl AddressField {
    /// Every filter: its query name, billing or shipping, and the field.
    pub const FILTERS: [(&'static str, bool, AddressField); 8] = [
        ("billingAddressCity", true, AddressField::City),
        ("billingAddressCountry", true, AddressField::Country),
        ("billingAddressProvince", true, AddressField::Province),
        ("billingAddressPostalCode", true, AddressField::PostalCode),
        ("shippingAddressCity", false, AddressField::City),
        ("shippingAddressCountry", false, AddressField::Country),
        ("shippingAddressProvince", false, AddressField::Province),
        ("shippingAddressPostalCode", false, AddressField::PostalCode),
    ];

    fn of(self, a: &Address) -> Option<&str> {
        match self {
            AddressField::City => a.city.as_deref(),
            AddressField::Country => a.country.as_deref(),
            AddressField::Province => a.province.as_deref(),
            AddressField::PostalCode => a.postal_code.as_deref(),
        }
    }
}

/// The orders matching `f`, newest first.
pub fn search<'a>(orders: &'a Orders, f: &OrderFilter) -> Vec<&'a Order> {
    let candidates: Vec<&Order> = if let Some(inv) = &f.invoice_number {
        orders.by_invoice(inv).into_iter().collect()
    } else if let Some(pid) = &f.product_id {
        orders.with_product(pid)
    } else {
        orders.all().iter().collect()
    };
    let placed_by = f.placed_by.as_deref().map(str::to_lowercase);
    let mut hits: Vec<&Order> = candidates
        .into_iter()
        .filter(|o| f.status.is_none_or(|s| o.status == s))
        .filter(|o| f.payment_status.is_none_or(|s| o.payment_status == s))
        .filter(|o| {
            f.invoice_number
                .as_deref()
                .is_none_or(|i| o.invoice_number == i)
        })
        .filter(|o| {
            f.product_id
                .as_deref()
                .is_none_or(|p| o.items.iter().any(|i| i.id == p))
        })
        .filter(|o| {
            placed_by.as_deref().is_none_or(|p| {
                o.email.to_lowercase().contains(p)
                    || o.billing_address
                        .full_name
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase().contains(p))
            })
        })
        .filter(|o| f.from.is_none_or(|at| o.completion_date >= at))
        .filter(|o| f.to.is_none_or(|at| o.completion_date <= at))
        .filter(|_| f.is_recurring_order != Some(true))
        .filter(|o| {
            f.address.iter().all(|(billing, field, want)| {
                let a = if *billing {
                    &o.billing_address
                } else {
                    &o.shipping_address
                };
                field.of(a).is_some_and(|v| v.eq_ignore_ascii_case(want))
            })
        })
        .collect();
    hits.reverse();
    hits
}

/// `PUT /orders/{token}`'s body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderUpdateInput {
    /// New status.
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub status: Option<String>,
    /// New payment status.
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub payment_status: Option<String>,
    /// New tracking number.
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub tracking_number: Option<String>,
    /// New tracking URL.
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub tracking_url: Option<String>,
    /// New metadata (replaces the old).
    #[serde(default)]
    pub metadata: Option<Value>,
}

/// The keys of [`OrderUpdateInput`].
pub static ORDER_UPDATE_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[
        ("status", None),
        ("paymentStatus", None),
        ("trackingNumber", None),
        ("trackingUrl", None),
        ("metadata", None),
    ],
};

/// What an update changed, for the webhooks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderChanges {
    /// Status `(from, to)`.
    pub status: Option<(OrderStatus, OrderStatus)>,
    /// Payment status `(from, to)`.
    pub payment_status: Option<(PaymentStatus, PaymentStatus)>,
    /// Tracking number or URL changed.
    pub tracking: bool,
}

/// Applies `input` to `order`; on `Err` (a message for the 400) nothing changed.
/// `InProgress` is refused: an order in progress is a cart, and a completed order
/// does not go back to being one.
pub fn update(
    order: &mut Order,
    input: OrderUpdateInput,
    now: OffsetDateTime,
) -> Result<OrderChanges, String> {
    let status = input
        .status
        .as_deref()
        .map(|t| {
            OrderStatus::from_name(t).ok_or_else(|| {
                format!(
                    "'{t}' is not a valid order status: use one of {}.",
                    names(OrderStatus::ALL)
                )
            })
        })
        .transpose()?;
    if status == Some(OrderStatus::InProgress) {
        return Err("A completed order cannot go back to InProgress.".into());
    }
    let payment = input
        .payment_status
        .as_deref()
        .map(|t| {
            PaymentStatus::from_name(t).ok_or_else(|| {
                format!(
                    "'{t}' is not a valid payment status: use one of {}.",
                    names(PaymentStatus::ALL)
                )
            })
        })
        .transpose()?;
    let mut changes = OrderChanges::default();
    if let Some(s) = status.filter(|s| *s != order.status) {
        changes.status = Some((order.status, s));
        order.status = s;
    }
    if let Some(p) = payment.filter(|p| *p != order.payment_status) {
        changes.payment_status = Some((order.payment_status, p));
        order.payment_status = p;
    }
    if let Some(n) = input.tracking_number {
        if order.tracking_number.as_deref() != Some(n.as_str()) {
            order.tracking_number = Some(n);
            changes.tracking = true;
        }
    }
    if let Some(u) = input.tracking_url {
        if order.tracking_url.as_deref() != Some(u.as_str()) {
            order.tracking_url = Some(u);
            changes.tracking = true;
        }
    }
    let meta_changed = input
        .metadata
        .as_ref()
        .is_some_and(|m| *m != order.metadata);
    if let Some(m) = input.metadata {
        order.metadata = m;
    }
    if changes != OrderChanges::default() || meta_changed {
        order.modification_date = now;
    }
    Ok(changes)
}

fn names<T>(all: &[(&str, T)]) -> String {
    all.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// `POST /orders/{token}/notifications`'s body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationInput {
    /// The type (required).
    #[serde(default, rename = "type", deserialize_with = "convert::opt_string")]
    pub kind: Option<String>,
    /// `Email` (default) or `None`.
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub delivery_method: Option<String>,
    /// The message.
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub message: Option<String>,
}

/// The keys of [`NotificationInput`].
pub static NOTIFICATION_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[("type", None), ("deliveryMethod", None), ("message", None)],
};

const NOTIFICATION_TYPES: &[(&str, &str)] = &[
    ("Comment", "Comment"),
    ("OrderStatusChanged", "OrderStatusChanged"),
    ("OrderShipped", "OrderShipped"),
    ("TrackingNumber", "TrackingNumber"),
    ("Invoice", "Invoice"),
];

/// A notification of `order` from `input`; `Err` is the 400's message.
pub fn notification(
    order: &Order,
    input: NotificationInput,
    id: String,
    now: OffsetDateTime,
) -> Result<Notification, String> {
    let text = input.kind.ok_or("type is required.")?;
    let kind = crate::json::ci_enum(&text, NOTIFICATION_TYPES).ok_or_else(|| {
        format!(
            "'{text}' is not a valid notification type: use one of {}.",
            names(NOTIFICATION_TYPES)
        )
    })?;
    let method = match input.delivery_method.as_deref() {
        None => "Email",
        Some(t) => crate::json::ci_enum(t, &[("Email", "Email"), ("None", "None")])
            .ok_or_else(|| format!("'{t}' is not a valid delivery method: use Email or None."))?,
    };
    let message = input.message.filter(|m| !m.is_empty());
    if kind == "Comment" && message.is_none() {
        return Err("message is required for a Comment.".into());
    }
    let email = method == "Email";
    let subject = match kind {
        "Comment" => format!("New comment on your order {}", order.invoice_number),
        "OrderStatusChanged" => format!(
            "Your order {} is now {}",
            order.invoice_number,
            order.status.name()
        ),
        "OrderShipped" => format!("Your order {} has shipped", order.invoice_number),
        "TrackingNumber" => format!("Tracking number for your order {}", order.invoice_number),
        _ => format!("Invoice for your order {}", order.invoice_number),
    };
    let body = format!(
        "<p>{}</p>{}",
        html_escape(&subject),
        message
            .as_deref()
            .map(|m| format!("<p>{}</p>", html_escape(m)))
            .unwrap_or_default()
    );
    Ok(Notification {
        id,
        order_token: order.token.clone(),
        creation_date: now,
        kind: kind.to_owned(),
        delivery_method: method.to_owned(),
        body: email.then_some(body),
        message,
        subject: email.then_some(subject),
        sent_on: email.then_some(now),
    })
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `order.notification.created`'s content (reference §8).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationEvent<'a> {
    /// The order.
    pub order_token: &'a str,
    /// The type.
    pub notification_type: &'a str,
    /// Sent by e-mail.
    pub sent_by_email: bool,
    /// When.
    #[serde(with = "dates::dotnet_opt")]
    pub sent_by_email_on: Option<OffsetDateTime>,
    /// Subject.
    pub subject: Option<&'a str>,
    /// Message.
    pub message: Option<&'a str>,
}

impl<'a> NotificationEvent<'a> {
    /// The event of `n`.
    pub fn of(n: &'a Notification) -> Self {
        NotificationEvent {
            order_token: &n.order_token,
            notification_type: &n.kind,
            sent_by_email: n.sent_on.is_some(),
            sent_by_email_on: n.sent_on,
            subject: n.subject.as_deref(),
            message: n.message.as_deref(),
        }
    }
}

/// `POST /orders/{token}/refunds`'s body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundInput {
    /// Amount (required).
    #[serde(default)]
    pub amount: Option<Value>,
    /// Why.
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub comment: Option<String>,
    /// Tell the customer by e-mail.
    #[serde(default, deserialize_with = "convert::opt_bool")]
    pub notify_customer: Option<bool>,
}

/// The keys of [`RefundInput`].
pub static REFUND_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[
        ("amount", None),
        ("comment", None),
        ("notifyCustomer", None),
    ],
};

/// Refunds `input.amount` of `order`; `Err` is the 400's message, and nothing changed.
pub fn refund(
    order: &mut Order,
    input: RefundInput,
    id: String,
    now: OffsetDateTime,
) -> Result<Refund, String> {
    let amount = match input.amount {
        None | Some(Value::Null) => return Err("amount is required.".into()),
        Some(v) => Money::from_json(&v).ok_or_else(|| format!("{v} is not a valid amount."))?,
    }
    .round(2);
    if amount.is_negative() || amount.is_zero() {
        return Err("amount must be greater than 0.".into());
    }
    let left = order
        .grand_total
        .checked_sub(order.refunds_amount)
        .unwrap_or(Money::ZERO);
    if amount > left {
        return Err(format!(
            "amount {amount} is more than what is left to refund on this order ({left})."
        ));
    }
    let r = Refund {
        id,
        order_token: order.token.clone(),
        amount,
        comment: input.comment,
        refunded_by_payment_gateway: true,
        notified_customer_by_email: input.notify_customer.unwrap_or(false),
        currency: order.currency.clone(),
        creation_date: now,
    };
    order.refunds.push(r.clone());
    order.derive_refunds();
    order.modification_date = now;
    Ok(r)
}

/// Checks what one mode's orders, customers and carts refer to (after an import): every
/// ordered or carted item names a product of the mode, every order's e-mail has a
/// customer, and the invoice counter is at least every `SNIP-n` number given.
pub fn check_references(store: &crate::state::Store, invoice_counter: u64) -> Result<(), String> {
    for o in store.orders.all() {
        if let Some(item) = o
            .items
            .iter()
            .find(|i| store.products.by_user_id(&i.id).is_none())
        {
            return Err(format!(
                "orders: order {} has item '{}', which is no product",
                o.token, item.id
            ));
        }
        if store.customers.by_email(&o.email).is_none() {
            return Err(format!(
                "orders: order {}'s e-mail {} has no customer",
                o.token, o.email
            ));
        }
        let n = o
            .invoice_number
            .strip_prefix("SNIP-")
            .and_then(|n| n.parse::<u64>().ok());
        if n.is_some_and(|n| n > invoice_counter) {
            return Err(format!(
                "counters.invoice {invoice_counter} is below order {}'s {}",
                o.token, o.invoice_number
            ));
        }
    }
    for c in store.abandoned_carts.all() {
        if let Some(item) = c
            .items
            .iter()
            .find(|i| store.products.by_user_id(&i.id).is_none())
        {
            return Err(format!(
                "abandonedCarts: cart {} has item '{}', which is no product",
                c.token, item.id
            ));
        }
    }
    Ok(())
}
