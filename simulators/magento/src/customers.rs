//! Customers (reference §9): accounts with addresses, per-website e-mail uniqueness,
//! passwords for the customer token.
//!
//! The save rules follow Magento 2.4's `AccountManagement::createAccount` and
//! `CustomerRepository::save`, check for check and in their order:
//!
//! 1. binding: an unknown property of the customer, an address, a region or the
//!    extension attributes is a PHP `LogicException` (a masked 500); a value of the
//!    wrong type is the rendered type error;
//! 2. the password (create only): at most 256 characters, at least 8, no leading or
//!    trailing blank, 3 classes of characters, not the e-mail (case-insensitive);
//! 3. store and website (create only): a missing store is the website's default store
//!    or the request's store, a missing website is the store's;
//! 4. the group (`The specified customer group id does not exist.`);
//! 5. the resource model: e-mail missing, e-mail taken in the website, then the EAV
//!    validation of the attributes (`"First Name" is a required value.`, `"Email" is not
//!    a valid email address.`), all its messages rendered and joined with a newline
//!    into one message without parameters (Magento's `Validator\Exception`);
//! 6. the addresses, one at a time (`"%fieldName" is required. Enter and try again.`,
//!    aggregated per address). On create a refused address deletes the new customer,
//!    so nothing is kept, but the ids MySQL handed out stay used.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::dates;
use crate::errors::{ErrorEntry, MResult, MagentoError, Params, msg};
use crate::input;
use crate::search::Field;
use crate::state::State;

/// A customer account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// The optional attributes a client sent (`dob`, `middlename`, `prefix`, `suffix`,
    /// `gender`, `taxvat`), rendered in their place in Magento's key order.
    #[serde(default)]
    pub extra: serde_json::Map<String, Value>,
    /// The password, when the account has one (plain: this is a fake; never rendered).
    #[serde(default)]
    pub password: Option<String>,
    /// Newsletter subscription (`extension_attributes.is_subscribed`).
    #[serde(default)]
    pub is_subscribed: bool,
    /// Wrong passwords counted toward the lock-out (`failures_num`).
    #[serde(default)]
    pub failures_num: u32,
    /// When the counted failures began (`first_failure`, `YYYY-MM-DD HH:MM:SS`).
    #[serde(default)]
    pub first_failure: Option<String>,
    /// Until when the account is locked (`lock_expires`, `YYYY-MM-DD HH:MM:SS`).
    #[serde(default)]
    pub lock_expires: Option<String>,
    /// The password reset token (`rp_token`), never rendered.
    #[serde(default)]
    pub rp_token: Option<String>,
    /// When the reset token was made (`rp_token_created_at`).
    #[serde(default)]
    pub rp_token_created_at: Option<String>,
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

/// Messages clients match on, verbatim (Magento 2.4 source and its tests).
pub mod m {
    /// E-mail taken in the website (`AlreadyExistsException`, re-thrown by
    /// `createAccount` as `InputMismatchException`).
    pub const DUPLICATE_EMAIL: &str =
        "A customer with the same email address already exists in an associated website.";
    /// Unknown customer (`customerId`) or address (`addressId`).
    pub const NO_SUCH_ENTITY: &str = "No such entity with %fieldName = %fieldValue";
    /// Unknown e-mail in a website.
    pub const NO_SUCH_ENTITY_2: &str =
        "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value";
    /// No e-mail at all (checked by the resource model before anything else).
    pub const EMAIL_MISSING: &str = "The customer email is missing. Enter and try again.";
    /// A required attribute left empty (`%1` is the label; rendered by Magento).
    pub const REQUIRED_VALUE: &str = "\"%1\" is a required value.";
    /// An e-mail Magento's validator refuses (`%1` is the label; rendered).
    pub const INVALID_EMAIL: &str = "\"%1\" is not a valid email address.";
    /// Password over 256 characters.
    pub const PASSWORD_TOO_LONG: &str = "Please enter a password with at most %1 characters.";
    /// Password under the minimum length.
    pub const PASSWORD_TOO_SHORT: &str =
        "The password needs at least %1 characters. Create a new password and try again.";
    /// Password with a leading or trailing blank.
    pub const PASSWORD_SPACES: &str =
        "The password can't begin or end with a space. Verify the password and try again.";
    /// Password with too few classes of characters.
    pub const PASSWORD_CLASSES: &str = "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.";
    /// Password equal to the e-mail.
    pub const PASSWORD_IS_EMAIL: &str =
        "The password can't be the same as the email address. Create a new password and try again.";
    /// Unknown customer group.
    pub const GROUP_NOT_FOUND: &str = "The specified customer group id does not exist.";
    /// A store view of another website.
    pub const STORE_NOT_IN_WEBSITE: &str = "The store view is not in the associated website.";
    /// Unknown store view.
    pub const STORE_NOT_FOUND: &str =
        "The store that was requested wasn't found. Verify the store and try again.";
    /// Unknown website.
    pub const WEBSITE_NOT_FOUND: &str =
        "The website with id %1 that was requested wasn't found. Verify the website and try again.";
    /// `POST /V1/customers` with the `id` of an existing customer.
    pub const ALREADY_IN_STORE: &str = "This customer already exists in this store.";
    /// A customer-level default address id that is none of the sent addresses.
    pub const DEFAULT_ADDRESS_INVALID: &str =
        "The %fieldName value is invalid. Set the correct value and try again.";
    /// A searchCriteria filter on something that is not a customer attribute.
    pub const INVALID_ATTRIBUTE: &str = "Invalid attribute name: %1";
    /// `InputException::invalidFieldValue`.
    pub const INVALID_FIELD_VALUE: &str =
        "Invalid value of \"%value\" provided for the %fieldName field.";
    /// A group code another group has (`InvalidTransitionException`).
    pub const GROUP_EXISTS: &str = "Customer Group already exists.";
    /// `changePasswordById` for a customer that does not exist.
    pub const INVALID_LOGIN: &str = "Invalid login or password.";
    /// A wrong current password (`InvalidEmailOrPasswordException`, 401).
    pub const PASSWORD_MISMATCH: &str =
        "The password doesn't match this account. Verify the password and try again.";
    /// A wrong current password that locked the account (`UserLockedException`, 401).
    pub const ACCOUNT_LOCKED: &str = "The account is locked.";
    /// `initiatePasswordReset` with another template.
    pub const INVALID_TEMPLATE: &str = "Invalid value of \"%value\" provided for the %fieldName field. Possible values: %template1 or %template2.";
    /// A reset token that is not the customer's.
    pub const RP_TOKEN_MISMATCH: &str = "The password token is mismatched. Reset and try again.";
    /// A reset token past `customer/password/reset_link_expiration_period`.
    pub const RP_TOKEN_EXPIRED: &str = "The password token is expired. Reset and try again.";
    /// The EAV backend validation of an empty required attribute (`%1` the label).
    pub const ATTRIBUTE_EMPTY: &str =
        "The \"%1\" attribute value is empty. Set the attribute and try again.";
    /// `resendConfirmation` for an account without a confirmation key.
    pub const CONFIRMATION_NOT_NEEDED: &str = "Confirmation isn't needed.";
    /// `activate` for an account without a confirmation key.
    pub const ALREADY_ACTIVE: &str = "The account is already active.";
    /// Deleting NOT LOGGED IN or the default group (`StateException`).
    pub const CANNOT_DELETE_GROUP: &str = "Cannot delete group.";
}

/// `customer/create_account/default_group` of a stock install (the store's current
/// value is [`crate::state::Settings::default_customer_group`]).
pub const DEFAULT_GROUP: u64 = 1;
/// `Group::NOT_LOGGED_IN_ID`.
pub const NOT_LOGGED_IN: u64 = 0;
/// `Group::CUST_GROUP_ALL`: an id Magento never gives a group (the resource model
/// moves a group saved under it to the next id).
pub const CUST_GROUP_ALL: u64 = 32_000;
/// `Group::GROUP_CODE_MAX_LENGTH`: longer codes are cut (`mb_substr`), not refused.
pub const GROUP_CODE_MAX_LENGTH: usize = 32;
/// `GroupRepository::DEFAULT_TAX_CLASS_ID`: the tax class of a new group sent without one.
pub const DEFAULT_TAX_CLASS_ID: u64 = 3;
/// The customer tax classes of a stock install (`tax_class` rows of type `CUSTOMER`):
/// only 3, `Retail Customer` (class 2, `Taxable Goods`, is a product class).
pub const CUSTOMER_TAX_CLASSES: &[(u64, &str)] = &[(3, "Retail Customer")];

