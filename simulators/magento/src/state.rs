//! The whole state of one fake Magento store: plain data, serialisable (it is what
//! `GET /__sim/state` exports), no HTTP. Domain operations live beside their types in
//! [`crate::catalog`], [`crate::msi`] and [`crate::auth`].

use serde::{Deserialize, Serialize};
pub use sim_magento_webapi::integrations::{Integration, Integrations};

use crate::carts::{CheckoutConfig, SalesIds};
use crate::catalog::AttributeSet;
use crate::index::{
    Carts, Categories, Customers, Documents, Orders, Products, Reservations, SourceItems, Stocks,
    Tokens,
};
use crate::msi::{Source, StockSourceLink};
use crate::sales::{Creditmemo, Invoice, Shipment};

/// Bearer tokens kept per instance (oldest dropped first).
pub const TOKEN_CAPACITY: usize = 10_000;

/// One fake store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Magento version played (`"2.4.0"`): decides HMAC-SHA1 acceptance and other
    /// version landmarks.
    pub version: String,
    /// Behaviour switches (store configuration).
    #[serde(default)]
    pub settings: Settings,
    /// Websites, in the order `GET /V1/store/websites` lists them.
    pub websites: Vec<Website>,
    /// Store groups, in listing order.
    pub store_groups: Vec<StoreGroup>,
    /// Store views, in listing order (the seed lists `default` before `admin`).
    pub store_views: Vec<StoreView>,
    /// One configuration per real store view.
    pub store_configs: Vec<StoreConfig>,
    /// Enabled modules in load order.
    pub modules: Vec<String>,
    /// Admin users.
    pub admins: Vec<AdminUser>,
    /// Activated integrations (OAuth consumers with their access tokens).
    pub integrations: Integrations,
    /// Issued bearer tokens (admin and customer), oldest first.
    #[serde(default)]
    pub tokens: Tokens,
    /// Product attribute sets.
    pub attribute_sets: Vec<AttributeSet>,
    /// Product EAV attributes (the stock ones and those created through the API).
    #[serde(default)]
    pub product_attributes: crate::attributes::ProductAttributes,
    /// Groups of the product attribute sets and the attributes assigned to them (the
    /// stock layout when a fixture leaves it out).
    #[serde(default)]
    pub attribute_set_layout: crate::attribute_sets::SetLayout,
    /// Categories by id.
    pub categories: Categories,
    /// Products by id.
    #[serde(default)]
    pub products: Products,
    /// MSI sources, in creation order.
    pub sources: Vec<Source>,
    /// MSI stocks by id.
    pub stocks: Stocks,
    /// Stock–source links, in creation order.
    pub stock_source_links: Vec<StockSourceLink>,
    /// Source items, in creation order.
    #[serde(default)]
    pub source_items: SourceItems,
    /// Inventory reservations (written by orders, part 2).
    #[serde(default)]
    pub reservations: Reservations,
    /// Customers by id.
    #[serde(default)]
    pub customers: Customers,
    /// Customer groups by id; a store that leaves them out has the four of a stock
    /// install (0 NOT LOGGED IN, 1 General, 2 Wholesale, 3 Retailer).
    #[serde(default)]
    pub customer_groups: crate::customers::CustomerGroups,
    /// Failed admin and customer token requests per user name
    /// (`oauth_token_request_log`, read by the token request throttle).
    #[serde(default)]
    pub token_request_log: crate::customers::TokenRequestLog,
    /// Carriers and payment methods.
    #[serde(default)]
    pub checkout: CheckoutConfig,
    /// Carts (quotes) by id.
    #[serde(default)]
    pub carts: Carts,
    /// Orders by entity id.
    #[serde(default)]
    pub orders: Orders,
    /// Invoices by id.
    #[serde(default)]
    pub invoices: Documents<Invoice>,
    /// Shipments by id.
    #[serde(default)]
    pub shipments: Documents<Shipment>,
    /// Credit memos by id.
    #[serde(default)]
    pub creditmemos: Documents<Creditmemo>,
    /// Costs written for store views other than the admin store, by product
    /// ([`crate::prices::StoreCosts`]).
    #[serde(default)]
    pub store_costs: crate::prices::StoreCosts,
    /// Next ids.
    pub next: NextIds,
}

