//! Guest carts (`/V1/guest-carts/{maskedId}/…`, anonymous), customer carts
//! (`/V1/carts/mine/…`, customer token) and admin carts (`/V1/carts/{cartId}/…`,
//! `Magento_Cart::manage`): three URL families over one set of cart rules
//! ([`crate::carts`]). Each handler only finds the cart the URL names.

use serde_json::{Value, json};

use super::{Ctx, Principal};
use crate::carts;
use crate::errors::{MResult, MagentoError};
use crate::input;

/// The cart a request addresses: the masked id of path parameter 0 for guest routes,
/// the customer's active cart for `mine` routes, the quote id of path parameter 0 for
/// admin routes.
#[derive(Clone, Copy)]
enum Which {
    Guest,
    Mine,
    Admin,
}

fn customer_id(ctx: &Ctx<'_>) -> MResult<u64> {
    match ctx.principal {
        Principal::Customer { customer_id } => Ok(customer_id),
        // The route table lets only customer tokens reach `mine` routes.
        _ => Err(MagentoError::not_authorized(&["self"])),
    }
}

/// The cart of a service reading it with `getActive` (the domain refuses an inactive
/// one for admin ids).
fn cart_id(ctx: &Ctx<'_>, which: Which) -> MResult<u64> {
    match which {
        Which::Guest => carts::guest_cart_id(ctx.state, ctx.param(0)),
        Which::Mine => carts::mine_cart_id(ctx.state, customer_id(ctx)?),
        Which::Admin => carts::admin_cart_id(ctx.param(0)),
    }
}

/// The cart of a service reading it with `QuoteRepository::get` (active or not).
fn any_cart_id(ctx: &Ctx<'_>, which: Which) -> MResult<u64> {
    match which {
        Which::Guest => carts::guest_quote_id(ctx.state, ctx.param(0)),
        Which::Mine => carts::mine_cart_id(ctx.state, customer_id(ctx)?),
        Which::Admin => carts::admin_cart_id(ctx.param(0)),
    }
}

/// Index of the item-id path parameter.
fn item_param(ctx: &Ctx<'_>, which: Which) -> MResult<u64> {
    let i = match which {
        Which::Guest | Which::Admin => 1,
        Which::Mine => 0,
    };
    let id = input::to_i64(&Value::String(ctx.param(i).to_owned()), "itemId")?;
    Ok(u64::try_from(id).unwrap_or(0))
}

fn item_response(ctx: &Ctx<'_>, cart_id: u64, item_id: u64) -> MResult<Value> {
    let items = carts::items_json(ctx.state, cart_id)?;
    items
        .as_array()
        .and_then(|list| list.iter().find(|i| i["item_id"] == json!(item_id)))
        .cloned()
        .ok_or_else(|| {
            MagentoError::not_found(carts::m::NO_ITEM).positional([json!(cart_id), json!(item_id)])
        })
}

fn get(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    match which {
        // `GET /V1/carts/mine` is `getCartForCustomer`: 404 naming `customerId`.
        Which::Mine => {
            let id = carts::customer_cart_id(ctx.state, customer_id(ctx)?)?;
            carts::cart_json(ctx.state, id)
        }
        // `CartRepository::get`: any cart.
        Which::Admin => {
            let id = carts::admin_cart_id(ctx.param(0))?;
            carts::any_cart_json(ctx.state, id)
        }
        Which::Guest => {
            let id = cart_id(ctx, which)?;
            carts::cart_json(ctx.state, id)
        }
    }
}

fn items(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    carts::items_json(ctx.state, id)
}

fn add_item(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    let item = input::arg(&ctx.body, "cartItem")?.clone();
    let item_id = carts::add_item(ctx.state, id, &item, ctx.now)?;
    item_response(ctx, id, item_id)
}

fn update_item(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let item = input::arg(&ctx.body, "cartItem")?.clone();
    let id = match which {
        Which::Admin => carts::item_quote_id(ctx.state, &item)?,
        _ => cart_id(ctx, which)?,
    };
    let item_id = item_param(ctx, which)?;
    carts::update_item(ctx.state, id, item_id, &item, ctx.now)?;
    item_response(ctx, id, item_id)
}

