//! The lock of an output folder: an exclusive `flock` on `.NAME.concrisk-lock` beside it, held
//! from the moment a command claims the folder until it exits (the kernel releases it even after
//! `kill -9`). The lock file itself stays: deleting it would let two processes hold "the" lock on
//! two different files.

use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use rustix::fs::{FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use super::error::{OutputError, errno};
use super::names;

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct Lock {
    _file: OwnedFd,
}

/// Takes the lock of `target` (named `name` in the folder `parent`), or refuses at once when
/// another process holds it.
pub(crate) fn take(
    parent: impl AsFd,
    parent_path: &Path,
    name: &OsStr,
    target: &Path,
) -> Result<Lock, OutputError> {
    let lock_name = names::lock(name);
    let lock_path = parent_path.join(&lock_name);
    // No O_TRUNC (the file holds nothing), no symlink followed.
    let file = rustix::fs::openat(
        parent,
        &*lock_name,
        OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    )
    .map_err(errno(lock_path.clone(), "open the lock file"))?;
    match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(Lock { _file: file }),
        Err(e) if e == Errno::WOULDBLOCK => Err(OutputError::Busy {
            path: target.to_path_buf(),
            lock: lock_path,
        }),
        Err(e) => Err(errno(lock_path, "lock the lock file")(e)),
    }
}
