//! Colours and text sizes shared by every figure.
//!
//! Series colours are the Okabe–Ito palette, which stays distinguishable for the common forms of
//! colour blindness; yellow comes last because it is faint on white.

use plotters::style::RGBColor;

/// Okabe–Ito, in the order series get them.
const SERIES: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of the i-th series (cycling after eight).
pub(crate) fn series(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

/// What failed: the event colour (Okabe–Ito vermillion) in every figure.
pub(crate) const FAILED: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Knocked out in the cascade (Okabe–Ito orange).
pub(crate) const CASCADE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Marks for statistics drawn over data (mean, p95, CVaR).
pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Grid lines, event windows, unaffected nodes.
pub(crate) const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Explanatory text: quieter than labels, still dark enough to print.
pub(crate) const NOTE: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(crate) const LIGHT_GREY: RGBColor = RGBColor(0xE8, 0xE8, 0xE8);

/// Figure size in pixels: legible at report width and in print.
pub(crate) const SIZE: (u32, u32) = (1200, 700);

/// Text sizes in pixels at [`SIZE`].
pub(crate) const TITLE: u32 = 30;
pub(crate) const LABEL: u32 = 22;
pub(crate) const TICK: u32 = 18;
pub(crate) const LEGEND: u32 = 18;
