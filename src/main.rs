//! The `licensebot` binary: parse the command line, load the configuration, set up
//! logging, and hand over to the library.

use clap::Parser as _;
use std::process::ExitCode;

#[cfg(all(unix, not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    // ./.env (or $LICENSEBOT_ENV_FILE) is optional; real environment variables win over
    // it. Before clap, whose arguments may come from the environment.
    if let Err(e) = licensebot::boot::load_env_file() {
        eprintln!("error: {}", one_line(&e.to_string()));
        return ExitCode::FAILURE;
    }
    let cli = match licensebot::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
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

/// `--help` and `--version` print as clap prints them; a usage error is one line on stderr,
/// like every other error (clap's own message runs to a usage block and a hint).
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let rendered = e.to_string();
    let reason = rendered.split("\n\n").next().unwrap_or_default();
    eprintln!("{}", one_line(reason));
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
