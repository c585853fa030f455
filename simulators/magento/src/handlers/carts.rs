//! Guest carts (`/V1/guest-carts/{maskedId}/…`, anonymous) and customer carts
//! (`/V1/carts/mine/…`, customer token) over the same cart rules ([`crate::carts`]).

use serde_json::{Value, json};

use super::{Ctx, Principal};
use crate::carts;
use crate::errors::{MResult, MagentoError};
use crate::input;

/// The cart a request addresses: the masked id of path parameter 0 for guest routes,
/// the customer's active cart for `mine` routes.
#[derive(Clone, Copy)]
enum Which {
    Guest,
    Mine,
}

fn customer_id(ctx: &Ctx<'_>) -> MResult<u64> {
    match ctx.principal {
        Principal::Customer { customer_id } => Ok(customer_id),
        // The route table lets only customer tokens reach `mine` routes.
        _ => Err(MagentoError::not_authorized(&["self"])),
    }
}

fn cart_id(ctx: &Ctx<'_>, which: Which) -> MResult<u64> {
    match which {
        Which::Guest => carts::guest_cart_id(ctx.state, ctx.param(0)),
        Which::Mine => carts::customer_cart_id(ctx.state, customer_id(ctx)?),
    }
}

/// Index of the item-id path parameter.
fn item_param(ctx: &Ctx<'_>, which: Which) -> MResult<u64> {
    let i = match which {
        Which::Guest => 1,
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
    let id = cart_id(ctx, which)?;
    carts::cart_json(ctx.state, id)
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
    let id = cart_id(ctx, which)?;
    let item_id = item_param(ctx, which)?;
    let item = input::arg(&ctx.body, "cartItem")?.clone();
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
    cart_id(ctx, which)?;
    Ok(carts::payment_methods(ctx.state))
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

macro_rules! both {
    ($($name:ident => $guest:ident, $mine:ident;)*) => {$(
        #[doc = concat!("Guest-cart `", stringify!($name), "`.")]
        pub fn $guest(ctx: &mut Ctx<'_>) -> MResult<Value> {
            $name(ctx, Which::Guest)
        }
        #[doc = concat!("Customer-cart `", stringify!($name), "`.")]
        pub fn $mine(ctx: &mut Ctx<'_>) -> MResult<Value> {
            $name(ctx, Which::Mine)
        }
    )*};
}

both! {
    get => guest_get, mine_get;
    items => guest_items, mine_items;
    add_item => guest_add_item, mine_add_item;
    update_item => guest_update_item, mine_update_item;
    delete_item => guest_delete_item, mine_delete_item;
    estimate => guest_estimate, mine_estimate;
    shipping_information => guest_shipping_information, mine_shipping_information;
    payment_methods => guest_payment_methods, mine_payment_methods;
    totals => guest_totals, mine_totals;
    payment_information => guest_payment_information, mine_payment_information;
    place => guest_place, mine_place;
}
