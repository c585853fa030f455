//! Discounts (reference §6): stored as the API shows them, indexed by id and by code;
//! [`evaluate`] says which apply to a cart and what they take off.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::dates;
use crate::json::ApiEnum as _;
use crate::json::convert;
use crate::money::Money;
use crate::state::Mode;

/// What makes a discount apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Trigger {
    Code,
    Product,
    Total,
    QuantityOfAProduct,
    CartContainsOnlySpecifiedProducts,
    CartContainsSomeSpecifiedProducts,
    CartContainsAtLeastAllSpecifiedProducts,
    CartContainsOnlyProductsFromSpecifiedCategories,
    CartContainsSomeProductsFromSpecifiedCategories,
}

impl crate::json::ApiEnum for Trigger {
    const ALL: &'static [(&'static str, Trigger)] = &[
        ("Code", Trigger::Code),
        ("Product", Trigger::Product),
        ("Total", Trigger::Total),
        ("QuantityOfAProduct", Trigger::QuantityOfAProduct),
        (
            "CartContainsOnlySpecifiedProducts",
            Trigger::CartContainsOnlySpecifiedProducts,
        ),
        (
            "CartContainsSomeSpecifiedProducts",
            Trigger::CartContainsSomeSpecifiedProducts,
        ),
        (
            "CartContainsAtLeastAllSpecifiedProducts",
            Trigger::CartContainsAtLeastAllSpecifiedProducts,
        ),
        (
            "CartContainsOnlyProductsFromSpecifiedCategories",
            Trigger::CartContainsOnlyProductsFromSpecifiedCategories,
        ),
        (
            "CartContainsSomeProductsFromSpecifiedCategories",
            Trigger::CartContainsSomeProductsFromSpecifiedCategories,
        ),
    ];
}

/// What a discount does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum DiscountType {
    Rate,
    AlternatePrice,
    FixedAmount,
    Shipping,
    FixedAmountOnItems,
    GetFreeItems,
    RateOnItems,
    AmountOnSubscription,
    RateOnSubscription,
    FixedAmountOnCategory,
    RateOnCategory,
}

impl crate::json::ApiEnum for DiscountType {
    const ALL: &'static [(&'static str, DiscountType)] = &[
        ("Rate", DiscountType::Rate),
        ("AlternatePrice", DiscountType::AlternatePrice),
        ("FixedAmount", DiscountType::FixedAmount),
        ("Shipping", DiscountType::Shipping),
        ("FixedAmountOnItems", DiscountType::FixedAmountOnItems),
        ("GetFreeItems", DiscountType::GetFreeItems),
        ("RateOnItems", DiscountType::RateOnItems),
        ("AmountOnSubscription", DiscountType::AmountOnSubscription),
        ("RateOnSubscription", DiscountType::RateOnSubscription),
        ("FixedAmountOnCategory", DiscountType::FixedAmountOnCategory),
        ("RateOnCategory", DiscountType::RateOnCategory),
    ];
}

