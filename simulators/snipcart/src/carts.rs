//! Abandoned carts (reference §7): checkouts left unfinished (`POST /__sim/checkout`
//! with `complete: false`), listed newest first with cursor paging.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::dates;
use crate::money::Money;
use crate::orders::{Address, OrderItem};
use crate::state::Mode;

/// A cart's amounts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CartSummary {
    /// Items before discounts.
    pub subtotal: Money,
    /// What discounts took off.
    pub discount_total: Money,
    /// `subtotal − discountTotal`.
    pub total: Money,
}

/// An abandoned cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AbandonedCart {
    /// The cart's token (GUID).
    pub token: String,
    /// The customer's e-mail.
    pub email: String,
    /// Test or Live.
    pub mode: Mode,
    /// Always `Abandoned`.
    pub status: String,
    /// Started.
    #[serde(with = "dates::dotnet")]
    pub creation_date: OffsetDateTime,
    /// Last touched.
    #[serde(with = "dates::dotnet")]
    pub modification_date: OffsetDateTime,
    /// Lower-case ISO code.
    pub currency: String,
    /// Billing address.
    pub billing_address: Address,
    /// Shipping address.
    pub shipping_address: Address,
    /// Lines.
    pub items: Vec<OrderItem>,
    /// Discount codes entered.
    #[serde(default)]
    pub discount_codes: Vec<String>,
    /// Amounts.
    pub summary: CartSummary,
}

/// The abandoned carts of one mode, in creation order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AbandonedCarts {
    items: Vec<AbandonedCart>,
    #[serde(skip)]
    by_token: HashMap<String, usize>,
}

impl AbandonedCarts {
    /// Every cart, oldest first.
    pub fn all(&self) -> &[AbandonedCart] {
        &self.items
    }

    /// The cart with this token.
    pub fn get(&self, token: &str) -> Option<&AbandonedCart> {
        self.by_token.get(token).and_then(|&i| self.items.get(i))
    }

    /// Adds a cart; `Err` when its token is taken.
    pub fn insert(&mut self, c: AbandonedCart) -> Result<(), String> {
        if self.by_token.contains_key(&c.token) {
            return Err(format!("cart token {} is taken", c.token));
        }
        self.by_token.insert(c.token.clone(), self.items.len());
        self.items.push(c);
        Ok(())
    }

    /// Rebuilds the index and checks every cart (tokens unique, mode, items' ids).
    pub fn reindex(&mut self, mode: Mode) -> Result<(), String> {
        let items = std::mem::take(&mut self.items);
        self.by_token.clear();
        for c in items {
            if c.mode != mode {
                return Err(format!("cart {} is in mode {:?}", c.token, c.mode));
            }
            if c.token.is_empty() {
                return Err("a cart needs a token".into());
            }
            if c.items.iter().any(|i| i.id.is_empty()) {
                return Err(format!("cart {}: an item has no id", c.token));
            }
            self.insert(c)?;
        }
        Ok(())
    }
}

/// `timeRange`: how recently the cart was touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeRange {
    /// No limit.
    Anytime,
    /// 4 hours.
    LessThan4Hours,
    /// 1 day.
    LessThanADay,
    /// 7 days.
    LessThanAWeek,
    /// 30 days.
    LessThanAMonth,
}

impl crate::json::ApiEnum for TimeRange {
    const ALL: &'static [(&'static str, TimeRange)] = &[
        ("Anytime", TimeRange::Anytime),
        ("LessThan4Hours", TimeRange::LessThan4Hours),
        ("LessThanADay", TimeRange::LessThanADay),
        ("LessThanAWeek", TimeRange::LessThanAWeek),
        ("LessThanAMonth", TimeRange::LessThanAMonth),
    ];
}

impl TimeRange {
    fn span(self) -> Option<Duration> {
        match self {
            TimeRange::Anytime => None,
            TimeRange::LessThan4Hours => Some(Duration::hours(4)),
            TimeRange::LessThanADay => Some(Duration::days(1)),
            TimeRange::LessThanAWeek => Some(Duration::days(7)),
            TimeRange::LessThanAMonth => Some(Duration::days(30)),
        }
    }
}

/// `GET /carts/abandoned`'s filters.
#[derive(Debug, Clone)]
pub struct CartFilter {
    /// How recent.
    pub time_range: TimeRange,
    /// Total at least.
    pub minimal_value: Option<Money>,
    /// E-mail, exact (case-insensitive).
    pub email: Option<String>,
    /// Contains an item of this user-defined id.
    pub product_id: Option<String>,
}

/// The cursor's prefix: `Cart|<token of the last cart returned>`.
const CURSOR: &str = "Cart|";

/// One page: the carts and the token of the next page, if any.
#[derive(Debug)]
pub struct CartPage<'a> {
    /// Carts, newest first.
    pub items: Vec<&'a AbandonedCart>,
    /// Where the next page starts.
    pub continuation_token: Option<String>,
}

/// Up to `limit` carts matching `f`, newest first, after the cart `continuation`
/// names; `Err` for a continuation token this instance did not give.
pub fn page<'a>(
    carts: &'a AbandonedCarts,
    f: &CartFilter,
    limit: usize,
    continuation: Option<&str>,
    now: OffsetDateTime,
) -> Result<CartPage<'a>, String> {
    let end = match continuation {
        None => carts.items.len(),
        Some(c) => c
            .strip_prefix(CURSOR)
            .and_then(|t| carts.by_token.get(t))
            .copied()
            .ok_or_else(|| format!("'{c}' is not a valid continuationToken."))?,
    };
    let since = f.time_range.span().and_then(|s| now.checked_sub(s));
    let email = f.email.as_deref().map(str::to_lowercase);
    let matches = |c: &AbandonedCart| {
        since.is_none_or(|s| c.modification_date >= s)
            && f.minimal_value.is_none_or(|m| c.summary.total >= m)
            && email.as_deref().is_none_or(|e| c.email.to_lowercase() == e)
            && f.product_id
                .as_deref()
                .is_none_or(|p| c.items.iter().any(|i| i.id == p))
    };
    let mut items = Vec::new();
    let mut rest = carts.items[..end].iter().rev().filter(|c| matches(c));
    for c in rest.by_ref().take(limit) {
        items.push(c);
    }
    let more = rest.next().is_some();
    let continuation_token = match items.last() {
        Some(last) if more => Some(format!("{CURSOR}{}", last.token)),
        _ => None,
    };
    Ok(CartPage {
        items,
        continuation_token,
    })
}
