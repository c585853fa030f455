//! Property suites: model-based tests that drive each simulator over HTTP and compare
//! it with a tiny model after every step (STYLE 2.6). One module per simulator.
//!
//! `PROPTEST_CASES` sets the number of cases (32 by default here). Failures shrink to a
//! minimal request sequence and are saved beside the module
//! (`tests/props/<simulator>.proptest-regressions`); commit them.

#[path = "props/demo.rs"]
mod demo;
