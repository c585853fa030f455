//! Customers: who placed orders.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::Mode;

/// The customers of one mode.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Customers {
    items: Vec<Value>,
}

impl Customers {
    /// Rebuilds the indexes after an import.
    pub fn reindex(&mut self, _mode: Mode) -> Result<(), String> {
        Ok(())
    }
}
