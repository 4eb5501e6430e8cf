//! `timeline`: the share of the population cut off from each service, hour by hour, with the
//! replications' 5th–95th percentile band and the event window shaded behind it; in a run over
//! `[[uncertain]]` inputs, the central run's band (inputs as written) beside it as dotted edges.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Drawn, Figure, Swatch, dash, event_entry, event_windows, font, frame, hour_axis,
    hour_axis_label, legend, padded, patterned,
};
use crate::report::input::{Input, Series, Summary};
use crate::report::palette::{self, LIGHT_GREY};
use crate::results::Band;
use crate::results::registry::CUT_OFF_SHARE;

pub(crate) struct Timeline<'a> {
    summary: &'a Summary,
    /// (service name, series), services in the scenario's order.
    lines: Vec<(String, &'a Series)>,
    /// Per line, the central run's band (`summary.json`'s `timeseries.central`), if any.
    central: Vec<Option<&'a Band>>,
}

impl<'a> Timeline<'a> {
    /// None when the run wrote no `cut_off_share.*` series.
    pub(crate) fn new(input: &'a Input) -> Option<Self> {
        let summary = &input.summary;
        let mut lines = Vec::new();
        let mut central = Vec::new();
        for s in &summary.services {
            let name = CUT_OFF_SHARE.name_of(&s.id);
            if let Some(series) = input.timeseries.series.get(&name) {
                lines.push((s.display_name().to_string(), series));
                central.push(summary.timeseries.central.get(&name));
            }
        }
        // Series for services the summary does not list still belong on the figure.
        for (name, series) in &input.timeseries.series {
            let id = name
                .strip_prefix(CUT_OFF_SHARE.name)
                .and_then(|rest| rest.strip_prefix('.'));
            if let Some(id) = id {
                if !summary.services.iter().any(|s| s.id == id) {
                    lines.push((id.to_string(), series));
                    central.push(summary.timeseries.central.get(name));
                }
            }
        }
        (!lines.is_empty()).then_some(Timeline {
            summary,
            lines,
            central,
        })
    }
}

/// A note for each group of services whose curves coincide (means equal to 1e-9 at every step),
/// which the dash patterns show one over the other.
fn same_curves(lines: &[(String, &Series)]) -> Vec<String> {
    let same = |a: &Series, b: &Series| {
        a.mean.len() == b.mean.len()
            && a.mean
                .iter()
                .zip(&b.mean)
                .all(|(x, y)| (x - y).abs() <= 1e-9 || (x.is_nan() && y.is_nan()))
    };
    let mut taken = vec![false; lines.len()];
    let mut notes = Vec::new();
    for i in 0..lines.len() {
        if taken[i] {
            continue;
        }
        let group: Vec<usize> = (i..lines.len())
            .filter(|&j| !taken[j] && same(lines[i].1, lines[j].1))
            .collect();
        if group.len() > 1 {
            for &j in &group {
                taken[j] = true;
            }
            let names: Vec<&str> = group.iter().map(|&j| lines[j].0.as_str()).collect();
            notes.push(format!(
                "{} have the same curve: their dashed lines lie on each other.",
                names.join(" and ")
            ));
        }
    }
    notes
}

fn finite(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    points
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect()
}

