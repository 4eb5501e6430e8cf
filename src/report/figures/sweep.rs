//! `sweep`: the swept metric against the value of the first swept path — the mean as a line over
//! the replications' 5th–95th percentile band, one line per combination of the other paths; values
//! that are not numbers (arrays, tables) are categories named on the axis. A Latin-hypercube
//! design, whose points share no line, is drawn as small multiples: one panel per swept path, the
//! same points against each path's value. Axes name the parameter in words with its unit.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Drawn, Figure, Swatch, TickAxis, category, dash, data_range, fit_values, font, frame, legend,
    padded, patterned,
};
use crate::report::format::Measure;
use crate::report::palette::{self, LIGHT_GREY};

/// One point of the figure: the x value, then mean, p05, p95.
pub(crate) type Point = (f64, f64, f64, f64);

/// One point of a hypercube: the value of every swept path, then mean, p05, p95.
pub(crate) type DesignPoint = (Vec<f64>, f64, f64, f64);

pub(crate) struct Sweep {
    pub metric: String,
    pub currency: String,
    /// The swept paths, the first on the x axis.
    pub paths: Vec<String>,
    /// The first path's values when they are not numbers, in order: x is the index.
    pub categories: Option<Vec<String>>,
    /// (the other paths' values, points sorted by x) of a grid.
    pub groups: Vec<(Vec<String>, Vec<Point>)>,
    /// The points of a Latin hypercube (then `groups` is empty).
    pub design: Vec<DesignPoint>,
    pub scenario: String,
}

/// A distribution parameter at the end of a path, in words.
fn parameter(part: &str) -> Option<&'static str> {
    Some(match part {
        "median" => "median",
        "p95" => "95th percentile",
        "min" => "minimum",
        "max" => "maximum",
        "mode" => "mode",
        "mean" => "mean",
        "value" => "value",
        "shape" => "shape",
        "scale" => "scale",
        _ => return None,
    })
}

