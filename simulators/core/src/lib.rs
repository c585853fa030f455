//! `sim-core`: the platform-free core every cartsim simulator is built on.
//!
//! It boots a simulator's router on a port (or an ephemeral one) and returns a handle;
//! owns the [`Clock`], the deterministic [`IdSeq`]s, the request [`Journal`], the
//! [`Faults`] table, the [`Lifecycle`] progression mode and the outbound [`Webhooks`]
//! dispatcher; and mounts the admin API at `/__sim/` on every simulator port.
//! It knows no platform: no platform error body, JSON envelope or auth scheme lives
//! here. A platform crate implements [`Simulator`] and hands its router to [`App`].
//!
//! # Quickstart
//!
//! ```
//! use std::sync::Arc;
//! use axum::{Router, routing::get};
//! use serde_json::{Value, json};
//! use sim_core::{App, Clock, CoreConfig, SimCore, Simulator};
//!
//! struct Hello;
//! impl Simulator for Hello {
//!     fn platform(&self) -> &str { "hello" }
//!     fn version(&self) -> String { "1".into() }
//!     fn credentials(&self) -> Value { json!({}) }
//!     fn export_state(&self) -> Value { json!({}) }
//!     fn import_state(&self, _: Value) -> Result<(), String> { Ok(()) }
//!     fn reset(&self) {}
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let core = SimCore::new(CoreConfig { clock: Clock::manual_unix(1_753_130_948), ..Default::default() });
//! let platform = Router::new().route("/hello", get(|| async { "hi" }));
//! let handle = App::new(core.clone(), Arc::new(Hello), platform)
//!     .spawn("127.0.0.1:0".parse().unwrap())
//!     .await?;
//! assert!(handle.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(core.clock.unix(), 1_753_130_948);
//! handle.shutdown().await
//! # }
//! ```
//!
//! # Layout
//!
//! - [`server`]: the accept loop ([`serve`]) shared by tests and the binary, and
//!   [`spawn`] → [`SimHandle`] (base URL, shutdown, shutdown on drop).
//! - [`app`]: [`SimCore`] (the shared services), the [`Simulator`] trait, and [`App`],
//!   which joins a platform router, the admin router and the middleware (body limit,
//!   faults, journal, timed ticks, a panicking handler caught as a 500) with the
//!   platform's 404 / 405 / 413 / 500 hooks.
//! - [`admin`]: the `/__sim/` routes.
//! - [`cell`]: [`StateCell`], a platform state behind one lock with its fixture.
//! - [`clock`], [`ids`], [`journal`], [`faults`], [`pattern`], [`lifecycle`],
//!   [`webhooks`]: one service each.
#![doc = include_str!("../ADMIN.md")]

pub mod admin;
pub mod app;
pub mod cell;
pub mod clock;
pub mod faults;
pub mod fixtures;
pub mod ids;
pub mod journal;
pub mod lifecycle;
pub mod pattern;
pub mod server;
pub mod webhooks;

pub use admin::{AdminError, AdminJson};
pub use app::{App, CoreConfig, SimCore, Simulator};
pub use cell::StateCell;
pub use clock::{Clock, ClockError};
pub use faults::Faults;
pub use ids::IdSeq;
pub use journal::Journal;
pub use lifecycle::{Lifecycle, Progression, TimedQueue};
pub use server::{SimHandle, serve, spawn};
pub use webhooks::{Outbound, WebhookConfig, Webhooks};
