//! An output folder that is whole or absent. A command first [`claim`]s its `--out` folder (a
//! lock beside it, refused at once if another concrisk holds it), then [`Target::write`] builds
//! the whole folder in a fresh staging folder beside the target, draws the report there, flushes
//! it to disk and swaps it into place in one rename. A reader sees the old folder or the new one,
//! never a mix; a failure or a panic removes the staging folder; a `kill -9` leaves one behind,
//! which the next run into the same target removes.
//!
//! Files in the old folder that concrisk does not redraw (a user's `notes.txt`, a `rank.csv`
//! from an earlier `rank`) are carried into the new folder by hard link, so nothing concrisk did
//! not write is ever deleted; `report.html` and the figures in `plots/` are drawn anew.

mod error;
mod lock;
mod names;
mod pause;
mod publish;
mod stage;

use std::ffi::OsString;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, FileType, OFlags};
use rustix::io::Errno;

pub use error::OutputError;
use error::errno;
pub use names::default_folder;

use crate::report::{self, Rendered, ReportError};

/// Which report a study's folder gets once its files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// A run's folder: every figure and `report.html` (`run`, `compare`).
    Run,
    /// A policy analysis (`rank`, `sweep`): its figures, and the whole page when the folder also
    /// holds a run.
    Analyses,
    /// `report DIR`: the page of a saved folder; a folder without a run's files is bad input.
    Saved,
}

/// An output folder claimed by this process: its lock is held until the value is dropped.
#[derive(Debug)]
pub struct Target {
    path: PathBuf,
    parent_path: PathBuf,
    parent: OwnedFd,
    name: OsString,
    _lock: lock::Lock,
}

/// Claims `out` as this command's output folder: checks that it can be one (a folder or
/// nothing yet, not a file, a device or a symbolic link), creates its parent folders, takes its
/// lock and removes the staging folders a killed run left.
///
/// # Errors
/// [`OutputError::Refused`] for a path that cannot be a folder, [`OutputError::Busy`] when
/// another concrisk holds the lock, [`OutputError::Io`] when the parent cannot be created.
pub fn claim(out: &Path) -> Result<Target, OutputError> {
    let Some(name) = out.file_name().map(OsString::from) else {
        return Err(refused(
            out,
            "names no folder of its own (`.`, `..` or a root); concrisk replaces the folder as a \
             whole and needs its name",
            "name the folder, e.g. `concrisk report ../study` or --out output/study",
        ));
    };
    let parent_path = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The last component itself, even when `out` ends in a slash (which would follow a link).
    match std::fs::symlink_metadata(parent_path.join(&name)) {
        Ok(meta) => refuse_kind(out, meta.file_type())?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if e.raw_os_error() == Some(Errno::NOTDIR.raw_os_error()) => {
            return Err(refused(
                out,
                "a part of this path is a file, not a folder",
                "choose another folder with --out",
            ));
        }
        Err(e) => return Err(error::io(out.into(), "look at the output folder")(e)),
    }
    std::fs::create_dir_all(&parent_path).map_err(error::io(
        parent_path.clone(),
        "create the output folder's parent",
    ))?;
    let parent = rustix::fs::openat(
        rustix::fs::CWD,
        &parent_path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .map_err(errno(
        parent_path.clone(),
        "open the output folder's parent",
    ))?;
    let lock = lock::take(&parent, &parent_path, &name, out)?;
    stage::remove_stale(&parent_path, &name)?;
    Ok(Target {
        path: out.to_path_buf(),
        parent_path,
        parent,
        name,
        _lock: lock,
    })
}

/// Claims a saved folder for `concrisk report DIR`: as [`claim`], but a folder that does not
/// exist is refused before anything (parent, lock file) is created beside it.
///
/// # Errors
/// As [`claim`]; [`OutputError::Refused`] when `dir` does not exist.
pub fn claim_saved(dir: &Path) -> Result<Target, OutputError> {
    if std::fs::symlink_metadata(dir).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Err(refused(
            dir,
            "no such folder",
            "point `concrisk report` at a folder written by `concrisk run`",
        ));
    }
    claim(dir)
}