/// A swept path in words with its unit: `events.dc_power.duration_hours.median` is "Median
/// duration of dc_power (hours)", `scenario.value_of_time_per_hour` "Value of time (USD per hour)".
pub(crate) fn path_words(path: &str, currency: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let mut end = parts.len();
    let param = parts.last().and_then(|p| parameter(p));
    if param.is_some() && end > 1 {
        end -= 1;
    }
    // A per-segment adoption share, `adoption.<platform>.share.<segment>`: the segment reads
    // after the platform.
    if let ["adoption", platform, "share", segment] = parts.as_slice() {
        let segment = match *segment {
            "default" => "segments not named",
            other => other,
        };
        return format!("Share holding {platform}, {segment} (0 to 1)");
    }
    let field = parts.get(end.wrapping_sub(1)).copied().unwrap_or(path);
    // An element of an array of tables: `events.<id>.field`, `platforms.<id>.field` …; a
    // service's channel, `services.<s>.channels.<c>.field`, is "<c> for <s>".
    let element = match parts.as_slice() {
        ["services", service, "channels", channel, _] if end == 5 => {
            Some(format!("{channel} for {service}"))
        }
        _ => (end >= 3 && !matches!(parts[0], "run" | "scenario" | "population"))
            .then(|| parts[1].to_string()),
    };
    let (name, unit) = if let Some(n) = field.strip_suffix("_per_hour") {
        (n, Some(format!("{currency} per hour").trim().to_string()))
    } else if let Some(n) = field.strip_suffix("_hours") {
        (n, Some("hours".to_string()))
    } else if let Some(n) = field.strip_suffix("_minutes") {
        (n, Some("minutes".to_string()))
    } else if field == "share" || field.ends_with("_share") || field == "probability" {
        (field, Some("0 to 1".to_string()))
    } else {
        (field, None)
    };
    let mut words = match name {
        "depends_on" => "dependencies".to_string(),
        "extra" => "extra time per need".to_string(),
        n => n.replace('_', " "),
    };
    if let Some(p) = param {
        words = format!("{p} {words}");
    }
    if let Some(e) = element {
        words = format!("{words} of {e}");
    }
    if let Some(u) = unit {
        words = format!("{words} ({u})");
    }
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

impl Sweep {
    fn measure(&self) -> Measure {
        Measure::of(&self.metric, None)
    }

    fn words(&self, i: usize) -> String {
        self.paths
            .get(i)
            .map(|p| path_words(p, &self.currency))
            .unwrap_or_default()
    }

    /// The legend label of a line: the other paths' values.
    fn group_label(&self, values: &[String]) -> String {
        if values.is_empty() {
            return "Mean (point), 5th–95th percentile".to_string();
        }
        values
            .iter()
            .enumerate()
            .map(|(k, v)| format!("{} = {v}", self.words(k + 1)))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The y range of every point, with a margin on each side.
    fn y_range(&self) -> (f64, f64) {
        let stats = self
            .groups
            .iter()
            .flat_map(|(_, p)| p.iter().map(|&(_, m, lo, hi)| (m, lo, hi)))
            .chain(self.design.iter().map(|(_, m, lo, hi)| (*m, *lo, *hi)));
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for (m, p05, p95) in stats {
            for v in [m, p05, p95].into_iter().filter(|v| v.is_finite()) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        // Lines, not bars: zero only when it means something, as on every value axis.
        data_range(lo, hi, 0.06)
    }

    fn draw_lines<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        side: &DrawingArea<DB, Shift>,
    ) -> Drawn {
        let measure = self.measure();
        let all = self.groups.iter().flat_map(|(_, p)| p.iter());
        let (mut x_lo, mut x_hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &(x, ..) in all {
            x_lo = x_lo.min(x);
            x_hi = x_hi.max(x);
        }
        let (y_lo, y_hi) = self.y_range();
        let (w, _) = plot.dim_in_pixel();
        let axis_w = w.saturating_sub(200);
        let (x_axis, names) = match &self.categories {
            Some(values) => (TickAxis::categories(values.len()), values.clone()),
            None => {
                let (lo, hi) = padded(x_lo, x_hi);
                let pad = (hi - lo) * 0.04;
                let n = fit_values(plot, axis_w, (lo, hi), number).min(8);
                (
                    TickAxis::at(lo - pad, hi + pad, nice_ticks(lo, hi, n)),
                    Vec::new(),
                )
            }
        };
        let mut chart = ChartBuilder::on(plot)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d(x_axis, y_lo..y_hi)?;
        let categorical = self.categories.is_some();
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .y_labels(7)
            .x_desc(self.words(0))
            .y_desc(measure.axis_title(&self.currency))
            .y_label_formatter(&|y| measure.value(*y))
            .x_label_formatter(&|x| {
                if categorical {
                    category(&names, *x)
                } else {
                    number(*x)
                }
            })
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        let several = self.groups.len() > 1;
        let mut entries = Vec::new();
        for (i, (values, points)) in self.groups.iter().enumerate().take(8) {
            let colour = palette::series(i);
            let upper: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.3)).collect();
            let lower: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.2)).collect();
            if categorical {
                // Categories have no order between them: points with whiskers, no line.
                for p in points {
                    chart.draw_series(LineSeries::new(
                        [(p.0, p.2), (p.0, p.3)],
                        colour.mix(0.6).stroke_width(2),
                    ))?;
                }
                chart.draw_series(
                    points
                        .iter()
                        .map(|p| Circle::new((p.0, p.1), 6, colour.filled())),
                )?;
                entries.push((Swatch::Line(colour), self.group_label(values)));
                continue;
            }
            if several {
                // Bands of several lines as dashed edges only: filled, they merge into one tint.
                for edge in [upper, lower] {
                    chart.draw_series(DashedLineSeries::new(edge, 4, 4, colour.stroke_width(1)))?;
                }
            } else {
                let band: Vec<(f64, f64)> =
                    upper.into_iter().chain(lower.into_iter().rev()).collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    band,
                    colour.mix(0.15).filled(),
                )))?;
            }
            patterned(
                &mut chart,
                points.iter().map(|p| (p.0, p.1)).collect(),
                dash(i),
                colour.stroke_width(3),
            )?;
            chart.draw_series(
                points
                    .iter()
                    .map(|p| Circle::new((p.0, p.1), 5, colour.filled())),
            )?;
            let label = self.group_label(values);
            let (on, off) = dash(i);
            entries.push((Swatch::Pattern(colour, on, off), label));
        }
        let mut notes = vec![self.scenario.clone()];
        if several {
            notes.push(
                "Line: mean across replications; dashed edges: 5th and 95th percentiles."
                    .to_string(),
            );
        }
        if self.groups.len() > 8 {
            notes.push(format!(
                "Showing 8 of {} lines; sweep.csv has all.",
                self.groups.len()
            ));
        }
        legend(side, &entries, &notes)
    }

    fn draw_design<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        side: &DrawingArea<DB, Shift>,
    ) -> Drawn {
        let measure = self.measure();
        let (y_lo, y_hi) = self.y_range();
        let k = self.paths.len().max(1);
        let (w, _) = plot.dim_in_pixel();
        let panels = plot.split_evenly((1, k));
        let colour = palette::series(0);
        for (i, panel) in panels.iter().enumerate() {
            let xs: Vec<f64> = self
                .design
                .iter()
                .filter_map(|(x, ..)| x.get(i).copied())
                .collect();
            let (lo, hi) = padded(
                xs.iter().copied().fold(f64::INFINITY, f64::min),
                xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            );
            let pad = (hi - lo) * 0.05;
            let n = fit_values(
                panel,
                (w / k as u32).saturating_sub(if i == 0 { 150 } else { 60 }),
                (lo, hi),
                number,
            )
            .min(6);
            let mut chart = ChartBuilder::on(panel)
                .margin(16)
                .margin_right(24)
                .x_label_area_size(70)
                .y_label_area_size(if i == 0 { 110 } else { 20 })
                .build_cartesian_2d(
                    TickAxis::at(lo - pad, hi + pad, nice_ticks(lo, hi, n)),
                    y_lo..y_hi,
                )?;
            let first = i == 0;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .bold_line_style(LIGHT_GREY)
                .y_labels(7)
                .x_desc(self.words(i))
                .y_desc(if first {
                    measure.axis_title(&self.currency)
                } else {
                    String::new()
                })
                .y_label_formatter(&|y| {
                    if first {
                        measure.value(*y)
                    } else {
                        String::new()
                    }
                })
                .x_label_formatter(&|x| number(*x))
                .label_style(font(palette::TICK))
                .axis_desc_style(font(palette::TICK))
                .draw()?;
            for (x, mean, p05, p95) in &self.design {
                let Some(&x) = x.get(i) else { continue };
                chart.draw_series(LineSeries::new(
                    [(x, *p05), (x, *p95)],
                    colour.mix(0.6).stroke_width(2),
                ))?;
                chart.draw_series(std::iter::once(Circle::new((x, *mean), 5, colour.filled())))?;
            }
        }
        legend(
            side,
            &[(Swatch::Line(colour), "Mean (point), 5th–95th percentile (whisker)".to_string())],
            &["Each point is one run of the design, shown once in each panel against the value of \
               that panel's path; the other paths vary between points too, so points scatter about \
               any trend."
                .to_string(), self.scenario.clone()],
        )
    }
}

