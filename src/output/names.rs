//! The names concrisk gives to what it keeps beside an output folder `NAME`: its lock
//! `.NAME.concrisk-lock` and its staging folders `.NAME.concrisk-stage-<pid>-<random>`, and the
//! default folder name derived from a scenario file.

use std::ffi::{OsStr, OsString};
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};

/// `.NAME.concrisk-lock`.
pub(crate) fn lock(name: &OsStr) -> OsString {
    let mut lock = OsString::from(".");
    lock.push(name);
    lock.push(".concrisk-lock");
    lock
}

/// `.NAME.concrisk-stage-`, the start of every staging folder of `NAME`.
fn stage_prefix(name: &OsStr) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".concrisk-stage-");
    prefix
}

/// A fresh staging name: the process id and 64 random bits (from the standard library's
/// OS-seeded hasher keys), so that no other process can guess it before it exists.
pub(crate) fn stage(name: &OsStr) -> OsString {
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let mut stage = stage_prefix(name);
    stage.push(format!("{}-{random:016x}", std::process::id()));
    stage
}

/// Whether `entry` (a name in the parent folder) is a staging folder of `name`: the prefix, then
/// exactly `<digits>-<16 hex digits>`, so that another folder's names never match.
pub(crate) fn is_stage_of(name: &OsStr, entry: &OsStr) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let prefix = stage_prefix(name);
    let Some(rest) = entry.as_bytes().strip_prefix(prefix.as_bytes()) else {
        return false;
    };
    let Some(dash) = rest.iter().position(|&b| b == b'-') else {
        return false;
    };
    let (pid, random) = (&rest[..dash], &rest[dash + 1..]);
    !pid.is_empty()
        && pid.iter().all(u8::is_ascii_digit)
        && random.len() == 16
        && random.iter().all(u8::is_ascii_hexdigit)
}

/// `output/<stem of file>`: the default output folder of a scenario file. A stem that would
/// leave `output/` or name nothing (`...toml` has the stem `..`; an empty or all-dots stem) is
/// replaced by `run`, so derived names always stay inside `output/`.
#[must_use]
pub fn default_folder(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.chars().all(|c| c == '.') && !s.contains(['/', '\\']))
        .unwrap_or_else(|| "run".into());
    PathBuf::from("output").join(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_are_recognised_only_for_their_folder() {
        let name = OsStr::new("kakao");
        let fresh = stage(name);
        assert!(is_stage_of(name, &fresh));
        assert_ne!(fresh, stage(name), "two staging names must differ");
        assert!(!is_stage_of(name, &lock(name)));
        assert!(!is_stage_of(OsStr::new("kak"), &fresh));
        assert!(!is_stage_of(
            name,
            OsStr::new(".kakao.concrisk-stage-12-xyz")
        ));
        // A folder literally named `kakao.concrisk-stage-1` has staging names of its own that
        // must not be taken for kakao's.
        let other = stage(OsStr::new("kakao.concrisk-stage-1"));
        assert!(!is_stage_of(name, &other));
    }

    #[test]
    fn default_folders_stay_inside_output() {
        assert_eq!(
            default_folder(Path::new("a/kakao.toml")),
            Path::new("output/kakao")
        );
        assert_eq!(
            default_folder(Path::new("...toml")),
            Path::new("output/run")
        );
        assert_eq!(default_folder(Path::new("..")), Path::new("output/run"));
        assert_eq!(
            default_folder(Path::new(".toml")),
            Path::new("output/.toml")
        );
    }
}
