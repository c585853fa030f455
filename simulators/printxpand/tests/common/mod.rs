//! What the transcript tests share: the seed's transcript and its `after` field.

use serde::Deserialize;

/// `fixtures/printxpand/transcripts/seed-003.json`.
pub(crate) const SEED_003: &str =
    include_str!("../../../../fixtures/printxpand/transcripts/seed-003.json");

/// Each exchange's `after`: the earlier exchanges to replay first, on the same store (a
/// field the replay crate does not know; see the transcript's notes).
pub(crate) fn after_lists() -> Vec<Vec<usize>> {
    #[derive(Deserialize)]
    struct Order {
        exchanges: Vec<After>,
    }
    #[derive(Deserialize)]
    struct After {
        #[serde(default)]
        after: Vec<usize>,
    }
    let order: Order = serde_json::from_str(SEED_003).expect("the transcript reads");
    order.exchanges.into_iter().map(|e| e.after).collect()
}
