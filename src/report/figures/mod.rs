//! The figures of the report, one file each, and what they share: the [`Figure`] trait that lets
//! one drawing routine serve both the SVG and the PNG backend, a legend panel drawn beside the plot
//! (never over the data), and helpers for hour axes and event windows.

pub(crate) mod annual;
pub(crate) mod bars;
pub(crate) mod capacity;
pub(crate) mod clock;
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
    /// A dashed line.
    Dashed(RGBColor),
    /// A filled box.
    Fill(RGBColor),
    /// A line of dashes `on` px long, `off` px apart (solid when `off` is 0), over a band with
    /// edges: a series drawn so that one lying on another still shows.
    Pattern(RGBColor, u32, u32),
}

/// The dash pattern of the i-th line of a figure, (on, off) in pixels: solid first, then ever
/// shorter dashes, so that lines that coincide still show each colour.
pub(crate) fn dash(i: usize) -> (u32, u32) {
    [(0, 0), (14, 8), (6, 6), (22, 6), (3, 5)][i % 5]
}

/// Draws `points` as a line of dashes (on, off) in pixels, solid when off is 0.
pub(crate) fn patterned<DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    points: Vec<(f64, f64)>,
    pattern: (u32, u32),
    style: ShapeStyle,
) -> Drawn
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    match pattern {
        (_, 0) => {
            chart.draw_series(LineSeries::new(points, style))?;
        }
        (on, off) => {
            chart.draw_series(DashedLineSeries::new(points, on, off, style))?;
        }
    }
    Ok(())
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
            Swatch::Dashed(c) => {
                for x in [10, 24, 38] {
                    area.draw(&PathElement::new(
                        vec![(x, mid), (x + 8, mid)],
                        c.stroke_width(3),
                    ))?;
                }
            }
            Swatch::Pattern(c, on, off) => {
                area.draw(&Rectangle::new(
                    [(10, mid - 10), (50, mid + 10)],
                    c.mix(0.1).filled(),
                ))?;
                for y in [mid - 10, mid + 10] {
                    area.draw(&PathElement::new(vec![(10, y), (50, y)], c.stroke_width(1)))?;
                }
                if off == 0 {
                    area.draw(&PathElement::new(
                        vec![(10, mid), (50, mid)],
                        c.stroke_width(4),
                    ))?;
                } else {
                    let mut x = 10;
                    while x < 50 {
                        let end = (x + on as i32).min(50);
                        area.draw(&PathElement::new(
                            vec![(x, mid), (end, mid)],
                            c.stroke_width(4),
                        ))?;
                        x += (on + off) as i32;
                    }
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
        for line in wrap_px(area, label, LEGEND, LEGEND_WIDTH - 72) {
            area.draw(&Text::new(line, (60, y), font(LEGEND)))?;
            y += line_height;
        }
        y += line_height / 3;
    }
    y += line_height / 2;
    for note in notes {
        for line in wrap_px(area, note, LEGEND - 1, LEGEND_WIDTH - 22) {
            area.draw(&Text::new(line, (10, y), font(LEGEND - 1).color(&NOTE)))?;
            y += line_height - 2;
        }
        y += line_height / 3;
    }
    Ok(())
}

/// A linear axis with ticks exactly where we put them. plotters' own f64 axis picks "nice"
/// decimal ticks (20, 40 …), which suit neither hours (6, 12, 24 …) nor categories (0, 1, 2 …).
pub(crate) struct TickAxis {
    inner: plotters::coord::types::RangedCoordf64,
    ticks: Vec<f64>,
}

