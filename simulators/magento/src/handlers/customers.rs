//! Customer handlers (reference §9). The rules live in [`crate::customers`]; these
//! bind the input and shape the output.

use serde_json::{Value, json};

use super::{Ctx, Principal, Scope};
use crate::customers::{self as cus, SaveScope};
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::search;

/// ACL resource that lets `createAccount` keep a sent `group_id`.
const MANAGE: &str = "Magento_Customer::manage";

/// The `int` path parameter `customerId`.
fn customer_id(ctx: &Ctx<'_>) -> MResult<i64> {
    input::to_i64(&Value::String(ctx.param(0).to_owned()), "customerId")
}

/// The customer of a customer token (the route only lets those through).
fn me_id(ctx: &Ctx<'_>) -> MResult<i64> {
    match ctx.principal {
        Principal::Customer { customer_id } => Ok(i64::try_from(customer_id).unwrap_or(-1)),
        _ => Err(MagentoError::not_authorized(&[crate::routes::SELF])),
    }
}

fn save_scope(ctx: &Ctx<'_>) -> SaveScope {
    // `createAccount` resets the current store before picking a default one, so
    // `/rest/all` lands in the default store view, not the admin store.
    let store_id = match ctx.scope {
        Scope::All => ctx.state.default_store_view().map_or(1, |s| s.id),
        _ => ctx.store_id(),
    };
    SaveScope {
        now: ctx.now,
        store_id,
        may_set_group: crate::auth::authorize(ctx.state, &ctx.principal, &[MANAGE]).is_ok(),
    }
}

fn render(ctx: &Ctx<'_>, id: i64) -> MResult<Value> {
    let c = cus::get(ctx.state, id)?;
    Ok(cus::customer_json(ctx.state, c))
}

/// `POST /V1/customers` `{"customer": {...}, "password": "..."}` (anonymous).
/// <https://developer.adobe.com/commerce/webapi/rest/tutorials/orders/order-create-customer/>
pub fn create(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let customer = input::arg(&ctx.body, "customer")?.clone();
    let password = input::field(&ctx.body, "password").cloned();
    let scope = save_scope(ctx);
    let id = cus::create(ctx.state, &customer, password.as_ref(), &scope)?;
    render(ctx, i64::try_from(id).unwrap_or(-1))
}

/// `GET /V1/customers/{customerId}`.
pub fn get(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = customer_id(ctx)?;
    render(ctx, id)
}

/// `PUT /V1/customers/{customerId}` `{"customer": {...}}`: the URL's id wins.
pub fn put(ctx: &mut Ctx<'_>) -> MResult<Value> {
    // Magento injects the path parameter into the customer as its `id`.
    let id = input::to_i64(&Value::String(ctx.param(0).to_owned()), "id")?;
    let customer = input::arg(&ctx.body, "customer")?.clone();
    let scope = save_scope(ctx);
    let id = cus::update(ctx.state, id, &customer, &scope)?;
    render(ctx, i64::try_from(id).unwrap_or(-1))
}

/// `DELETE /V1/customers/{customerId}` → `true`.
pub fn delete(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = customer_id(ctx)?;
    cus::delete(ctx.state, id)?;
    Ok(Value::Bool(true))
}

/// `GET /V1/customers/search?searchCriteria…` (required), in id order.
pub fn search(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    cus::check_filter_fields(&criteria)?;
    let rows: Vec<&cus::Customer> = ctx.state.customers.values().collect();
    let (page, total) = criteria.apply(&rows, |c, f| {
        cus::customer_field(c, f).unwrap_or(search::Field::Missing)
    })?;
    let items = page
        .into_iter()
        .map(|c| cus::customer_json(ctx.state, c))
        .collect();
    Ok(search::result(items, &criteria, total))
}

/// `GET /V1/customers/me` (customer token).
pub fn me(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = me_id(ctx)?;
    render(ctx, id)
}

/// `PUT /V1/customers/me` (customer token): the token's customer, whatever id the
/// body carries.
pub fn put_me(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = me_id(ctx)?;
    let customer = input::arg(&ctx.body, "customer")?.clone();
    let scope = save_scope(ctx);
    let id = cus::update(ctx.state, id, &customer, &scope)?;
    render(ctx, i64::try_from(id).unwrap_or(-1))
}