/// The name of customer tax class `id`, if it is one.
pub fn customer_tax_class(id: u64) -> Option<&'static str> {
    CUSTOMER_TAX_CLASSES
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, name)| *name)
}

/// A customer group (`customer_group` row; `GroupInterface`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerGroup {
    /// Id.
    pub id: u64,
    /// Code (unique, compared case-insensitively; at most 32 characters).
    pub code: String,
    /// Customer tax class ([`CUSTOMER_TAX_CLASSES`]).
    pub tax_class_id: u64,
}

/// MySQL's `utf8_general_ci` comparison of group codes: case-insensitive, trailing
/// spaces ignored.
fn fold_code(code: &str) -> String {
    code.trim_end_matches(' ').to_lowercase()
}

/// The customer groups by id, with the code index the uniqueness check reads.
/// Serialises as the map of groups (what `GET /__sim/state` exports); the index is
/// rebuilt on import. A store that leaves them out has the four groups of a stock
/// install.
#[derive(Debug, Clone)]
pub struct CustomerGroups {
    rows: BTreeMap<u64, CustomerGroup>,
    by_code: HashMap<String, u64>,
}

impl Default for CustomerGroups {
    fn default() -> Self {
        let stock = [
            (0, "NOT LOGGED IN"),
            (1, "General"),
            (2, "Wholesale"),
            (3, "Retailer"),
        ];
        Self::from_rows(
            stock
                .into_iter()
                .map(|(id, code)| {
                    let g = CustomerGroup {
                        id,
                        code: code.to_owned(),
                        tax_class_id: DEFAULT_TAX_CLASS_ID,
                    };
                    (id, g)
                })
                .collect(),
        )
    }
}

impl PartialEq for CustomerGroups {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

impl Serialize for CustomerGroups {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.rows.serialize(s)
    }
}

impl<'de> Deserialize<'de> for CustomerGroups {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(d).map(Self::from_rows)
    }
}

impl std::ops::Deref for CustomerGroups {
    type Target = BTreeMap<u64, CustomerGroup>;
    fn deref(&self) -> &Self::Target {
        &self.rows
    }
}

impl CustomerGroups {
    fn from_rows(rows: BTreeMap<u64, CustomerGroup>) -> Self {
        let by_code = rows.values().map(|g| (fold_code(&g.code), g.id)).collect();
        Self { rows, by_code }
    }

    /// The group whose code is `code` as MySQL compares them.
    pub fn by_code(&self, code: &str) -> Option<&CustomerGroup> {
        self.by_code
            .get(&fold_code(code))
            .and_then(|id| self.rows.get(id))
    }

    /// Stores `g` under its id.
    pub fn insert(&mut self, g: CustomerGroup) {
        if let Some(old) = self.rows.remove(&g.id) {
            self.unindex(&old);
        }
        self.by_code.insert(fold_code(&g.code), g.id);
        self.rows.insert(g.id, g);
    }

    /// Removes group `id`.
    pub fn remove(&mut self, id: u64) -> Option<CustomerGroup> {
        let old = self.rows.remove(&id)?;
        self.unindex(&old);
        Some(old)
    }

    fn unindex(&mut self, g: &CustomerGroup) {
        let key = fold_code(&g.code);
        if self.by_code.get(&key) == Some(&g.id) {
            self.by_code.remove(&key);
        }
    }

    /// Compares the code index with one rebuilt from the rows.
    pub fn check(&self) -> Result<(), String> {
        let rebuilt = Self::from_rows(self.rows.clone());
        if rebuilt.by_code == self.by_code {
            Ok(())
        } else {
            Err(format!(
                "customer groups: kept index {:?} differs from rebuilt {:?}",
                self.by_code, rebuilt.by_code
            ))
        }
    }
}

/// `GroupRepository::getById`: unknown → 404 `No such entity with %fieldName =
/// %fieldValue` naming `id`.
pub fn group(state: &State, id: i64) -> MResult<&CustomerGroup> {
    u64::try_from(id)
        .ok()
        .and_then(|id| state.customer_groups.get(&id))
        .ok_or_else(|| {
            MagentoError::not_found(m::NO_SUCH_ENTITY)
                .named([("fieldName", json!("id")), ("fieldValue", json!(id))])
        })
}

/// A group as the web API renders it (`tax_class_name` looked up from its class).
pub fn group_json(g: &CustomerGroup) -> Value {
    group_json_named(g, customer_tax_class(g.tax_class_id))
}

fn group_json_named(g: &CustomerGroup, tax_class_name: Option<&str>) -> Value {
    json!({"id": g.id, "code": g.code, "tax_class_id": g.tax_class_id,
           "tax_class_name": tax_class_name})
}

/// Whether group `id` is a store's `customer/create_account/default_group`
/// (`Group::usesAsDefault`).
pub fn is_default_group(state: &State, id: u64) -> bool {
    state.settings.default_customer_group == id
}

const GROUP_CLASS: &str = "Magento\\Customer\\Api\\Data\\GroupInterface";
const GROUP_EXTENSION_CLASS: &str = "Magento\\Customer\\Api\\Data\\GroupExtensionInterface";

/// A bound `GroupInterface`.
#[derive(Debug, Default)]
struct GroupInput {
    id: Option<i64>,
    code: Option<String>,
    tax_class_id: Option<i64>,
    tax_class_name: Option<String>,
}

fn bind_group(v: &Value) -> MResult<GroupInput> {
    let mut g = GroupInput::default();
    for (key, value) in object(v, "group", GROUP_CLASS)? {
        if value.is_null() {
            continue;
        }
        let name = input::snake(key);
        match name.as_str() {
            "id" => g.id = Some(input::to_i64(value, &name)?),
            "code" => g.code = Some(input::to_string(value, &name)?),
            "tax_class_id" => g.tax_class_id = Some(input::to_i64(value, &name)?),
            "tax_class_name" => g.tax_class_name = Some(input::to_string(value, &name)?),
            "extension_attributes" => {
                if let Some((k, _)) = object(value, &name, GROUP_EXTENSION_CLASS)?.iter().next() {
                    return Err(MagentoError::unknown_property(k, GROUP_EXTENSION_CLASS));
                }
            }
            _ => return Err(MagentoError::unknown_property(key, GROUP_CLASS)),
        }
    }
    Ok(g)
}

/// `InputException::invalidFieldValue('taxClassId', …)` unless `id` is a customer tax
/// class (`_verifyTaxClassModel`); `sent` is the value the client sent.
fn verify_tax_class(id: Option<i64>, sent: Option<i64>) -> MResult<u64> {
    id.and_then(|i| u64::try_from(i).ok())
        .filter(|i| customer_tax_class(*i).is_some())
        .ok_or_else(|| {
            MagentoError::bad_request(m::INVALID_FIELD_VALUE)
                .named([("fieldName", json!("taxClassId")), ("value", json!(sent))])
        })
}

/// `GroupRepository::save` (`POST /V1/customerGroups`, `PUT /V1/customerGroups/{id}`):
/// the code is required (Zend `NotEmpty`: not empty, not only blanks); a group with an
/// id (0 included) is an update of that group, which must exist and whose tax class
/// must be sent; without one a new group, tax class 3 unless sent. The code is cut to
/// 32 characters, then must be unique. Answers the saved group as Magento does (an
/// update echoes a `tax_class_name` the client sent).
pub fn save_group(state: &mut State, body: &Value) -> MResult<Value> {
    let input = bind_group(body)?;
    if input.code.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(MagentoError::required("code"));
    }
    let code: String = input
        .code
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(GROUP_CODE_MAX_LENGTH)
        .collect();
    let (id, tax_class_id, echoed_name) = match input.id {
        Some(id) => {
            let tax = verify_tax_class(input.tax_class_id, input.tax_class_id)?;
            let id = group(state, id)?.id;
            (id, tax, input.tax_class_name.filter(|n| !n.is_empty()))
        }
        None => {
            let wanted = input.tax_class_id.filter(|&t| t != 0);
            let tax = verify_tax_class(
                Some(wanted.unwrap_or(DEFAULT_TAX_CLASS_ID as i64)),
                input.tax_class_id,
            )?;
            let mut id = state.next.customer_group_id;
            if id == CUST_GROUP_ALL {
                id += 1;
            }
            (id, tax, None)
        }
    };
    if state
        .customer_groups
        .by_code(&code)
        .is_some_and(|other| other.id != id)
    {
        return Err(MagentoError::bad_request(m::GROUP_EXISTS));
    }
    let saved = CustomerGroup {
        id,
        code,
        tax_class_id,
    };
    if input.id.is_none() {
        state.next.customer_group_id = id + 1;
    }
    let name = echoed_name.or_else(|| customer_tax_class(tax_class_id).map(str::to_owned));
    let out = group_json_named(&saved, name.as_deref());
    state.customer_groups.insert(saved);
    Ok(out)
}