/// A discount: the same object in requests and answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Discount {
    /// GUID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Trigger.
    pub trigger: Trigger,
    /// Type.
    #[serde(rename = "type")]
    pub kind: DiscountType,
    /// Code (`Code`).
    pub code: Option<String>,
    /// Product (`Product`, `QuantityOfAProduct`; the items of `…OnItems` without
    /// `productIds`).
    pub item_id: Option<String>,
    /// Cart total to reach (`Total`).
    pub total_to_reach: Option<Money>,
    /// Units of `itemId` needed (`QuantityOfAProduct`).
    pub quantity_of_a_product: Option<i64>,
    /// Comma-separated user-defined ids (`CartContains…Products`, `…OnItems`).
    pub product_ids: Option<String>,
    /// Comma-separated categories.
    pub categories: Option<String>,
    /// Percent (`Rate`, `RateOnItems`…).
    pub rate: Option<Money>,
    /// Amount (`FixedAmount`, `FixedAmountOnItems`…).
    pub amount: Option<Money>,
    /// Name of the alternate price list (`AlternatePrice`).
    pub alternate_price: Option<String>,
    /// Shipping method's name (`Shipping`).
    pub shipping_description: Option<String>,
    /// Shipping cost (`Shipping`; 0 when absent).
    pub shipping_cost: Option<Money>,
    /// Days to delivery (`Shipping`).
    pub shipping_guaranteed_days_to_delivery: Option<i64>,
    /// Most uses.
    pub max_number_of_usages: Option<i64>,
    /// Uses so far.
    pub number_of_usages: i64,
    /// Not usable after.
    #[serde(with = "dates::dotnet_opt", default)]
    pub expires: Option<OffsetDateTime>,
    /// Applies together with other discounts.
    pub combinable: bool,
    /// Archived (kept, not applied).
    pub archived: bool,
    /// Created.
    #[serde(with = "dates::dotnet")]
    pub creation_date: OffsetDateTime,
    /// Changed.
    #[serde(with = "dates::dotnet")]
    pub modification_date: OffsetDateTime,
}

impl Discount {
    /// Usable at `now`: not archived, not expired, uses left.
    pub fn active(&self, now: OffsetDateTime) -> bool {
        !self.archived
            && self.expires.is_none_or(|e| now <= e)
            && self
                .max_number_of_usages
                .is_none_or(|m| self.number_of_usages < m)
    }

    fn products(&self) -> Vec<&str> {
        match self.product_ids.as_deref() {
            Some(ids) => ids
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect(),
            None => self.item_id.as_deref().into_iter().collect(),
        }
    }
}

/// The discounts of one mode, in creation order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Discounts {
    items: Vec<Discount>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
    #[serde(skip)]
    by_code: HashMap<String, usize>,
    // Positions of the discounts a cart can trigger without a code (every trigger but
    // `Code`): with the codes a checkout names, all it needs to look at.
    #[serde(skip)]
    automatic: BTreeSet<usize>,
}

impl Discounts {
    /// Every discount, oldest first.
    pub fn all(&self) -> &[Discount] {
        &self.items
    }

    /// The discount with this id.
    pub fn get(&self, id: &str) -> Option<&Discount> {
        self.by_id.get(id).and_then(|&i| self.items.get(i))
    }

    /// The discount with this id, to change (through [`Discounts::replace`] for its
    /// code, which is indexed).
    fn get_mut(&mut self, id: &str) -> Option<&mut Discount> {
        self.by_id
            .get(id)
            .copied()
            .and_then(|i| self.items.get_mut(i))
    }

    /// The discount with this code (case-insensitive).
    pub fn by_code(&self, code: &str) -> Option<&Discount> {
        self.by_code
            .get(&code.to_lowercase())
            .and_then(|&i| self.items.get(i))
    }

    /// Adds a discount; `Err` when its id or code is taken.
    pub fn insert(&mut self, d: Discount) -> Result<(), String> {
        if self.by_id.contains_key(&d.id) {
            return Err(format!("discount id {} is taken", d.id));
        }
        let code = d.code.as_deref().map(str::to_lowercase);
        if let Some(code) = &code {
            if self.by_code.contains_key(code) {
                return Err(format!("discount code {code} is taken"));
            }
        }
        let at = self.items.len();
        self.by_id.insert(d.id.clone(), at);
        if let Some(code) = code {
            self.by_code.insert(code, at);
        }
        if d.trigger != Trigger::Code {
            self.automatic.insert(at);
        }
        self.items.push(d);
        Ok(())
    }

