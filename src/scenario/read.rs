//! Reading a scenario file, bounded: a path that is not a regular file (a directory, a device, a
//! FIFO) is refused without reading it, a file larger than [`MAX_FILE_BYTES`] is refused, and a
//! file that is not UTF-8 text is named as binary or as the byte where it stops being text.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::error::ScenarioError;

/// The largest scenario file read; the shipped ones are under 40 KiB.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// The text of the scenario file at `path`.
///
/// # Errors
/// [`ScenarioError::Read`] when the file cannot be opened or read; [`ScenarioError::Refused`]
/// when it is not a regular file, is larger than [`MAX_FILE_BYTES`], or is not UTF-8 text.
pub fn read(path: &Path) -> Result<String, ScenarioError> {
    let file = path.display().to_string();
    let refused = |message: String, hint: &str| ScenarioError::Refused {
        file: file.clone(),
        message,
        hint: hint.to_string(),
    };
    let handle = open(path).map_err(|source| ScenarioError::Read {
        file: file.clone(),
        source,
    })?;
    let metadata = handle.metadata().map_err(|source| ScenarioError::Read {
        file: file.clone(),
        source,
    })?;
    let kind = metadata.file_type();
    if kind.is_dir() {
        return Err(refused(
            "is a directory, not a scenario file".to_string(),
            "give the path of a .toml file, e.g. scenarios/example.toml",
        ));
    }
    if !kind.is_file() {
        return Err(refused(
            format!("is a {}, not a scenario file", special_kind(&kind)),
            "give the path of a .toml file on disk, e.g. scenarios/example.toml",
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(refused(
            format!(
                "is {} bytes; a scenario file has at most {MAX_FILE_BYTES} (16 MiB)",
                metadata.len()
            ),
            "check that this is the scenario you meant; split long source lists into comments elsewhere",
        ));
    }
    let mut bytes = Vec::new();
    handle
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(refused(
            format!("grew past {MAX_FILE_BYTES} bytes while being read"),
            "give a scenario file that is not being written to",
        ));
    }
    String::from_utf8(bytes).map_err(|error| {
        let bytes = error.as_bytes();
        if bytes.contains(&0) {
            refused(
                "is a binary file, not TOML text".to_string(),
                "give the path of a .toml scenario file",
            )
        } else {
            let at = error.utf8_error().valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            refused(
                format!("is not UTF-8 text: byte {at} (line {line}) is not valid UTF-8"),
                "save the file as UTF-8",
            )
        }
    })
}

/// Opens without waiting: a FIFO with no writer would otherwise block the open forever.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "device";
        }
        if kind.is_socket() {
            return "socket";
        }
    }
    let _ = kind;
    "special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(path: &Path) -> String {
        match read(path) {
            Err(error @ ScenarioError::Refused { .. }) => error.to_string(),
            other => panic!("{} should be refused, got {other:?}", path.display()),
        }
    }

    #[test]
    fn special_files_are_refused_without_reading() {
        assert!(refusal(Path::new("/dev/zero")).contains("is a device"));
        assert!(refusal(Path::new("/")).contains("is a directory"));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let fifo = dir.path().join("pipe.toml");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if status.is_ok_and(|s| s.success()) {
            assert!(refusal(&fifo).contains("FIFO"));
        }
    }

    #[test]
    fn large_binary_and_non_utf8_files_are_named() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let big = dir.path().join("big.toml");
        let handle = File::create(&big).unwrap_or_else(|e| panic!("{e}"));
        handle
            .set_len(MAX_FILE_BYTES + 1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(refusal(&big).contains("at most 16777216"));
        let binary = dir.path().join("binary.toml");
        std::fs::write(&binary, [0x7f, b'E', b'L', b'F', 0, 0, 0xff])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(refusal(&binary).contains("binary"));
        let latin = dir.path().join("latin.toml");
        std::fs::write(&latin, b"name = \"caf\xe9\"\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(refusal(&latin).contains("byte 11 (line 1)"));
    }
}