/// `GroupRepository::deleteById`: an unknown group is 404; NOT LOGGED IN (and any id
/// not above 0) and the default group are 400 `Cannot delete group.`. The group's
/// customers move to the default group (the resource model's `_afterDelete` saves each,
/// so their `updated_at` is now).
pub fn delete_group(state: &mut State, id: i64, now: OffsetDateTime) -> MResult<()> {
    let gid = group(state, id)?.id;
    if id <= 0 || is_default_group(state, gid) {
        return Err(MagentoError::bad_request(m::CANNOT_DELETE_GROUP));
    }
    let default = state.settings.default_customer_group;
    let members: Vec<u64> = state.customers.in_group(gid).collect();
    let stamp = dates::db_time(now);
    for cid in members {
        if let Some(mut c) = state.customers.get(&cid).cloned() {
            c.group_id = default;
            c.updated_at.clone_from(&stamp);
            state.customers.insert(c);
        }
    }
    state.customer_groups.remove(gid);
    Ok(())
}

/// `customer/password/minimum_password_length`.
pub const MIN_PASSWORD_LENGTH: usize = 8;
/// `AccountManagement::MAX_PASSWORD_LENGTH`.
pub const MAX_PASSWORD_LENGTH: usize = 256;
/// `customer/password/required_character_classes_number`.
pub const REQUIRED_CHARACTER_CLASSES: usize = 3;
/// `general/country/optional_zip_countries` of a stock install.
const OPTIONAL_ZIP_COUNTRIES: &[&str] = &["HK", "IE", "MO", "PA"];

const CUSTOMER_CLASS: &str = "Magento\\Customer\\Api\\Data\\CustomerInterface";
const EXTENSION_CLASS: &str = "Magento\\Customer\\Api\\Data\\CustomerExtensionInterface";
const ADDRESS_CLASS: &str = "Magento\\Customer\\Api\\Data\\AddressInterface";
const ADDRESS_EXTENSION_CLASS: &str = "Magento\\Customer\\Api\\Data\\AddressExtensionInterface";
const REGION_CLASS: &str = "Magento\\Customer\\Api\\Data\\RegionInterface";

/// Optional customer attributes kept in [`Customer::extra`]: (key, is an int).
const EXTRA_ATTRIBUTES: &[(&str, bool)] = &[
    ("dob", false),
    ("middlename", false),
    ("prefix", false),
    ("suffix", false),
    ("gender", true),
    ("taxvat", false),
];

/// Text fields of an address, in `AddressInterface` getter order (after `region`,
/// `region_id`, `country_id`, `street`).
const ADDRESS_TEXT: &[&str] = &[
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
];

/// The customer with `id`.
pub fn find(state: &State, id: u64) -> Option<&Customer> {
    state.customers.get(&id)
}

/// The customer with `id`, or Magento's 404 (`fieldValue` as the client sent it).
pub fn get(state: &State, id: i64) -> MResult<&Customer> {
    u64::try_from(id)
        .ok()
        .and_then(|id| find(state, id))
        .ok_or_else(|| not_found("customerId", json!(id)))
}

fn not_found(field: &str, value: Value) -> MagentoError {
    MagentoError::not_found(m::NO_SUCH_ENTITY)
        .named([("fieldName", json!(field)), ("fieldValue", value)])
}

/// The customer of `website_id` with `email`, compared as MySQL's collation does
/// (case-insensitive).
pub fn find_by_email<'s>(state: &'s State, email: &str, website_id: u64) -> Option<&'s Customer> {
    state.customers.by_email(email, website_id)
}

/// `AccountManagement::isEmailAvailable`: no customer of the website has it.
pub fn is_email_available(state: &State, email: &str, website_id: u64) -> bool {
    find_by_email(state, email, website_id).is_none()
}

// ---------------------------------------------------------------------------
// Addresses

fn no_such_address(id: i64) -> MagentoError {
    not_found("addressId", json!(id))
}

/// `AddressRepository::getById`: the address with `id` (through the address index),
/// or 404 naming `addressId`.
pub fn address(state: &State, id: i64) -> MResult<&CustomerAddress> {
    u64::try_from(id)
        .ok()
        .and_then(|aid| {
            state
                .customers
                .by_address(aid)
                .and_then(|c| c.addresses.iter().find(|a| a.id == aid))
        })
        .ok_or_else(|| no_such_address(id))
}

/// `AddressRepository::deleteById`: the address goes; a default billing or shipping
/// address stops being the customer's default (`Address\DeleteRelation` updates the
/// customer row, so its `updated_at` moves only then).
pub fn delete_address(state: &mut State, id: i64, now: OffsetDateTime) -> MResult<()> {
    let aid = address(state, id)?.id;
    let Some(mut c) = state.customers.by_address(aid).cloned() else {
        return Err(no_such_address(id));
    };
    c.addresses.retain(|a| a.id != aid);
    let mut touched = false;
    for default in [&mut c.default_billing, &mut c.default_shipping] {
        if *default == Some(aid) {
            *default = None;
            touched = true;
        }
    }
    if touched {
        c.updated_at = dates::db_time(now);
    }
    state.customers.insert(c);
    Ok(())
}

/// `AccountManagement::getDefaultBillingAddress` / `getDefaultShippingAddress`: the
/// customer's default address, `None` (rendered `null`) when there is none.
pub fn default_address(c: &Customer, billing: bool) -> Option<&CustomerAddress> {
    let wanted = if billing {
        c.default_billing
    } else {
        c.default_shipping
    }?;
    c.addresses.iter().find(|a| a.id == wanted)
}

// ---------------------------------------------------------------------------
// Passwords and account state

/// `AccountManagement::EMAIL_REMINDER` and `EMAIL_RESET`: the templates
/// `initiatePasswordReset` accepts.
pub const EMAIL_REMINDER: &str = "email_reminder";
/// See [`EMAIL_REMINDER`].
pub const EMAIL_RESET: &str = "email_reset";
/// `AccountManagement::ACCOUNT_CONFIRMATION_NOT_REQUIRED`.
pub const ACCOUNT_CONFIRMATION_NOT_REQUIRED: &str = "account_confirmation_not_required";

/// `CustomerRepository::get($email, $websiteId)`: 404 naming both when no customer
/// of the website has the e-mail.
pub fn get_by_email<'s>(state: &'s State, email: &str, website_id: i64) -> MResult<&'s Customer> {
    u64::try_from(website_id)
        .ok()
        .and_then(|w| find_by_email(state, email, w))
        .ok_or_else(|| {
            MagentoError::not_found(m::NO_SUCH_ENTITY_2).named([
                ("fieldName", json!("email")),
                ("fieldValue", json!(email)),
                ("field2Name", json!("websiteId")),
                ("field2Value", json!(website_id)),
            ])
        })
}

/// `changePasswordForCustomer` (`PUT /V1/customers/me/password`): the current
/// password through `Authentication::authenticate` (a wrong one is counted toward the
/// lock-out, and answers 401 `The account is locked.` once it locks the account; the
/// right one works even on a locked account), then the new password: not the e-mail,
/// then its strength. The reset token goes, the customer is saved.
pub fn change_password(
    state: &mut State,
    id: i64,
    current: &str,
    new: &str,
    now: OffsetDateTime,
) -> MResult<()> {
    let mut c = get(state, id)
        .map_err(|_| MagentoError::unauthorized(m::INVALID_LOGIN))?
        .clone();
    if c.password.as_deref() != Some(current) {
        record_failure(state, &mut c, now);
        let locked = is_locked(&c, now);
        state.customers.insert(c);
        return Err(MagentoError::unauthorized(if locked {
            m::ACCOUNT_LOCKED
        } else {
            m::PASSWORD_MISMATCH
        }));
    }
    check_not_email(new, Some(&c.email))?;
    check_password_strength(new)?;
    c.password = Some(new.to_owned());
    c.rp_token = None;
    c.rp_token_created_at = None;
    c.updated_at = dates::db_time(now);
    state.customers.insert(c);
    Ok(())
}

