//! The cluster's files, reached without following symlinks.
//!
//! The cluster directory belongs to the server user, who can put anything in it: a symlink
//! `run -> /etc`, a FIFO as `server.log`, a hard link to another file. Running as root,
//! licensebot would follow such a name into a file it must not change or show, so it reaches
//! every file under the data directory through a handle on the directory holding it: opened
//! with `O_NOFOLLOW`, checked on the open handle (type, owner), and changed through that
//! handle (`fchown`, `fchmod`). A file is replaced by writing a new one and renaming it over
//! the old name, never by writing through an existing name, and reads are bounded.

use std::fs::File;
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Mode, OFlags};
use rustix::io::Errno;

use super::{io_err, user_name, ClusterError, RunAs};

/// Flags for every open under the data directory: no symlink is followed, no terminal taken.
const NO_FOLLOW: OFlags = OFlags::NOFOLLOW
    .union(OFlags::CLOEXEC)
    .union(OFlags::NOCTTY);

/// An open directory; the names below it are looked up relative to this handle.
#[derive(Debug)]
pub(super) struct Dir {
    file: File,
    path: PathBuf,
}

impl Dir {
    /// Opens a directory by its path, following symlinks: only for the data directory,
    /// which the operator chose and which is already canonical.
    pub(super) fn open(path: &Path) -> Result<Dir, ClusterError> {
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|errno| io_err(format!("opening {}", path.display()))(errno.into()))?;
        Ok(Dir {
            file: File::from(fd),
            path: path.to_path_buf(),
        })
    }

    /// Opens a directory by its path, refusing a symlink as its last component.
    pub(super) fn open_no_follow(path: &Path) -> Result<Dir, ClusterError> {
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | NO_FOLLOW,
            Mode::empty(),
        )
        .map_err(|errno| open_error(path, errno, true))?;
        Ok(Dir {
            file: File::from(fd),
            path: path.to_path_buf(),
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Owner and mode of the directory itself.
    pub(super) fn owner_and_mode(&self) -> Result<(u32, u32), ClusterError> {
        let meta = self
            .file
            .metadata()
            .map_err(io_err(format!("reading {}", self.path.display())))?;
        Ok((meta.uid(), meta.mode() & 0o7777))
    }

    /// `name`, not through a symlink; `None` when there is nothing by that name.
    fn open_at(&self, name: &str, flags: OFlags, mode: Mode) -> Result<Option<File>, ClusterError> {
        match rustix::fs::openat(&self.file, name, flags | NO_FOLLOW, mode) {
            Ok(fd) => Ok(Some(File::from(fd))),
            Err(Errno::NOENT) => Ok(None),
            Err(errno) => Err(open_error(
                &self.join(name),
                errno,
                flags.contains(OFlags::DIRECTORY),
            )),
        }
    }

    /// The directory `name` below this one; `None` when there is none.
    pub(super) fn subdir(&self, name: &str) -> Result<Option<Dir>, ClusterError> {
        Ok(self
            .open_at(name, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())?
            .map(|file| Dir {
                file,
                path: self.join(name),
            }))
    }

    /// Creates `name` (unless it exists) as a directory of mode 0700 owned by `owner`. One
    /// that already exists must belong to `owner` or to this process.
    pub(super) fn make_private_dir(&self, name: &str, owner: &RunAs) -> Result<Dir, ClusterError> {
        match rustix::fs::mkdirat(&self.file, name, Mode::RWXU) {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(errno) => {
                return Err(io_err(format!("creating {}", self.join(name).display()))(
                    errno.into(),
                ))
            }
        }
        let dir = self.subdir(name)?.ok_or_else(|| {
            io_err(format!("opening {}", self.join(name).display()))(io::ErrorKind::NotFound.into())
        })?;
        let (uid, mode) = dir.owner_and_mode()?;
        if uid != owner.uid.as_raw() {
            if uid != nix::unistd::geteuid().as_raw() {
                return Err(foreign_owner(dir.path(), uid, owner));
            }
            std::os::unix::fs::fchown(
                &dir.file,
                Some(owner.uid.as_raw()),
                Some(owner.gid.as_raw()),
            )
            .map_err(io_err(format!(
                "giving {} to user `{}`",
                dir.path().display(),
                owner.name
            )))?;
        }
        if mode != 0o700 {
            dir.file
                .set_permissions(std::fs::Permissions::from_mode(0o700))
                .map_err(io_err(format!(
                    "setting the mode of {}",
                    dir.path().display()
                )))?;
        }
        Ok(dir)
    }

    /// A regular file, open for reading; `None` when there is none. With `owner`, the file
    /// must belong to that user.
    fn open_regular(
        &self,
        name: &str,
        owner: Option<&RunAs>,
    ) -> Result<Option<File>, ClusterError> {
        // O_NONBLOCK: opening a FIFO planted under this name must not hang.
        let Some(file) = self.open_at(name, OFlags::RDONLY | OFlags::NONBLOCK, Mode::empty())?
        else {
            return Ok(None);
        };
        check_regular(&file, &self.join(name), owner)?;
        Ok(Some(file))
    }

    /// The first `limit` bytes of the regular file `name`; `None` when there is none.
    pub(super) fn read_head(&self, name: &str, limit: u64) -> Result<Option<String>, ClusterError> {
        let Some(file) = self.open_regular(name, None)? else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        file.take(limit)
            .read_to_end(&mut bytes)
            .map_err(io_err(format!("reading {}", self.join(name).display())))?;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The last `limit` bytes of the regular file `name`, which must belong to `owner`.
    pub(super) fn read_tail(
        &self,
        name: &str,
        limit: u64,
        owner: &RunAs,
    ) -> Result<String, ClusterError> {
        let path = self.join(name);
        let mut file = self.open_regular(name, Some(owner))?.ok_or_else(|| {
            io_err(format!("opening {}", path.display()))(io::ErrorKind::NotFound.into())
        })?;
        let read = |file: &mut File| -> io::Result<Vec<u8>> {
            let len = file.metadata()?.len();
            file.seek(SeekFrom::Start(len.saturating_sub(limit)))?;
            let mut bytes = Vec::new();
            file.take(limit).read_to_end(&mut bytes)?;
            Ok(bytes)
        };
        let bytes = read(&mut file).map_err(io_err(format!("reading {}", path.display())))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Replaces `name` with a new file of mode 0600 owned by `owner`, holding `contents`:
    /// written under a fresh name, then renamed over `name`, so no existing file is written
    /// through and a crash leaves the old file or the new one.
    pub(super) fn replace_file(
        &self,
        name: &str,
        contents: &[u8],
        owner: &RunAs,
    ) -> Result<(), ClusterError> {
        let path = self.join(name);
        let scratch = format!("{name}.new");
        self.remove(&scratch)?;
        let mut file = self
            .open_at(
                &scratch,
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL,
                Mode::RUSR | Mode::WUSR,
            )?
            .ok_or_else(|| {
                io_err(format!("creating {}", self.join(&scratch).display()))(
                    io::ErrorKind::NotFound.into(),
                )
            })?;
        if owner.uid != nix::unistd::geteuid() {
            std::os::unix::fs::fchown(&file, Some(owner.uid.as_raw()), Some(owner.gid.as_raw()))
                .map_err(io_err(format!(
                    "giving {} to user `{}`",
                    path.display(),
                    owner.name
                )))?;
        }
        file.write_all(contents)
            .map_err(io_err(format!("writing {}", path.display())))?;
        self.rename(&scratch, name)
    }

    /// Appends `contents` to the regular file `name`, which must belong to `owner`.
    pub(super) fn append_to_file(
        &self,
        name: &str,
        contents: &[u8],
        owner: &RunAs,
    ) -> Result<(), ClusterError> {
        let path = self.join(name);
        let mut file = self
            .open_at(
                name,
                OFlags::WRONLY | OFlags::APPEND | OFlags::NONBLOCK,
                Mode::empty(),
            )?
            .ok_or_else(|| {
                io_err(format!("opening {}", path.display()))(io::ErrorKind::NotFound.into())
            })?;
        check_regular(&file, &path, Some(owner))?;
        file.write_all(contents)
            .map_err(io_err(format!("writing {}", path.display())))
    }

    /// `name`, created if needed, open for writing (to lock it).
    pub(super) fn lock_file(&self, name: &str) -> Result<File, ClusterError> {
        let path = self.join(name);
        let file = self
            .open_at(
                name,
                OFlags::WRONLY | OFlags::CREATE | OFlags::NONBLOCK,
                Mode::RUSR | Mode::WUSR | Mode::RGRP | Mode::ROTH,
            )?
            .ok_or_else(|| {
                io_err(format!("opening {}", path.display()))(io::ErrorKind::NotFound.into())
            })?;
        check_regular(&file, &path, None)?;
        Ok(file)
    }

    /// Renames `from` to `to`, both in this directory; a symlink is renamed, not followed.
    pub(super) fn rename(&self, from: &str, to: &str) -> Result<(), ClusterError> {
        rustix::fs::renameat(&self.file, from, &self.file, to).map_err(|errno| {
            io_err(format!(
                "moving {} to {}",
                self.join(from).display(),
                self.join(to).display()
            ))(errno.into())
        })
    }

    /// Removes whatever is called `name` (a directory with everything in it); a symlink is
    /// removed, not followed.
    pub(super) fn remove(&self, name: &str) -> Result<(), ClusterError> {
        let path = self.join(name);
        let removed = match rustix::fs::statat(&self.file, name, AtFlags::SYMLINK_NOFOLLOW) {
            Err(Errno::NOENT) => return Ok(()),
            Err(errno) => Err(errno.into()),
            Ok(stat) if rustix::fs::FileType::from_raw_mode(stat.st_mode).is_dir() => {
                // std's remove_dir_all does not follow symlinks inside the tree either.
                std::fs::remove_dir_all(&path)
            }
            Ok(_) => rustix::fs::unlinkat(&self.file, name, AtFlags::empty()).map_err(Into::into),
        };
        removed.map_err(io_err(format!("removing {}", path.display())))
    }
}

/// Why a name could not be opened: a planted symlink or file says so, anything else is I/O.
fn open_error(path: &Path, errno: Errno, want_dir: bool) -> ClusterError {
    match errno {
        Errno::LOOP => planted(path, "is a symbolic link"),
        // O_DIRECTORY is checked before O_NOFOLLOW: ask which it was, for the message only.
        Errno::NOTDIR if want_dir => match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_symlink() => planted(path, "is a symbolic link"),
            _ => planted(path, "is not a directory"),
        },
        errno => io_err(format!("opening {}", path.display()))(errno.into()),
    }
}

fn check_regular(file: &File, path: &Path, owner: Option<&RunAs>) -> Result<(), ClusterError> {
    let meta = file
        .metadata()
        .map_err(io_err(format!("reading {}", path.display())))?;
    if !meta.is_file() {
        return Err(planted(path, "is not a regular file"));
    }
    match owner {
        Some(owner) if meta.uid() != owner.uid.as_raw() => {
            Err(foreign_owner(path, meta.uid(), owner))
        }
        _ => Ok(()),
    }
}

pub(super) fn planted(path: &Path, problem: impl Into<String>) -> ClusterError {
    ClusterError::Planted {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

fn foreign_owner(path: &Path, uid: u32, owner: &RunAs) -> ClusterError {
    planted(
        path,
        format!(
            "belongs to {}, not to the server user `{}`",
            user_name(uid),
            owner.name
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> RunAs {
        RunAs {
            name: "me".into(),
            uid: nix::unistd::geteuid(),
            gid: nix::unistd::getegid(),
        }
    }

    #[test]
    fn read_tail_reads_only_the_end_of_a_big_file() {
        let root = tempfile::tempdir().expect("tempdir");
        let mut text = "x".repeat(1 << 20);
        text.push_str("the end\n");
        std::fs::write(root.path().join("big.log"), &text).expect("writing");
        let dir = Dir::open(root.path()).expect("opening");
        let tail = dir.read_tail("big.log", 100, &me()).expect("reading");
        assert_eq!(tail.len(), 100);
        assert!(tail.ends_with("the end\n"), "{tail}");
    }

    #[test]
    fn a_fifo_is_refused_without_hanging() {
        let root = tempfile::tempdir().expect("tempdir");
        nix::unistd::mkfifo(&root.path().join("fifo"), nix::sys::stat::Mode::S_IRWXU)
            .expect("mkfifo");
        let dir = Dir::open(root.path()).expect("opening");
        let error = dir.read_head("fifo", 100).expect_err("a FIFO is no file");
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn replacing_a_symlinked_file_replaces_the_link_not_its_target() {
        let root = tempfile::tempdir().expect("tempdir");
        let target = root.path().join("target");
        std::fs::write(&target, "kept").expect("writing");
        std::os::unix::fs::symlink(&target, root.path().join("conf")).expect("symlink");
        let dir = Dir::open(root.path()).expect("opening");
        dir.replace_file("conf", b"new", &me()).expect("replacing");
        assert_eq!(std::fs::read_to_string(&target).expect("reading"), "kept");
        assert_eq!(
            std::fs::read_to_string(root.path().join("conf")).expect("reading"),
            "new"
        );
        let meta = std::fs::symlink_metadata(root.path().join("conf")).expect("lstat");
        assert!(meta.is_file());
        assert_eq!(meta.mode() & 0o777, 0o600);
    }
}
