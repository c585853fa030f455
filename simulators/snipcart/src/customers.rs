//! Customers: who placed orders (reference §5). Made or updated by checkouts; indexed
//! by id and by e-mail (case-insensitive).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::dates;
use crate::money::Money;
use crate::orders::{Address, FlatAddress};
use crate::state::Mode;

/// `Confirmed` (has an account) or `Unconfirmed` (guest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomerStatus {
    /// Created an account.
    Confirmed,
    /// Checked out as a guest.
    Unconfirmed,
}

impl CustomerStatus {
    /// Binds a query value, case-insensitively.
    pub fn from_name(text: &str) -> Option<Self> {
        crate::json::ci_enum(
            text,
            &[
                ("Confirmed", CustomerStatus::Confirmed),
                ("Unconfirmed", CustomerStatus::Unconfirmed),
            ],
        )
    }
}

/// A customer's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerStatistics {
    /// Orders placed.
    pub orders_count: u64,
    /// Their grand totals.
    pub orders_amount: Money,
    /// Always 0 here.
    pub subscriptions_count: u64,
}

/// A customer, as stored; [`CustomerJson`] is the API's flat shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Customer {
    /// GUID.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Test or Live.
    pub mode: Mode,
    /// Confirmed or Unconfirmed.
    pub status: CustomerStatus,
    /// First order.
    #[serde(with = "dates::dotnet")]
    pub creation_date: OffsetDateTime,
    /// Billing address of the last order.
    pub billing_address: Address,
    /// Shipping address of the last order.
    pub shipping_address: Address,
    /// Whether they were the same.
    pub shipping_address_same_as_billing: bool,
    /// Figures.
    pub statistics: CustomerStatistics,
}

/// A customer as `GET /customers` shows it: flat addresses (reference §5's quirk).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerJson<'a> {
    id: &'a str,
    email: &'a str,
    mode: Mode,
    status: CustomerStatus,
    #[serde(with = "dates::dotnet")]
    creation_date: OffsetDateTime,
    #[serde(flatten)]
    billing: FlatAddress<'a>,
    #[serde(flatten)]
    shipping: FlatAddress<'a>,
    shipping_address_same_as_billing: bool,
    statistics: &'a CustomerStatistics,
}

impl<'a> CustomerJson<'a> {
    /// The view of `c`.
    pub fn of(c: &'a Customer) -> Self {
        CustomerJson {
            id: &c.id,
            email: &c.email,
            mode: c.mode,
            status: c.status,
            creation_date: c.creation_date,
            billing: FlatAddress {
                prefix: "billingAddress",
                address: &c.billing_address,
            },
            shipping: FlatAddress {
                prefix: "shippingAddress",
                address: &c.shipping_address,
            },
            shipping_address_same_as_billing: c.shipping_address_same_as_billing,
            statistics: &c.statistics,
        }
    }
}

/// The customers of one mode, in creation order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Customers {
    items: Vec<Customer>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
    #[serde(skip)]
    by_email: HashMap<String, usize>,
}

impl Customers {
    /// Every customer, oldest first.
    pub fn all(&self) -> &[Customer] {
        &self.items
    }

    /// The customer with this id.
    pub fn get(&self, id: &str) -> Option<&Customer> {
        self.by_id.get(id).and_then(|&i| self.items.get(i))
    }

    /// The customer with this e-mail (case-insensitive).
    pub fn by_email(&self, email: &str) -> Option<&Customer> {
        self.by_email
            .get(&email.to_lowercase())
            .and_then(|&i| self.items.get(i))
    }

    /// [`Customers::by_email`], to change (not its id or e-mail).
    pub fn by_email_mut(&mut self, email: &str) -> Option<&mut Customer> {
        self.by_email
            .get(&email.to_lowercase())
            .copied()
            .and_then(|i| self.items.get_mut(i))
    }

    /// [`Customers::get`], to change (not its id or e-mail).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Customer> {
        self.by_id
            .get(id)
            .copied()
            .and_then(|i| self.items.get_mut(i))
    }

    /// Adds a customer; `Err` when its id or e-mail is taken.
    pub fn insert(&mut self, c: Customer) -> Result<(), String> {
        let email = c.email.to_lowercase();
        if self.by_id.contains_key(&c.id) {
            return Err(format!("customer id {} is taken", c.id));
        }
        if self.by_email.contains_key(&email) {
            return Err(format!("customer e-mail {} is taken", c.email));
        }
        let at = self.items.len();
        self.by_id.insert(c.id.clone(), at);
        self.by_email.insert(email, at);
        self.items.push(c);
        Ok(())
    }

    /// Rebuilds the indexes and checks every customer (ids and e-mails unique, mode).
    pub fn reindex(&mut self, mode: Mode) -> Result<(), String> {
        let items = std::mem::take(&mut self.items);
        self.by_id.clear();
        self.by_email.clear();
        for c in items {
            if c.mode != mode {
                return Err(format!("customer {} is in mode {:?}", c.id, c.mode));
            }
            if c.id.is_empty() || c.email.is_empty() {
                return Err("a customer needs an id and an email".into());
            }
            self.insert(c)?;
        }
        Ok(())
    }
}

