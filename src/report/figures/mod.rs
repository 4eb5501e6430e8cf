//! The figures of the report, one file each, and what they share: the [`Figure`] trait that lets
//! one drawing routine serve both the SVG and the PNG backend, a legend panel drawn beside the plot
//! (never over the data), and helpers for hour axes and event windows.

pub(crate) mod annual;
pub(crate) mod bars;
pub(crate) mod capacity;
pub(crate) mod distribution;
pub(crate) mod graph;
pub(crate) mod intervals;
pub(crate) mod sweep;
pub(crate) mod timeline;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::input::{Event, Summary};
use super::palette::{self, GREY, INK, LEGEND, LIGHT_GREY, NOTE};

/// A drawing failure, carried as text because the backends' error types differ.
#[derive(Debug)]
pub(crate) struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

pub(crate) type Drawn = Result<(), DrawError>;

/// One figure, ready to draw on any backend.
pub(crate) trait Figure {
    /// File stem in `plots/`, e.g. `timeline`.
    fn name(&self) -> &'static str;
    /// What the figure shows, in one sentence: the caption on the page and the alt text.
    fn caption(&self) -> String;
    /// Draws onto a white area of [`palette::SIZE`].
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn;
}

/// The font of all figure text.
pub(crate) fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&INK)
}

/// Width of the legend panel on the right of a figure.
pub(crate) const LEGEND_WIDTH: u32 = 300;

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A solid line over a translucent band (mean and its p05–p95 range).
    LineBand(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A filled box.
    Fill(RGBColor),
}

/// A figure's plot area and its legend panel.
pub(crate) type Panels<DB> = (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>);

/// Splits off the title strip and a legend panel; returns (plot area, legend area).
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<Panels<DB>, DrawError> {
    // plotters' ab_glyph text sits higher than its anchor, so the title gets a top margin or its
    // ascenders are cut off in the PNG.
    let body = root
        .margin(14, 0, 0, 0)
        .titled(title, font(palette::TITLE))?;
    let (w, _) = body.dim_in_pixel();
    let (plot, legend) = body.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    Ok((plot, legend))
}

/// Draws a legend in its own panel: entries with swatches, then notes in plain text. Long labels
/// wrap rather than run off the edge.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Swatch, String)],
    notes: &[String],
) -> Drawn {
    let line_height = (LEGEND as i32 * 13) / 10;
    let max_chars = 24;
    let mut y = 40;
    for (swatch, label) in entries {
        let mid = y + line_height / 2;
        match *swatch {
            Swatch::Line(c) => {
                area.draw(&PathElement::new(
                    vec![(10, mid), (50, mid)],
                    c.stroke_width(4),
                ))?;
            }
            Swatch::LineBand(c) => {
                area.draw(&Rectangle::new(
                    [(10, mid - 10), (50, mid + 10)],
                    c.mix(0.2).filled(),
                ))?;
                area.draw(&PathElement::new(
                    vec![(10, mid), (50, mid)],
                    c.stroke_width(4),
                ))?;
            }
            Swatch::Dashed(c) => {
                for x in [10, 24, 38] {
                    area.draw(&PathElement::new(
                        vec![(x, mid), (x + 8, mid)],
                        c.stroke_width(3),
                    ))?;
                }
            }
            Swatch::Fill(c) => {
                area.draw(&Rectangle::new(
                    [(10, mid - 10), (50, mid + 10)],
                    c.filled(),
                ))?;
                area.draw(&Rectangle::new(
                    [(10, mid - 10), (50, mid + 10)],
                    GREY.stroke_width(1),
                ))?;
            }
        }
        for line in wrap(label, max_chars) {
            area.draw(&Text::new(line, (60, y), font(LEGEND)))?;
            y += line_height;
        }
        y += line_height / 3;
    }
    y += line_height / 2;
    for note in notes {
        for line in wrap(note, max_chars + 4) {
            area.draw(&Text::new(line, (10, y), font(LEGEND - 1).color(&NOTE)))?;
            y += line_height - 2;
        }
        y += line_height / 3;
    }
    Ok(())
}

