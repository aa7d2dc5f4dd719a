//! The `licensebot` binary: parse the command line, load the configuration, set up
//! logging, and hand over to the library.

use clap::Parser as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    // .env is optional; real environment variables win over it.
    let _ = dotenvy::dotenv();
    let cli = licensebot::cli::Cli::parse();
    let settings = match licensebot::config::Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    licensebot::telemetry::init(settings.log.format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(licensebot::cli::execute(cli, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::debug!(error = ?e, "command failed");
            eprintln!("error: {}", one_line(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
