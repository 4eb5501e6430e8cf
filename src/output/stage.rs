//! The staging folder: created exclusively under a fresh name beside the target, filled with the
//! files the target holds that this command does not redraw (hard links, so the old folder is
//! never touched), and removed again unless it was published. Also removes the staging folders
//! that a killed run left.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use rustix::fs::Mode;
use rustix::io::Errno;

use super::error::{OutputError, errno, io};
use super::names;

/// A staging folder that is removed when dropped, unless [`Stage::disarm`] was called.
#[derive(Debug)]
pub(crate) struct Stage {
    /// Its name in the parent folder.
    pub name: OsString,
    /// Its path (parent path joined with the name), for the writers.
    pub path: PathBuf,
    armed: bool,
}

impl Stage {
    /// Creates a fresh, empty staging folder for `target_name` in `parent`: `mkdirat` fails if
    /// the name exists (a file, a folder or a symbolic link), so nothing planted there is used.
    pub(crate) fn create(
        parent: impl AsFd,
        parent_path: &Path,
        target_name: &OsStr,
    ) -> Result<Stage, OutputError> {
        let mut tries = 0;
        loop {
            let name = names::stage(target_name);
            let path = parent_path.join(&name);
            match rustix::fs::mkdirat(&parent, &*name, Mode::from_raw_mode(0o777)) {
                Ok(()) => {
                    return Ok(Stage {
                        name,
                        path,
                        armed: true,
                    });
                }
                Err(e) if e == Errno::EXIST && tries < 8 => tries += 1,
                Err(e) => return Err(errno(path, "create the staging folder")(e)),
            }
        }
    }

    /// Keeps the folder: it was published (or now holds the old folder, removed by the caller).
    pub(crate) fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if self.armed {
            // Best effort: on a failure or a panic, the partial folder must not stay. What is
            // left (say, the disk went away) is removed by the next run into the same target.
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Removes every staging folder of `target_name` in `parent_path`. Called with the target's lock
/// held: only the lock's holder creates staging folders, so every one found is a killed run's.
/// Best effort: one that cannot be removed (in a shared folder, someone else's look-alike) is
/// left, and never stops the run.
pub(crate) fn remove_stale(parent_path: &Path, target_name: &OsStr) -> Result<(), OutputError> {
    let entries = fs::read_dir(parent_path).map_err(io(parent_path.into(), "list the folder"))?;
    for entry in entries.flatten() {
        // `file_type` does not follow links: a symbolic link by that name is not ours.
        if names::is_stage_of(target_name, &entry.file_name())
            && entry.file_type().is_ok_and(|t| t.is_dir())
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// Whether `relative` (a path inside an output folder) is a file concrisk draws again on every
/// render, or litter of an older concrisk, and so is not carried into the new folder.
fn redrawn(relative: &Path) -> bool {
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let litter = name.starts_with('.') && (name.ends_with(".tmp") || name.ends_with(".tmp.png"));
    let top = relative.parent() == Some(Path::new(""));
    let in_plots = relative.parent() == Some(Path::new("plots"));
    litter
        || (top && (name == "report.html" || name == "sweep.csv.partial"))
        || (in_plots && (name.ends_with(".svg") || name.ends_with(".png")))
}

/// Hard-links every file of `old` into `stage` (folders made anew), except the files a render
/// draws again. The old folder is only read: a crash at any moment leaves it as it was. Writers
/// later replace a carried file by unlinking it first, never by writing through the link.
pub(crate) fn carry_over(old: &Path, stage: &Path) -> Result<(), OutputError> {
    carry(old, stage, Path::new(""))
}

fn carry(old_root: &Path, stage_root: &Path, relative: &Path) -> Result<(), OutputError> {
    let from = old_root.join(relative);
    let entries = fs::read_dir(&from).map_err(io(from.clone(), "list the old folder"))?;
    for entry in entries {
        let entry = entry.map_err(io(from.clone(), "list the old folder"))?;
        let inner = relative.join(entry.file_name());
        if redrawn(&inner) {
            continue;
        }
        let to = stage_root.join(&inner);
        let kind = entry
            .file_type()
            .map_err(io(entry.path(), "read the old folder"))?;
        if kind.is_dir() {
            fs::create_dir(&to).map_err(io(to.clone(), "create a folder in the staging folder"))?;
            carry(old_root, stage_root, &inner)?;
        } else {
            // On Linux `link` does not follow a symbolic link: the link itself is carried.
            fs::hard_link(entry.path(), &to).map_err(io(
                entry.path(),
                "carry a file into the new folder (hard link)",
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_drawn_files_and_litter_are_redrawn() {
        for path in [
            "report.html",
            "plots/timeline.svg",
            "plots/timeline.png",
            ".summary.json.tmp",
            "plots/.timeline.tmp.png",
            "sweep.csv.partial",
        ] {
            assert!(redrawn(Path::new(path)), "{path}");
        }
        for path in [
            "summary.json",
            "notes.txt",
            "plots/notes.txt",
            "mine/report.html",
            "mine/figure.png",
            "rank.csv",
        ] {
            assert!(!redrawn(Path::new(path)), "{path}");
        }
    }
}