/// Counters for every id the store hands out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextIds {
    /// Next product entity id (the seed's is 282).
    pub product_id: u64,
    /// Next category id.
    pub category_id: u64,
    /// Next MSI stock id.
    pub stock_id: u64,
    /// Next reservation id.
    #[serde(default = "one")]
    pub reservation_id: u64,
    /// Next bearer token serial.
    #[serde(default = "one")]
    pub token: u64,
    /// Next masked-500 report serial.
    #[serde(default = "one")]
    pub report: u64,
    /// Next customer id.
    #[serde(default = "one")]
    pub customer_id: u64,
    /// Next customer address id.
    #[serde(default = "one")]
    pub customer_address_id: u64,
    /// Next customer group id; 0 in a fixture that leaves it out: one above the groups
    /// present ([`State::fill_counters`]).
    #[serde(default)]
    pub customer_group_id: u64,
    /// Next password reset token serial (the tokens are derived from it).
    #[serde(default = "one")]
    pub rp_token: u64,
    /// Next product custom option id (`catalog_product_option`); 0 in a fixture that
    /// leaves it out: one above the options present ([`State::fill_counters`]).
    #[serde(default)]
    pub option_id: u64,
    /// Next media gallery entry id (`catalog_product_entity_media_gallery`); 0 likewise.
    #[serde(default)]
    pub media_id: u64,
    /// Next product attribute id; 0 in a fixture that leaves it out (filled by
    /// [`State::fill_counters`]).
    #[serde(default)]
    pub attribute_id: u64,
    /// Next attribute group id (`eav_attribute_group`); 0 likewise.
    #[serde(default)]
    pub attribute_group_id: u64,
    /// Next set assignment id (`eav_entity_attribute`); 0 likewise.
    #[serde(default)]
    pub entity_attribute_id: u64,
    /// Next configurable option id (`catalog_product_super_attribute`); 0 likewise.
    #[serde(default)]
    pub configurable_option_id: u64,
    /// Next attribute option id (`eav_attribute_option`); 0 likewise.
    #[serde(default)]
    pub attribute_option_id: u64,
    /// Next custom option value id (`catalog_product_option_type_value`); 0 likewise.
    #[serde(default)]
    pub option_value_id: u64,
    /// Checkout and sales counters.
    #[serde(default)]
    pub sales: SalesIds,
}

fn one() -> u64 {
    1
}

/// Store configuration switches that change observable behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `oauth/consumer/enable_integration_as_bearer` (2.4.4+): integration access
    /// tokens accepted as bearer tokens. Before 2.4.4 they always are.
    pub integration_as_bearer: bool,
    /// `Magento_TwoFactorAuth` on: `POST /V1/integration/admin/token` refuses to issue.
    pub two_factor_auth: bool,
    /// Admin token lifetime in hours (Magento default 4).
    pub admin_token_hours: i64,
    /// Customer token lifetime in hours (Magento default 1).
    pub customer_token_hours: i64,
    /// OAuth timestamps further than this in the future are refused (Magento: 600 s).
    pub oauth_max_future_skew_secs: i64,
    /// `checkout/cart/delete_quote_after` (Magento default 30): carts, guest or
    /// customer, active or ordered, not updated for this many days are deleted, as
    /// the `sales_clean_quotes` cron does. 0 or less keeps them forever.
    pub quote_lifetime_days: i64,
    /// A product's value for a select or multiselect attribute must be option ids of
    /// the attribute (`Attribute "…" has invalid value.` otherwise). Whether Magento
    /// 2.4 checks this is not confirmed; off stores any value as Magento's int and
    /// varchar tables would.
    pub check_option_values: bool,
    /// `customer/create_account/default_group` (Magento default 1, General): the group
    /// of a new customer, which cannot be deleted; set by
    /// `PUT /V1/customerGroups/default/{id}`.
    pub default_customer_group: u64,
    /// `customer/password/lockout_failures` (Magento default 10): wrong passwords that
    /// lock a customer account. 0 turns the lock-out off.
    pub customer_lockout_failures: i64,
    /// `customer/password/lockout_threshold` (Magento default 10): minutes a locked
    /// customer account stays locked. 0 turns the lock-out off.
    pub customer_lockout_minutes: i64,
    /// `oauth/authentication_lock/max_failures_count` (Magento default 6): failed
    /// token requests for one user name after which
    /// `POST /V1/integration/{admin,customer}/token` refuses that name.
    pub token_max_failures: i64,
    /// `oauth/authentication_lock/timeout` (Magento default 1800): seconds after the
    /// last failed token request that the user name's failures are forgotten.
    pub token_lock_timeout_secs: i64,
    /// `customer/password/reset_link_expiration_period` (Magento default 2): hours a
    /// password reset token stays valid.
    pub reset_link_expiration_hours: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            integration_as_bearer: false,
            two_factor_auth: false,
            admin_token_hours: 4,
            customer_token_hours: 1,
            oauth_max_future_skew_secs: 600,
            quote_lifetime_days: 30,
            check_option_values: true,
            default_customer_group: crate::customers::DEFAULT_GROUP,
            customer_lockout_failures: 10,
            customer_lockout_minutes: 10,
            token_max_failures: 6,
            token_lock_timeout_secs: 1800,
            reset_link_expiration_hours: 2,
        }
    }
}