/// A new reset token (`Math\Random::getUniqueHash`: 32 hex characters), derived from
/// the store's counter rather than random.
fn new_rp_token(state: &mut State, customer_id: u64) -> String {
    use sha2::Digest as _;
    let serial = state.next.rp_token;
    state.next.rp_token = serial.saturating_add(1);
    let digest = sha2::Sha256::digest(format!("cartsim-rp-token-{serial}-{customer_id}"));
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// `changeResetPasswordLinkToken`: a new token made now, the customer saved.
fn set_rp_token(state: &mut State, mut c: Customer, now: OffsetDateTime) {
    c.rp_token = Some(new_rp_token(state, c.id));
    c.rp_token_created_at = Some(dates::db_time(now));
    c.updated_at = dates::db_time(now);
    state.customers.insert(c);
}

/// `initiatePasswordReset` (`PUT /V1/customers/password`): the customer of
/// `website_id` (the request's when not sent) with the e-mail gets a new reset token
/// (what Magento e-mails; here it is read from the state). Magento saves the token
/// before it looks at the template; here an unknown template is refused first.
pub fn initiate_password_reset(
    state: &mut State,
    email: &str,
    template: &str,
    website_id: i64,
    now: OffsetDateTime,
) -> MResult<()> {
    let c = get_by_email(state, email, website_id)?.clone();
    if template != EMAIL_REMINDER && template != EMAIL_RESET {
        return Err(MagentoError::bad_request(m::INVALID_TEMPLATE).named([
            ("value", json!(template)),
            ("fieldName", json!("template")),
            ("template1", json!(EMAIL_REMINDER)),
            ("template2", json!(EMAIL_RESET)),
        ]));
    }
    set_rp_token(state, c, now);
    Ok(())
}

/// `isResetPasswordLinkTokenExpired`: no token or time, a time in the future, or
/// `customer/password/reset_link_expiration_period` whole hours gone.
fn rp_token_expired(state: &State, c: &Customer, now: OffsetDateTime) -> bool {
    let Some(made) = c
        .rp_token_created_at
        .as_deref()
        .and_then(dates::parse_db_time)
        .filter(|_| c.rp_token.as_deref().is_some_and(|t| !t.is_empty()))
    else {
        return true;
    };
    if made > now {
        return true;
    }
    (now - made).whole_hours() >= state.settings.reset_link_expiration_hours
}

/// `validateResetPasswordToken`: customer id not 0, token not empty, the customer
/// exists (404), the token is theirs (400 mismatched) and not expired (400 expired).
pub fn check_rp_token(state: &State, id: i64, token: &str, now: OffsetDateTime) -> MResult<u64> {
    if id == 0 {
        return Err(MagentoError::bad_request(m::INVALID_FIELD_VALUE)
            .named([("value", json!(id)), ("fieldName", json!("customerId"))]));
    }
    if token.is_empty() || token == "0" {
        return Err(MagentoError::required("resetPasswordLinkToken"));
    }
    let c = get(state, id)?;
    if c.rp_token.as_deref() != Some(token) {
        return Err(MagentoError::bad_request(m::RP_TOKEN_MISMATCH));
    }
    if rp_token_expired(state, c, now) {
        return Err(MagentoError::bad_request(m::RP_TOKEN_EXPIRED));
    }
    Ok(c.id)
}

/// `resetPassword` (`POST /V1/customers/resetPassword`): the customer of the request's
/// website with the e-mail, their token, then the new password (not the e-mail, then
/// its strength). The token goes, the lock-out is cleared, the customer is saved.
pub fn reset_password(
    state: &mut State,
    email: &str,
    token: &str,
    new: &str,
    website_id: u64,
    now: OffsetDateTime,
) -> MResult<()> {
    if email.is_empty() || email == "0" {
        return Err(MagentoError::required("email"));
    }
    let website = i64::try_from(website_id).unwrap_or(i64::MAX);
    let id = get_by_email(state, email, website)?.id;
    check_rp_token(state, i64::try_from(id).unwrap_or(-1), token, now)?;
    check_not_email(new, Some(email))?;
    check_password_strength(new)?;
    let Some(mut c) = find(state, id).cloned() else {
        return Err(not_found("customerId", json!(id)));
    };
    c.password = Some(new.to_owned());
    c.rp_token = None;
    c.rp_token_created_at = None;
    c.failures_num = 0;
    c.first_failure = None;
    c.lock_expires = None;
    c.updated_at = dates::db_time(now);
    state.customers.insert(c);
    Ok(())
}

/// `AccountManagement::validate` (`PUT /V1/customers/validate`): the EAV backend
/// validation of the customer without its addresses — each required attribute left
/// empty (`null` or `""`) is a message, in attribute order. Nothing is saved.
pub fn validate_customer(body: &Value) -> MResult<Value> {
    let input = bind_customer(body)?;
    let mut messages = Vec::new();
    for (value, label) in [
        (&input.firstname, "First Name"),
        (&input.lastname, "Last Name"),
        (&input.email, "Email"),
    ] {
        if value.as_deref().is_none_or(str::is_empty) {
            messages.push(Params::Positional(vec![json!(label)]).render(m::ATTRIBUTE_EMPTY));
        }
    }
    Ok(json!({"valid": messages.is_empty(), "messages": messages}))
}

// ---------------------------------------------------------------------------
// Sign-in: the customer lock-out and the token request throttle

/// Whether the customer's account is locked at `now` (`Customer::isCustomerLocked`:
/// `lock_expires` is set and later than now).
pub fn is_locked(c: &Customer, now: OffsetDateTime) -> bool {
    c.lock_expires
        .as_deref()
        .and_then(dates::parse_db_time)
        .is_some_and(|t| t > now)
}

/// Stores what `CustomerAuthUpdate::saveAuth` writes: the three lock-out columns, by a
/// plain SQL update, so MySQL moves `updated_at` only when one of them changed.
fn save_auth(
    c: &mut Customer,
    failures: u32,
    first: Option<String>,
    lock: Option<String>,
    now: OffsetDateTime,
) {
    if c.failures_num != failures || c.first_failure != first || c.lock_expires != lock {
        c.failures_num = failures;
        c.first_failure = first;
        c.lock_expires = lock;
        c.updated_at = dates::db_time(now);
    }
}

/// `Authentication::processAuthenticationFailure`: one more failure; the first one (or
/// the first after an expired lock) starts the count again, the
/// `customer/password/lockout_failures`-th locks the account for
/// `customer/password/lockout_threshold` minutes. Nothing is counted when either
/// setting is 0.
fn record_failure(state: &State, c: &mut Customer, now: OffsetDateTime) {
    let max = state.settings.customer_lockout_failures;
    let minutes = state.settings.customer_lockout_minutes;
    if max == 0 || minutes == 0 {
        return;
    }
    let mut failures = c.failures_num.saturating_add(1);
    let lock_expired = c
        .lock_expires
        .as_deref()
        .and_then(dates::parse_db_time)
        .is_some_and(|t| now > t);
    let (mut first, mut lock) = (c.first_failure.clone(), c.lock_expires.clone());
    if failures == 1 || first.is_none() || lock_expired {
        first = Some(dates::db_time(now));
        failures = 1;
        lock = None;
    } else if i64::from(failures) >= max {
        let until = minutes
            .checked_mul(60)
            .and_then(|secs| now.checked_add(time::Duration::seconds(secs)))
            .unwrap_or(now);
        lock = Some(dates::db_time(until));
    }
    save_auth(c, failures, first, lock, now);
}

/// Why a customer could not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    /// No customer with that e-mail in the website, or a wrong password
    /// (`Invalid login or password.`).
    Invalid,
    /// The account is locked (`The account is locked.`).
    Locked,
}

/// `AccountManagement::authenticate` for the customer token: the customer of
/// `website_id` with `email` (case-insensitive); a locked account is refused before
/// its password is looked at (and the refusal is not counted); a wrong password (or
/// none on the account) is counted ([`record_failure`]); a good one clears the count
/// (the `customer_customer_authenticated` observer's `unlock`).
pub fn sign_in(
    state: &mut State,
    email: &str,
    password: &str,
    website_id: u64,
    now: OffsetDateTime,
) -> Result<u64, SignInRefusal> {
    let mut c = find_by_email(state, email, website_id)
        .ok_or(SignInRefusal::Invalid)?
        .clone();
    if is_locked(&c, now) {
        return Err(SignInRefusal::Locked);
    }
    if c.password.as_deref() != Some(password) {
        record_failure(state, &mut c, now);
        let locked = is_locked(&c, now);
        state.customers.insert(c);
        return Err(if locked {
            SignInRefusal::Locked
        } else {
            SignInRefusal::Invalid
        });
    }
    save_auth(&mut c, 0, None, None, now);
    let id = c.id;
    state.customers.insert(c);
    Ok(id)
}

