//! Customers (reference §9): accounts with addresses, per-website e-mail uniqueness,
//! passwords for the customer token.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::State;

/// A customer account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// Entity id.
    pub id: u64,
    /// Customer group (1 General).
    pub group_id: u64,
    /// Default billing address id, rendered as a string.
    #[serde(default)]
    pub default_billing: Option<u64>,
    /// Default shipping address id, rendered as a string.
    #[serde(default)]
    pub default_shipping: Option<u64>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
    /// Name of the store view it was created in.
    pub created_in: String,
    /// E-mail (unique per website).
    pub email: String,
    /// First name.
    pub firstname: String,
    /// Last name.
    pub lastname: String,
    /// Store view.
    pub store_id: u64,
    /// Website.
    pub website_id: u64,
    /// Addresses.
    #[serde(default)]
    pub addresses: Vec<CustomerAddress>,
    /// 0 or 1.
    #[serde(default)]
    pub disable_auto_group_change: i64,
    /// Other fields a client sent that Magento keeps (`middlename`, `dob`, `gender`,
    /// `prefix`, `suffix`, `taxvat`, `custom_attributes`, `extension_attributes`…),
    /// rendered as they are.
    #[serde(default)]
    pub extra: serde_json::Map<String, Value>,
    /// The password, when the account has one (plain: this is a fake; never rendered).
    #[serde(default)]
    pub password: Option<String>,
}

/// A customer address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerAddress {
    /// Address id.
    pub id: u64,
    /// Owner.
    pub customer_id: u64,
    /// The address fields as Magento renders them (`region` object, `region_id`,
    /// `country_id`, `street`, `telephone`, `postcode`, `city`, `firstname`,
    /// `lastname`…), without `id`, `customer_id` and the default flags.
    pub fields: serde_json::Map<String, Value>,
    /// Default shipping address of its customer.
    #[serde(default)]
    pub default_shipping: bool,
    /// Default billing address of its customer.
    #[serde(default)]
    pub default_billing: bool,
}

/// The customer with `id`.
pub fn find(state: &State, id: u64) -> Option<&Customer> {
    state.customers.get(&id)
}