/// A number for a tick: at most three decimals, no trailing zeros.
fn number(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    let r = if r == 0.0 { 0.0 } else { r };
    format!("{r}").replace('-', "\u{2212}")
}

/// At most `n` ticks in [lo, hi] on a step of 1, 2 or 5 times a power of ten.
fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = (hi - lo).abs().max(1e-12);
    let raw = span / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| span / s <= n.max(1) as f64)
        .unwrap_or(10.0 * mag);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

impl Figure for Sweep {
    fn name(&self) -> &'static str {
        "sweep"
    }

    fn caption(&self) -> String {
        if self.design.is_empty() {
            format!(
                "{} against {} ({}): mean over replications (line and points) and the 5th to 95th \
                 percentile of replications (band); every point on the same seed.",
                self.metric,
                self.words(0).to_lowercase(),
                self.paths.first().map_or("", String::as_str)
            )
        } else {
            format!(
                "{} at each point of a Latin-hypercube design, one panel per swept path ({}): mean \
                 over replications (point) and the 5th to 95th percentile (whisker).",
                self.metric,
                self.paths.join(", ")
            )
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let measure = self.measure();
        let title = if self.design.is_empty() {
            format!(
                "{} as {} varies",
                measure.title,
                self.words(0).to_lowercase()
            )
        } else {
            format!("{} across the design", measure.title)
        };
        let (plot, side) = frame(root, &title)?;
        if self.design.is_empty() {
            self.draw_lines(&plot, &side)
        } else {
            self.draw_design(&plot, &side)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_words_with_units() {
        assert_eq!(
            path_words("events.dc_power.duration_hours.median", "EUR"),
            "Median duration of dc_power (hours)"
        );
        assert_eq!(
            path_words("scenario.value_of_time_per_hour", "USD"),
            "Value of time (USD per hour)"
        );
        assert_eq!(
            path_words("adoption.chatter.share", ""),
            "Share of chatter (0 to 1)"
        );
        assert_eq!(path_words("run.step_minutes", ""), "Step (minutes)");
        assert_eq!(
            path_words("services.messaging.channels.sms_phone.extra_minutes", ""),
            "Extra time per need of sms_phone for messaging (minutes)"
        );
        assert_eq!(
            path_words("services.messaging.channels.sms_phone.success", ""),
            "Success of sms_phone for messaging"
        );
        assert_eq!(
            path_words("adoption.kakaotalk.share.default", ""),
            "Share holding kakaotalk, segments not named (0 to 1)"
        );
        assert_eq!(
            path_words("adoption.kakaotalk.share.elderly", ""),
            "Share holding kakaotalk, elderly (0 to 1)"
        );
    }

    #[test]
    fn nice_ticks_stay_in_range_on_round_steps() {
        let near = |a: Vec<f64>, b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
        };
        assert!(near(
            nice_ticks(2.0, 12.0, 6),
            &[2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
        ));
        assert!(near(nice_ticks(0.5, 0.9, 5), &[0.5, 0.6, 0.7, 0.8, 0.9]));
        assert!(nice_ticks(10.0, 40.0, 3).len() <= 4);
    }
}
