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

    // Whole-table searches run on the blocking pool (sim-magento's http.rs). They are
    // CPU-bound, so more threads than cores only queue them in the kernel instead of
    // in tokio, and every short-lived thread leaves an allocator heap behind: a
    // mixed soak grew the RSS by 10 % a minute with tokio's default of 512 threads
    // that exit after 10 s idle (BENCHMARKS.md). A few long-lived threads keep it flat.
    let blocking = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 8);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking)
        .thread_keep_alive(std::time::Duration::from_secs(600))
        .build()
    {
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
