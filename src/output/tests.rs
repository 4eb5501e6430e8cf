//! Unit tests of the output folder in one process: a failing or panicking writer leaves the old
//! folder as it was and no staging folder, a second claim of a held folder is refused, and a
//! report error names the target's files, not the staging folder's.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use super::{OutputError, Page, claim};

/// Every entry of `parent` but the target and its lock.
fn litter(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|e| e.map_or_else(|e| panic!("{e}"), |e| e.file_name()))
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "out" && n != ".out.concrisk-lock")
        .collect()
}

fn old_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    fs::write(out.join("summary.json"), "old").unwrap_or_else(|e| panic!("{e}"));
    (dir, out)
}

#[test]
fn a_failing_writer_leaves_the_old_folder_and_no_staging_folder() {
    let (dir, out) = old_folder();
    let target = claim(&out).unwrap_or_else(|e| panic!("{e}"));
    let failed = target.write(Page::Run, |staging| {
        // Replaces the carried hard link, so the old file must keep its bytes.
        crate::results::write_new(&staging.join("summary.json"), b"new")
            .unwrap_or_else(|e| panic!("{e}"));
        Err::<(), _>(OutputError::Io {
            path: staging.to_path_buf(),
            action: "write",
            source: std::io::Error::other("disk on fire"),
        })
    });
    assert!(failed.is_err());
    assert_eq!(
        fs::read_to_string(out.join("summary.json")).ok().as_deref(),
        Some("old")
    );
    assert_eq!(litter(dir.path()), Vec::<String>::new());
    // The lock went with the target: the folder can be claimed again.
    assert!(claim(&out).is_ok());
}

#[test]
fn a_panicking_writer_leaves_the_old_folder_and_no_staging_folder() {
    let (dir, out) = old_folder();
    let target = claim(&out).unwrap_or_else(|e| panic!("{e}"));
    let unwound = catch_unwind(AssertUnwindSafe(|| {
        target.write(Page::Run, |_| -> Result<(), OutputError> {
            panic!("a bug")
        })
    }));
    assert!(unwound.is_err());
    assert_eq!(
        fs::read_to_string(out.join("summary.json")).ok().as_deref(),
        Some("old")
    );
    assert_eq!(litter(dir.path()), Vec::<String>::new());
}

#[test]
fn a_held_folder_is_refused_as_bad_input() {
    let (_dir, out) = old_folder();
    let _held = claim(&out).unwrap_or_else(|e| panic!("{e}"));
    match claim(&out) {
        Err(e @ OutputError::Busy { .. }) => {
            assert!(e.is_input());
            assert!(e.to_string().contains("another concrisk is writing"), "{e}");
        }
        other => panic!("expected Busy, got {other:?}"),
    }
}

#[test]
fn a_report_error_names_the_target_not_the_staging_folder() {
    let (dir, out) = old_folder();
    let target = claim(&out).unwrap_or_else(|e| panic!("{e}"));
    let error = match target.write(Page::Saved, |_| Ok::<(), OutputError>(())) {
        Err(e) => e,
        Ok(_) => panic!("a folder without a run cannot be drawn"),
    };
    let message = error.to_string();
    assert!(error.is_input(), "{message}");
    assert!(message.contains(&*out.to_string_lossy()), "{message}");
    assert!(!message.contains("concrisk-stage"), "{message}");
    assert_eq!(litter(dir.path()), Vec::<String>::new());
}