fn delete_item(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    let item_id = item_param(ctx, which)?;
    carts::delete_item(ctx.state, id, item_id, ctx.now)?;
    Ok(Value::Bool(true))
}

fn estimate(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    input::arg(&ctx.body, "address")?;
    carts::estimate(ctx.state, id)
}

fn shipping_information(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    let info = input::arg(&ctx.body, "addressInformation")?.clone();
    carts::set_shipping_information(ctx.state, id, &info, ctx.now)
}

fn payment_methods(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = any_cart_id(ctx, which)?;
    carts::payment_methods_of(ctx.state, id)
}

fn selected_payment(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = any_cart_id(ctx, which)?;
    carts::payment_json(ctx.state, id)
}

/// The payment id, as the string the service returns from the database.
fn set_payment(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = any_cart_id(ctx, which)?;
    let method = input::arg(&ctx.body, "method")?.clone();
    let payment = carts::set_payment(ctx.state, id, &method, ctx.now)?;
    Ok(Value::String(payment.to_string()))
}

fn shipping_methods(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    carts::shipping_methods(ctx.state, id)
}

fn billing_address(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    carts::billing_address_json(ctx.state, id)
}

/// The new address id, as the string the service returns from the database.
fn assign_billing(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    let address = input::arg(&ctx.body, "address")?.clone();
    let use_for_shipping = match input::field(&ctx.body, "use_for_shipping") {
        Some(v) => input::to_bool(v, "useForShipping")?,
        None => false,
    };
    let address_id =
        carts::assign_billing_address(ctx.state, id, &address, use_for_shipping, ctx.now)?;
    Ok(Value::String(address_id.to_string()))
}

fn totals(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    carts::totals_json(ctx.state, id)
}

/// The order id, as the string Magento's service returns.
fn placed(order_id: u64) -> Value {
    Value::String(order_id.to_string())
}

fn payment_information(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    if matches!(which, Which::Guest) {
        input::arg(&ctx.body, "email")?;
    }
    let placement = carts::bind_placement(&ctx.body, true)?;
    carts::place_order(ctx.state, id, placement, ctx.now).map(placed)
}

fn place(ctx: &mut Ctx<'_>, which: Which) -> MResult<Value> {
    let id = cart_id(ctx, which)?;
    let placement = carts::bind_placement(&ctx.body, false)?;
    carts::place_order(ctx.state, id, placement, ctx.now).map(placed)
}

/// `POST /V1/guest-carts` → the masked id.
pub fn guest_create(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let store = ctx.store_id();
    let id = carts::create(ctx.state, store, None, ctx.now);
    Ok(json!(
        ctx.state.carts.get(&id).and_then(|c| c.masked_id.clone())
    ))
}

/// `POST /V1/carts/mine` → the customer's cart id (a new one when none is active).
pub fn mine_create(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let customer = customer_id(ctx)?;
    let store = ctx.store_id();
    Ok(json!(carts::create_for_customer(
        ctx.state, store, customer, ctx.now
    )))
}

/// `POST /V1/carts/` (`createEmptyCart`, admin) → the new quote id, as the string the
/// service returns from the database.
pub fn admin_create(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let store = ctx.store_id();
    let id = carts::create_admin_cart(ctx.state, store, ctx.now);
    Ok(Value::String(id.to_string()))
}

/// `POST /V1/customers/{customerId}/carts` (`createEmptyCartForCustomer`) → the
/// customer's active cart id (an `int`), a new cart when none.
pub fn customer_create(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let customer = input::to_i64(&Value::String(ctx.param(0).to_owned()), "customerId")?;
    let customer = carts::customer_id_arg(customer)?;
    let store = ctx.store_id();
    carts::create_for_customer_checked(ctx.state, store, customer, ctx.now).map(|id| json!(id))
}

/// `GET /V1/carts/search?searchCriteria…` (required).
pub fn admin_search(ctx: &mut Ctx<'_>) -> MResult<Value> {
    carts::search_carts(ctx.state, &ctx.query)
}

