//! The bundled font. plotters is built without system-font support (no fontconfig, no freetype),
//! so it draws text only with a font registered here; bundling DejaVu Sans makes the PNGs look the
//! same on every machine, including one with no fonts installed.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/DejaVuSans-LICENSE.txt`).
const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the font as plotters' `sans-serif` family, once per process. SVG output names the
/// family `sans-serif` too, so a browser uses its own sans-serif face for it.
///
/// Returns false if the bundled bytes were not a font, which only a broken build could cause.
pub(crate) fn register() -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).is_ok())
}
