//! Discounts.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::Mode;

/// The discounts of one mode.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Discounts {
    items: Vec<Value>,
}

impl Discounts {
    /// Rebuilds the indexes after an import.
    pub fn reindex(&mut self, _mode: Mode) -> Result<(), String> {
        Ok(())
    }
}
