//! `compare` and `rank`: one horizontal bar per row (a variant, a node) with a 95 % confidence
//! interval as a whisker and the value written beside the bar.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Drawn, Figure, RowLabels, Swatch, TickAxis, fit_values, font, frame, legend, padded};
use crate::report::format::Measure;
use crate::report::palette::{self, INK, LIGHT_GREY};

/// One bar.
pub(crate) struct Row {
    pub label: String,
    pub mean: f64,
    /// The whisker; none when `lo == hi`.
    pub lo: f64,
    pub hi: f64,
    pub colour: RGBColor,
    /// Written beside the bar.
    pub text: String,
}

pub(crate) struct IntervalBars {
    pub name: &'static str,
    pub title: String,
    pub caption: String,
    /// How the values are shown (axis title, ticks).
    pub measure: Measure,
    pub currency: String,
    pub rows: Vec<Row>,
    pub legend: Vec<(Swatch, String)>,
    pub notes: Vec<String>,
}

impl Figure for IntervalBars {
    fn name(&self) -> &'static str {
        self.name
    }

    fn caption(&self) -> String {
        self.caption.clone()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let (plot, side) = frame(root, &self.title)?;
        let names: Vec<String> = self.rows.iter().map(|r| r.label.clone()).collect();
        let n = self.rows.len();
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let hi = self
            .rows
            .iter()
            .map(|r| finite(r.hi).max(finite(r.mean)))
            .fold(0.0, f64::max);
        let lo = self
            .rows
            .iter()
            .map(|r| finite(r.lo).min(finite(r.mean)))
            .fold(0.0, f64::min);
        // Room on the right for the value labels; below 0 (an interval of a first-order index
        // can reach there) a little room too, so that its whisker's cap does not sit on the frame.
        let (lo, hi) = padded(lo, hi * 1.45);
        let lo = if lo < 0.0 { lo - 0.04 * (hi - lo) } else { lo };
        let (w, _) = plot.dim_in_pixel();
        let labels = RowLabels::in_plot(&plot, &names, 340);
        let x_ticks = fit_values(&plot, w.saturating_sub(labels.width + 50), (lo, hi), |x| {
            self.measure.value(x)
        });
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .margin_right(30)
            .x_label_area_size(70)
            .y_label_area_size(labels.width)
            .build_cartesian_2d(lo..hi, TickAxis::categories(n))?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .disable_y_mesh()
            .x_labels(x_ticks)
            .x_desc(self.measure.axis_title(&self.currency))
            .y_label_formatter(&|_| String::new())
            .x_label_formatter(&|x| self.measure.value(*x))
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        labels.draw(&plot, &chart)?;
        for (i, row) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            if row.mean.is_finite() {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.3), (row.mean, y + 0.3)],
                    row.colour.filled(),
                )))?;
            }
            if row.lo.is_finite() && row.hi.is_finite() && row.hi > row.lo {
                let whisker = INK.stroke_width(2);
                chart.draw_series(LineSeries::new([(row.lo, y), (row.hi, y)], whisker))?;
                for x in [row.lo, row.hi] {
                    chart.draw_series(LineSeries::new([(x, y - 0.15), (x, y + 0.15)], whisker))?;
                }
            }
            let end = finite(row.mean).max(finite(row.hi)).max(0.0);
            chart.draw_series(std::iter::once(
                EmptyElement::at((end, y))
                    + Text::new(row.text.clone(), (10, -9), font(palette::TICK)),
            ))?;
        }
        legend(&side, &self.legend, &self.notes)
    }
}