    /// Replaces the discount of the same id; `Err` when unknown or its new code is
    /// another's.
    pub fn replace(&mut self, d: Discount) -> Result<(), String> {
        let at = *self
            .by_id
            .get(&d.id)
            .ok_or_else(|| format!("discount {} is unknown", d.id))?;
        let code = d.code.as_deref().map(str::to_lowercase);
        if let Some(code) = &code {
            if self.by_code.get(code).is_some_and(|&i| i != at) {
                return Err(format!("discount code {code} is taken"));
            }
        }
        if let Some(old) = self.items[at].code.as_deref() {
            self.by_code.remove(&old.to_lowercase());
        }
        if let Some(code) = code {
            self.by_code.insert(code, at);
        }
        if d.trigger == Trigger::Code {
            self.automatic.remove(&at);
        } else {
            self.automatic.insert(at);
        }
        self.items[at] = d;
        Ok(())
    }

    /// Removes a discount.
    pub fn remove(&mut self, id: &str) -> Option<Discount> {
        let at = *self.by_id.get(id)?;
        let d = self.items.remove(at);
        // Deleting is rare: the positions after it shift, so the indexes are rebuilt.
        self.by_id.clear();
        self.by_code.clear();
        self.automatic.clear();
        for (i, d) in self.items.iter().enumerate() {
            self.by_id.insert(d.id.clone(), i);
            if let Some(c) = &d.code {
                self.by_code.insert(c.to_lowercase(), i);
            }
            if d.trigger != Trigger::Code {
                self.automatic.insert(i);
            }
        }
        Some(d)
    }

    /// What a cart with these codes may trigger, in creation order: every discount
    /// without a code trigger, and the `Code` discounts the codes name. The other
    /// `Code` discounts (a store may hold thousands of single-use codes) are not looked
    /// at.
    pub fn candidates(&self, codes: &[String]) -> Vec<&Discount> {
        let mut at: BTreeSet<usize> = self.automatic.clone();
        for code in codes {
            if let Some(&i) = self.by_code.get(&code.to_lowercase()) {
                if self
                    .items
                    .get(i)
                    .is_some_and(|d| d.trigger == Trigger::Code)
                {
                    at.insert(i);
                }
            }
        }
        at.into_iter().filter_map(|i| self.items.get(i)).collect()
    }

    /// Counts one use of the discount `id`.
    pub fn count_use(&mut self, id: &str) {
        if let Some(d) = self.get_mut(id) {
            d.number_of_usages = d.number_of_usages.saturating_add(1);
        }
    }

    /// Rebuilds the indexes and checks every discount (ids and codes unique, each
    /// valid for its trigger and type).
    pub fn reindex(&mut self, _mode: Mode) -> Result<(), String> {
        let items = std::mem::take(&mut self.items);
        self.by_id.clear();
        self.by_code.clear();
        self.automatic.clear();
        for d in items {
            if d.id.is_empty() {
                return Err("a discount needs an id".into());
            }
            check(&d).map_err(|e| format!("discount {}: {e}", d.id))?;
            self.insert(d)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Operations

/// `POST`/`PUT /discounts`'s body; on `PUT`, what is given replaces what was.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct DiscountInput {
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub trigger: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "convert::opt_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub item_id: Option<String>,
    #[serde(default)]
    pub total_to_reach: Option<Value>,
    #[serde(default, deserialize_with = "convert::opt_int")]
    pub quantity_of_a_product: Option<i64>,
    #[serde(default)]
    pub product_ids: Option<Value>,
    #[serde(default)]
    pub categories: Option<Value>,
    #[serde(default)]
    pub rate: Option<Value>,
    #[serde(default)]
    pub amount: Option<Value>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub alternate_price: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub shipping_description: Option<String>,
    #[serde(default)]
    pub shipping_cost: Option<Value>,
    #[serde(default, deserialize_with = "convert::opt_int")]
    pub shipping_guaranteed_days_to_delivery: Option<i64>,
    #[serde(default, deserialize_with = "convert::opt_int")]
    pub max_number_of_usages: Option<i64>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub expires: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_bool")]
    pub combinable: Option<bool>,
    #[serde(default, deserialize_with = "convert::opt_bool")]
    pub archived: Option<bool>,
}

/// The keys of [`DiscountInput`].
pub static DISCOUNT_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[
        ("name", None),
        ("trigger", None),
        ("type", None),
        ("code", None),
        ("itemId", None),
        ("totalToReach", None),
        ("quantityOfAProduct", None),
        ("productIds", None),
        ("categories", None),
        ("rate", None),
        ("amount", None),
        ("alternatePrice", None),
        ("shippingDescription", None),
        ("shippingCost", None),
        ("shippingGuaranteedDaysToDelivery", None),
        ("maxNumberOfUsages", None),
        ("expires", None),
        ("combinable", None),
        ("archived", None),
    ],
};

fn amount(v: Option<Value>, name: &str) -> Result<Option<Money>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Money::from_json(&v)
            .map(Some)
            .ok_or_else(|| format!("{name}: {v} is not a valid amount.")),
    }
}