/// Who asked for a token (`RequestThrottler::USER_TYPE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUser {
    /// `POST /V1/integration/admin/token`.
    Admin,
    /// `POST /V1/integration/customer/token`.
    Customer,
}

/// One user name's failed token requests (an `oauth_token_request_log` row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFailures {
    /// Failed requests since the row was made.
    pub failures_count: u64,
    /// Unix time the row expires (the last failure plus
    /// `oauth/authentication_lock/timeout`).
    pub lock_expires_at: i64,
}

/// Rows [`TokenRequestLog`] keeps per user type at most.
pub const TOKEN_LOG_CAPACITY: usize = 10_000;

/// `oauth_token_request_log`: failed token requests per user type and user name (the
/// name as MySQL compares it, lower-cased), whatever the name is (an unknown one
/// counts too).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenRequestLog {
    /// Admin user names.
    #[serde(default)]
    pub admin: BTreeMap<String, TokenFailures>,
    /// Customer e-mails.
    #[serde(default)]
    pub customer: BTreeMap<String, TokenFailures>,
}

impl TokenRequestLog {
    fn table(&self, user: TokenUser) -> &BTreeMap<String, TokenFailures> {
        match user {
            TokenUser::Admin => &self.admin,
            TokenUser::Customer => &self.customer,
        }
    }

    fn table_mut(&mut self, user: TokenUser) -> &mut BTreeMap<String, TokenFailures> {
        match user {
            TokenUser::Admin => &mut self.admin,
            TokenUser::Customer => &mut self.customer,
        }
    }

    /// The failures counted for `name` at `now_unix`: a row past its expiry counts as
    /// gone (Magento's cleanup deletes it).
    pub fn failures(&self, user: TokenUser, name: &str, now_unix: i64) -> u64 {
        self.table(user)
            .get(&name.to_lowercase())
            .filter(|r| r.lock_expires_at > now_unix)
            .map_or(0, |r| r.failures_count)
    }

    /// `RequestLog::incrementFailuresCount`: one more failure, the row's expiry moved to
    /// `now_unix + timeout_secs`.
    pub fn log_failure(&mut self, user: TokenUser, name: &str, now_unix: i64, timeout_secs: i64) {
        let expires = now_unix.saturating_add(timeout_secs);
        let key = name.to_lowercase();
        let table = self.table_mut(user);
        if !table.contains_key(&key) && table.len() >= TOKEN_LOG_CAPACITY {
            // Bounded memory: expired rows go first (Magento's cleanup cron), then the
            // first names in order, so that a flood of made-up names cannot grow the
            // table without end.
            table.retain(|_, r| r.lock_expires_at > now_unix);
            while table.len() >= TOKEN_LOG_CAPACITY {
                if table.pop_first().is_none() {
                    break;
                }
            }
        }
        let row = table.entry(key).or_insert(TokenFailures {
            failures_count: 0,
            lock_expires_at: expires,
        });
        if row.lock_expires_at <= now_unix {
            row.failures_count = 0;
        }
        row.failures_count = row.failures_count.saturating_add(1);
        row.lock_expires_at = expires;
    }

    /// `RequestLog::resetFailuresCount`: the row goes.
    pub fn reset(&mut self, user: TokenUser, name: &str) {
        self.table_mut(user).remove(&name.to_lowercase());
    }
}

/// `DELETE /V1/customers/{id}`: the customer and its addresses go; its bearer tokens
/// stop working (Magento's `oauth_token` rows cascade with the customer).
pub fn delete(state: &mut State, id: i64) -> MResult<()> {
    let id = get(state, id)?.id;
    state.customers.remove(id);
    state
        .tokens
        .revoke_owner(&crate::state::TokenOwner::Customer { customer_id: id });
    Ok(())
}

// ---------------------------------------------------------------------------
// Binding

/// A bound `CustomerInterface`: `None` for what the client did not send (or sent as
/// JSON `null`).
#[derive(Debug, Default)]
struct CustomerInput {
    id: Option<i64>,
    group_id: Option<i64>,
    default_billing: Option<String>,
    default_shipping: Option<String>,
    created_at: Option<String>,
    created_in: Option<String>,
    email: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
    store_id: Option<i64>,
    website_id: Option<i64>,
    addresses: Option<Vec<AddressInput>>,
    disable_auto_group_change: Option<i64>,
    extra: Map<String, Value>,
    is_subscribed: Option<bool>,
}

/// A bound `AddressInterface`.
#[derive(Debug, Default)]
struct AddressInput {
    id: Option<i64>,
    region: Option<(Option<String>, Option<String>, Option<i64>)>,
    region_id: Option<i64>,
    country_id: Option<String>,
    street: Option<Vec<String>>,
    text: Map<String, Value>,
    default_shipping: bool,
    default_billing: bool,
}

fn object<'a>(v: &'a Value, field: &str, class: &str) -> MResult<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| input::type_error(field, v, class))
}

fn list<'a>(v: &'a Value, field: &str) -> MResult<&'a [Value]> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| input::type_error(field, v, "array"))
}

fn bind_customer(v: &Value) -> MResult<CustomerInput> {
    let mut c = CustomerInput::default();
    for (key, value) in object(v, "customer", CUSTOMER_CLASS)? {
        if value.is_null() {
            continue;
        }
        let name = input::snake(key);
        let text = || input::to_string(value, &name);
        let int = || input::to_i64(value, &name);
        match name.as_str() {
            "id" => c.id = Some(int()?),
            "group_id" => c.group_id = Some(int()?),
            "default_billing" => c.default_billing = Some(text()?),
            "default_shipping" => c.default_shipping = Some(text()?),
            // Kept by Magento only through its own flows (confirmation e-mails); the
            // repository recomputes `updated_at`.
            "confirmation" | "updated_at" => {
                text()?;
            }
            "created_at" => c.created_at = Some(text()?),
            "created_in" => c.created_in = Some(text()?),
            "email" => c.email = Some(text()?),
            "firstname" => c.firstname = Some(text()?),
            "lastname" => c.lastname = Some(text()?),
            "store_id" => c.store_id = Some(int()?),
            "website_id" => c.website_id = Some(int()?),
            "disable_auto_group_change" => c.disable_auto_group_change = Some(int()?),
            "addresses" => {
                c.addresses = Some(
                    list(value, "addresses")?
                        .iter()
                        .map(bind_address)
                        .collect::<MResult<_>>()?,
                );
            }
            "extension_attributes" => {
                for (k, v) in object(value, "extension_attributes", EXTENSION_CLASS)? {
                    match input::snake(k).as_str() {
                        "is_subscribed" if v.is_null() => {}
                        "is_subscribed" => c.is_subscribed = Some(input::to_bool(v, k)?),
                        _ => return Err(MagentoError::unknown_property(k, EXTENSION_CLASS)),
                    }
                }
            }
            // A stock install has no user-defined customer attributes: Magento drops
            // the codes it does not know.
            "custom_attributes" => {
                list(value, "custom_attributes")?;
            }
            other => match EXTRA_ATTRIBUTES.iter().find(|(k, _)| *k == other) {
                Some((k, true)) => {
                    c.extra.insert((*k).to_owned(), json!(int()?));
                }
                Some((k, false)) => {
                    c.extra.insert((*k).to_owned(), json!(text()?));
                }
                None => return Err(MagentoError::unknown_property(key, CUSTOMER_CLASS)),
            },
        }
    }
    Ok(c)
}

fn bind_address(v: &Value) -> MResult<AddressInput> {
    let mut a = AddressInput::default();
    for (key, value) in object(v, "addresses", ADDRESS_CLASS)? {
        if value.is_null() {
            continue;
        }
        let name = input::snake(key);
        match name.as_str() {
            "id" => a.id = Some(input::to_i64(value, &name)?),
            // The owner is the customer being saved, whatever the client says.
            "customer_id" => {
                input::to_i64(value, &name)?;
            }
            "region" => a.region = Some(bind_region(value)?),
            "region_id" => a.region_id = Some(input::to_i64(value, &name)?),
            "country_id" => a.country_id = Some(input::to_string(value, &name)?),
            "street" => {
                a.street = Some(match value {
                    Value::Array(lines) => lines
                        .iter()
                        .map(|l| input::to_string(l, "street"))
                        .collect::<MResult<_>>()?,
                    other => vec![input::to_string(other, "street")?],
                });
            }
            "default_shipping" => a.default_shipping = input::to_bool(value, &name)?,
            "default_billing" => a.default_billing = input::to_bool(value, &name)?,
            "extension_attributes" => {
                if let Some((k, _)) = object(value, &name, ADDRESS_EXTENSION_CLASS)?.iter().next() {
                    return Err(MagentoError::unknown_property(k, ADDRESS_EXTENSION_CLASS));
                }
            }
            "custom_attributes" => {
                list(value, &name)?;
            }
            other if ADDRESS_TEXT.contains(&other) => {
                a.text
                    .insert(other.to_owned(), json!(input::to_string(value, other)?));
            }
            _ => return Err(MagentoError::unknown_property(key, ADDRESS_CLASS)),
        }
    }
    Ok(a)
}