impl Target {
    /// The output folder's path as given.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Builds the folder whole: a fresh staging folder beside the target, the old folder's files
    /// carried in (see the module doc), `files` writing this command's files into it, the
    /// `page` drawn there, everything flushed, then the staging folder swapped into place. On
    /// any error (or a panic) the staging folder is removed and the old folder is unchanged.
    ///
    /// Returns what `files` returned and the files the report drew.
    ///
    /// # Errors
    /// `files`' own error, or an [`OutputError`] converted into the caller's error type.
    pub fn write<T, F: From<OutputError>>(
        self,
        page: Page,
        files: impl FnOnce(&Path) -> Result<T, F>,
    ) -> Result<(T, Rendered), F> {
        let existed = self.target_exists()?;
        let mut stage = stage::Stage::create(&self.parent, &self.parent_path, &self.name)?;
        if existed {
            stage::carry_over(&self.path, &stage.path)?;
        }
        pause::at("staged");
        let made = files(&stage.path)?;
        pause::at("written");
        let rendered = self.render(page, &stage.path)?;
        publish::sync_tree(&stage.path)?;
        pause::at("synced");
        publish::publish(
            &self.parent,
            &self.parent_path,
            &self.name,
            &mut stage,
            existed,
        )?;
        Ok((made, rendered))
    }

    /// Whether the target exists now (checked again under the lock): a folder, or refused.
    fn target_exists(&self) -> Result<bool, OutputError> {
        match rustix::fs::statat(&self.parent, &*self.name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => {
                let kind = FileType::from_raw_mode(stat.st_mode);
                if kind == FileType::Directory {
                    Ok(true)
                } else {
                    Err(refused(
                        &self.path,
                        "is no longer a folder",
                        "choose another folder with --out",
                    ))
                }
            }
            Err(e) if e == Errno::NOENT => Ok(false),
            Err(e) => Err(errno(self.path.clone(), "look at the output folder")(e)),
        }
    }

    fn render(&self, page: Page, stage: &Path) -> Result<Rendered, OutputError> {
        let drawn = match page {
            Page::Run => report::render(stage),
            // A saved folder may be a run's or an analysis's alone (an annual study).
            Page::Analyses | Page::Saved => report::render_analyses(stage),
        };
        drawn.map_err(|e| {
            // A saved folder's files are the user's input; a study's folder that disagrees with
            // itself holds another run's files carried over (say a rank of another seed beside
            // this run), which the user chose by pointing --out there.
            let input = matches!(e, ReportError::Mismatch { .. })
                || page == Page::Saved
                    && matches!(
                        e,
                        ReportError::Missing { .. }
                            | ReportError::Json { .. }
                            | ReportError::Summary { .. }
                            | ReportError::Csv { .. }
                    );
            // Name the files as the user knows them, not by the staging folder's name.
            let message = e
                .to_string()
                .replace(&*stage.to_string_lossy(), &self.path.to_string_lossy());
            OutputError::Report { message, input }
        })
    }
}

/// Refuses anything at the target but a folder.
fn refuse_kind(out: &Path, kind: std::fs::FileType) -> Result<(), OutputError> {
    use std::os::unix::fs::FileTypeExt;
    let what = if kind.is_dir() {
        return Ok(());
    } else if kind.is_symlink() {
        "is a symbolic link; concrisk replaces the folder as a whole and does not follow links"
    } else if kind.is_file() {
        "is a file, not a folder"
    } else if kind.is_char_device() || kind.is_block_device() {
        "is a device, not a folder"
    } else {
        "is not a folder (a FIFO or a socket)"
    };
    Err(refused(
        out,
        what,
        "pass a folder (it is created if it does not exist), e.g. --out output/study",
    ))
}

fn refused(out: &Path, why: &str, help: &str) -> OutputError {
    OutputError::Refused {
        path: out.to_path_buf(),
        why: why.into(),
        help: help.into(),
    }
}

#[cfg(test)]
mod tests;
