//! `order/create`: create or update orders.

use serde_json::Value;

use crate::batch::{Done, Failed};
use crate::json::{id_key, non_empty, php_list, text};
use crate::messages as m;
use crate::state::{Order, ShippingAddress, State};

/// One order of an `order/create` body, bound.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderInput {
    /// The order's id, as text.
    pub(crate) order_id: String,
    /// Where it ships (`name` required).
    pub(crate) shipping_address: ShippingAddress,
    /// Sub-total, as sent.
    pub(crate) sub_total: String,
    /// Status, if sent.
    pub(crate) status: Option<String>,
    /// Design ids, item prices and quantities: three lists of one length.
    pub(crate) design_id: Vec<Value>,
    /// See `design_id`.
    pub(crate) item_price: Vec<Value>,
    /// See `design_id`.
    pub(crate) item_qty: Vec<Value>,
}

fn address(v: Option<&Value>) -> Option<ShippingAddress> {
    let a = v?.as_object()?;
    Some(ShippingAddress {
        name: non_empty(a.get("name"))?,
        address1: text(a.get("address1")),
        address2: text(a.get("address2")),
        phone: text(a.get("phone")),
        city: text(a.get("city")),
        state: text(a.get("state")),
        country: text(a.get("country")),
        country_code: text(a.get("country_code")),
        zip: text(a.get("zip")),
    })
}

impl OrderInput {
    /// Binds one item: `order_id`, `sub_total`, the three item lists and a shipping
    /// address with a name are required, and the lists must be as long as each other.
    pub(crate) fn bind(item: &Value) -> Result<OrderInput, Failed> {
        let obj = item
            .as_object()
            .ok_or_else(|| Failed::new(None, 404, m::ORDER_INVALID_ID))?;
        let order_id = id_key(obj.get("order_id"))
            .ok_or_else(|| Failed::new(None, 404, m::ORDER_INVALID_ID))?;
        let fail = |message| Failed::new(obj.get("order_id").cloned(), 404, message);
        let lists = ["design_id", "item_price", "item_qty"].map(|k| php_list(obj.get(k)));
        let [Some(design_id), Some(item_price), Some(item_qty)] = lists else {
            return Err(fail(m::ORDER_PROPER_DATA));
        };
        let sub_total =
            non_empty(obj.get("sub_total")).ok_or_else(|| fail(m::ORDER_PROPER_DATA))?;
        let shipping_address =
            address(obj.get("shipping_address")).ok_or_else(|| fail(m::ORDER_PROPER_DATA))?;
        if design_id.len() != item_price.len() || design_id.len() != item_qty.len() {
            return Err(fail(m::ORDER_LENGTHS_DIFFER));
        }
        Ok(OrderInput {
            order_id,
            shipping_address,
            sub_total,
            status: text(obj.get("status")),
            design_id,
            item_price,
            item_qty,
        })
    }
}

/// Creates the order, or replaces the one with its id.
pub(crate) fn create(state: &mut State, item: &Value) -> Result<Done, Failed> {
    let input = OrderInput::bind(item)?;
    let echo = item.get("order_id").cloned().unwrap_or(Value::Null);
    let created = state.orders.upsert(Order {
        order_id: input.order_id,
        shipping_address: input.shipping_address,
        sub_total: input.sub_total,
        status: input.status,
        design_id: input.design_id,
        item_price: input.item_price,
        item_qty: input.item_qty,
    });
    Ok(Done::new(
        echo,
        if created {
            m::ORDER_CREATED
        } else {
            m::ORDER_UPDATED
        },
    ))
}