/// `POST /V1/customers/isEmailAvailable` `{"customerEmail": "...", "websiteId": 1}`
/// → `true` / `false` (anonymous). Without `websiteId`, the request's website.
pub fn is_email_available(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let email = input::to_string(input::arg(&ctx.body, "customerEmail")?, "customerEmail")?;
    let website = match input::field(&ctx.body, "website_id") {
        Some(v) => u64::try_from(input::to_i64(v, "websiteId")?).unwrap_or(u64::MAX),
        None => ctx.website_id(),
    };
    Ok(Value::Bool(cus::is_email_available(
        ctx.state, &email, website,
    )))
}

/// `GET /V1/customers/{customerId}/permissions/readonly`
/// (`AccountManagement::isReadonly`): `!deleteable`, and every customer model is
/// deleteable, so `false`; an unknown customer is 404.
pub fn is_readonly(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = customer_id(ctx)?;
    cus::get(ctx.state, id)?;
    Ok(Value::Bool(false))
}

// ---------------------------------------------------------------------------
// Passwords and account state

/// The service method's required string arguments, in signature order: every missing
/// one is listed (`ServiceInputProcessor` collects them into one input exception).
fn required_strings<const N: usize>(ctx: &Ctx<'_>, names: [&str; N]) -> MResult<[String; N]> {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| input::arg(&ctx.body, n).is_err())
        .collect();
    if !missing.is_empty() {
        return Err(MagentoError::required_fields(&missing));
    }
    let mut out: [String; N] = std::array::from_fn(|_| String::new());
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = input::to_string(input::arg(&ctx.body, name)?, name)?;
    }
    Ok(out)
}

/// An optional `int` argument.
fn optional_int(ctx: &Ctx<'_>, name: &str) -> MResult<Option<i64>> {
    input::field(&ctx.body, &input::snake(name))
        .or_else(|| input::field(&ctx.body, name))
        .map(|v| input::to_i64(v, name))
        .transpose()
}

/// `PUT /V1/customers/me/password` `{"currentPassword", "newPassword"}` → `true`
/// (`changePasswordById` for the token's customer).
pub fn change_my_password(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = me_id(ctx)?;
    let [current, new] = required_strings(ctx, ["currentPassword", "newPassword"])?;
    let now = ctx.now;
    cus::change_password(ctx.state, id, &current, &new, now)?;
    Ok(Value::Bool(true))
}

/// `PUT /V1/customers/password` `{"email", "template", "websiteId"?}` → `true`
/// (`initiatePasswordReset`, anonymous): the website defaults to the request's.
pub fn initiate_password_reset(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let [email, template] = required_strings(ctx, ["email", "template"])?;
    let website = match optional_int(ctx, "websiteId")? {
        Some(w) => w,
        None => i64::try_from(ctx.website_id()).unwrap_or(i64::MAX),
    };
    let now = ctx.now;
    cus::initiate_password_reset(ctx.state, &email, &template, website, now)?;
    Ok(Value::Bool(true))
}

/// `POST /V1/customers/resetPassword` `{"email", "resetToken", "newPassword"}` →
/// `true` (`resetPassword`, anonymous; the customer of the request's website).
pub fn reset_password(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let [email, token, new] = required_strings(ctx, ["email", "resetToken", "newPassword"])?;
    let website = ctx.website_id();
    let now = ctx.now;
    cus::reset_password(ctx.state, &email, &token, &new, website, now)?;
    Ok(Value::Bool(true))
}