impl TickAxis {
    /// Hours from 0 to `horizon`, ticks on whole clock hours that divide the day (hour 0 is
    /// `offset` hours past a midnight), at most `most` of them.
    pub(crate) fn clock(horizon: f64, offset: f64, most: usize) -> Self {
        let most = most.max(1) as f64;
        let step = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 96.0, 168.0]
            .into_iter()
            .find(|s| horizon / s <= most)
            .unwrap_or_else(|| (horizon / most / 24.0).ceil() * 24.0);
        // The first tick at or after hour 0 that falls on a multiple of the step in clock time.
        let first = (offset / step).ceil() * step - offset;
        let n = ((horizon - first) / step).floor().max(0.0) as usize;
        TickAxis {
            inner: (0.0..horizon).into(),
            ticks: (0..=n).map(|i| first + i as f64 * step).collect(),
        }
    }

    /// Positions on a numeric axis from `lo` to `hi` where each tick is one of `ticks`.
    pub(crate) fn at(lo: f64, hi: f64, ticks: Vec<f64>) -> Self {
        TickAxis {
            inner: (lo..hi).into(),
            ticks,
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
    if let Some(start) = clock::Start::of(summary) {
        return start.axis_title();
    }
    let h = summary.start_hour.rem_euclid(24.0);
    let (hh, mm) = (
        h.floor() as u32,
        ((h.fract() * 60.0).round() as u32).min(59),
    );
    format!("Hours since the start of the run (hour 0 = {hh:02}:{mm:02})")
}

/// Formats a tick of an axis.
pub(crate) type TickLabel = Box<dyn Fn(&f64) -> String>;

/// The hour axis of a run, its ticks fitted to `width_px` of axis: clock times and dates when
/// the summary has a start date, hours since the start otherwise.
pub(crate) fn hour_axis<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    summary: &Summary,
    width_px: u32,
) -> (TickAxis, TickLabel) {
    let horizon = summary.horizon_hours.max(1e-9);
    match clock::Start::of(summary) {
        Some(start) => {
            // The finest step whose labels all fit: times of day (dates at midnight) below a
            // day, dates alone from a day up.
            let mut chosen = None;
            for most in (2..=24).rev() {
                let axis = TickAxis::clock(horizon, start.offset_hours(), most);
                let step = match axis.ticks.as_slice() {
                    [a, b, ..] => b - a,
                    _ => horizon,
                };
                let first = axis.ticks.first().copied().unwrap_or(0.0);
                let labels: Vec<String> = axis
                    .ticks
                    .iter()
                    .map(|h| start.tick(*h, (*h - first).abs() < 1e-9, step >= 24.0))
                    .collect();
                // Each label's own width: only the first tick and midnights carry a date, so
                // charging every tick the widest label (a date) left a 30 h axis two ticks.
                let needed: u32 = labels
                    .iter()
                    .map(|l| text_width(area, l, palette::TICK) + 24)
                    .sum();
                let fits = needed <= width_px;
                chosen = Some((axis, first, step));
                if fits {
                    break;
                }
            }
            let (axis, first, step) =
                chosen.unwrap_or_else(|| (TickAxis::clock(horizon, 0.0, 2), 0.0, horizon));
            (
                axis,
                Box::new(move |h: &f64| start.tick(*h, (*h - first).abs() < 1e-9, step >= 24.0)),
            )
        }
        None => {
            let sample = format!("{:.0}", horizon);
            let most = fit(area, width_px, &[sample]).min(12);
            (
                TickAxis::clock(horizon, 0.0, most),
                Box::new(|h: &f64| format!("{h:.0}")),
            )
        }
    }
}

/// How many ticks of the widest of `labels` fit in `width_px` with room between them.
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    width_px: u32,
    labels: &[String],
) -> usize {
    let widest = labels
        .iter()
        .map(|l| text_width(area, l, palette::TICK))
        .max()
        .unwrap_or(40);
    (width_px / (widest + 28)).clamp(2, 12) as usize
}

/// How many ticks of a value axis from `lo` to `hi`, labelled by `label`, fit in `width_px`.
pub(crate) fn fit_values<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    width_px: u32,
    (lo, hi): (f64, f64),
    label: impl Fn(f64) -> String,
) -> usize {
    let labels: Vec<String> = [lo, hi, (lo + hi) / 2.0, lo + (hi - lo) * 0.9]
        .into_iter()
        .map(label)
        .collect();
    fit(area, width_px, &labels)
}

/// The width of `text` in pixels at `size`, measured with the bundled font.
pub(crate) fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
) -> u32 {
    area.estimate_text_size(text, &font(size))
        .map(|(w, _)| w)
        .unwrap_or(text.chars().count() as u32 * size * 6 / 10)
}

