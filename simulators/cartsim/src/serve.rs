//! `cartsim serve`: assemble the chosen simulators, bind every listener, then serve.
//!
//! The order matters. Every fixture is loaded and every port is bound before the first
//! simulator serves a request, so a bad fixture or a taken port fails the whole start
//! with one [`ServeError`] and nothing half-started is left behind.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use sim_core::{Clock, CoreConfig, SimCore, SimHandle, Simulator};
use tokio::net::TcpListener;

use crate::cli::ServeArgs;
use crate::registry::{self, Entry, SIMULATORS, Setup};

/// Why `cartsim serve` could not start (or stop) cleanly. Each message is one line.
#[derive(Debug)]
pub enum ServeError {
    /// `--only` named a simulator the registry does not have.
    UnknownSimulator {
        /// The name given.
        name: String,
    },
    /// `--fixtures` is not a directory.
    FixturesDir {
        /// The path given.
        path: PathBuf,
    },
    /// A simulator could not be assembled (a bad fixture file, most likely).
    Build {
        /// The simulator.
        name: &'static str,
        /// Why; names the file.
        message: String,
    },
    /// A listener could not be bound.
    Bind {
        /// The simulator.
        name: &'static str,
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The signal handlers could not be installed.
    Signals(io::Error),
    /// A simulator's server failed while shutting down.
    Shutdown {
        /// The simulator.
        name: &'static str,
        /// Why.
        source: io::Error,
    },
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownSimulator { name } => write!(
                f,
                "unknown simulator {name:?} in --only (known: {})",
                registry::known_names()
            ),
            Self::FixturesDir { path } => {
                write!(f, "fixtures directory {} does not exist", path.display())
            }
            Self::Build { name, message } => write!(f, "cannot start {name}: {message}"),
            Self::Bind { name, addr, source } => write!(
                f,
                "cannot listen on {addr} for {name}: {}",
                io_reason(source)
            ),
            Self::Signals(e) => write!(f, "cannot install signal handlers: {e}"),
            Self::Shutdown { name, source } => {
                write!(f, "{name} did not shut down cleanly: {source}")
            }
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind { source, .. } | Self::Shutdown { source, .. } => Some(source),
            Self::Signals(e) => Some(e),
            _ => None,
        }
    }
}

/// The usual bind failures in plain words (the OS text carries an `(os error N)`).
fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::AddrInUse => "address already in use".to_owned(),
        io::ErrorKind::AddrNotAvailable => "address not available on this machine".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// The registry entries `only` selects, in registry order. Blank names (`--only demo,`)
/// are ignored, and a list of none selects all (so `CARTSIM_ONLY=` means all).
pub fn select(only: &[String]) -> Result<Vec<&'static Entry>, ServeError> {
    let names: Vec<&str> = only
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Ok(SIMULATORS.iter().collect());
    }
    if let Some(unknown) = names.iter().find(|n| registry::find(n).is_none()) {
        return Err(ServeError::UnknownSimulator {
            name: (*unknown).to_owned(),
        });
    }
    Ok(SIMULATORS
        .iter()
        .filter(|e| names.contains(&e.name))
        .collect())
}

/// The fixture directory to use: `explicit` when given (it must exist), else
/// `./fixtures` when it exists, else `None` (the embedded fixtures).
pub fn fixtures_dir(explicit: Option<&Path>) -> Result<Option<PathBuf>, ServeError> {
    match explicit {
        Some(dir) if dir.is_dir() => Ok(Some(dir.to_owned())),
        Some(dir) => Err(ServeError::FixturesDir {
            path: dir.to_owned(),
        }),
        None => {
            let dir = Path::new("fixtures");
            Ok(dir.is_dir().then(|| dir.to_owned()))
        }
    }
}

/// Core settings of every simulator: a system clock, the journal size and body limit
/// from the flags.
fn core_config(args: &ServeArgs) -> CoreConfig {
    let mut config = CoreConfig {
        clock: Clock::system(),
        journal_capacity: args.journal_size,
        journal_bytes: args.journal_bytes,
        ..CoreConfig::default()
    };
    if let Some(limit) = args.body_limit {
        config.body_limit = limit;
    }
    config
}

/// Assembles, binds and starts the simulators `args` selects. Fails before serving
/// anything if a fixture is bad or a port is taken.
pub async fn start(args: &ServeArgs) -> Result<Running, ServeError> {
    let entries = select(&args.only)?;
    let fixtures = fixtures_dir(args.fixtures.as_deref())?;

    let mut built = Vec::with_capacity(entries.len());
    for entry in entries {
        let core = SimCore::new(core_config(args));
        let setup = Setup {
            fixtures: fixtures.as_deref(),
            magento_base_path: &args.magento_base_path,
        };
        let b = (entry.build)(core, setup).map_err(|message| ServeError::Build {
            name: entry.name,
            message,
        })?;
        built.push((entry, b));
    }

    let mut bound = Vec::with_capacity(built.len());
    for (entry, b) in built {
        let addr = SocketAddr::new(args.host, args.port(entry));
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind {
                name: entry.name,
                addr,
                source,
            })?;
        bound.push((entry, b, listener));
    }

    let sims = bound
        .into_iter()
        .map(|(entry, b, listener)| RunningSim {
            name: entry.name,
            sim: b.sim,
            handle: b.app.spawn_on(listener),
        })
        .collect();
    Ok(Running { sims })
}

/// One simulator being served.
pub struct RunningSim {
    name: &'static str,
    sim: Arc<dyn Simulator>,
    handle: SimHandle,
}

