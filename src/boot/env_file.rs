//! `.env`: environment variables for the bot and the CLI, from `./.env` in the working
//! directory only (or the file `LICENSEBOT_ENV_FILE` names), never from a parent directory:
//! a `.env` planted in `/tmp` could otherwise redirect `DISCORD_API_URL`, and the token
//! with it, or `DATABASE_URL`. Variables already in the environment win over the file.
//!
//! The file is refused when it could leak or be changed behind its owner's back: when it
//! holds `DISCORD_TOKEN` and group or others may read it, when group or others may write it,
//! or when it belongs to another user than this process's (root's files are accepted).

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

/// Names the file to read instead of `./.env`.
pub const ENV_FILE_VAR: &str = "LICENSEBOT_ENV_FILE";
/// More than any real `.env`; a bigger file is refused rather than read whole.
const MAX_BYTES: u64 = 1024 * 1024;

/// Why the `.env` was refused; each message is one line saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    #[error(
        "{path} holds DISCORD_TOKEN but group or others may read it (mode {mode}): run \
         `chmod 600 {path}`"
    )]
    TokenReadable { path: PathBuf, mode: String },

    #[error(
        "{path} may be changed by group or others (mode {mode}), who could point the bot at \
         another Discord API or database: run `chmod 600 {path}`"
    )]
    Writable { path: PathBuf, mode: String },

    #[error(
        "{path} belongs to uid {owner}, not to this user (uid {me}), who could point the bot \
         at another Discord API or database: `chown` it, or remove it"
    )]
    ForeignOwner { path: PathBuf, owner: u32, me: u32 },

    #[error("{ENV_FILE_VAR} names {path}, which does not exist")]
    Missing { path: PathBuf },

    #[error("{path} is bigger than {MAX_BYTES} bytes: is it really an environment file?")]
    TooBig { path: PathBuf },

    #[error("reading {path}: {source}")]
    Io { path: PathBuf, source: io::Error },

    #[error("reading {path}: {source}")]
    Parse {
        path: PathBuf,
        source: dotenvy::Error,
    },
}

/// The file to read: the one `LICENSEBOT_ENV_FILE` names (`named`), else `.env` in the
/// working directory. The second value says whether it was named, and so must exist.
pub fn env_file_path(named: Option<OsString>) -> (PathBuf, bool) {
    match named.filter(|named| !named.is_empty()) {
        Some(named) => (PathBuf::from(named), true),
        None => (PathBuf::from(".env"), false),
    }
}

/// The variables of the environment file at `path`, in order, after checking who may read
/// and change it (see the module documentation); `None` when there is no such file.
pub fn read_env_file(path: &Path) -> Result<Option<Vec<(String, String)>>, EnvFileError> {
    let io_error = |source| EnvFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(error)),
    };
    // Checked on the open file, so a swap after the check cannot slip another one in.
    let meta = file.metadata().map_err(io_error)?;
    let mode = meta.mode() & 0o7777;
    let me = nix::unistd::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(EnvFileError::ForeignOwner {
            path: path.to_path_buf(),
            owner: meta.uid(),
            me,
        });
    }
    if mode & 0o022 != 0 {
        return Err(EnvFileError::Writable {
            path: path.to_path_buf(),
            mode: format!("{mode:04o}"),
        });
    }
    if meta.len() > MAX_BYTES {
        return Err(EnvFileError::TooBig {
            path: path.to_path_buf(),
        });
    }
    let mut text = Vec::new();
    file.take(MAX_BYTES)
        .read_to_end(&mut text)
        .map_err(io_error)?;
    let vars = dotenvy::from_read_iter(text.as_slice())
        .collect::<Result<Vec<(String, String)>, dotenvy::Error>>()
        .map_err(|source| EnvFileError::Parse {
            path: path.to_path_buf(),
            source,
        })?;
    let holds_token = vars
        .iter()
        .any(|(name, value)| name == "DISCORD_TOKEN" && !value.trim().is_empty());
    if holds_token && mode & 0o044 != 0 {
        return Err(EnvFileError::TokenReadable {
            path: path.to_path_buf(),
            mode: format!("{mode:04o}"),
        });
    }
    Ok(Some(vars))
}

/// Reads the environment file (see [`env_file_path`]) into this process's environment,
/// leaving variables that are already set alone; returns the file read, if any. Call it
/// first thing in `main`, before any thread is started.
pub fn load_env_file() -> Result<Option<PathBuf>, EnvFileError> {
    let (path, named) = env_file_path(std::env::var_os(ENV_FILE_VAR));
    let Some(vars) = read_env_file(&path)? else {
        return if named {
            Err(EnvFileError::Missing { path })
        } else {
            Ok(None)
        };
    };
    for (name, value) in vars {
        if std::env::var_os(&name).is_none() {
            std::env::set_var(name, value);
        }
    }
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn env_file(mode: u32, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env");
        std::fs::write(&path, text).expect("writing");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        (dir, path)
    }

    #[test]
    fn the_file_is_dot_env_in_the_working_directory_unless_one_is_named() {
        assert_eq!(env_file_path(None), (PathBuf::from(".env"), false));
        assert_eq!(
            env_file_path(Some(OsString::new())),
            (PathBuf::from(".env"), false)
        );
        assert_eq!(
            env_file_path(Some(OsString::from("/etc/licensebot/env"))),
            (PathBuf::from("/etc/licensebot/env"), true)
        );
    }

    #[test]
    fn an_owner_only_file_is_read_in_order() {
        let (_dir, path) = env_file(0o600, "DISCORD_TOKEN=abc\n# note\nRUST_LOG=info\n");
        let vars = read_env_file(&path).expect("read").expect("present");
        assert_eq!(
            vars,
            [
                ("DISCORD_TOKEN".to_owned(), "abc".to_owned()),
                ("RUST_LOG".to_owned(), "info".to_owned())
            ]
        );
    }

    #[test]
    fn a_token_group_or_others_may_read_is_refused_saying_chmod_600() {
        for mode in [0o640, 0o604, 0o644] {
            let (_dir, path) = env_file(mode, "DISCORD_TOKEN=abc\n");
            let error = read_env_file(&path).expect_err("the token is exposed");
            assert!(
                matches!(error, EnvFileError::TokenReadable { .. }),
                "{error:?}"
            );
            let message = error.to_string();
            assert!(message.contains("chmod 600"), "{message}");
            assert!(!message.contains("abc"), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }

    #[test]
    fn a_readable_file_without_a_token_is_read() {
        let (_dir, path) = env_file(0o644, "DISCORD_TOKEN=\nRUST_LOG=info\n");
        assert!(read_env_file(&path).expect("read").is_some());
    }

    #[test]
    fn a_file_others_may_change_is_refused() {
        let (_dir, path) = env_file(0o622, "RUST_LOG=info\n");
        let error = read_env_file(&path).expect_err("others may write it");
        assert!(matches!(error, EnvFileError::Writable { .. }), "{error:?}");
        assert!(error.to_string().contains("chmod 600"), "{error}");
    }

    #[test]
    fn no_file_is_no_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(read_env_file(&dir.path().join(".env"))
            .expect("no error")
            .is_none());
    }
}
