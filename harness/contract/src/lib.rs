//! Contract suites for cartsim. This crate has no library code: everything lives in
//! `tests/` (the cucumber runner `tests/features.rs` with its steps under
//! `tests/steps/`, and the property suites `tests/props.rs`). See `README.md`.
