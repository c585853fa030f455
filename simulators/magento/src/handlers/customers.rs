//! Customer handlers (reference §9). Stubs until implemented.

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
    create,
    get,
    put,
    delete,
    search,
    me,
    put_me,
    is_email_available,
);
