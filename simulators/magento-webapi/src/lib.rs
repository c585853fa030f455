//! `sim-magento-webapi`: Magento 2's web-API framework as the cartsim simulators answer
//! it, shared by the Magento simulator and the Magento extensions it hosts
//! (PrintXpand): one place for what a Magento store answers before and around a
//! service call.
//!
//! - [`errors`]: the error envelope (`message`, `parameters`, `errors`), the framework's
//!   messages, the masked 500.
//! - [`input`]: `ServiceInputProcessor`'s binding (snake and camel keys, PHP casts).
//! - [`phpquery`]: PHP's `$_GET` parsing of bracketed query names.
//! - [`pipeline`]: the front controller's steps in Magento's order, for a store to drive
//!   under its lock.
//! - [`request`]: the REST path, `urldecode`, the body's Content-Type rules, `Accept`.
//! - [`routes`]: `webapi.xml`-style route tables and their matching.
//! - [`oauth`]: OAuth 1.0a as Magento 2.4 checks it, over `sim-oauth1`.
//! - [`integrations`]: the store's integrations, indexed by id, consumer key and token.
//! - [`auth`]: who is calling — bearer, then OAuth, else a guest — over a store's
//!   [`auth::Credentials`], with the nonce table.

pub mod auth;
pub mod errors;
pub mod input;
pub mod integrations;
pub mod oauth;
pub mod phpquery;
pub mod pipeline;
pub mod request;
pub mod routes;
