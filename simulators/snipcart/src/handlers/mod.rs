//! Thin HTTP handlers: bind the request, call the domain under one lock, answer.

pub(crate) mod admin;
pub(crate) mod carts;
pub(crate) mod checkout;
pub(crate) mod customers;
pub(crate) mod discounts;
pub(crate) mod orders;
pub(crate) mod products;
pub(crate) mod validation;