/// A list given as `"a,b"` or `["a","b"]`, kept comma-separated.
fn list(v: Option<Value>, name: &str) -> Result<Option<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("{name}: {other} is not a string.")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|v| Some(v.join(","))),
        Some(other) => Err(format!("{name}: {other} is not a list.")),
    }
}

/// `input` over `base` (a new discount when `None`), checked; `Err` is the 400's
/// message.
pub fn build(
    base: Option<&Discount>,
    input: DiscountInput,
    id: String,
    now: OffsetDateTime,
) -> Result<Discount, String> {
    let trigger = match input.trigger.as_deref() {
        Some(t) => crate::json::ci_enum(t, Trigger::ALL).ok_or_else(|| {
            format!(
                "'{t}' is not a valid trigger: use one of {}.",
                names(Trigger::ALL)
            )
        })?,
        None => base.map(|b| b.trigger).ok_or("trigger is required.")?,
    };
    let kind = match input.kind.as_deref() {
        Some(t) => crate::json::ci_enum(t, DiscountType::ALL).ok_or_else(|| {
            format!(
                "'{t}' is not a valid type: use one of {}.",
                names(DiscountType::ALL)
            )
        })?,
        None => base.map(|b| b.kind).ok_or("type is required.")?,
    };
    let expires = match input.expires.as_deref() {
        Some(t) => {
            Some(dates::parse(t).ok_or_else(|| format!("expires: '{t}' is not a valid date."))?)
        }
        None => base.and_then(|b| b.expires),
    };
    let pick = |new: Option<String>, old: Option<&String>| new.or_else(|| old.cloned());
    let d = Discount {
        id: base.map_or(id, |b| b.id.clone()),
        name: pick(input.name, base.map(|b| &b.name)).unwrap_or_default(),
        trigger,
        kind,
        code: pick(input.code, base.and_then(|b| b.code.as_ref())),
        item_id: pick(input.item_id, base.and_then(|b| b.item_id.as_ref())),
        total_to_reach: amount(input.total_to_reach, "totalToReach")?
            .or(base.and_then(|b| b.total_to_reach)),
        quantity_of_a_product: input
            .quantity_of_a_product
            .or(base.and_then(|b| b.quantity_of_a_product)),
        product_ids: list(input.product_ids, "productIds")?
            .or_else(|| base.and_then(|b| b.product_ids.clone())),
        categories: list(input.categories, "categories")?
            .or_else(|| base.and_then(|b| b.categories.clone())),
        rate: amount(input.rate, "rate")?.or(base.and_then(|b| b.rate)),
        amount: amount(input.amount, "amount")?.or(base.and_then(|b| b.amount)),
        alternate_price: pick(
            input.alternate_price,
            base.and_then(|b| b.alternate_price.as_ref()),
        ),
        shipping_description: pick(
            input.shipping_description,
            base.and_then(|b| b.shipping_description.as_ref()),
        ),
        shipping_cost: amount(input.shipping_cost, "shippingCost")?
            .or(base.and_then(|b| b.shipping_cost)),
        shipping_guaranteed_days_to_delivery: input
            .shipping_guaranteed_days_to_delivery
            .or(base.and_then(|b| b.shipping_guaranteed_days_to_delivery)),
        max_number_of_usages: input
            .max_number_of_usages
            .or(base.and_then(|b| b.max_number_of_usages)),
        number_of_usages: base.map_or(0, |b| b.number_of_usages),
        expires,
        combinable: input
            .combinable
            .or(base.map(|b| b.combinable))
            .unwrap_or(false),
        archived: input.archived.or(base.map(|b| b.archived)).unwrap_or(false),
        creation_date: base.map_or(now, |b| b.creation_date),
        modification_date: now,
    };
    check(&d)?;
    Ok(d)
}

