//! The installed PostgreSQL client tools (`pg_dump`, `pg_restore`) for `backup` and
//! `restore`, found where the private cluster finds its server binaries: `PATH`, then
//! `pg_config --bindir`, then `/usr/lib/postgresql/*/bin`, the newest version first. A
//! tool older than the server cannot read its catalogue, so the versions are compared
//! before anything is run.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A client tool and its PostgreSQL major version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    pub path: PathBuf,
    pub major: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ToolError {
    #[error(
        "{program} was not found (looked in PATH, `pg_config --bindir`, \
         /usr/lib/postgresql/*/bin): install the PostgreSQL client tools \
         (`apt-get install postgresql-client`)"
    )]
    NotFound { program: String },
    #[error(
        "{program} is PostgreSQL {tool}, older than the server (PostgreSQL {server}): install \
         the PostgreSQL {server} client tools (`apt-get install postgresql-client-{server}`)"
    )]
    TooOld {
        program: String,
        tool: u32,
        server: u32,
    },
}

/// The newest `program` installed that is at least `server_major`.
pub fn find(program: &str, server_major: u32) -> Result<Tool, ToolError> {
    let newest = candidates(program)
        .into_iter()
        .filter_map(|path| {
            let major = major_of(&path)?;
            Some(Tool { path, major })
        })
        .max_by_key(|tool| tool.major)
        .ok_or_else(|| ToolError::NotFound {
            program: program.to_string(),
        })?;
    if newest.major < server_major {
        return Err(ToolError::TooOld {
            program: program.to_string(),
            tool: newest.major,
            server: server_major,
        });
    }
    Ok(newest)
}

/// Every executable `program` where the server binaries are looked for.
fn candidates(program: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Some(bindir) = pg_config_bindir() {
        dirs.push(bindir);
    }
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        dirs.extend(entries.filter_map(Result::ok).map(|e| e.path().join("bin")));
    }
    let mut found: Vec<PathBuf> = Vec::new();
    for dir in dirs.into_iter().filter(|d| !d.as_os_str().is_empty()) {
        let file = dir.join(program);
        if is_executable(&file) && !found.contains(&file) {
            found.push(file);
        }
    }
    found
}

fn is_executable(file: &Path) -> bool {
    fs::metadata(file)
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn pg_config_bindir() -> Option<PathBuf> {
    let output = Command::new("pg_config")
        .arg("--bindir")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let bindir = String::from_utf8(output.stdout).ok()?;
    let bindir = bindir.trim();
    (output.status.success() && !bindir.is_empty()).then(|| PathBuf::from(bindir))
}

/// `pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)` → 15.
fn major_of(tool: &Path) -> Option<u32> {
    let output = Command::new(tool)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    parse_major(&String::from_utf8_lossy(&output.stdout))
}

fn parse_major(version_line: &str) -> Option<u32> {
    let after = version_line.split(')').nth(1)?.trim();
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A `postgres://` URL without its password, and the password (for `PGPASSWORD`), so that
/// the password is not in the tools' command lines, which `ps` shows.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_string(), None);
    };
    (
        format!("{scheme}://{user}@{host}{tail}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_major_version_is_read_from_the_tools_version_line() {
        assert_eq!(
            parse_major("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n"),
            Some(15)
        );
        assert_eq!(parse_major("pg_restore (PostgreSQL) 17.2\n"), Some(17));
        assert_eq!(parse_major("something else"), None);
    }

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://bot:s%40cret@db:5432/licensebot?sslmode=require"),
            (
                "postgres://bot@db:5432/licensebot?sslmode=require".to_string(),
                Some("s@cret".to_string())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@localhost:5433/licensebot?host=%2Frun"),
            (
                "postgres://postgres@localhost:5433/licensebot?host=%2Frun".to_string(),
                None
            )
        );
    }

    #[test]
    fn a_server_newer_than_the_tools_is_named_with_the_package_to_install() {
        let e = ToolError::TooOld {
            program: "pg_dump".into(),
            tool: 15,
            server: 17,
        };
        assert_eq!(
            e.to_string(),
            "pg_dump is PostgreSQL 15, older than the server (PostgreSQL 17): install the \
             PostgreSQL 17 client tools (`apt-get install postgresql-client-17`)"
        );
    }
}
