//! `by_service` and `by_segment`: the headline metric split by service and by population segment,
//! as horizontal bars (long names stay readable) with the replications' 5th–95th percentile range.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Drawn, Figure, RowLabels, Swatch, TickAxis, fit_values, font, frame, legend, padded};
use crate::report::format::{self, Measure};
use crate::report::input::{Input, Stats, Summary};
use crate::report::palette::{self, INK, LIGHT_GREY};
use crate::results::registry;

pub(crate) struct Bars<'a> {
    summary: &'a Summary,
    name: &'static str,
    measure: Measure,
    /// What the bars are split by, for the title: "service" or "segment".
    by: &'static str,
    /// (label, statistics), top to bottom.
    rows: Vec<(String, Stats)>,
}

/// The family of the headline metric, whose parts the bars show.
fn family_of(summary: &Summary) -> (String, Measure) {
    let headline = summary.headline();
    let family = registry::split(&headline).0.to_string();
    (family, Measure::in_summary(summary, &headline))
}

impl<'a> Bars<'a> {
    /// `<family>.<service>` for each service; None if the run has none of them.
    pub(crate) fn by_service(input: &'a Input) -> Option<Self> {
        let summary = &input.summary;
        let (family, measure) = family_of(summary);
        let rows: Vec<_> = summary
            .services
            .iter()
            .filter_map(|s| {
                let m = summary.metrics.get(&format!("{family}.{}", s.id))?;
                Some((s.display_name().to_string(), m.stats))
            })
            .collect();
        (!rows.is_empty()).then_some(Bars {
            summary,
            name: "by_service",
            measure,
            by: "service",
            rows,
        })
    }

    /// `<family>.total.by_segment.<segment>` for each segment; None if the run has none.
    pub(crate) fn by_segment(input: &'a Input) -> Option<Self> {
        let summary = &input.summary;
        let (family, measure) = family_of(summary);
        let rows: Vec<_> = summary
            .segments
            .iter()
            .filter_map(|g| {
                let m = summary
                    .metrics
                    .get(&format!("{family}.total.by_segment.{}", g.id))?;
                // The segment's size beside its name: totals of big segments are big.
                let label = format!(
                    "{} ({})",
                    g.display_name(),
                    format::share(g.share).replace(".0\u{a0}%", "\u{a0}%")
                );
                Some((label, m.stats))
            })
            .collect();
        (!rows.is_empty()).then_some(Bars {
            summary,
            name: "by_segment",
            measure,
            by: "segment",
            rows,
        })
    }
}

impl Figure for Bars<'_> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn caption(&self) -> String {
        let extra = if self.by == "segment" {
            " Each label gives the segment's share of the population."
        } else {
            ""
        };
        format!(
            "{} by {}: mean across replications (bar) and the range from the 5th to the 95th \
             percentile (whisker).{extra}",
            self.measure.title, self.by
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let title = format!("{} by {}", self.measure.title, self.by);
        let (plot, side) = frame(root, &title)?;
        let names: Vec<String> = self.rows.iter().map(|(l, _)| l.clone()).collect();
        let n = self.rows.len();
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let hi = self
            .rows
            .iter()
            .map(|(_, m)| finite(m.p95).max(finite(m.mean)))
            .fold(0.0, f64::max);
        let lo = self
            .rows
            .iter()
            .map(|(_, m)| finite(m.p05).min(finite(m.mean)))
            .fold(0.0, f64::min);
        // Room on the right for the value labels.
        let (lo, hi) = padded(lo, hi * 1.3);
        let (w, _) = plot.dim_in_pixel();
        let labels = RowLabels::in_plot(&plot, &names, 330);
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
            .x_desc(self.measure.axis_title(&self.summary.currency))
            // Rows run top to bottom in the scenario's order; the axis runs bottom to top.
            .y_label_formatter(&|_| String::new())
            .x_label_formatter(&|x| self.measure.value(*x))
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        labels.draw(&plot, &chart)?;
        let colour = palette::series(0);
        for (i, (_, m)) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            if m.mean.is_finite() {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.3), (m.mean, y + 0.3)],
                    colour.filled(),
                )))?;
            }
            if m.p05.is_finite() && m.p95.is_finite() {
                let whisker = INK.stroke_width(2);
                chart.draw_series(LineSeries::new([(m.p05, y), (m.p95, y)], whisker))?;
                for x in [m.p05, m.p95] {
                    chart.draw_series(LineSeries::new([(x, y - 0.12), (x, y + 0.12)], whisker))?;
                }
            }
            let end = finite(m.mean).max(finite(m.p95));
            let label = self.measure.words(m.mean, &self.summary.currency);
            chart.draw_series(std::iter::once(
                EmptyElement::at((end, y)) + Text::new(label, (10, -9), font(palette::TICK)),
            ))?;
        }
        legend(
            &side,
            &[
                (Swatch::Fill(colour), "Mean across replications".to_string()),
                (Swatch::Line(INK), "5th to 95th percentile".to_string()),
            ],
            &["The number beside each bar is the mean.".to_string()],
        )
    }
}