/// `GET /V1/customers/{customerId}/password/resetLinkToken/{resetPasswordLinkToken}`
/// → `true` (`validateResetPasswordLinkToken`, anonymous).
pub fn validate_reset_token(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = customer_id(ctx)?;
    let token = ctx.param(1).to_owned();
    cus::check_rp_token(ctx.state, id, &token, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `PUT /V1/customers/validate` `{"customer": {...}}` →
/// `{"valid": …, "messages": […]}` (`AccountManagement::validate`).
pub fn validate(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let customer = input::arg(&ctx.body, "customer")?;
    cus::validate_customer(customer)
}

/// `GET /V1/customers/{customerId}/confirm` (`getConfirmationStatus`): confirmation
/// of new accounts (`customer/create_account/confirm`) is off, as in a stock install.
pub fn confirmation_status(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = customer_id(ctx)?;
    cus::get(ctx.state, id)?;
    Ok(json!(cus::ACCOUNT_CONFIRMATION_NOT_REQUIRED))
}

/// `POST /V1/customers/confirm` `{"email", "websiteId", "redirectUrl"?}`
/// (`resendConfirmation`): the customer must exist (404 naming e-mail and website);
/// no account awaits confirmation, so 400 `Confirmation isn't needed.`.
pub fn resend_confirmation(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let email_missing = input::arg(&ctx.body, "email").is_err();
    let website = optional_int(ctx, "websiteId")?;
    let missing: Vec<&str> = [("email", email_missing), ("websiteId", website.is_none())]
        .into_iter()
        .filter_map(|(n, m)| m.then_some(n))
        .collect();
    if !missing.is_empty() {
        return Err(MagentoError::required_fields(&missing));
    }
    let email = input::to_string(input::arg(&ctx.body, "email")?, "email")?;
    if let Some(r) = input::field(&ctx.body, "redirect_url") {
        input::to_string(r, "redirectUrl")?;
    }
    cus::get_by_email(ctx.state, &email, website.unwrap_or_default())?;
    Err(MagentoError::bad_request(cus::m::CONFIRMATION_NOT_NEEDED))
}

/// `PUT /V1/customers/me/activate` `{"confirmationKey"}` (`activateById`): no account
/// awaits confirmation, so 400 `The account is already active.`.
pub fn activate_me(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = me_id(ctx)?;
    let [_key] = required_strings(ctx, ["confirmationKey"])?;
    cus::get(ctx.state, id)?;
    Err(MagentoError::bad_request(cus::m::ALREADY_ACTIVE))
}

/// `PUT /V1/customers/{email}/activate` `{"confirmationKey"}` (`activate`): the
/// customer of the request's website with the e-mail (404 naming both), then, as no
/// account awaits confirmation, 400 `The account is already active.`.
pub fn activate(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let email = ctx.param(0).to_owned();
    let [_key] = required_strings(ctx, ["confirmationKey"])?;
    let website = i64::try_from(ctx.website_id()).unwrap_or(i64::MAX);
    cus::get_by_email(ctx.state, &email, website)?;
    Err(MagentoError::bad_request(cus::m::ALREADY_ACTIVE))
}

// ---------------------------------------------------------------------------
// Addresses

/// `GET /V1/customers/addresses/{addressId}` (`AddressRepository::getById`).
pub fn get_address(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "addressId")?;
    cus::address(ctx.state, id).map(cus::address_json)
}

/// `DELETE /V1/addresses/{addressId}` → `true` (`AddressRepository::deleteById`).
pub fn delete_address(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "addressId")?;
    let now = ctx.now;
    cus::delete_address(ctx.state, id, now)?;
    Ok(Value::Bool(true))
}

fn default_address(ctx: &Ctx<'_>, id: i64, billing: bool) -> MResult<Value> {
    let c = cus::get(ctx.state, id)?;
    Ok(cus::default_address(c, billing).map_or(Value::Null, cus::address_json))
}

/// `GET /V1/customers/{customerId}/billingAddress`: the default billing address, or
/// `null`.
pub fn billing_address(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = customer_id(ctx)?;
    default_address(ctx, id, true)
}

/// `GET /V1/customers/{customerId}/shippingAddress`: the default shipping address, or
/// `null`.
pub fn shipping_address(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = customer_id(ctx)?;
    default_address(ctx, id, false)
}

/// `GET /V1/customers/me/billingAddress` (customer token).
pub fn my_billing_address(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = me_id(ctx)?;
    default_address(ctx, id, true)
}

/// `GET /V1/customers/me/shippingAddress` (customer token).
pub fn my_shipping_address(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = me_id(ctx)?;
    default_address(ctx, id, false)
}

// ---------------------------------------------------------------------------
// Customer groups

