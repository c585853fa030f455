//! Orders (completed checkouts), their notifications and refunds.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use time::OffsetDateTime;

use crate::products::Statistics;
use crate::state::Mode;

/// The orders of one mode, in completion order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Orders {
    items: Vec<Value>,
}

impl Orders {
    /// Rebuilds the indexes after an import.
    pub fn reindex(&mut self, _mode: Mode) -> Result<(), String> {
        Ok(())
    }

    /// Units sold and revenue of the product with this user-defined id in orders
    /// completed within `from`..=`to`.
    pub fn sales_of(
        &self,
        _user_defined_id: &str,
        _from: Option<OffsetDateTime>,
        _to: Option<OffsetDateTime>,
    ) -> Statistics {
        Statistics::default()
    }
}