fn names<T>(all: &[(&str, T)]) -> String {
    all.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// The fields each trigger and type needs.
fn check(d: &Discount) -> Result<(), String> {
    let has = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    if d.name.trim().is_empty() {
        return Err("name is required.".into());
    }
    let need = |ok: bool, what: &str, why: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("{what} is required for {why}."))
        }
    };
    let t = format!("trigger {}", d.trigger.name());
    match d.trigger {
        Trigger::Code => need(has(&d.code), "code", &t)?,
        Trigger::Product => need(has(&d.item_id), "itemId", &t)?,
        Trigger::Total => need(d.total_to_reach.is_some(), "totalToReach", &t)?,
        Trigger::QuantityOfAProduct => {
            need(has(&d.item_id), "itemId", &t)?;
            need(
                d.quantity_of_a_product.is_some_and(|q| q > 0),
                "quantityOfAProduct (above 0)",
                &t,
            )?;
        }
        Trigger::CartContainsOnlySpecifiedProducts
        | Trigger::CartContainsSomeSpecifiedProducts
        | Trigger::CartContainsAtLeastAllSpecifiedProducts => {
            need(has(&d.product_ids), "productIds", &t)?;
        }
        Trigger::CartContainsOnlyProductsFromSpecifiedCategories
        | Trigger::CartContainsSomeProductsFromSpecifiedCategories => {
            need(has(&d.categories), "categories", &t)?;
        }
    }
    let k = format!("type {}", d.kind.name());
    let positive = |m: Option<Money>| m.is_some_and(|m| !m.is_negative() && !m.is_zero());
    let rate_ok = d
        .rate
        .is_some_and(|r| positive(Some(r)) && r <= Money::from_int(100));
    match d.kind {
        DiscountType::Rate | DiscountType::RateOnSubscription => {
            need(rate_ok, "rate (above 0, at most 100)", &k)?;
        }
        DiscountType::RateOnItems => {
            need(rate_ok, "rate (above 0, at most 100)", &k)?;
            need(has(&d.product_ids) || has(&d.item_id), "productIds", &k)?;
        }
        DiscountType::RateOnCategory => {
            need(rate_ok, "rate (above 0, at most 100)", &k)?;
            need(has(&d.categories), "categories", &k)?;
        }
        DiscountType::FixedAmount | DiscountType::AmountOnSubscription => {
            need(positive(d.amount), "amount (above 0)", &k)?;
        }
        DiscountType::FixedAmountOnItems => {
            need(positive(d.amount), "amount (above 0)", &k)?;
            need(has(&d.product_ids) || has(&d.item_id), "productIds", &k)?;
        }
        DiscountType::FixedAmountOnCategory => {
            need(positive(d.amount), "amount (above 0)", &k)?;
            need(has(&d.categories), "categories", &k)?;
        }
        DiscountType::AlternatePrice => need(has(&d.alternate_price), "alternatePrice", &k)?,
        DiscountType::Shipping => {
            need(has(&d.shipping_description), "shippingDescription", &k)?;
            if d.shipping_cost.is_some_and(Money::is_negative) {
                return Err("shippingCost cannot be negative.".into());
            }
        }
        DiscountType::GetFreeItems => {}
    }
    if d.max_number_of_usages.is_some_and(|m| m < 1) {
        return Err("maxNumberOfUsages must be at least 1.".into());
    }
    Ok(())
}

