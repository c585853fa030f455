//! The Magento store the extension runs in, around the extension's [`State`]: the
//! store's settings (Magento version, OAuth rules, the product designer's endpoint) and
//! its integrations, which authenticate every request. `/__sim/state` shows and imports
//! a [`Store`] as one document, the categories as a tree.

use serde::{Deserialize, Serialize};
use sim_magento_webapi::auth::{Credentials, Principal};
use sim_magento_webapi::errors::{MResult, MagentoError};
use sim_magento_webapi::integrations::Integrations;
use sim_magento_webapi::oauth::{self, Policy};
use sim_magento_webapi::request::version_tuple;

use crate::state::{CategoryNode, Customer, Order, Product, Snapshot, State};

/// The store's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The Magento version the extension runs on: before 2.4.4 OAuth also takes
    /// HMAC-SHA1 and integration access tokens work as bearer tokens.
    pub magento_version: String,
    /// `oauth/consumer/enable_integration_as_bearer` (2.4.4 on): integration access
    /// tokens accepted as bearer tokens.
    pub integration_as_bearer: bool,
    /// OAuth timestamps further than this in the future are refused (Magento: 600 s).
    pub oauth_max_future_skew_secs: i64,
    /// The product designer's endpoint, which gets a POST for every product created or
    /// updated with `enable_product_designer: 1`; `None` sends nothing.
    pub designer_endpoint: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            magento_version: "2.4.7".into(),
            integration_as_bearer: false,
            oauth_max_future_skew_secs: 600,
            designer_endpoint: None,
        }
    }
}

impl Settings {
    /// Checks settings for import.
    pub fn validate(&self) -> Result<(), String> {
        if version_tuple(&self.magento_version).0 != 2 {
            return Err(format!(
                "settings.magento_version {:?} is not a Magento 2 version",
                self.magento_version
            ));
        }
        if self.oauth_max_future_skew_secs < 0 {
            return Err(format!(
                "settings.oauth_max_future_skew_secs {} must not be negative",
                self.oauth_max_future_skew_secs
            ));
        }
        if let Some(url) = &self.designer_endpoint
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!(
                "settings.designer_endpoint {url:?} is not an http(s) URL"
            ));
        }
        Ok(())
    }

    /// True from 2.4.4 on.
    pub fn is_244_or_later(&self) -> bool {
        version_tuple(&self.magento_version) >= (2, 4, 4)
    }
}

/// The store: settings, integrations and the extension's data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Store {
    /// Settings.
    pub settings: Settings,
    /// Integrations (OAuth consumers with their access tokens and ACL resources).
    pub integrations: Integrations,
    /// Customers, categories, products and orders.
    pub state: State,
}

/// The document `/__sim/state` shows and imports, and the fixture's `state`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default)]
    settings: Settings,
    #[serde(default)]
    integrations: Integrations,
    #[serde(default)]
    customers: Vec<Customer>,
    /// The categories as a tree.
    #[serde(default)]
    categories: Vec<CategoryNode>,
    #[serde(default)]
    products: Vec<Product>,
    #[serde(default)]
    orders: Vec<Order>,
}

impl Store {
    /// The store from its document (`/__sim/state`'s form), checked whole: settings,
    /// integrations, then the data ([`Snapshot::validate`]).
    pub fn from_value(value: serde_json::Value) -> Result<Store, String> {
        let doc: Document = serde_json::from_value(value).map_err(|e| e.to_string())?;
        doc.settings.validate()?;
        doc.integrations.validate()?;
        let state = State::try_from(Snapshot {
            customers: doc.customers,
            categories: CategoryNode::flatten(doc.categories),
            products: doc.products,
            orders: doc.orders,
        })?;
        Ok(Store {
            settings: doc.settings,
            integrations: doc.integrations,
            state,
        })
    }

    /// The store as its document.
    pub fn to_value(&self) -> serde_json::Value {
        let snapshot = self.state.snapshot();
        let doc = Document {
            settings: self.settings.clone(),
            integrations: self.integrations.clone(),
            customers: snapshot.customers,
            categories: self.state.category_tree(),
            products: snapshot.products,
            orders: snapshot.orders,
        };
        serde_json::to_value(doc).unwrap_or(serde_json::Value::Null)
    }

    /// May `who` call a route needing `resources`? Only integrations can: the
    /// extension's store issues no admin or customer tokens.
    pub fn authorize(&self, who: &Principal, resources: &[&str]) -> MResult<()> {
        match who {
            Principal::Integration { id } if self.integrations.allows(*id, resources) => Ok(()),
            _ => Err(MagentoError::not_authorized(resources)),
        }
    }
}

impl Credentials for Store {
    fn bearer(&self, token: &str, _now_unix: i64) -> Principal {
        // Integration access tokens work as bearer tokens before 2.4.4, and from 2.4.4
        // on only with `oauth/consumer/enable_integration_as_bearer`.
        let allowed = !self.settings.is_244_or_later() || self.settings.integration_as_bearer;
        match self.integrations.bearer(token) {
            Some(id) if allowed => Principal::Integration { id },
            _ => Principal::Guest,
        }
    }

    fn integrations(&self) -> &Integrations {
        &self.integrations
    }

    fn oauth_policy(&self) -> Policy {
        oauth::policy(
            !self.settings.is_244_or_later(),
            self.settings.oauth_max_future_skew_secs,
        )
    }
}
