//! Thin HTTP handlers: bind the request, call the domain under one lock, answer.

pub(crate) mod admin;
pub(crate) mod products;
pub(crate) mod validation;