/// A website.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Website {
    /// Id (0 is the admin website).
    pub id: u64,
    /// Code (`base`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Default store group.
    pub default_group_id: u64,
}

/// A store group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreGroup {
    /// Id.
    pub id: u64,
    /// Website.
    pub website_id: u64,
    /// Root category.
    pub root_category_id: u64,
    /// Default store view.
    pub default_store_id: u64,
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
}

/// A store view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreView {
    /// Id (0 is `admin`).
    pub id: u64,
    /// Code, as used in `/rest/{code}/V1/…`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Website.
    pub website_id: u64,
    /// Store group.
    pub store_group_id: u64,
    /// 1 active, 0 not.
    pub is_active: u8,
}

/// `GET /V1/store/storeConfigs` entry, field for field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreConfig {
    /// Store view id.
    pub id: u64,
    /// Store view code.
    pub code: String,
    /// Website.
    pub website_id: u64,
    /// `en_US`.
    pub locale: String,
    /// `USD`.
    pub base_currency_code: String,
    /// `USD`.
    pub default_display_currency_code: String,
    /// IANA zone (`America/Los_Angeles`); also decides store-local dates.
    pub timezone: String,
    /// `lbs` or `kgs`.
    pub weight_unit: String,
    /// Storefront URLs, as configured.
    pub base_url: String,
    /// .
    pub base_link_url: String,
    /// .
    pub base_static_url: String,
    /// .
    pub base_media_url: String,
    /// .
    pub secure_base_url: String,
    /// .
    pub secure_base_link_url: String,
    /// .
    pub secure_base_static_url: String,
    /// .
    pub secure_base_media_url: String,
}

/// An admin user (for `POST /V1/integration/admin/token`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminUser {
    /// Id.
    pub id: u64,
    /// Login.
    pub username: String,
    /// Password (plain: this is a fake).
    pub password: String,
    /// Inactive users cannot sign in.
    #[serde(default = "yes")]
    pub is_active: bool,
}

fn yes() -> bool {
    true
}

/// Who a bearer token speaks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TokenOwner {
    /// An admin user (all resources).
    Admin {
        /// The user.
        user_id: u64,
    },
    /// A customer (`self` and `anonymous` only).
    Customer {
        /// The customer.
        customer_id: u64,
    },
}

/// An issued bearer token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BearerToken {
    /// The token string.
    pub token: String,
    /// Owner.
    pub owner: TokenOwner,
    /// Unix time it stops working.
    pub expires_at: i64,
    /// Revoked tokens behave as no token.
    #[serde(default)]
    pub revoked: bool,
}

impl State {
    /// Checks the invariants a whole store must hold (see [`crate::validate`]).
    pub fn validate(&self) -> Result<(), String> {
        crate::validate::validate(self)
    }

    /// `(major, minor, patch)` of [`State::version`]; unparsable parts count as 0.
    pub fn version_tuple(&self) -> (u32, u32, u32) {
        sim_magento_webapi::request::version_tuple(&self.version)
    }