/// The `storeId` argument of `assignCustomer` (required, an `int`).
fn store_arg(body: &Value, missing: &mut Vec<&'static str>) -> MResult<Option<i64>> {
    match input::field(body, "store_id") {
        Some(v) => input::to_i64(v, "storeId").map(Some),
        None => {
            missing.push("storeId");
            Ok(None)
        }
    }
}

fn missing_args(missing: &[&str]) -> MagentoError {
    match missing {
        [one] => MagentoError::required(one),
        many => MagentoError::required_fields(many),
    }
}

/// `PUT /V1/guest-carts/{cartId}` (`GuestCartManagement::assignCustomer`, customer
/// token): the token's customer (`customerId` is forced) takes the guest cart → `true`.
pub fn guest_assign(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let mut missing = Vec::new();
    // `%customer_id%` is null for a caller that is no customer (an admin or an
    // integration passes the `self` check): the argument is then missing.
    let customer = match ctx.principal {
        Principal::Customer { customer_id } => Some(customer_id),
        _ => {
            missing.push("customerId");
            None
        }
    };
    let store = store_arg(&ctx.body, &mut missing)?;
    let (Some(customer), Some(store)) = (customer, store) else {
        return Err(missing_args(&missing));
    };
    let id = carts::guest_cart_id(ctx.state, ctx.param(0))?;
    carts::assign_customer(ctx.state, id, customer, store, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `PUT /V1/carts/{cartId}` (`QuoteManagement::assignCustomer`, admin) → `true`.
pub fn admin_assign(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let mut missing = Vec::new();
    let customer = match input::field(&ctx.body, "customer_id") {
        Some(v) => Some(input::to_i64(v, "customerId")?),
        None => {
            missing.push("customerId");
            None
        }
    };
    let store = store_arg(&ctx.body, &mut missing)?;
    let (Some(customer), Some(store)) = (customer, store) else {
        return Err(missing_args(&missing));
    };
    let id = carts::admin_cart_id(ctx.param(0))?;
    let customer = carts::customer_id_arg(customer)?;
    carts::assign_customer(ctx.state, id, customer, store, ctx.now)?;
    Ok(Value::Bool(true))
}

macro_rules! families {
    ($($name:ident => $guest:ident, $mine:ident $(, $admin:ident)?;)*) => {$(
        #[doc = concat!("Guest-cart `", stringify!($name), "`.")]
        pub fn $guest(ctx: &mut Ctx<'_>) -> MResult<Value> {
            $name(ctx, Which::Guest)
        }
        #[doc = concat!("Customer-cart `", stringify!($name), "`.")]
        pub fn $mine(ctx: &mut Ctx<'_>) -> MResult<Value> {
            $name(ctx, Which::Mine)
        }
        $(
            #[doc = concat!("Admin-cart `", stringify!($name), "`.")]
            pub fn $admin(ctx: &mut Ctx<'_>) -> MResult<Value> {
                $name(ctx, Which::Admin)
            }
        )?
    )*};
}

families! {
    get => guest_get, mine_get, admin_get;
    items => guest_items, mine_items, admin_items;
    add_item => guest_add_item, mine_add_item, admin_add_item;
    update_item => guest_update_item, mine_update_item, admin_update_item;
    delete_item => guest_delete_item, mine_delete_item, admin_delete_item;
    estimate => guest_estimate, mine_estimate, admin_estimate;
    shipping_information => guest_shipping_information, mine_shipping_information,
        admin_shipping_information;
    payment_methods => guest_payment_methods, mine_payment_methods, admin_payment_methods;
    selected_payment => guest_selected_payment, mine_selected_payment, admin_selected_payment;
    set_payment => guest_set_payment, mine_set_payment, admin_set_payment;
    shipping_methods => guest_shipping_methods, mine_shipping_methods, admin_shipping_methods;
    billing_address => guest_billing_address, mine_billing_address, admin_billing_address;
    assign_billing => guest_assign_billing, mine_assign_billing, admin_assign_billing;
    totals => guest_totals, mine_totals, admin_totals;
    payment_information => guest_payment_information, mine_payment_information;
    place => guest_place, mine_place, admin_place;
}
