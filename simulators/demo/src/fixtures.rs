//! Loads `fixtures/demo/seed.json` into a [`State`]. The file is embedded at build time
//! (so in-process tests need no path); `cartsim serve --fixtures DIR` reads
//! `DIR/demo/seed.json` instead when it exists.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sim_core::{IdSeq, TimedQueue};

use crate::state::{Note, State};

const EMBEDDED: &str = include_str!("../../../fixtures/demo/seed.json");

pub use sim_core::fixtures::FixtureError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    token: String,
    next_note_id: u64,
    #[serde(default)]
    notes: Vec<Note>,
}

/// The default fixture, as embedded.
pub fn default_state() -> State {
    parse(EMBEDDED).unwrap_or_else(|e| panic!("embedded demo fixture: {e}"))
}

/// The fixture from `dir/demo/seed.json` when `dir` is given and holds one, else the
/// embedded default.
pub fn load(dir: Option<&Path>) -> Result<State, FixtureError> {
    sim_core::fixtures::load("demo", dir, EMBEDDED, parse)
}

fn parse(text: &str) -> Result<State, String> {
    let seed: Seed = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let state = State {
        token: seed.token,
        notes: seed
            .notes
            .into_iter()
            .map(|n| (n.id, n))
            .collect::<BTreeMap<_, _>>(),
        ids: IdSeq::starting_at(seed.next_note_id),
        webhook_url: None,
        pending: TimedQueue::default(),
    };
    state.validate()?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixture_loads() {
        let s = default_state();
        assert_eq!(s.token, "demo-token");
        assert_eq!(s.ids.peek(), 2);
        assert_eq!(s.notes[&1].text, "welcome to cartsim");
    }

    #[test]
    fn bad_files_name_the_file_and_the_cause() {
        let dir = std::env::temp_dir().join(format!("sim-demo-fixture-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("demo")).unwrap();
        std::fs::write(dir.join("demo/seed.json"), r#"{"token": "x", "next_note_id": 1, "notes": [{"id": 5, "text": "a", "status": "draft", "created_at": "x", "published_at": null}]}"#).unwrap();
        let err = load(Some(&dir)).unwrap_err().to_string();
        assert!(
            err.contains("demo/seed.json") && err.contains("not below the next id"),
            "{err}"
        );
        std::fs::write(dir.join("demo/seed.json"), "{").unwrap();
        let err = load(Some(&dir)).unwrap_err().to_string();
        assert!(err.starts_with("invalid demo fixture"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_dir_without_a_demo_fixture_gives_the_default() {
        let s = load(Some(Path::new("/nonexistent-cartsim-dir"))).unwrap();
        assert_eq!(s.token, "demo-token");
    }
}
