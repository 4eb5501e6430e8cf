//! Publishing a staged folder: every file and folder in it is flushed to disk, then it takes the
//! target's place in one step. On Linux that is `renameat2(RENAME_EXCHANGE)` when the target
//! exists (the old folder lands at the staging name and is removed after) and
//! `renameat2(RENAME_NOREPLACE)` when it does not, so a reader sees the old folder or the new
//! one, never a mix and never none. Filesystems without `RENAME_EXCHANGE`, and other systems,
//! fall back to moving the old folder aside first: there a crash between the two renames leaves
//! no folder at the target (the old one sits at a staging name until the next run removes it).

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::AsFd;
use std::path::Path;

use rustix::io::Errno;

use super::error::{OutputError, errno, io};
use super::names;
use super::pause;
use super::stage::Stage;

/// Flushes the staging folder `root` and everything in it to disk: the files and folders are
/// listed first, then flushed all at once from scoped threads, so that the filesystem can commit
/// them together (22 `fsync`s one after another took 129 ms on ext4 for the example's folder).
/// `syncfs` would be one call, but it waits for every other program's writes on the disk too.
pub(crate) fn sync_tree(root: &Path) -> Result<(), OutputError> {
    let mut paths = Vec::new();
    list(root, &mut paths)?;
    // At most 32 threads, however many files a user keeps in the folder.
    let per_thread = paths.len().div_ceil(32).max(1);
    std::thread::scope(|scope| {
        let flushing: Vec<_> = paths
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk.iter().try_for_each(|path| {
                        File::open(path)
                            .and_then(|f| f.sync_all())
                            .map_err(io(path.clone(), "flush a file to disk"))
                    })
                })
            })
            .collect();
        flushing.into_iter().try_for_each(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// Every regular file and folder under `root`, `root` last (symbolic links are left alone).
fn list(root: &Path, into: &mut Vec<std::path::PathBuf>) -> Result<(), OutputError> {
    for entry in std::fs::read_dir(root).map_err(io(root.into(), "list the staging folder"))? {
        let entry = entry.map_err(io(root.into(), "list the staging folder"))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(io(path.clone(), "read the staging folder"))?;
        if kind.is_dir() {
            list(&path, into)?;
        } else if kind.is_file() {
            into.push(path);
        }
    }
    into.push(root.to_path_buf());
    Ok(())
}

/// Puts `stage` in the place of `target_name` in `parent`, then removes the old folder.
pub(crate) fn publish(
    parent: impl AsFd,
    parent_path: &Path,
    target_name: &OsStr,
    stage: &mut Stage,
    target_exists: bool,
) -> Result<(), OutputError> {
    let target_path = parent_path.join(target_name);
    let swapped = if target_exists {
        exchange(&parent, parent_path, target_name, stage)?
    } else {
        place(&parent, target_name, stage)
            .map_err(errno(target_path.clone(), "move the new folder into place"))?;
        stage.disarm();
        false
    };
    pause::at("published");
    if swapped {
        // The old folder now sits at the staging name. Best effort: if this fails or the process
        // dies here, the next run into the target removes it as a stale staging folder.
        let _ = std::fs::remove_dir_all(&stage.path);
    }
    rustix::fs::fsync(&parent).map_err(errno(parent_path.into(), "flush the folder to disk"))
}

/// Swaps the staging folder and the old target; true when the old folder is at the staging name.
fn exchange(
    parent: impl AsFd,
    parent_path: &Path,
    target_name: &OsStr,
    stage: &mut Stage,
) -> Result<bool, OutputError> {
    let target_path = parent_path.join(target_name);
    match rename2(&parent, &stage.name, target_name, true) {
        Some(Ok(())) => {
            stage.disarm();
            return Ok(true);
        }
        Some(Err(e)) => return Err(errno(target_path, "swap the new folder into place")(e)),
        None => {}
    }
    // Fallback: move the old folder aside under a staging name of its own, then the new one in.
    let aside = names::stage(target_name);
    rustix::fs::renameat(&parent, target_name, &parent, &*aside)
        .map_err(errno(target_path.clone(), "move the old folder aside"))?;
    place(&parent, target_name, stage)
        .map_err(errno(target_path, "move the new folder into place"))?;
    stage.disarm();
    let _ = std::fs::remove_dir_all(parent_path.join(&aside));
    Ok(false)
}

/// Renames the staging folder to the target name, failing if the name was taken meanwhile
/// (where the system can say so).
fn place(parent: impl AsFd, target_name: &OsStr, stage: &Stage) -> Result<(), Errno> {
    rename2(&parent, &stage.name, target_name, false)
        .unwrap_or_else(|| rustix::fs::renameat(&parent, &*stage.name, &parent, target_name))
}

/// `renameat2` within `parent`: `RENAME_EXCHANGE` when `exchange`, else `RENAME_NOREPLACE`.
/// `None` when the system or the filesystem has no such rename.
fn rename2(
    parent: impl AsFd,
    from: &OsStr,
    to: &OsStr,
    exchange: bool,
) -> Option<Result<(), Errno>> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::RenameFlags;
        let flags = if exchange {
            RenameFlags::EXCHANGE
        } else {
            RenameFlags::NOREPLACE
        };
        match rustix::fs::renameat_with(&parent, from, &parent, to, flags) {
            Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP => None,
            other => Some(other),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (parent, from, to, exchange);
        None
    }
}
