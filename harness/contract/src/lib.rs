//! Contract suites for cartsim: see `tests/`.
