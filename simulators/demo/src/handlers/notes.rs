//! `/api/notes`, `/api/time`, `/api/webhook`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use sim_core::Progression;
use sim_core::clock::rfc3339;

use super::{Authed, DemoJson, note_id};
use crate::Demo;
use crate::errors::DemoError;
use crate::state::Note;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewNote {
    text: String,
}

/// `GET /api/notes`: every note, by id.
pub(crate) async fn list(_: Authed, State(demo): State<Arc<Demo>>) -> Json<Value> {
    let notes: Vec<Note> = demo.lock().notes.values().cloned().collect();
    Json(json!({ "total": notes.len(), "items": notes }))
}

/// `POST /api/notes`: writes a note; how it gets published depends on the lifecycle mode.
pub(crate) async fn create(
    _: Authed,
    State(demo): State<Arc<Demo>>,
    body: Result<DemoJson<NewNote>, DemoError>,
) -> Result<(StatusCode, Json<Note>), DemoError> {
    let DemoJson(new) = body?;
    let now = demo.core.clock.now();
    let mode = demo.core.lifecycle.mode();
    let (note, published) = {
        let mut state = demo.lock();
        let note = state.create_note(&new.text, now)?;
        match mode {
            Progression::Immediate => {
                let note = state.publish(note.id, now)?;
                (note.clone(), Some(note))
            }
            Progression::Timed { step_seconds } => {
                state
                    .pending
                    .schedule(now + std::time::Duration::from_secs(step_seconds), note.id);
                (note, None)
            }
            Progression::Explicit => (note, None),
        }
    };
    if let Some(n) = published {
        demo.announce(&n);
    }
    Ok((StatusCode::CREATED, Json(note)))
}

/// `GET /api/notes/{id}`.
pub(crate) async fn get(
    _: Authed,
    State(demo): State<Arc<Demo>>,
    Path(id): Path<String>,
) -> Result<Json<Note>, DemoError> {
    let id = note_id(&id)?;
    Ok(Json(demo.lock().note(id)?.clone()))
}

/// `DELETE /api/notes/{id}`.
pub(crate) async fn delete(
    _: Authed,
    State(demo): State<Arc<Demo>>,
    Path(id): Path<String>,
) -> Result<StatusCode, DemoError> {
    let id = note_id(&id)?;
    demo.lock().delete(id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/time`: the simulator's clock, as the service sees it.
pub(crate) async fn time(_: Authed, State(demo): State<Arc<Demo>>) -> Json<Value> {
    Json(json!({ "now": rfc3339(demo.core.clock.now()) }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Subscription {
    url: Option<String>,
}

/// `PUT /api/webhook`: where `note.published` goes (`null` to stop).
pub(crate) async fn set_webhook(
    _: Authed,
    State(demo): State<Arc<Demo>>,
    body: Result<DemoJson<Subscription>, DemoError>,
) -> Result<Json<Value>, DemoError> {
    let DemoJson(sub) = body?;
    if let Some(url) = &sub.url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(DemoError::BadRequest(
                "url must be http:// or https://".into(),
            ));
        }
    }
    demo.lock().webhook_url = sub.url.clone();
    Ok(Json(json!({ "url": sub.url })))
}
