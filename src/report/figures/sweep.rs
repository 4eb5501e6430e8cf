//! `sweep`: the swept metric against the value of the first swept path — the mean as a line over
//! the replications' 5th–95th percentile band, one line per combination of the other paths; a
//! Latin-hypercube design, whose points share no line, is drawn as points with whiskers.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Drawn, Figure, Swatch, font, frame, legend, padded};
use crate::report::format::Measure;
use crate::report::palette::{self, LIGHT_GREY};

/// One point of the figure: the x value, then mean, p05, p95.
pub(crate) type Point = (f64, f64, f64, f64);

pub(crate) struct Sweep {
    pub metric: String,
    pub currency: String,
    pub x_path: String,
    /// (label of the other paths' values, points sorted by x).
    pub groups: Vec<(String, Vec<Point>)>,
    pub scenario: String,
}

impl Sweep {
    fn measure(&self) -> Measure {
        Measure::of(&self.metric, None)
    }
}

impl Figure for Sweep {
    fn name(&self) -> &'static str {
        "sweep"
    }

    fn caption(&self) -> String {
        format!(
            "{} against {}: mean over replications (line or point) and the 5th to 95th percentile \
             of replications (band or whisker); every point on the same seed.",
            self.metric, self.x_path
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let measure = self.measure();
        let title = format!("{} as {} varies", measure.title, self.x_path);
        let (plot, side) = frame(root, &title)?;
        let all = self.groups.iter().flat_map(|(_, p)| p.iter());
        let (mut x_lo, mut x_hi, mut y_hi) = (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64);
        let mut y_lo = 0.0_f64;
        for &(x, mean, p05, p95) in all {
            x_lo = x_lo.min(x);
            x_hi = x_hi.max(x);
            y_hi = y_hi.max(p95).max(mean);
            y_lo = y_lo.min(p05).min(mean);
        }
        let (x_lo, x_hi) = padded(x_lo, x_hi);
        let pad = (x_hi - x_lo) * 0.04;
        let (y_lo, y_hi) = padded(y_lo, y_hi * 1.08);
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .margin_right(30)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d((x_lo - pad)..(x_hi + pad), y_lo..y_hi)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .x_labels(8)
            .y_labels(7)
            .x_desc(self.x_path.clone())
            .y_desc(measure.axis_title(&self.currency))
            .y_label_formatter(&|y| measure.value(*y))
            .x_label_formatter(&|x| format!("{}", (x * 1000.0).round() / 1000.0))
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        let scatter = self.groups.iter().all(|(_, p)| p.len() < 2);
        let mut entries = Vec::new();
        // A hypercube's points each stand alone: draw them all, in one colour.
        let shown = if scatter { self.groups.len() } else { 8 };
        for (i, (label, points)) in self.groups.iter().enumerate().take(shown) {
            let colour = palette::series(if scatter { 0 } else { i });
            if scatter {
                for &(x, mean, p05, p95) in points {
                    chart.draw_series(LineSeries::new(
                        [(x, p05), (x, p95)],
                        colour.mix(0.6).stroke_width(2),
                    ))?;
                    chart.draw_series(std::iter::once(Circle::new(
                        (x, mean),
                        5,
                        colour.filled(),
                    )))?;
                }
            } else {
                let mut band: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.3)).collect();
                band.extend(points.iter().rev().map(|p| (p.0, p.2)));
                chart.draw_series(std::iter::once(Polygon::new(
                    band,
                    colour.mix(0.2).filled(),
                )))?;
                chart.draw_series(LineSeries::new(
                    points.iter().map(|p| (p.0, p.1)),
                    colour.stroke_width(3),
                ))?;
                chart.draw_series(
                    points
                        .iter()
                        .map(|p| Circle::new((p.0, p.1), 5, colour.filled())),
                )?;
            }
            entries.push((
                Swatch::LineBand(colour),
                if label.is_empty() {
                    "Mean, 5th–95th percentile".to_string()
                } else {
                    label.clone()
                },
            ));
        }
        let mut notes = vec![format!("Metric: {}.", self.metric)];
        if !scatter && self.groups.len() > 8 {
            notes.push(format!(
                "Showing 8 of {} lines; sweep.csv has all.",
                self.groups.len()
            ));
        }
        if scatter {
            notes.push(
                "Each point is one run of the design; the other swept paths vary between points \
                 too, so points scatter about any trend."
                    .to_string(),
            );
        }
        notes.push(self.scenario.clone());
        legend(&side, if scatter { &[] } else { &entries }, &notes)
    }
}
