//! Entry point: logging, then the command line.

use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// mimalloc hands freed memory back to the OS; with the system allocator the 19 MiB argon2
/// blocks of a login flood stayed in per-thread arenas (gigabytes after 400 failed logins).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let json = std::env::var("TEILHABE_LOG_FORMAT").is_ok_and(|v| v == "json");
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        registry.with(fmt::layer().json()).init();
    } else {
        // Colour codes only for a person at a terminal; a log file or collector gets plain text.
        registry.with(fmt::layer().with_ansi(std::io::stdout().is_terminal())).init();
    }
    match teilhabe::cli::run(teilhabe::cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "teilhabe stopped");
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