impl std::fmt::Debug for RunningSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningSim")
            .field("name", &self.name)
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl RunningSim {
    /// Its registry name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// `http://HOST:PORT`, with the port actually bound (never 0).
    pub fn base_url(&self) -> &str {
        self.handle.base_url()
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.handle.local_addr()
    }

    /// The credentials a client needs, as `GET /__sim/info` shows them.
    pub fn credentials(&self) -> Value {
        self.sim.credentials()
    }
}

/// The simulators of one `cartsim serve`.
#[derive(Debug)]
pub struct Running {
    sims: Vec<RunningSim>,
}

impl Running {
    /// The simulators, in registry order.
    pub fn sims(&self) -> &[RunningSim] {
        &self.sims
    }

    /// One line per simulator, columns aligned: name, base URL, credentials
    /// (`demo  http://127.0.0.1:8089  token=demo-token`).
    pub fn banner(&self) -> Vec<String> {
        let width = self.sims.iter().map(|s| s.name.len()).max().unwrap_or(0);
        let url_width = self
            .sims
            .iter()
            .map(|s| s.base_url().len())
            .max()
            .unwrap_or(0);
        self.sims
            .iter()
            .map(|s| {
                let line = format!(
                    "{:width$}  {:url_width$}  {}",
                    s.name,
                    s.base_url(),
                    credentials_text(&s.credentials())
                );
                line.trim_end().to_owned()
            })
            .collect()
    }

    /// Stops every simulator (requests in progress may finish, for a few seconds at
    /// most) and waits until all have stopped.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        let mut tasks = tokio::task::JoinSet::new();
        for s in self.sims {
            tasks.spawn(async move { (s.name, s.handle.shutdown().await) });
        }
        let mut first_error = None;
        while let Some(joined) = tasks.join_next().await {
            let (name, result) = match joined {
                Ok(done) => done,
                Err(e) => ("a simulator", Err(io::Error::other(e))),
            };
            if let Err(source) = result {
                tracing::error!(simulator = name, error = %source, "shutdown failed");
                first_error.get_or_insert(ServeError::Shutdown { name, source });
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Credentials as `key=value` pairs separated by spaces; nested objects flatten to
/// dotted keys (`admin.username=...`). A value holding spaces, `=` or nothing is
/// quoted as a JSON string so the line stays splittable on whitespace.
pub fn credentials_text(credentials: &Value) -> String {
    let mut pairs = Vec::new();
    flatten("", credentials, &mut pairs);
    pairs
        .into_iter()
        .map(|(k, v)| if k.is_empty() { v } else { format!("{k}={v}") })
        .collect::<Vec<_>>()
        .join(" ")
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            let plain =
                !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || c == '=' || c == '"');
            let text = if plain {
                s.clone()
            } else {
                Value::String(s.clone()).to_string()
            };
            out.push((prefix.to_owned(), text));
        }
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credentials_print_as_key_value_pairs() {
        assert_eq!(
            credentials_text(&json!({"token": "demo-token"})),
            "token=demo-token"
        );
        assert_eq!(
            credentials_text(
                &json!({"admin": {"username": "admin", "password": "a b"}, "store": 1})
            ),
            r#"admin.username=admin admin.password="a b" store=1"#
        );
        assert_eq!(credentials_text(&json!({})), "");
        assert_eq!(credentials_text(&json!({"key": null})), "");
    }

    #[test]
    fn only_selects_in_registry_order_and_refuses_unknown_names() {
        assert_eq!(select(&[]).unwrap().len(), SIMULATORS.len());
        assert_eq!(
            select(&[" demo ".into(), "".into()]).unwrap()[0].name,
            "demo"
        );
        let err = select(&["demo".into(), "nosuch".into()])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            r#"unknown simulator "nosuch" in --only (known: magento, snipcart, printxpand, tunetoo, demo)"#
        );
        let order: Vec<_> = select(&["demo".into(), "magento".into()])
            .unwrap()
            .iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(order, ["magento", "demo"]);
        assert_eq!(
            select(&["".into(), " ".into()]).unwrap().len(),
            SIMULATORS.len()
        );
    }

    #[test]
    fn an_explicit_fixtures_dir_must_exist() {
        let err = fixtures_dir(Some(Path::new("/nonexistent-cartsim-fixtures"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures directory /nonexistent-cartsim-fixtures does not exist"
        );
    }

    #[test]
    fn the_journal_limits_come_from_the_flags() {
        let mut args = ServeArgs::defaults();
        args.journal_size = 7;
        args.journal_bytes = 4096;
        let config = core_config(&args);
        assert_eq!((config.journal_capacity, config.journal_bytes), (7, 4096));
    }

    #[tokio::test]
    async fn starts_on_port_zero_and_reports_the_bound_port() {
        let mut args = ServeArgs::defaults();
        for e in SIMULATORS {
            args.ports.insert(e.name, 0);
        }
        let running = start(&args).await.unwrap();
        let i = running
            .sims()
            .iter()
            .position(|s| s.name() == "demo")
            .unwrap();
        let line = &running.banner()[i];
        let port = running.sims()[i].local_addr().port();
        assert_ne!(port, 0);
        assert_eq!(
            line.split_whitespace().collect::<Vec<_>>(),
            [
                "demo",
                &format!("http://127.0.0.1:{port}"),
                "token=demo-token"
            ]
        );
        running.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn a_taken_port_fails_before_anything_serves() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut args = ServeArgs::defaults();
        args.ports
            .insert("demo", taken.local_addr().unwrap().port());
        let err = start(&args).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot listen on {} for demo: address already in use",
                taken.local_addr().unwrap()
            )
        );
    }
}
