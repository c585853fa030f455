//! Lifecycle handlers (reference §8.2–8.3). Stubs until implemented.

use serde_json::Value;

use super::Ctx;
use crate::errors::{MResult, MagentoError};

macro_rules! pending {
    ($($name:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "` (not yet implemented)")]
        pub fn $name(_ctx: &mut Ctx<'_>) -> MResult<Value> {
            Err(MagentoError::no_route())
        }
    )*};
}

pending!(
    save_order,
    add_comment,
    cancel,
    hold,
    unhold,
    invoice,
    ship,
    refund,
    get_invoice,
    list_invoices,
    get_shipment,
    list_shipments,
    get_creditmemo,
    list_creditmemos,
);