fn bind_region(v: &Value) -> MResult<(Option<String>, Option<String>, Option<i64>)> {
    let (mut code, mut name, mut id) = (None, None, None);
    for (key, value) in object(v, "region", REGION_CLASS)? {
        if value.is_null() {
            continue;
        }
        match input::snake(key).as_str() {
            "region_code" => code = Some(input::to_string(value, "region_code")?),
            "region" => name = Some(input::to_string(value, "region")?),
            "region_id" => id = Some(input::to_i64(value, "region_id")?),
            _ => return Err(MagentoError::unknown_property(key, REGION_CLASS)),
        }
    }
    Ok((code, name, id))
}

// ---------------------------------------------------------------------------
// Validation

/// PHP's `empty($v) && $v !== '0'`: the EAV test for a missing required value.
fn is_empty(v: Option<&str>) -> bool {
    v.is_none_or(str::is_empty)
}

/// `AccountManagement::checkPasswordStrength`, then the e-mail comparison of
/// `createAccount`.
pub fn check_password(password: &str, email: Option<&str>) -> MResult<()> {
    check_password_strength(password)?;
    check_not_email(password, email)
}

/// `CredentialsValidator::checkPasswordDifferentFromEmail` (strcasecmp).
fn check_not_email(password: &str, email: Option<&str>) -> MResult<()> {
    if email.is_some_and(|e| e.eq_ignore_ascii_case(password)) {
        return Err(MagentoError::bad_request(m::PASSWORD_IS_EMAIL));
    }
    Ok(())
}

/// `AccountManagement::checkPasswordStrength`: at most 256 characters, at least 8, no
/// leading or trailing blank, 3 classes of characters.
fn check_password_strength(password: &str) -> MResult<()> {
    let length = password.chars().count();
    if length > MAX_PASSWORD_LENGTH {
        return Err(MagentoError::bad_request(m::PASSWORD_TOO_LONG)
            .positional([json!(MAX_PASSWORD_LENGTH)]));
    }
    if length < MIN_PASSWORD_LENGTH {
        return Err(MagentoError::bad_request(m::PASSWORD_TOO_SHORT)
            .positional([json!(MIN_PASSWORD_LENGTH)]));
    }
    // PHP's trim(): space, \t, \n, \r, \0, \x0B.
    if password.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B']) != password {
        return Err(MagentoError::bad_request(m::PASSWORD_SPACES));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|&&b| b).count() < REQUIRED_CHARACTER_CLASSES {
        return Err(MagentoError::bad_request(m::PASSWORD_CLASSES)
            .positional([json!(REQUIRED_CHARACTER_CLASSES)]));
    }
    Ok(())
}

/// Approximates the Zend e-mail validator Magento's EAV layer runs: a dot-atom local
/// part (at most 64 characters), `@`, and a host name of at least two labels
/// (letters, digits, inner hyphens) ending in an alphabetic top-level domain.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, host)) = email.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(atext));
    let labels: Vec<&str> = host.split('.').collect();
    let host_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    local_ok && host_ok
}

/// The EAV validation of the resource model: every message rendered, joined with a
/// newline, as one 400 without parameters.
fn validate_attributes(c: &Customer) -> MResult<()> {
    let mut errors = Vec::new();
    for (value, label) in [(&c.firstname, "First Name"), (&c.lastname, "Last Name")] {
        if is_empty(Some(value)) {
            errors.push(Params::Positional(vec![json!(label)]).render(m::REQUIRED_VALUE));
        }
    }
    if !is_valid_email(&c.email) {
        errors.push(Params::Positional(vec![json!("Email")]).render(m::INVALID_EMAIL));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(MagentoError::bad_request(errors.join("\n")))
    }
}

fn validate_group(state: &State, group_id: i64) -> MResult<u64> {
    u64::try_from(group_id)
        .ok()
        .filter(|g| state.customer_groups.contains_key(g))
        .ok_or_else(|| MagentoError::bad_request(m::GROUP_NOT_FOUND))
}