/// Breaks text into lines no wider than `max_px` at `size` (a longer word stays whole).
pub(crate) fn wrap_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
    max_px: u32,
) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let longer = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(area, &longer, size) > max_px {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = longer;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Row labels of a horizontal chart, wrapped to fit their rows, drawn by [`RowLabels::draw`]
/// left of the plot instead of plotters' one-line axis labels (which cut long names).
pub(crate) struct RowLabels {
    /// Lines of each row, top to bottom.
    rows: Vec<Vec<String>>,
    size: u32,
    /// The label column's width in pixels.
    pub width: u32,
}

impl RowLabels {
    /// Wraps `names` into a column at most `widest` px wide whose rows are `row_px` tall: the
    /// tick size if every name fits its row so, else a smaller one.
    pub(crate) fn new<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        names: &[String],
        widest: u32,
        row_px: f64,
    ) -> Self {
        let text_w = widest.saturating_sub(24).max(60);
        let mut best = None;
        for size in [palette::TICK, palette::TICK - 2, palette::TICK - 4] {
            let rows: Vec<Vec<String>> = names
                .iter()
                .map(|n| wrap_px(area, n, size, text_w))
                .collect();
            let lines = rows.iter().map(Vec::len).max().unwrap_or(1) as f64;
            let fits = lines * line_height(size) <= row_px;
            best = Some((rows, size));
            if fits {
                break;
            }
        }
        let (rows, size) = best.unwrap_or_default();
        let width = rows
            .iter()
            .flatten()
            .map(|l| text_width(area, l, size))
            .max()
            .unwrap_or(60)
            + 24;
        RowLabels {
            rows,
            size,
            width: width.clamp(100, widest),
        }
    }

    /// [`RowLabels::new`] for `n` rows filling a plot area with the usual margins and x axis.
    pub(crate) fn in_plot<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        names: &[String],
        widest: u32,
    ) -> Self {
        let (_, h) = area.dim_in_pixel();
        let rows = names.len().max(1) as f64;
        Self::new(area, names, widest, f64::from(h.saturating_sub(110)) / rows)
    }

    /// Draws the labels right-aligned left of the chart, each centred on its row (row i at
    /// category position n − 1 − i).
    pub(crate) fn draw<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
        &self,
        area: &DrawingArea<DB, Shift>,
        chart: &ChartContext<'_, DB, Cartesian2d<X, TickAxis>>,
    ) -> Drawn {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        let n = self.rows.len();
        let (base_x, base_y) = area.get_base_pixel();
        let left = chart.plotting_area().get_pixel_range().0.start - base_x;
        let style = font(self.size).pos(Pos::new(HPos::Right, VPos::Center));
        let lh = line_height(self.size);
        for (i, lines) in self.rows.iter().enumerate() {
            let x = chart.x_range().start;
            let (_, y) = chart.backend_coord(&(x, (n - 1 - i) as f64));
            let y = f64::from(y - base_y);
            let first = y - (lines.len() as f64 - 1.0) * lh / 2.0;
            for (k, line) in lines.iter().enumerate() {
                let at = (left - 10, (first + k as f64 * lh).round() as i32);
                area.draw(&Text::new(line.clone(), at, style.clone()))?;
            }
        }
        Ok(())
    }
}

/// Distance between the baselines of wrapped lines at `size`.
pub(crate) fn line_height(size: u32) -> f64 {
    f64::from(size) * 1.15
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

/// The axis range of a value axis whose data run from `lo` to `hi`, with a margin of `margin`
/// (a fraction of the span) on each side so that nothing touches the frame. Zero is on the axis
/// only when it means something: when the data reach or cross it (a replication with no loss at
/// all), or when the gap between zero and the data is no wider than the margin would be anyway.
/// Otherwise the axis starts just below the data, so that losses of 104–151 bn do not leave two
/// thirds of the figure empty. Bar charts, whose bar lengths are the values, keep their zero.
pub(crate) fn data_range(lo: f64, hi: f64, margin: f64) -> (f64, f64) {
    let (lo, hi) = padded(lo, hi);
    let pad = margin * (hi - lo);
    let axis_lo = if lo >= 0.0 && lo <= pad {
        0.0
    } else {
        lo - pad
    };
    let axis_hi = if hi <= 0.0 && -hi <= pad {
        0.0
    } else {
        hi + pad
    };
    (axis_lo, axis_hi)
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

#[cfg(test)]
mod tests {
    use super::data_range;

    #[test]
    fn the_axis_starts_at_zero_only_when_zero_means_something() {
        // Losses of 104–151 bn: the axis starts just below the data, not at 0.
        let (lo, hi) = data_range(103.8, 150.8, 0.04);
        assert!(
            (lo - (103.8 - 0.04 * 47.0)).abs() < 1e-9 && lo > 100.0,
            "{lo}"
        );
        assert!((hi - (150.8 + 0.04 * 47.0)).abs() < 1e-9, "{hi}");
        // WhatsApp-like: 0.41–2.45 bn, the gap to zero (0.41) is a fifth of the span: no zero.
        assert!(data_range(0.41, 2.45, 0.04).0 > 0.3);
        // A replication with no loss at all: zero is a value of the data and on the axis.
        assert_eq!(data_range(0.0, 2.45, 0.04).0, 0.0);
        // A gap narrower than the margin: zero costs nothing and is kept.
        assert_eq!(data_range(0.05, 2.05, 0.04).0, 0.0);
        // Data crossing zero keep both signs with the margin.
        assert_eq!(data_range(-1.0, 1.0, 0.05), (-1.1, 1.1));
        // All negative and far from zero: the axis ends just above the data.
        assert!(data_range(-10.0, -8.0, 0.05).1 < -7.8);
        // Equal values still give a drawable range.
        let (a, b) = data_range(5.0, 5.0, 0.04);
        assert!(a < 5.0 && b > 5.0 && a > 0.0);
    }
}