impl Figure for Timeline<'_> {
    fn name(&self) -> &'static str {
        "timeline"
    }

    fn caption(&self) -> String {
        "Share of the population cut off from each service, hour by hour: mean across \
         replications, with the band from the 5th to the 95th percentile; the grey window is the \
         event at its mean timing."
            .to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let (plot, side) = frame(root, "Share of the population cut off, by service")?;
        let horizon = self.summary.horizon_hours.max(1e-9);
        let top = self
            .lines
            .iter()
            .flat_map(|(_, s)| s.p95.iter().chain(&s.mean))
            .chain(self.central.iter().flatten().flat_map(|b| &b.p95))
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        let (_, y_max) = padded(0.0, (top * 1.1).min(1.0));
        let decimals = if y_max < 0.05 { 1 } else { 0 };

        let (w, _) = plot.dim_in_pixel();
        let (x_axis, x_label) = hour_axis(&plot, self.summary, w.saturating_sub(150));
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(x_axis, 0.0..y_max)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .x_desc(hour_axis_label(self.summary))
            .x_label_formatter(&x_label)
            .y_desc("Population cut off")
            .y_label_formatter(&|v| format!("{:.decimals$} %", v * 100.0))
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;

        for (start, end) in event_windows(&self.summary.events, horizon) {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(start, 0.0), (end, y_max)],
                LIGHT_GREY.filled(),
            )))?;
        }
        for (i, (_, s)) in self.lines.iter().enumerate() {
            let c = palette::series(i);
            let upper = finite(s.hours.iter().copied().zip(s.p95.iter().copied()));
            let lower = finite(s.hours.iter().copied().zip(s.p05.iter().copied()));
            // A faint fill with thin edges: a wide band (a series that is 0 in some replications
            // and 1 in others) stays a tint over the event window, not a slab of colour.
            for edge in [&upper, &lower] {
                chart.draw_series(LineSeries::new(edge.clone(), c.mix(0.7).stroke_width(1)))?;
            }
            let band: Vec<_> = upper.into_iter().chain(lower.into_iter().rev()).collect();
            if band.len() >= 3 {
                chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.08).filled())))?;
            }
        }
        // The central run's band: its edges dotted, no fill, so the band with inputs shows how
        // much wider what we do not know makes it.
        for (i, band) in self.central.iter().enumerate() {
            let Some(band) = band else { continue };
            let (_, s) = &self.lines[i];
            for edge in [&band.p05, &band.p95] {
                let points = finite(s.hours.iter().copied().zip(edge.iter().copied()));
                patterned(
                    &mut chart,
                    points,
                    (3, 5),
                    palette::series(i).mix(0.9).stroke_width(2),
                )?;
            }
        }
        // Lines after all bands, so that no band veils another service's mean; each its own dash
        // pattern, so that a line lying on another still shows.
        for (i, (_, s)) in self.lines.iter().enumerate() {
            let line = finite(s.hours.iter().copied().zip(s.mean.iter().copied()));
            patterned(
                &mut chart,
                line,
                dash(i),
                palette::series(i).stroke_width(3),
            )?;
        }

        let mut entries: Vec<_> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let (on, off) = dash(i);
                (Swatch::Pattern(palette::series(i), on, off), name.clone())
            })
            .collect();
        if !self.summary.events.is_empty() {
            entries.push(event_entry(&self.summary.events));
        }
        let mut notes =
            vec!["Line: mean across replications. Band: 5th to 95th percentile.".to_string()];
        if self.central.iter().any(Option::is_some) {
            notes.push(
                "Dotted: the central run's band (inputs as written); the band is over the uncertain inputs too."
                    .to_string(),
            );
        }
        notes.extend(same_curves(&self.lines));
        legend(&side, &entries, &notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(mean: &[f64]) -> Series {
        Series {
            hours: (0..mean.len()).map(|h| h as f64).collect(),
            mean: mean.to_vec(),
            p05: mean.to_vec(),
            p95: mean.to_vec(),
        }
    }

    #[test]
    fn coinciding_curves_are_named_and_distinct_ones_are_not() {
        let (a, b, c) = (
            series(&[0.0, 0.5, 0.2]),
            series(&[0.0, 0.5, 0.2]),
            series(&[0.0, 0.5, 0.3]),
        );
        let lines = vec![
            ("Payments".to_string(), &a),
            ("Shops".to_string(), &c),
            ("Cards".to_string(), &b),
        ];
        assert_eq!(
            same_curves(&lines),
            vec!["Payments and Cards have the same curve: their dashed lines lie on each other."]
        );
        assert!(same_curves(&lines[..2]).is_empty());
        // Different dash patterns for each, so the one drawn last does not hide the other.
        assert_ne!(dash(0), dash(2));
    }
}