/// `Address\Validator\General` then `Address\Validator\Country`, aggregated.
fn validate_address(a: &CustomerAddress) -> MResult<()> {
    let text = |k: &str| {
        a.fields
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let first_street = a
        .fields
        .get("street")
        .and_then(|s| s.get(0))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let country = text("country_id");
    let mut missing = Vec::new();
    for (field, present) in [
        ("firstname", text("firstname").is_some()),
        ("lastname", text("lastname").is_some()),
        ("street", first_street.is_some()),
        ("city", text("city").is_some()),
        ("telephone", text("telephone").is_some()),
        (
            "postcode",
            text("postcode").is_some()
                || country.is_some_and(|c| OPTIONAL_ZIP_COUNTRIES.contains(&c)),
        ),
        ("countryId", country.is_some()),
    ] {
        if !present {
            missing.push(ErrorEntry::with(
                msg::REQUIRED,
                Params::named([("fieldName", json!(field))]),
            ));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(MagentoError::input(missing))
    }
}

// ---------------------------------------------------------------------------
// Save

/// What a save needs from the request.
#[derive(Debug, Clone)]
pub struct SaveScope {
    /// Now.
    pub now: OffsetDateTime,
    /// The store a new customer joins when the body names neither store nor website
    /// (the request's store view; the default store view for `/rest/all`).
    pub store_id: u64,
    /// Whether the caller holds `Magento_Customer::manage`: `createAccount` drops the
    /// `group_id` of anyone else (a guest signing up).
    pub may_set_group: bool,
}

/// `POST /V1/customers` (`AccountManagement::createAccount`): the new customer's id.
/// Nothing is stored when anything is refused.
pub fn create(
    state: &mut State,
    body: &Value,
    password: Option<&Value>,
    scope: &SaveScope,
) -> MResult<u64> {
    let mut input = bind_customer(body)?;
    let password = password
        .map(|p| input::to_string(p, "password"))
        .transpose()?;
    if let Some(p) = &password {
        check_password(p, input.email.as_deref())?;
    }
    if input.id.is_some_and(|id| id != 0) {
        // Magento's "add an existing customer to another store" path.
        let email = input.email.clone().unwrap_or_default();
        let website = store_website(state, scope.store_id);
        return Err(match find_by_email(state, &email, website) {
            Some(_) => MagentoError::bad_request(m::ALREADY_IN_STORE),
            None => MagentoError::not_found(m::NO_SUCH_ENTITY_2).named([
                ("fieldName", json!("email")),
                ("fieldValue", json!(email)),
                ("field2Name", json!("websiteId")),
                ("field2Value", json!(website)),
            ]),
        });
    }
    let (store_id, website_id) = placement(state, &input, scope.store_id)?;
    let created_in = state
        .store_views
        .iter()
        .find(|s| s.id == store_id)
        .map_or_else(String::new, |s| s.name.clone());
    let group_id = match input.group_id.filter(|_| scope.may_set_group) {
        Some(g) => validate_group(state, g)?,
        None => state.settings.default_customer_group,
    };
    let now = dates::db_time(scope.now);
    let created_at = input
        .created_at
        .as_deref()
        .and_then(dates::parse_db_time)
        .map_or_else(|| now.clone(), dates::db_time);
    let id = state.next.customer_id;
    let mut customer = Customer {
        id,
        group_id,
        default_billing: None,
        default_shipping: None,
        created_at,
        updated_at: now,
        created_in,
        email: input.email.take().unwrap_or_default(),
        firstname: input.firstname.take().unwrap_or_default(),
        lastname: input.lastname.take().unwrap_or_default(),
        store_id,
        website_id,
        addresses: Vec::new(),
        disable_auto_group_change: input.disable_auto_group_change.unwrap_or(0),
        extra: std::mem::take(&mut input.extra),
        password,
        is_subscribed: input.is_subscribed.unwrap_or(false),
        ..Customer::default()
    };
    check_resource_rules(state, &customer)?;
    let addresses = input.addresses.take().unwrap_or_default();
    let mut next_address = state.next.customer_address_id;
    for a in &addresses {
        let address = build_address(a, id, next_address, None);
        next_address += 1;
        if let Err(e) = validate_address(&address) {
            // Magento saved the customer (and the addresses before this one), then
            // deleted it: the rows are gone, their auto-increment ids stay used.
            state.next.customer_id += 1;
            state.next.customer_address_id = next_address - 1;
            return Err(e);
        }
        if a.default_billing {
            customer.default_billing = Some(address.id);
        }
        if a.default_shipping {
            customer.default_shipping = Some(address.id);
        }
        customer.addresses.push(address);
    }
    sync_default_flags(&mut customer);
    state.next.customer_id += 1;
    state.next.customer_address_id = next_address;
    // `createAccountWithPasswordHash` ends with `changeResetPasswordLinkToken`.
    set_rp_token(state, customer, scope.now);
    Ok(id)
}

/// `PUT /V1/customers/{id}` and `PUT /V1/customers/me` (`CustomerRepository::save`):
/// what was sent is layered over the stored customer; sent addresses replace the
/// stored ones (an address keeps its id when the client sends it).
pub fn update(state: &mut State, id: i64, body: &Value, scope: &SaveScope) -> MResult<u64> {
    let mut input = bind_customer(body)?;
    if let Some(addresses) = &input.addresses {
        validate_default_addresses(&input, addresses)?;
    }
    let mut customer = get(state, id)?.clone();
    if let Some(g) = input.group_id {
        customer.group_id = validate_group(state, g)?;
    }
    if let Some(v) = input.email.take() {
        customer.email = v;
    }
    if let Some(v) = input.firstname.take() {
        customer.firstname = v;
    }
    if let Some(v) = input.lastname.take() {
        customer.lastname = v;
    }
    if let Some(v) = input.created_in.take() {
        customer.created_in = v;
    }
    if let Some(v) = input.store_id {
        customer.store_id = u64::try_from(v).unwrap_or_default();
    }
    if let Some(v) = input.website_id {
        customer.website_id = u64::try_from(v).unwrap_or_default();
    }
    if let Some(v) = input.disable_auto_group_change {
        customer.disable_auto_group_change = v;
    }
    if let Some(v) = input.is_subscribed {
        customer.is_subscribed = v;
    }
    customer.extra.extend(std::mem::take(&mut input.extra));
    customer.updated_at = dates::db_time(scope.now);
    check_resource_rules(state, &customer)?;

    let mut next_address = state.next.customer_address_id;
    if let Some(addresses) = input.addresses.take() {
        let mut saved = Vec::with_capacity(addresses.len());
        for a in &addresses {
            let existing = match a.id.filter(|&i| i != 0) {
                Some(aid) => Some(
                    customer
                        .addresses
                        .iter()
                        .find(|x| i64::try_from(x.id) == Ok(aid))
                        .map(|x| x.id)
                        .ok_or_else(|| not_found("addressId", json!(aid)))?,
                ),
                None => None,
            };
            let address = build_address(a, customer.id, next_address, existing);
            if existing.is_none() {
                next_address += 1;
            }
            validate_address(&address)?;
            if a.default_billing {
                customer.default_billing = Some(address.id);
            }
            if a.default_shipping {
                customer.default_shipping = Some(address.id);
            }
            saved.push(address);
        }
        customer.addresses = saved;
        let kept = |d: Option<u64>, addresses: &[CustomerAddress]| {
            d.filter(|d| addresses.iter().any(|a| a.id == *d))
        };
        customer.default_billing = kept(customer.default_billing, &customer.addresses);
        customer.default_shipping = kept(customer.default_shipping, &customer.addresses);
    } else {
        // Without addresses a customer-level default may point at a stored address.
        let pick = |sent: &Option<String>, current: Option<u64>| {
            sent.as_deref()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .filter(|d| customer.addresses.iter().any(|a| a.id == *d))
                .or(current)
        };
        customer.default_billing = pick(&input.default_billing, customer.default_billing);
        customer.default_shipping = pick(&input.default_shipping, customer.default_shipping);
    }
    sync_default_flags(&mut customer);
    state.next.customer_address_id = next_address;
    let id = customer.id;
    state.customers.insert(customer);
    Ok(id)
}

/// `CustomerRepository::validateDefaultAddress`: a customer-level default address id
/// sent beside addresses must be one of theirs.
fn validate_default_addresses(input: &CustomerInput, addresses: &[AddressInput]) -> MResult<()> {
    if addresses.is_empty() {
        return Ok(());
    }
    for (field, sent) in [
        ("default_billing", &input.default_billing),
        ("default_shipping", &input.default_shipping),
    ] {
        let Some(sent) = sent.as_deref().filter(|s| !s.is_empty() && *s != "0") else {
            continue;
        };
        let wanted = sent.trim().parse::<i64>().unwrap_or(0);
        if !addresses.iter().any(|a| a.id.unwrap_or(0) == wanted) {
            return Err(MagentoError::bad_request(m::DEFAULT_ADDRESS_INVALID)
                .named([("fieldName", json!(field))]));
        }
    }
    Ok(())
}

/// The resource model's `_beforeSave`: e-mail present, unique in the website, then
/// the EAV attribute validation.
fn check_resource_rules(state: &State, c: &Customer) -> MResult<()> {
    if c.email.is_empty() || c.email == "0" {
        return Err(MagentoError::bad_request(m::EMAIL_MISSING));
    }
    if find_by_email(state, &c.email, c.website_id).is_some_and(|other| other.id != c.id) {
        return Err(MagentoError::bad_request(m::DUPLICATE_EMAIL));
    }
    validate_attributes(c)
}

fn store_website(state: &State, store_id: u64) -> u64 {
    state
        .store_views
        .iter()
        .find(|s| s.id == store_id)
        .map_or(0, |s| s.website_id)
}

/// `createAccountWithPasswordHash`: the store and website of a new customer. A zero id
/// counts as not sent (PHP falsy).
fn placement(state: &State, input: &CustomerInput, request_store: u64) -> MResult<(u64, u64)> {
    let sent = |v: Option<i64>| v.filter(|&v| v != 0);
    let website_exists = |id: i64| {
        state
            .websites
            .iter()
            .find(|w| i64::try_from(w.id) == Ok(id))
            .ok_or_else(|| MagentoError::not_found(m::WEBSITE_NOT_FOUND).positional([json!(id)]))
    };
    let store_id = match (sent(input.store_id), sent(input.website_id)) {
        (Some(s), _) => u64::try_from(s).unwrap_or(u64::MAX),
        (None, Some(w)) => {
            let website = website_exists(w)?;
            state
                .store_groups
                .iter()
                .find(|g| g.id == website.default_group_id)
                .map_or(request_store, |g| g.default_store_id)
        }
        (None, None) => request_store,
    };
    let store = state
        .store_views
        .iter()
        .find(|s| s.id == store_id)
        .ok_or_else(|| MagentoError::not_found(m::STORE_NOT_FOUND))?;
    let website_id = match sent(input.website_id) {
        Some(w) => website_exists(w)?.id,
        None => store.website_id,
    };
    if store.website_id != website_id {
        return Err(MagentoError::bad_request(m::STORE_NOT_IN_WEBSITE));
    }
    Ok((store_id, website_id))
}

/// An address as stored: `id` is `existing` or `new_id`.
fn build_address(
    a: &AddressInput,
    customer_id: u64,
    new_id: u64,
    existing: Option<u64>,
) -> CustomerAddress {
    let (code, name, region_id) = a.region.clone().unwrap_or_default();
    let region_id = region_id.or(a.region_id).unwrap_or(0);
    let mut fields = Map::new();
    fields.insert(
        "region".into(),
        json!({"region_code": code, "region": name, "region_id": region_id}),
    );
    fields.insert("region_id".into(), json!(region_id));
    if let Some(c) = &a.country_id {
        fields.insert("country_id".into(), json!(c));
    }
    if let Some(s) = &a.street {
        fields.insert("street".into(), json!(s));
    }
    for key in ADDRESS_TEXT {
        if let Some(v) = a.text.get(*key) {
            fields.insert((*key).to_owned(), v.clone());
        }
    }
    CustomerAddress {
        id: existing.unwrap_or(new_id),
        customer_id,
        fields,
        default_shipping: false,
        default_billing: false,
    }
}

fn sync_default_flags(c: &mut Customer) {
    for a in &mut c.addresses {
        a.default_billing = c.default_billing == Some(a.id);
        a.default_shipping = c.default_shipping == Some(a.id);
    }
}

// ---------------------------------------------------------------------------
// JSON

/// A customer as Magento renders it: `CustomerInterface` getters in declaration order,
/// unset optional ones left out; `is_subscribed` when the Newsletter module is on.
pub fn customer_json(state: &State, c: &Customer) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(c.id));
    o.insert("group_id".into(), json!(c.group_id));
    if let Some(d) = c.default_billing {
        o.insert("default_billing".into(), json!(d.to_string()));
    }
    if let Some(d) = c.default_shipping {
        o.insert("default_shipping".into(), json!(d.to_string()));
    }
    o.insert("created_at".into(), json!(c.created_at));
    o.insert("updated_at".into(), json!(c.updated_at));
    o.insert("created_in".into(), json!(c.created_in));
    let extra = |o: &mut Map<String, Value>, key: &str| {
        if let Some(v) = c.extra.get(key) {
            o.insert(key.to_owned(), v.clone());
        }
    };
    extra(&mut o, "dob");
    o.insert("email".into(), json!(c.email));
    o.insert("firstname".into(), json!(c.firstname));
    o.insert("lastname".into(), json!(c.lastname));
    for key in ["middlename", "prefix", "suffix", "gender"] {
        extra(&mut o, key);
    }
    o.insert("store_id".into(), json!(c.store_id));
    extra(&mut o, "taxvat");
    o.insert("website_id".into(), json!(c.website_id));
    o.insert(
        "addresses".into(),
        Value::Array(c.addresses.iter().map(address_json).collect()),
    );
    o.insert(
        "disable_auto_group_change".into(),
        json!(c.disable_auto_group_change),
    );
    if state.modules.iter().any(|m| m == "Magento_Newsletter") {
        o.insert(
            "extension_attributes".into(),
            json!({"is_subscribed": c.is_subscribed}),
        );
    }
    Value::Object(o)
}

