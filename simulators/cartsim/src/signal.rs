//! The signals that stop `cartsim serve`: Ctrl-C (SIGINT) everywhere, SIGTERM on Unix.
//!
//! The handlers are installed by [`Signals::install`], before the first simulator
//! serves and before the banner is printed, so a signal sent by a script the moment it
//! reads the banner is always caught (and never kills the process the default way).

use std::io;

/// Installed shutdown signal handlers.
#[derive(Debug)]
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    /// Installs the handlers. Must run inside a tokio runtime.
    pub fn install() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Waits for the next signal and returns its name (`"SIGTERM"`).
    pub async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "SIGINT",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            // On failure to listen there is nothing better to do than stop.
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}