    /// Counters a fixture may leave out (0): one above the ids present. One pass over
    /// the products, at load time only.
    pub fn fill_counters(&mut self) {
        let above = |ids: &mut dyn Iterator<Item = u64>| ids.max().map_or(1, |m| m + 1);
        if self.next.customer_group_id == 0 {
            self.next.customer_group_id = above(&mut self.customer_groups.keys().copied());
        }
        if self.next.option_id == 0 {
            self.next.option_id = above(
                &mut self
                    .products
                    .values()
                    .flat_map(|p| &p.options)
                    .filter_map(|o| o.get("option_id").and_then(serde_json::Value::as_u64)),
            );
        }
        if self.attribute_set_layout.is_empty() {
            let sets: Vec<&crate::catalog::AttributeSet> = self
                .attribute_sets
                .iter()
                .filter(|s| s.entity_type_id == crate::attributes::PRODUCT_ENTITY_TYPE)
                .collect();
            let mut sets = sets;
            sets.sort_by_key(|s| s.attribute_set_id);
            self.attribute_set_layout =
                crate::attribute_sets::SetLayout::stock(&sets, &self.product_attributes);
        }
        let (max_group, max_entity) = self.attribute_set_layout.max_ids();
        if self.next.attribute_group_id == 0 {
            self.next.attribute_group_id = max_group.map_or(1, |m| m + 1);
        }
        if self.next.entity_attribute_id == 0 {
            self.next.entity_attribute_id = max_entity.map_or(1, |m| m + 1);
        }
        if self.next.attribute_id == 0 {
            self.next.attribute_id = self
                .product_attributes
                .max_id()
                .map_or(1, |m| m + 1)
                .max(crate::attributes::FIRST_USER_ATTRIBUTE_ID);
        }
        if self.next.attribute_option_id == 0 {
            self.next.attribute_option_id = self
                .product_attributes
                .max_option_id()
                .map_or(1, |m| m + 1)
                .max(crate::attributes::FIRST_OPTION_ID);
        }
        if self.next.configurable_option_id == 0 {
            self.next.configurable_option_id = above(
                &mut self
                    .products
                    .values()
                    .flat_map(|p| &p.configurable_options)
                    .map(|o| o.id),
            );
        }
        if self.next.sales.quote_payment == 0 {
            self.next.sales.quote_payment =
                above(&mut self.carts.values().filter_map(|c| c.payment_id));
        }
        if self.next.sales.quote_address == 0 {
            self.next.sales.quote_address =
                above(&mut self.carts.values().filter_map(|c| c.billing_address_id));
        }
        if self.next.option_value_id == 0 {
            self.next.option_value_id = above(
                &mut self
                    .products
                    .values()
                    .flat_map(|p| &p.options)
                    .filter_map(|o| o.get("values").and_then(serde_json::Value::as_array))
                    .flatten()
                    .filter_map(|v| v.get("option_type_id").and_then(serde_json::Value::as_u64)),
            );
        }
        if self.next.media_id == 0 {
            self.next.media_id = above(
                &mut self
                    .products
                    .values()
                    .flat_map(|p| &p.media_gallery_entries)
                    .filter_map(|e| e.get("id").and_then(serde_json::Value::as_u64)),
            );
        }
    }

    /// True from 2.4.4 on (SHA1 refused, integration bearer opt-in, page_size echo).
    pub fn is_244_or_later(&self) -> bool {
        self.version_tuple() >= (2, 4, 4)
    }

    /// The store view with `code`.
    pub fn store_view(&self, code: &str) -> Option<&StoreView> {
        self.store_views.iter().find(|s| s.code == code)
    }

    /// The default store view of the default website (what `/rest/V1` runs in).
    pub fn default_store_view(&self) -> Option<&StoreView> {
        let website = self
            .websites
            .iter()
            .find(|w| w.id != 0)
            .or_else(|| self.websites.first())?;
        let group = self
            .store_groups
            .iter()
            .find(|g| g.id == website.default_group_id)?;
        self.store_views
            .iter()
            .find(|s| s.id == group.default_store_id)
    }

    /// Store configuration of store view `id`.
    pub fn store_config(&self, id: u64) -> Option<&StoreConfig> {
        self.store_configs.iter().find(|c| c.id == id)
    }

    /// Deletes the carts whose lifetime ([`Settings::quote_lifetime_days`]) has run out
    /// at `now_unix`, as if Magento's daily cron ran at every request. Looks only at
    /// the carts that are due.
    pub fn expire_quotes(&mut self, now_unix: i64) -> usize {
        let days = self.settings.quote_lifetime_days;
        if days <= 0 {
            return 0;
        }
        match days
            .checked_mul(86_400)
            .and_then(|secs| now_unix.checked_sub(secs))
        {
            Some(cutoff) => self.carts.expire_before(cutoff),
            None => 0,
        }
    }

    /// Remembers a bearer token, dropping the oldest past [`TOKEN_CAPACITY`].
    pub fn push_token(&mut self, token: BearerToken) {
        self.tokens.push(token, TOKEN_CAPACITY);
    }

    /// Checks every derived index against one rebuilt from the rows (see
    /// [`crate::index`]); the property tests call this after random operations.
    pub fn check_indexes(&self) -> Result<(), String> {
        self.products.check()?;
        self.categories.check()?;
        self.customers.check()?;
        self.customer_groups.check()?;
        self.carts.check()?;
        self.tokens.check()?;
        self.source_items.check()?;
        self.reservations.check()?;
        self.invoices.check("invoices")?;
        self.shipments.check("shipments")?;
        self.creditmemos.check("creditmemos")?;
        self.orders.check()?;
        self.stocks.check()
    }
}
