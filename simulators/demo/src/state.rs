//! The demo domain: notes that go `draft → published`. No HTTP here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim_core::clock::rfc3339;
use sim_core::{IdSeq, TimedQueue};
use time::OffsetDateTime;

use crate::errors::DemoError;

/// Where a note stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteStatus {
    /// Written, not yet visible.
    Draft,
    /// Visible; the `note.published` webhook has gone out.
    Published,
}

/// A note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// Sequential id.
    pub id: u64,
    /// Its text (1 to 1000 characters).
    pub text: String,
    /// Where it stands.
    pub status: NoteStatus,
    /// When it was written (RFC 3339, by the simulator's clock).
    pub created_at: String,
    /// When it was published.
    pub published_at: Option<String>,
}

/// The whole state of one demo instance; `GET /__sim/state` shows exactly this.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The bearer token clients must send.
    pub token: String,
    /// Notes by id.
    pub notes: BTreeMap<u64, Note>,
    /// Next note id.
    pub ids: IdSeq,
    /// Where `note.published` webhooks go, if anywhere.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// Timed publications (note ids) waiting for the clock.
    #[serde(default)]
    pub pending: TimedQueue<u64>,
}

impl State {
    /// Writes a draft note.
    pub fn create_note(&mut self, text: &str, now: OffsetDateTime) -> Result<Note, DemoError> {
        let len = text.chars().count();
        if len == 0 || len > 1000 {
            return Err(DemoError::BadRequest(
                "text must be 1 to 1000 characters".to_owned(),
            ));
        }
        let id = self.ids.next();
        let note = Note {
            id,
            text: text.to_owned(),
            status: NoteStatus::Draft,
            created_at: rfc3339(now),
            published_at: None,
        };
        self.notes.insert(id, note.clone());
        Ok(note)
    }

    /// A note by id.
    pub fn note(&self, id: u64) -> Result<&Note, DemoError> {
        self.notes
            .get(&id)
            .ok_or_else(|| DemoError::NotFound(format!("note {id} not found")))
    }

    /// Publishes a draft; publishing twice is a conflict.
    pub fn publish(&mut self, id: u64, now: OffsetDateTime) -> Result<Note, DemoError> {
        let note = self
            .notes
            .get_mut(&id)
            .ok_or_else(|| DemoError::NotFound(format!("note {id} not found")))?;
        if note.status == NoteStatus::Published {
            return Err(DemoError::Conflict(format!(
                "note {id} is already published"
            )));
        }
        note.status = NoteStatus::Published;
        note.published_at = Some(rfc3339(now));
        Ok(note.clone())
    }

    /// Deletes a note (and any timed publication of it).
    pub fn delete(&mut self, id: u64) -> Result<(), DemoError> {
        self.notes
            .remove(&id)
            .ok_or_else(|| DemoError::NotFound(format!("note {id} not found")))?;
        self.pending.retain(|n| *n != id);
        Ok(())
    }

    /// Publishes every draft whose time has come; returns them.
    pub fn publish_due(&mut self, now: OffsetDateTime) -> Vec<Note> {
        self.pending
            .drain_due(now)
            .into_iter()
            .filter_map(|id| self.publish(id, now).ok())
            .collect()
    }

    /// Checks what an import must hold: ids below the counter, consistent statuses.
    pub fn validate(&self) -> Result<(), String> {
        for (k, n) in &self.notes {
            if *k != n.id {
                return Err(format!("note under key {k} has id {}", n.id));
            }
            if n.id >= self.ids.peek() {
                return Err(format!(
                    "note id {} is not below the next id {}",
                    n.id,
                    self.ids.peek()
                ));
            }
            if (n.status == NoteStatus::Published) != n.published_at.is_some() {
                return Err(format!(
                    "note {}: published_at must be set exactly when published",
                    n.id
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use time::macros::datetime;

    fn empty() -> State {
        State {
            token: "t".into(),
            notes: BTreeMap::new(),
            ids: IdSeq::starting_at(1),
            webhook_url: None,
            pending: TimedQueue::default(),
        }
    }

    const T0: OffsetDateTime = datetime!(2025-07-21 20:49:08 UTC);

    #[test]
    fn draft_then_published_once() {
        let mut s = empty();
        let n = s.create_note("hi", T0).unwrap();
        assert_eq!((n.id, n.status), (1, NoteStatus::Draft));
        let p = s.publish(1, T0 + Duration::from_secs(5)).unwrap();
        assert_eq!(p.published_at.as_deref(), Some("2025-07-21T20:49:13Z"));
        assert_eq!(
            s.publish(1, T0).unwrap_err(),
            DemoError::Conflict("note 1 is already published".into())
        );
        assert!(s.validate().is_ok());
    }

    #[test]
    fn refuses_empty_and_unknown() {
        let mut s = empty();
        assert!(matches!(
            s.create_note("", T0),
            Err(DemoError::BadRequest(_))
        ));
        assert_eq!(s.ids.peek(), 1, "a refused note takes no id");
        assert!(matches!(s.publish(9, T0), Err(DemoError::NotFound(_))));
        assert!(matches!(s.delete(9), Err(DemoError::NotFound(_))));
    }

    #[test]
    fn timed_publication_waits_for_the_clock_and_skips_deleted_notes() {
        let mut s = empty();
        s.create_note("a", T0).unwrap();
        s.create_note("b", T0).unwrap();
        s.pending.schedule(T0 + Duration::from_secs(60), 1);
        s.pending.schedule(T0 + Duration::from_secs(60), 2);
        s.delete(2).unwrap();
        assert!(s.publish_due(T0 + Duration::from_secs(59)).is_empty());
        let done = s.publish_due(T0 + Duration::from_secs(60));
        assert_eq!(done.iter().map(|n| n.id).collect::<Vec<_>>(), [1]);
    }
}