/// One line of the cart a discount looks at.
#[derive(Debug, Clone)]
pub struct CartLine<'a> {
    /// User-defined id.
    pub id: &'a str,
    /// Quantity.
    pub quantity: i64,
    /// Unit price.
    pub price: Money,
    /// `price × quantity`.
    pub total: Money,
    /// The item's alternate prices by list name.
    pub alternate_prices: &'a BTreeMap<String, Money>,
}

/// What an applicable discount does.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Takes this much off the items.
    Items(Money),
    /// Replaces the shipping: its cost, and the method's name.
    Shipping {
        /// New shipping cost.
        cost: Money,
        /// Method name.
        description: Option<String>,
    },
}

/// A refusal entry `{key, message}`.
pub type Problem = (String, String);

/// The discounts that apply to a cart, with their effects, in creation order: codes
/// given must each name an active `Code` discount (else refused); triggers `Code`,
/// `Product`, `Total` and `QuantityOfAProduct` are evaluated, the others never apply.
/// A discount that is not combinable applies only alone (the first one applicable
/// wins). Savings on items never take the subtotal below zero.
pub fn evaluate(
    discounts: &Discounts,
    codes: &[String],
    lines: &[CartLine<'_>],
    items_total: Money,
    now: OffsetDateTime,
) -> Result<Vec<(String, Effect)>, Vec<Problem>> {
    let mut problems = Vec::new();
    for code in codes {
        match discounts.by_code(code) {
            Some(d) if d.trigger == Trigger::Code && d.active(now) => {}
            Some(d) if d.trigger == Trigger::Code && !d.archived => problems.push((
                "discount-code-expired".to_owned(),
                format!("The discount code '{code}' is expired or used up."),
            )),
            _ => problems.push((
                "discount-code-invalid".to_owned(),
                format!("The discount code '{code}' is not valid."),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let quantity_of = |id: &str| {
        lines
            .iter()
            .filter(|l| l.id == id)
            .fold(0i64, |q, l| q.saturating_add(l.quantity))
    };
    let mut chosen: Vec<(&Discount, Effect)> = Vec::new();
    let mut left = items_total;
    for d in discounts
        .candidates(codes)
        .into_iter()
        .filter(|d| d.active(now))
    {
        let triggered = match d.trigger {
            Trigger::Code => d
                .code
                .as_deref()
                .is_some_and(|c| codes.iter().any(|given| given.eq_ignore_ascii_case(c))),
            Trigger::Product => d.item_id.as_deref().is_some_and(|i| quantity_of(i) > 0),
            Trigger::Total => d.total_to_reach.is_some_and(|t| items_total >= t),
            Trigger::QuantityOfAProduct => d
                .item_id
                .as_deref()
                .is_some_and(|i| quantity_of(i) >= d.quantity_of_a_product.unwrap_or(i64::MAX)),
            _ => false,
        };
        if !triggered {
            continue;
        }
        let fits = chosen.is_empty() || (d.combinable && chosen.iter().all(|(c, _)| c.combinable));
        if !fits {
            continue;
        }
        let Some(effect) = effect(d, lines, items_total) else {
            continue;
        };
        let effect = match effect {
            Effect::Items(m) => {
                let m = m.min(left);
                left = left.checked_sub(m).unwrap_or(Money::ZERO);
                Effect::Items(m)
            }
            shipping => shipping,
        };
        chosen.push((d, effect));
    }
    Ok(chosen.into_iter().map(|(d, e)| (d.id.clone(), e)).collect())
}

fn sum(mut it: impl Iterator<Item = Money>) -> Option<Money> {
    it.try_fold(Money::ZERO, |s, m| s.checked_add(m))
}

/// `rate`% of `m`, to the cent.
pub fn percent(m: Money, rate: Money) -> Option<Money> {
    let fraction = Money::parse(&format!("{rate}e-2"))?;
    m.checked_mul(fraction).map(|x| x.round(2))
}

fn effect(d: &Discount, lines: &[CartLine<'_>], items_total: Money) -> Option<Effect> {
    let targets = d.products();
    let on_items = || lines.iter().filter(|l| targets.contains(&l.id));
    let m = match d.kind {
        DiscountType::Rate => percent(items_total, d.rate?)?,
        DiscountType::FixedAmount => d.amount?,
        DiscountType::RateOnItems => {
            let rate = d.rate?;
            sum(on_items().filter_map(|l| percent(l.total, rate)))?
        }
        DiscountType::FixedAmountOnItems => {
            let amount = d.amount?;
            sum(on_items().filter_map(|l| {
                amount
                    .checked_mul_int(l.quantity)
                    .map(|off| off.min(l.total))
            }))?
        }
        DiscountType::AlternatePrice => {
            let list = d.alternate_price.as_deref()?;
            sum(lines.iter().filter_map(|l| {
                let alt = *l.alternate_prices.get(list)?;
                (alt < l.price)
                    .then(|| l.price.checked_sub(alt)?.checked_mul_int(l.quantity))
                    .flatten()
            }))?
        }
        DiscountType::Shipping => {
            return Some(Effect::Shipping {
                cost: d.shipping_cost.unwrap_or(Money::ZERO),
                description: d.shipping_description.clone(),
            });
        }
        _ => return None,
    };
    (!m.is_zero() && !m.is_negative()).then_some(Effect::Items(m))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn discount(id: &str, trigger: Trigger, code: Option<&str>) -> Discount {
        Discount {
            id: id.into(),
            name: id.into(),
            trigger,
            kind: DiscountType::FixedAmount,
            code: code.map(Into::into),
            item_id: None,
            total_to_reach: Some(Money::ZERO),
            quantity_of_a_product: None,
            product_ids: None,
            categories: None,
            rate: None,
            amount: Some(Money::from_int(1)),
            alternate_price: None,
            shipping_description: None,
            shipping_cost: None,
            shipping_guaranteed_days_to_delivery: None,
            max_number_of_usages: None,
            number_of_usages: 0,
            expires: None,
            combinable: true,
            archived: false,
            creation_date: datetime!(2026-01-01 0:00 UTC),
            modification_date: datetime!(2026-01-01 0:00 UTC),
        }
    }

    fn ids(list: Vec<&Discount>) -> Vec<&str> {
        list.into_iter().map(|d| d.id.as_str()).collect()
    }

    #[test]
    fn a_checkout_looks_only_at_automatic_discounts_and_the_codes_it_names() {
        let mut all = Discounts::default();
        all.insert(discount("a", Trigger::Code, Some("AAA")))
            .unwrap();
        all.insert(discount("b", Trigger::Code, Some("BBB")))
            .unwrap();
        all.insert(discount("c", Trigger::Total, None)).unwrap();
        all.insert(discount("d", Trigger::Code, Some("DDD")))
            .unwrap();
        assert_eq!(ids(all.candidates(&[])), ["c"]);
        assert_eq!(
            ids(all.candidates(&["ddd".into(), "bbb".into()])),
            ["b", "c", "d"]
        );
        all.replace(discount("a", Trigger::Total, None)).unwrap();
        all.replace(discount("c", Trigger::Code, Some("CCC")))
            .unwrap();
        assert_eq!(ids(all.candidates(&["CCC".into()])), ["a", "c"]);
        all.remove("a").unwrap();
        assert_eq!(ids(all.candidates(&["ccc".into()])), ["c"]);
        all.insert(discount("e", Trigger::Product, None)).unwrap();
        assert_eq!(
            ids(all.candidates(&["AAA".into()])),
            ["e"],
            "a's code went with it"
        );
    }
}