/// `GET /customers`'s filters.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Status.
    pub status: Option<CustomerStatus>,
    /// E-mail, exact (case-insensitive).
    pub email: Option<String>,
    /// Billing name contains (case-insensitive).
    pub name: Option<String>,
    /// Created at or after.
    pub from: Option<OffsetDateTime>,
    /// Created at or before.
    pub to: Option<OffsetDateTime>,
}

/// The customers matching `f`, newest first.
pub fn search<'a>(customers: &'a Customers, f: &CustomerFilter) -> Vec<&'a Customer> {
    let candidates: Vec<&Customer> = match &f.email {
        Some(e) => customers.by_email(e).into_iter().collect(),
        None => customers.all().iter().collect(),
    };
    let name = f.name.as_deref().map(str::to_lowercase);
    let mut hits: Vec<&Customer> = candidates
        .into_iter()
        .filter(|c| f.status.is_none_or(|s| c.status == s))
        .filter(|c| {
            name.as_deref().is_none_or(|n| {
                c.billing_address
                    .full_name
                    .as_deref()
                    .is_some_and(|full| full.to_lowercase().contains(n))
            })
        })
        .filter(|c| f.from.is_none_or(|at| c.creation_date >= at))
        .filter(|c| f.to.is_none_or(|at| c.creation_date <= at))
        .collect();
    hits.reverse();
    hits
}

/// What a customer changes in their own account (`PUT /__sim/customers/{id}`, the
/// storefront's customer dashboard); absent fields stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountInput {
    /// New billing address (replaces the old one).
    #[serde(default)]
    pub billing_address: Option<Address>,
    /// New shipping address (replaces the old one).
    #[serde(default)]
    pub shipping_address: Option<Address>,
    /// Whether shipping goes to the billing address.
    #[serde(default)]
    pub shipping_address_same_as_billing: Option<bool>,
    /// `true`: the guest creates an account (`Confirmed`).
    #[serde(default)]
    pub create_account: Option<bool>,
}

/// Applies the customer's own changes; the `customauth:customer_updated` deliveries
/// (content: the customer as `GET /customers/{id}` shows it), or `None` for an unknown
/// customer.
pub fn update_account(
    state: &mut crate::state::State,
    mode: Mode,
    id: &str,
    input: AccountInput,
    now: OffsetDateTime,
) -> Option<(Customer, Vec<sim_core::Outbound>)> {
    let c = state.store_mut(mode).customers.get_mut(id)?;
    update(
        c,
        CustomerUpdateInput {
            billing_address: input.billing_address,
            shipping_address: input.shipping_address,
            shipping_address_same_as_billing: input.shipping_address_same_as_billing,
        },
    );
    if input.create_account == Some(true) {
        c.status = CustomerStatus::Confirmed;
    }
    let c = c.clone();
    let out = state.webhook(
        "customauth:customer_updated",
        mode,
        now,
        &CustomerJson::of(&c),
        &serde_json::Map::new(),
    );
    Some((c, out))
}

/// `PUT /customers/{id}`'s body (current docs): the addresses; absent fields stay. The
/// e-mail is not changed here (orders name their customer by it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerUpdateInput {
    /// New billing address (replaces the old one).
    #[serde(default)]
    pub billing_address: Option<Address>,
    /// New shipping address (replaces the old one).
    #[serde(default)]
    pub shipping_address: Option<Address>,
    /// Whether shipping goes to the billing address.
    #[serde(default, deserialize_with = "crate::json::convert::opt_bool")]
    pub shipping_address_same_as_billing: Option<bool>,
}

static ADDRESS_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[
        ("fullName", None),
        ("firstName", None),
        ("companyName", None),
        ("address1", None),
        ("address2", None),
        ("city", None),
        ("country", None),
        ("province", None),
        ("postalCode", None),
        ("phone", None),
    ],
};

/// The keys of [`CustomerUpdateInput`].
pub static CUSTOMER_UPDATE_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[
        ("billingAddress", Some(&ADDRESS_SCHEMA)),
        ("shippingAddress", Some(&ADDRESS_SCHEMA)),
        ("shippingAddressSameAsBilling", None),
    ],
};

/// Applies a merchant's `PUT /customers/{id}`.
pub fn update(c: &mut Customer, input: CustomerUpdateInput) {
    if let Some(a) = input.billing_address {
        c.billing_address = a;
    }
    if let Some(a) = input.shipping_address {
        c.shipping_address = a;
    }
    if let Some(same) = input.shipping_address_same_as_billing {
        c.shipping_address_same_as_billing = same;
    }
}
