//! `cartsim`: the binary that runs every cartsim simulator at once.
//!
//! `cartsim serve` starts each registered simulator on its own loopback port, seeded
//! from the fixtures, and prints one line per simulator (name, base URL, credentials)
//! on stdout, so that an app in any language can use them as a local sandbox:
//!
//! ```text
//! $ cargo run --release -p cartsim -- serve
//! demo  http://127.0.0.1:8089  token=demo-token
//! ```
//!
//! Ctrl-C or SIGTERM stops it cleanly. Logs go to stderr.
//!
//! # Layout
//!
//! - [`registry`]: the table of simulators; a platform registers itself with one entry.
//! - [`cli`]: the command line, every flag with its `CARTSIM_*` env twin.
//! - [`serve`]: select, assemble, bind, start, print, shut down.
//! - [`signal`]: the shutdown signals.
//!
//! `main.rs` only parses the command line, sets up tracing and calls [`serve_until_signal`].

pub mod cli;
pub mod registry;
pub mod serve;
pub mod signal;

use std::future::Future;
use std::io::Write;

pub use cli::{Cli, Command, LogFormat, ServeArgs};
pub use serve::{Running, RunningSim, ServeError};
pub use signal::Signals;

/// Starts the simulators `args` selects, prints the banner on stdout, serves until
/// `shutdown` resolves (to the name of what stopped it, such as `"SIGTERM"`), then
/// shuts every simulator down and waits for it.
pub async fn run(
    args: &ServeArgs,
    shutdown: impl Future<Output = &'static str>,
) -> Result<(), ServeError> {
    let running = serve::start(args).await?;
    for sim in running.sims() {
        tracing::debug!(simulator = sim.name(), url = sim.base_url(), "listening");
    }
    {
        let mut out = std::io::stdout().lock();
        for line in running.banner() {
            // A closed stdout is no reason to stop serving: clients may not read it.
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }
    let reason = shutdown.await;
    eprintln!("cartsim: {reason} received, shutting down");
    running.shutdown().await
}

/// [`run`] until Ctrl-C or SIGTERM. The handlers are installed before anything is
/// served, so no signal is missed.
pub async fn serve_until_signal(args: &ServeArgs) -> Result<(), ServeError> {
    let mut signals = Signals::install().map_err(ServeError::Signals)?;
    run(args, signals.recv()).await
}

/// The code blocks of the workspace README, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
