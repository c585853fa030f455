//! Lifecycle drivers under `/__sim/`: what the real service would do by itself.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use sim_core::AdminError;

use super::note_id;
use crate::Demo;
use crate::errors::DemoError;
use crate::state::Note;

/// `POST /__sim/notes/{id}/publish`: publishes a draft now, whatever the mode.
pub(crate) async fn publish(
    State(demo): State<Arc<Demo>>,
    Path(id): Path<String>,
) -> Result<Json<Note>, AdminError> {
    let now = demo.core.clock.now();
    let result = note_id(&id).and_then(|id| {
        let mut state = demo.lock();
        state.pending.retain(|n| *n != id);
        state.publish(id, now)
    });
    match result {
        Ok(note) => {
            demo.announce(&note);
            Ok(Json(note))
        }
        Err(DemoError::NotFound(m)) => Err(AdminError::not_found(m)),
        Err(e) => Err(AdminError::conflict(e.to_string())),
    }
}
