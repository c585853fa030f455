//! The command line. Every flag has a `CARTSIM_*` env twin, as httpmock's
//! `env = "HTTPMOCK_PORT"` does; a flag given on the command line wins over its twin.
//!
//! The fixed flags are derived with clap; the port flags (`--demo-port`, ...) are added
//! from the [registry](crate::registry) when the command is built, so a new simulator
//! gets its flag from its registry entry alone.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Arg, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::registry::{Entry, SIMULATORS};

/// cartsim: faithful in-memory fakes of e-commerce platform APIs.
#[derive(Debug, Parser)]
#[command(name = "cartsim", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start every simulator on its port and print one line each: name, URL, credentials.
    Serve(ServeArgs),
}

/// Options of `cartsim serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CARTSIM_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Fixture directory (`DIR/<platform>/...`); by default `./fixtures` when it exists,
    /// else the fixtures built into the binary.
    #[arg(long, env = "CARTSIM_FIXTURES", value_name = "DIR")]
    pub fixtures: Option<PathBuf>,

    /// Run only these simulators (comma-separated names).
    #[arg(
        long,
        env = "CARTSIM_ONLY",
        value_name = "NAMES",
        value_delimiter = ','
    )]
    pub only: Vec<String>,

    /// Log format (logs go to stderr; filter with RUST_LOG).
    #[arg(long, env = "CARTSIM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,

    /// Request journal entries each simulator keeps (0 switches the journal off).
    #[arg(long, env = "CARTSIM_JOURNAL_SIZE", value_name = "N", default_value_t = sim_core::journal::DEFAULT_CAPACITY)]
    pub journal_size: usize,

    /// Request journal bytes each simulator keeps, at most (method, path, query, headers
    /// and body of each entry; the oldest entries go first; 0 switches the journal off)
    /// [default: 64 MiB].
    #[arg(long, env = "CARTSIM_JOURNAL_BYTES", value_name = "BYTES", default_value_t = sim_core::journal::DEFAULT_BYTE_BUDGET, hide_default_value = true)]
    pub journal_bytes: usize,

    /// Largest request body accepted, in bytes [default: 10 MiB].
    #[arg(long, env = "CARTSIM_BODY_LIMIT", value_name = "BYTES")]
    pub body_limit: Option<usize>,

    /// Install prefix every Magento REST path sits under (`/magento-2.4.0` makes the
    /// seed trace's paths work verbatim).
    #[arg(
        long,
        env = "CARTSIM_MAGENTO_BASE_PATH",
        value_name = "PATH",
        default_value = ""
    )]
    pub magento_base_path: String,

    /// Ports set by the registry's port flags, by simulator name; a simulator missing
    /// here listens on its default port.
    #[arg(skip)]
    pub ports: BTreeMap<&'static str, u16>,
}

impl ServeArgs {
    /// Options as if nothing were given: every default, no env twin read.
    pub fn defaults() -> Self {
        Self {
            host: IpAddr::from([127, 0, 0, 1]),
            fixtures: None,
            only: Vec::new(),
            log_format: LogFormat::Pretty,
            journal_size: sim_core::journal::DEFAULT_CAPACITY,
            journal_bytes: sim_core::journal::DEFAULT_BYTE_BUDGET,
            body_limit: None,
            magento_base_path: String::new(),
            ports: BTreeMap::new(),
        }
    }

    /// The port `entry` listens on.
    pub fn port(&self, entry: &Entry) -> u16 {
        self.ports
            .get(entry.name)
            .copied()
            .unwrap_or(entry.default_port)
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// The whole command, port flags included.
pub fn command() -> clap::Command {
    Cli::command().mut_subcommand("serve", |serve| {
        SIMULATORS.iter().fold(serve, |cmd, e| cmd.arg(port_arg(e)))
    })
}

fn port_arg(e: &Entry) -> Arg {
    Arg::new(e.port_flag)
        .long(e.port_flag)
        .env(e.port_env)
        .value_name("PORT")
        .help_heading("Ports")
        .value_parser(clap::value_parser!(u16))
        .help(format!(
            "Port of the {} simulator (0 for any free port) [default: {}]",
            e.name, e.default_port
        ))
}

/// Parses `args` (the program name first). On error (or `--help`, `--version`) the
/// clap error says what to print and with which exit code.
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    let Command::Serve(serve) = &mut cli.command;
    if let Some(m) = matches.subcommand_matches("serve") {
        serve.ports = ports(m);
    }
    Ok(cli)
}

fn ports(m: &ArgMatches) -> BTreeMap<&'static str, u16> {
    SIMULATORS
        .iter()
        .filter_map(|e| m.get_one::<u16>(e.port_flag).map(|p| (e.name, *p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> ServeArgs {
        let cli = parse_from(["cartsim", "serve"].iter().chain(args)).unwrap();
        let Command::Serve(s) = cli.command;
        s
    }

    #[test]
    fn the_command_is_well_formed() {
        command().debug_assert();
    }

    #[test]
    fn port_flags_come_from_the_registry() {
        let s = serve(&["--demo-port", "9001"]);
        assert_eq!(s.port(crate::registry::find("demo").unwrap()), 9001);
    }

    #[test]
    fn only_takes_a_comma_list() {
        assert_eq!(serve(&["--only", "demo,magento"]).only, ["demo", "magento"]);
    }

    #[test]
    fn journal_bytes_defaults_to_64_mib_and_takes_a_number() {
        assert_eq!(serve(&[]).journal_bytes, 64 * 1024 * 1024);
        assert_eq!(
            serve(&["--journal-bytes", "1048576"]).journal_bytes,
            1_048_576
        );
        assert_eq!(ServeArgs::defaults().journal_bytes, 64 * 1024 * 1024);
        assert!(parse_from(["cartsim", "serve", "--journal-bytes", "-1"]).is_err());
        let err = parse_from(["cartsim", "serve", "--journal-bytes", "lots"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }

    #[test]
    fn a_port_out_of_range_is_refused() {
        let err = parse_from(["cartsim", "serve", "--demo-port", "70000"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }
}
