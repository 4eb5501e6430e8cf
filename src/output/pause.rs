//! A test-only hook that stops the command at a named moment of publishing, so that tests can
//! `kill -9` it there. Set `CONCRISK_TEST_PAUSE_AT=<moment>` or `<moment>:<seconds>` (default 30 s);
//! the command prints `concrisk: test pause at <moment>` to stderr and sleeps. Not for users: it
//! changes no output, only the timing.

use std::time::Duration;

/// The variable that names the moment.
const VARIABLE: &str = "CONCRISK_TEST_PAUSE_AT";

/// Sleeps here when the variable names `moment`.
pub(crate) fn at(moment: &str) {
    let Some(value) = std::env::var_os(VARIABLE) else {
        return;
    };
    let value = value.to_string_lossy();
    let (name, seconds) = match value.split_once(':') {
        Some((name, seconds)) => (name, seconds.parse().unwrap_or(30.0_f64)),
        None => (&*value, 30.0),
    };
    if name == moment {
        eprintln!("concrisk: test pause at {moment}");
        std::thread::sleep(Duration::from_secs_f64(seconds.clamp(0.0, 3600.0)));
    }
}
