//! The simulators `cartsim serve` knows: one [`Entry`] each in [`SIMULATORS`].
//!
//! # Adding a platform
//!
//! Add one entry to [`SIMULATORS`] and one builder function beside it. The entry names
//! the simulator, its default port and its port flag with the flag's `CARTSIM_*` env
//! twin; the command line grows the flag by itself (see [`crate::cli`]), and
//! `--only`, the banner and shutdown pick the entry up too. For Magento:
//!
//! ```text
//! Entry {
//!     name: "magento",
//!     default_port: 8081,
//!     port_flag: "magento-port",
//!     port_env: "CARTSIM_MAGENTO_PORT",
//!     build: build_magento,
//! },
//! ```
//!
//! with `fn build_magento(core, setup) -> Result<Built, String>` loading the
//! platform's fixture from `fixtures/magento/` (see [`Setup`]) and returning its
//! [`App`] and its [`Simulator`]. Default ports come from DESIGN.md: gateway 8080, Magento 8081,
//! Snipcart 8082, PrintXpand 8083, Tunetoo 8084; the demo sits apart on 8089.

use std::path::Path;
use std::sync::Arc;

use sim_core::{App, SimCore, Simulator};

/// A simulator assembled and ready to serve.
pub struct Built {
    /// Its router with the core services and `/__sim/` mounted.
    pub app: App,
    /// The simulator itself, for its credentials (the banner line).
    pub sim: Arc<dyn Simulator>,
}

/// What a builder gets besides its core: where fixtures are and the platform options
/// of the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Setup<'a> {
    /// Fixture directory (the embedded default fixture when `None`, or when the
    /// directory holds no fixture for the simulator).
    pub fixtures: Option<&'a Path>,
    /// Magento's install prefix (`--magento-base-path`), empty for none.
    pub magento_base_path: &'a str,
}

/// Assembles one simulator on `core` as `setup` says. The error is one line that
/// names the file and the cause.
pub type Build = fn(core: SimCore, setup: Setup<'_>) -> Result<Built, String>;

/// One simulator `cartsim serve` can run.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Name, as `--only` takes it and the banner prints it (`"magento"`).
    pub name: &'static str,
    /// Port it listens on unless told otherwise.
    pub default_port: u16,
    /// Long flag that sets the port, without dashes (`"magento-port"`).
    pub port_flag: &'static str,
    /// Env twin of the port flag (`"CARTSIM_MAGENTO_PORT"`).
    pub port_env: &'static str,
    /// How to assemble it.
    pub build: Build,
}

/// Every simulator `cartsim serve` runs, in the order it starts and prints them.
pub static SIMULATORS: &[Entry] = &[
    Entry {
        name: "magento",
        default_port: 8081,
        port_flag: "magento-port",
        port_env: "CARTSIM_MAGENTO_PORT",
        build: build_magento,
    },
    Entry {
        name: "snipcart",
        default_port: 8082,
        port_flag: "snipcart-port",
        port_env: "CARTSIM_SNIPCART_PORT",
        build: build_snipcart,
    },
    Entry {
        name: "printxpand",
        default_port: 8083,
        port_flag: "printxpand-port",
        port_env: "CARTSIM_PRINTXPAND_PORT",
        build: build_printxpand,
    },
    Entry {
        name: "tunetoo",
        default_port: 8084,
        port_flag: "tunetoo-port",
        port_env: "CARTSIM_TUNETOO_PORT",
        build: build_tunetoo,
    },
    Entry {
        name: "demo",
        default_port: 8089,
        port_flag: "demo-port",
        port_env: "CARTSIM_DEMO_PORT",
        build: build_demo,
    },
];

/// The entry called `name`, if any.
pub fn find(name: &str) -> Option<&'static Entry> {
    SIMULATORS.iter().find(|e| e.name == name)
}

/// The registered names, comma-separated, for error messages.
pub fn known_names() -> String {
    SIMULATORS
        .iter()
        .map(|e| e.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn build_magento(core: SimCore, setup: Setup<'_>) -> Result<Built, String> {
    let fixture = sim_magento::fixtures::load(setup.fixtures).map_err(|e| e.to_string())?;
    let options = sim_magento::Options::with_base_path(setup.magento_base_path);
    let (app, magento) = sim_magento::app(core, fixture, options);
    Ok(Built { app, sim: magento })
}

fn build_snipcart(core: SimCore, setup: Setup<'_>) -> Result<Built, String> {
    let fixture = sim_snipcart::fixtures::load(setup.fixtures).map_err(|e| e.to_string())?;
    let (app, snipcart) = sim_snipcart::app(core, fixture);
    Ok(Built { app, sim: snipcart })
}

fn build_printxpand(core: SimCore, setup: Setup<'_>) -> Result<Built, String> {
    let fixture = sim_printxpand::fixtures::load(setup.fixtures).map_err(|e| e.to_string())?;
    let (app, px) = sim_printxpand::app(core, fixture);
    Ok(Built { app, sim: px })
}

fn build_tunetoo(core: SimCore, setup: Setup<'_>) -> Result<Built, String> {
    let fixture = sim_tunetoo::fixtures::load(setup.fixtures).map_err(|e| e.to_string())?;
    let (app, tunetoo) = sim_tunetoo::app(core, fixture);
    Ok(Built { app, sim: tunetoo })
}

fn build_demo(core: SimCore, setup: Setup<'_>) -> Result<Built, String> {
    let fixture = sim_demo::fixtures::load(setup.fixtures).map_err(|e| e.to_string())?;
    let (app, demo) = sim_demo::app(core, fixture);
    Ok(Built { app, sim: demo })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ports_and_flags_are_unique_and_follow_the_convention() {
        for (i, e) in SIMULATORS.iter().enumerate() {
            assert_eq!(e.port_flag, format!("{}-port", e.name));
            assert_eq!(
                e.port_env,
                format!("CARTSIM_{}_PORT", e.name.to_uppercase().replace('-', "_"))
            );
            for other in &SIMULATORS[i + 1..] {
                assert_ne!(e.name, other.name);
                assert_ne!(
                    e.default_port, other.default_port,
                    "{} / {}",
                    e.name, other.name
                );
            }
        }
    }

    #[test]
    fn every_entry_builds_from_its_embedded_fixture() {
        for e in SIMULATORS {
            let built = (e.build)(SimCore::new(Default::default()), Setup::default())
                .unwrap_or_else(|m| panic!("{}: {m}", e.name));
            assert_eq!(built.sim.platform(), e.name);
        }
    }
}