/// The `int` path parameter `name` at position `i`.
fn int_param(ctx: &Ctx<'_>, i: usize, name: &str) -> MResult<i64> {
    input::to_i64(&Value::String(ctx.param(i).to_owned()), name)
}

/// `GET /V1/customerGroups/{id}`.
pub fn get_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "id")?;
    cus::group(ctx.state, id).map(cus::group_json)
}

/// `GET /V1/customerGroups/default` and `/default/{storeId}`
/// (`GroupManagement::getDefaultGroup`): `customer/create_account/default_group` of the
/// store (`0`, the admin store, included); an unknown store is 404 `No such entity with
/// %fieldName = %fieldValue` naming `storeId`.
pub fn default_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    if !ctx.param(0).is_empty() {
        let store = int_param(ctx, 0, "storeId")?;
        let known = u64::try_from(store)
            .ok()
            .is_some_and(|s| s == 0 || ctx.state.store_views.iter().any(|v| v.id == s));
        if !known {
            return Err(MagentoError::not_found(cus::m::NO_SUCH_ENTITY).named([
                ("fieldName", json!("storeId")),
                ("fieldValue", json!(store)),
            ]));
        }
    }
    let id = i64::try_from(ctx.state.settings.default_customer_group).unwrap_or(-1);
    cus::group(ctx.state, id).map(cus::group_json)
}

/// `PUT /V1/customerGroups/default/{id}` (`CustomerGroupConfig::setDefaultCustomerGroup`):
/// the group must exist (404 naming `id`); it becomes
/// `customer/create_account/default_group`; answers the id.
pub fn set_default_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "id")?;
    let gid = cus::group(ctx.state, id)?.id;
    ctx.state.settings.default_customer_group = gid;
    Ok(json!(gid))
}

/// `GET /V1/customerGroups/{id}/permissions` (`GroupManagement::isReadonly`): `true`
/// for NOT LOGGED IN and the default group, which cannot be deleted; an unknown group
/// is 404 naming `groupId`.
pub fn group_is_readonly(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "id")?;
    let g = cus::group(ctx.state, id).map_err(|_| {
        MagentoError::not_found(cus::m::NO_SUCH_ENTITY)
            .named([("fieldName", json!("groupId")), ("fieldValue", json!(id))])
    })?;
    Ok(Value::Bool(
        g.id == cus::NOT_LOGGED_IN || cus::is_default_group(ctx.state, g.id),
    ))
}

/// `GET /V1/customerGroups/search` (searchCriteria required), in id order.
pub fn search_groups(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&cus::CustomerGroup> = ctx.state.customer_groups.values().collect();
    let (items, total) = criteria.apply(&rows, |g, field| match field {
        "id" | "customer_group_id" => search::Field::Num(g.id as f64),
        "code" | "customer_group_code" => search::Field::text(&g.code),
        "tax_class_id" => search::Field::Num(g.tax_class_id as f64),
        "tax_class_name" | "class_name" => cus::customer_tax_class(g.tax_class_id)
            .map_or(search::Field::Missing, search::Field::text),
        _ => search::Field::Missing,
    })?;
    let items = items.into_iter().map(|g| cus::group_json(g)).collect();
    Ok(search::result(items, &criteria, total))
}

/// `POST /V1/customerGroups` `{"group": {...}}` (`GroupRepository::save`): a group
/// with an id is an update of that group.
pub fn create_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let group = input::arg(&ctx.body, "group")?.clone();
    cus::save_group(ctx.state, &group)
}

/// `PUT /V1/customerGroups/{id}` `{"group": {...}}`: the URL's id replaces the group's
/// (`ParamsOverrider::overrideRequestBodyIdWithPathParam`).
pub fn put_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let mut group = input::arg(&ctx.body, "group")?.clone();
    if let Some(o) = group.as_object_mut() {
        o.remove("id");
        o.insert("id".into(), Value::String(ctx.param(0).to_owned()));
    }
    cus::save_group(ctx.state, &group)
}

/// `DELETE /V1/customerGroups/{id}` → `true` (`GroupRepository::deleteById`).
pub fn delete_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "id")?;
    let now = ctx.now;
    cus::delete_group(ctx.state, id, now)?;
    Ok(Value::Bool(true))
}