/// Breaks text into lines of at most `max` characters at spaces (a longer word stays whole).
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    // Split at plain spaces only: a no-break space holds a number to its unit.
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Shortens a label to `max` characters with an ellipsis, for axis labels that cannot wrap.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A linear axis with ticks exactly where we put them. plotters' own f64 axis picks "nice"
/// decimal ticks (20, 40 …), which suit neither hours (6, 12, 24 …) nor categories (0, 1, 2 …).
pub(crate) struct TickAxis {
    inner: plotters::coord::types::RangedCoordf64,
    ticks: Vec<f64>,
}

impl TickAxis {
    /// Hours from 0 to `horizon`, ticks on a whole number of hours that divides the day, at most
    /// a dozen of them, so that labels never crowd.
    pub(crate) fn hours(horizon: f64) -> Self {
        let step = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 96.0, 168.0]
            .into_iter()
            .find(|s| horizon / s <= 12.0)
            .unwrap_or_else(|| (horizon / 12.0).ceil());
        let n = (horizon / step).floor() as usize;
        TickAxis {
            inner: (0.0..horizon).into(),
            ticks: (0..=n).map(|i| i as f64 * step).collect(),
        }
    }

    /// `n` categories centred on 0 … n-1, each given one unit of the axis.
    pub(crate) fn categories(n: usize) -> Self {
        TickAxis {
            inner: (-0.5..n as f64 - 0.5).into(),
            ticks: (0..n).map(|i| i as f64).collect(),
        }
    }
}

impl Ranged for TickAxis {
    type FormatOption = plotters::coord::ranged1d::NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

impl plotters::coord::ranged1d::ValueFormatter<f64> for TickAxis {
    fn format(value: &f64) -> String {
        format!("{value:.0}")
    }
}
/// Width of the label column of a horizontal bar chart: as wide as the longest label needs
/// (about 11 px a character at tick size), between 120 px and `widest`.
pub(crate) fn label_column(names: &[String], widest: u32) -> u32 {
    names
        .iter()
        .map(|l| l.chars().count() as u32 * 11 + 30)
        .max()
        .unwrap_or(120)
        .clamp(120, widest)
}

/// The category name at an axis position (labels of a [`TickAxis::categories`] axis).
pub(crate) fn category(names: &[String], y: f64) -> String {
    let i = y.round();
    if i >= 0.0 {
        names.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// The x-axis description of an hour axis, with the clock time of hour 0.
pub(crate) fn hour_axis_label(summary: &Summary) -> String {
    let h = summary.start_hour.rem_euclid(24.0);
    let (hh, mm) = (
        h.floor() as u32,
        ((h.fract() * 60.0).round() as u32).min(59),
    );
    format!("Hours since the start of the run (hour 0 = {hh:02}:{mm:02})")
}

/// The mean window of each event, clipped to the run: (start, end) in hours.
pub(crate) fn event_windows(events: &[Event], horizon: f64) -> Vec<(f64, f64)> {
    events
        .iter()
        .filter(|e| e.at_hour_mean.is_finite() && e.duration_hours_mean.is_finite())
        .map(|e| {
            let start = e.at_hour_mean.clamp(0.0, horizon);
            (
                start,
                (e.at_hour_mean + e.duration_hours_mean).clamp(start, horizon),
            )
        })
        .filter(|(s, e)| e > s)
        .collect()
}

/// The legend entry for event windows.
pub(crate) fn event_entry(events: &[Event]) -> (Swatch, String) {
    let label = match events {
        [one] => format!("Event: {} (mean timing)", one.display_name()),
        _ => "Events (mean timing)".to_string(),
    };
    (Swatch::Fill(LIGHT_GREY), label)
}

/// A range that plotters can draw even when all values are equal.
pub(crate) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    if hi - lo > 1e-12 * hi.abs().max(1.0) {
        (lo, hi)
    } else if hi == 0.0 {
        (0.0, 1.0)
    } else {
        (lo - 0.5 * hi.abs(), hi + 0.5 * hi.abs())
    }
}
