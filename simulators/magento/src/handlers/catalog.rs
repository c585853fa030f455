//! Catalog handlers (reference §5, §6). Stubs until implemented.

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
    search_products,
    post_product,
    product_types,
    get_product,
    put_product,
    delete_product,
    attribute_sets,
    attribute_set,
    category_tree,
    category_list,
    get_category,
    post_category,
    put_category,
    delete_category,
    get_stock_item,
    put_stock_item,
    get_stock_status,
);
