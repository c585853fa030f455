//! `cartsim serve`: see the `cartsim` library docs and the workspace README.

use std::io::IsTerminal;
use std::process::ExitCode;

use cartsim::{Command, LogFormat};
use tracing_subscriber::EnvFilter;

// A request allocates many small short-lived buffers (JSON trees, headers, journal
// entries); mimalloc serves them markedly cheaper than the system allocator
// (BENCHMARKS.md has the before and after).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cartsim::cli::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors, --help and --version: clap knows what to print and where.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let Command::Serve(args) = cli.command;
    init_tracing(args.log_format);

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(cartsim::serve_until_signal(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        // The error's own message is complete (it already says why), so its source
        // chain is not printed again.
        Err(e) => fail(&e.to_string()),
    }
}

/// Prints `message` as one line on stderr, which is what scripts read, and fails.
fn fail(message: &str) -> ExitCode {
    eprintln!("cartsim: {}", message.replace(['\n', '\r'], " "));
    ExitCode::FAILURE
}

/// Logs to stderr (stdout carries the banner), filtered by `RUST_LOG`, `info` by default.
fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Pretty => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
}
