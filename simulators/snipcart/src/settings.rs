//! The instance's switches and endpoints, set by the fixture, `PUT /__sim/state` or
//! `PUT /__sim/settings` (what the real platform keeps in its dashboard).

use serde::{Deserialize, Serialize};

/// Dashboard settings and simulator switches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// Webhook endpoints for the order events (the dashboard's `;`-separated list).
    #[serde(default)]
    pub webhook_urls: Vec<String>,
    /// The `shippingrates.fetch` endpoint, if any.
    #[serde(default)]
    pub shipping_rates_url: Option<String>,
    /// The `taxes.calculate` endpoint, if any.
    #[serde(default)]
    pub taxes_url: Option<String>,
    /// Hosts the crawler may fetch (the store's default domain and allowed domains);
    /// `host` or `host:port`.
    #[serde(default = "default_domains")]
    pub domains: Vec<String>,
    /// Request bodies may use Json.NET's relaxed syntax (single quotes, unquoted names).
    #[serde(default = "yes")]
    pub lenient_json: bool,
    /// A request that does not accept `application/json` is refused with `406`.
    #[serde(default = "yes")]
    pub strict_accept: bool,
    /// `Authorization: Basic base64(KEY)` without the colon is accepted too.
    #[serde(default)]
    pub accept_key_without_colon: bool,
    /// The store's currency (lower-case ISO code), for orders and price maps.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Time limit of one `shippingrates.fetch` or `taxes.calculate` call, in
    /// milliseconds (1 to 60000); a call that takes longer refuses the checkout.
    #[serde(default = "default_checkout_timeout")]
    pub checkout_webhook_timeout_ms: u64,
}

fn yes() -> bool {
    true
}

fn default_domains() -> Vec<String> {
    vec!["localhost".into(), "127.0.0.1".into()]
}

fn default_checkout_timeout() -> u64 {
    5_000
}

fn default_currency() -> String {
    "usd".into()
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            webhook_urls: Vec::new(),
            shipping_rates_url: None,
            taxes_url: None,
            domains: default_domains(),
            lenient_json: true,
            strict_accept: true,
            accept_key_without_colon: false,
            currency: default_currency(),
            checkout_webhook_timeout_ms: default_checkout_timeout(),
        }
    }
}

impl Settings {
    /// Checks URLs and the currency.
    pub fn validate(&self) -> Result<(), String> {
        let urls = self
            .webhook_urls
            .iter()
            .chain(&self.shipping_rates_url)
            .chain(&self.taxes_url);
        for url in urls {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("{url:?} is not an http(s) URL"));
            }
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(format!(
                "currency {:?} is not a lower-case ISO 4217 code",
                self.currency
            ));
        }
        if !(1..=60_000).contains(&self.checkout_webhook_timeout_ms) {
            return Err("checkoutWebhookTimeoutMs must be within 1..=60000".into());
        }
        Ok(())
    }
}