/// An address as Magento renders it (`AddressInterface` getter order; the default
/// flags only when true).
pub fn address_json(a: &CustomerAddress) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(a.id));
    o.insert("customer_id".into(), json!(a.customer_id));
    for key in ["region", "region_id", "country_id", "street"]
        .into_iter()
        .chain(ADDRESS_TEXT.iter().copied())
    {
        if let Some(v) = a.fields.get(key) {
            o.insert(key.to_owned(), v.clone());
        }
    }
    if a.default_shipping {
        o.insert("default_shipping".into(), json!(true));
    }
    if a.default_billing {
        o.insert("default_billing".into(), json!(true));
    }
    Value::Object(o)
}

/// A customer's column for searchCriteria: the EAV attributes of a stock install, the
/// `name` and `billing_*` columns the repository joins, `None` for anything else
/// (Magento: `Invalid attribute name`). Secrets read as NULL.
pub fn customer_field<'a>(c: &'a Customer, column: &str) -> Option<Field<'a>> {
    let num = |n: u64| Field::Num(n as f64);
    let opt_num = |n: Option<u64>| n.map_or(Field::Missing, num);
    let text = |s: &'a str| Field::text(s);
    let extra = |k: &str| match c.extra.get(k) {
        Some(Value::String(s)) => Field::text(s),
        Some(Value::Number(n)) => n.as_f64().map_or(Field::Missing, Field::Num),
        _ => Field::Missing,
    };
    let billing = |k: &str| {
        c.default_billing
            .and_then(|d| c.addresses.iter().find(|a| a.id == d))
            .and_then(|a| match k {
                "region" => a.fields.get("region").and_then(|r| r.get("region")),
                _ => a.fields.get(k),
            })
            .and_then(Value::as_str)
            .map_or(Field::Missing, text)
    };
    Some(match column {
        "entity_id" => num(c.id),
        "email" => text(&c.email),
        "firstname" => text(&c.firstname),
        "lastname" => text(&c.lastname),
        "group_id" => num(c.group_id),
        "website_id" => num(c.website_id),
        "store_id" => num(c.store_id),
        "created_at" => text(&c.created_at),
        "updated_at" => text(&c.updated_at),
        "created_in" => text(&c.created_in),
        "default_billing" => opt_num(c.default_billing),
        "default_shipping" => opt_num(c.default_shipping),
        "disable_auto_group_change" => Field::Num(c.disable_auto_group_change as f64),
        "dob" | "middlename" | "prefix" | "suffix" | "gender" | "taxvat" => extra(column),
        "name" => {
            let parts = [
                extra("prefix"),
                text(&c.firstname),
                extra("middlename"),
                text(&c.lastname),
                extra("suffix"),
            ];
            let words: Vec<Cow<'_, str>> = parts
                .into_iter()
                .filter_map(|p| match p {
                    Field::Str(s) if !s.is_empty() => Some(s),
                    _ => None,
                })
                .collect();
            Field::Str(words.join(" ").into())
        }
        "billing_postcode" => billing("postcode"),
        "billing_city" => billing("city"),
        "billing_telephone" => billing("telephone"),
        "billing_region" => billing("region"),
        "billing_country_id" => billing("country_id"),
        "billing_company" => billing("company"),
        "failures_num" => Field::Num(f64::from(c.failures_num)),
        "first_failure" => c.first_failure.as_deref().map_or(Field::Missing, text),
        "lock_expires" => c.lock_expires.as_deref().map_or(Field::Missing, text),
        "confirmation" | "password_hash" | "rp_token" | "rp_token_created_at" | "increment_id" => {
            Field::Missing
        }
        "attribute_set_id" | "entity_type_id" => Field::Num(1.0),
        "is_active" => Field::Num(1.0),
        _ => return None,
    })
}

/// 400 `Invalid attribute name: %1` for the first filter on a column customers do not
/// have.
pub fn check_filter_fields(criteria: &crate::search::SearchCriteria) -> MResult<()> {
    let probe = Customer::default();
    for f in criteria.filter_groups.iter().flat_map(|g| &g.filters) {
        let field = f.field.as_deref().unwrap_or("");
        if customer_field(&probe, field).is_none() {
            return Err(MagentoError::bad_request(m::INVALID_ATTRIBUTE).positional([json!(field)]));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_token_request_log_stays_bounded() {
        let mut log = TokenRequestLog::default();
        let n = TOKEN_LOG_CAPACITY + 50;
        for i in 0..n {
            log.log_failure(TokenUser::Customer, &format!("u{i}@x.test"), 1_000, 1800);
        }
        assert_eq!(log.customer.len(), TOKEN_LOG_CAPACITY);
        // The newest name is kept and counted.
        let last = format!("u{}@x.test", n - 1);
        assert_eq!(log.failures(TokenUser::Customer, &last, 1_001), 1);
        // Once the rows have expired, a new name clears them instead.
        log.log_failure(TokenUser::Customer, "late@x.test", 10_000, 1800);
        assert_eq!(log.customer.len(), 1);
    }

    use super::*;

    #[test]
    fn password_rules_in_magentos_order() {
        let err = |p: &str| check_password(p, Some("jdoe@example.com")).unwrap_err();
        assert_eq!(err("Ab1!").message, m::PASSWORD_TOO_SHORT);
        assert_eq!(err("Ab1!").parameters, Params::Positional(vec![json!(8)]));
        assert_eq!(err(&"aA1!".repeat(65)).message, m::PASSWORD_TOO_LONG);
        assert_eq!(err(" Password1").message, m::PASSWORD_SPACES);
        assert_eq!(err("password1").message, m::PASSWORD_CLASSES);
        assert_eq!(
            err("password1").parameters,
            Params::Positional(vec![json!(3)])
        );
        assert_eq!(
            check_password("JDOE@example.com", Some("jdoe@example.com"))
                .unwrap_err()
                .message,
            m::PASSWORD_IS_EMAIL
        );
        assert!(check_password("Password1", Some("jdoe@example.com")).is_ok());
        assert!(check_password("pass word1", None).is_ok());
    }

    #[test]
    fn email_shapes() {
        for ok in [
            "jdoe@example.com",
            "j.doe+tag@mail.example.co.uk",
            "a_b@x-y.io",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "invalid",
            "@example.com",
            "jdoe@",
            "jdoe@localhost",
            "j..doe@example.com",
            ".jdoe@example.com",
            "jdoe@-example.com",
            "jdoe@example.c0m",
            "jd oe@example.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn attribute_errors_are_one_rendered_message() {
        let mut c = Customer {
            email: "jdoe@example.com".into(),
            ..Customer::default()
        };
        assert_eq!(
            validate_attributes(&c).unwrap_err().body(),
            json!({"message": "\"First Name\" is a required value.\n\"Last Name\" is a required value."})
        );
        c.firstname = "0".into();
        c.lastname = "Doe".into();
        assert!(validate_attributes(&c).is_ok());
    }
}
