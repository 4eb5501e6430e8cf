//! `report.html`: one self-contained page (inline CSS, figures inlined as SVG, no scripts, no
//! network) that reads well on screen and on paper. Every piece of text that comes from the
//! summary is escaped, because it comes from user-written scenario files.

use std::fmt::Write;

use super::Saved;
use super::format::{self, MISSING, Measure};
use super::input::{Input, RunFacts, Stats, Summary};
use crate::results::registry::{
    self, ECONOMIC_LOSS, FAMILIES, Family, INSTALLS, PEAK_CUT_OFF_SHARE, PERSON_HOURS_CUT_OFF,
    PLATFORM_SHARE_AFTER, PLATFORM_SHARE_BEFORE, Scope, UNMET_NEEDS,
};

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222; background: #fff;
       margin: 0; line-height: 1.5; }
main { max-width: 64rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 2rem; margin: 0.2rem 0 0.6rem; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 2.4rem 0 0.8rem; border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 0.4rem; break-after: avoid; page-break-after: avoid; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; color: #0072B2; font-size: 0.85rem; margin: 0; }
.lead { font-size: 1.1rem; }
.meta { color: #555; }
ul.headline { padding-left: 1.2rem; font-size: 1.1rem; }
ul.headline li { margin: 0.4rem 0; }
figure { margin: 1.5rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #ddd; }
figcaption { color: #444; font-size: 0.95rem; margin-top: 0.4rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 0.92rem; margin-bottom: 0.6rem; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f3f3f3; }
th:first-child { width: 34%; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.2rem; }
dl.run dt { font-weight: bold; }
dl.run dd { margin: 0; }
pre { background: #f3f3f3; padding: 0.8rem 1rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.note { color: #555; font-size: 0.92rem; }
@page { margin: 15mm; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { margin-top: 1.6rem; }
  /* Two figures to a page (A4 or Letter) rather than one and a half: a little narrower. */
  figure { margin: 0.6rem 0 1rem; }
  figure svg { border: none; width: 86%; margin: 0 auto; }
  #reproduce, #sources { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The whole page.
pub(crate) fn page(input: &Input, figures: &[Saved], analyses: &str) -> String {
    let s = &input.summary;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — concrisk report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(&s.scenario)
    );
    header(&mut out, s);
    headline(&mut out, s);
    figures_section(&mut out, figures);
    // Sections of compare, rank and sweep, when the folder has them.
    out.push_str(analyses);
    metrics_section(&mut out, s);
    run_section(&mut out, s, &input.run);
    sources_section(&mut out, s);
    reproduce(&mut out, s);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn header(out: &mut String, s: &Summary) {
    out.push_str("<header>\n<p class=\"kicker\">concrisk · concentration-risk report</p>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&s.scenario));
    let variant = match &s.variant {
        Some(v) => format!("Variant: <strong>{}</strong>", escape(v)),
        None => "Baseline (no variant)".to_string(),
    };
    let region = if s.region.is_empty() {
        String::new()
    } else {
        format!("Region: {} · ", escape(&s.region))
    };
    let _ = writeln!(out, "<p class=\"meta\">{region}{variant}</p>");
    if !s.description.is_empty() {
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", escape(&s.description));
    }
    out.push_str("</header>\n");
}

fn metric<'a>(s: &'a Summary, name: &str) -> Option<&'a Stats> {
    s.metrics
        .get(name)
        .map(|m| &m.stats)
        .filter(|m| m.mean.is_finite())
}

fn total<'a>(s: &'a Summary, family: &Family) -> Option<&'a Stats> {
    metric(s, &family.total_name()?)
}

/// The headline figures as sentences a minister can quote.
fn headline(out: &mut String, s: &Summary) {
    let mut items = Vec::new();
    let population = s.population as f64;
    for service in &s.services {
        if let Some(m) = metric(s, &PEAK_CUT_OFF_SHARE.name_of(&service.id)) {
            items.push(format!(
                "At the worst moment, on average <strong>{} people</strong> ({}; p95: {}) were cut off from {}.",
                format::count(m.mean * population),
                format::share(m.mean),
                format::count(m.p95 * population),
                escape(&service.display_name().to_lowercase()),
            ));
        }
    }
    if let Some(m) = total(s, &PERSON_HOURS_CUT_OFF) {
        items.push(format!(
            "People lost <strong>{} person-hours</strong> of access to services (p95: {}).",
            format::count(m.mean),
            format::count(m.p95)
        ));
    }
    if let Some(m) = total(s, &UNMET_NEEDS) {
        items.push(format!(
            "<strong>{} needs</strong> went unmet (p95: {}).",
            format::count(m.mean),
            format::count(m.p95)
        ));
    }
    if let Some(m) = total(s, &ECONOMIC_LOSS) {
        items.push(format!(
            "The economic loss was <strong>{}</strong> on average (p95: {}; mean of the worst \
             5\u{a0}% of replications: {}).",
            format::money(m.mean, &escape(&s.currency)),
            format::money(m.p95, &escape(&s.currency)),
            format::money(m.cvar95, &escape(&s.currency)),
        ));
    }
    // The platforms people installed, with their share of the population before and after.
    for node in &s.nodes {
        let of = |family: &Family| metric(s, &family.name_of(&node.id));
        if let (Some(installs), Some(before), Some(after)) = (
            of(&INSTALLS),
            of(&PLATFORM_SHARE_BEFORE),
            of(&PLATFORM_SHARE_AFTER),
        ) {
            items.push(format!(
                "<strong>{} people</strong> installed {} during the run (p95: {}): its share of \
                 the population {}.",
                format::count(installs.mean),
                escape(node.display_name()),
                format::count(installs.p95),
                format::share_change(before.mean, after.mean),
            ));
        }
    }
    // The scenario's headline metric leads: economic loss, or person-hours without money values.
    let lead = if s.headline().starts_with("economic_loss") {
        "The economic loss"
    } else {
        "People lost"
    };
    if let Some(i) = items.iter().position(|item| item.starts_with(lead)) {
        let item = items.remove(i);
        items.insert(0, item);
    }
    out.push_str("<section id=\"headline\">\n<h2>Headline figures</h2>\n");
    if items.is_empty() {
        out.push_str("<p>This run reported none of the headline metrics.</p>\n");
    } else {
        out.push_str("<ul class=\"headline\">\n");
        for item in items {
            let _ = writeln!(out, "<li>{item}</li>");
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">Averages over {} replications; p95 is the 95th percentile, the level \
         exceeded in one replication in twenty. All counts are scaled to the real population of {}.</p>",
        format::grouped(s.replications),
        format::grouped(s.population)
    );
    out.push_str("</section>\n");
}

/// Every figure the report can draw, in page order.
pub(crate) const ALL_FIGURES: [&str; 7] = [
    "timeline",
    "capacity",
    "damage_distribution",
    "exceedance",
    "by_service",
    "by_segment",
    "dependency_graph",
];

fn figures_section(out: &mut String, figures: &[Saved]) {
    out.push_str("<section id=\"figures\">\n<h2>Figures</h2>\n");
    let absent: Vec<&str> = ALL_FIGURES
        .into_iter()
        .filter(|n| !figures.iter().any(|f| f.name == *n))
        .collect();
    if !absent.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"note\">Not drawn, because this run's output has no data for them: {}.</p>",
            absent.join(", ")
        );
    }
    for f in figures {
        out.push_str(&figure_markup(f));
    }
    out.push_str("</section>\n");
}

/// One figure inlined as SVG, with its caption and the names of its files.
pub(crate) fn figure_markup(f: &Saved) -> String {
    let caption = escape(&f.caption);
    // The XML declaration is not allowed inside HTML; the page's own charset covers it.
    let svg = f.svg.trim_start();
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(rest, |(_, body)| body)
            .trim_start(),
        None => svg,
    };
    let svg = svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{caption}\" "),
        1,
    );
    format!(
        "<figure id=\"fig-{}\">\n{svg}\n<figcaption>{caption} (Also saved as plots/{}.svg and plots/{}.png.)</figcaption>\n</figure>\n",
        f.name, f.name, f.name
    )
}

/// A metric's row label: the service (or platform) name, "Total", and the segment if any.
fn row_label(s: &Summary, name: &str) -> String {
    let (family, subject, segment) = registry::split(name);
    let scope = registry::family_named(family).map(Family::scope);
    let service = |id: &str| s.services.iter().find(|x| x.id == id);
    let node = |id: &str| s.nodes.iter().find(|x| x.id == id);
    let subject = match (subject, scope) {
        (None, _) if name.contains('.') => "Total".to_string(),
        (None, _) => name.to_string(),
        (Some(id), Some(Scope::SwitchedPlatform | Scope::Node)) => {
            node(id).map_or(id, |n| n.display_name()).to_string()
        }
        (Some(id), Some(Scope::Service | Scope::PairwiseService)) => {
            service(id).map_or(id, |x| x.display_name()).to_string()
        }
        (Some(id), None) => service(id)
            .map(|x| x.display_name())
            .or_else(|| node(id).map(|n| n.display_name()))
            .unwrap_or(id)
            .to_string(),
    };
    match segment {
        Some(seg) => {
            let name = s
                .segments
                .iter()
                .find(|x| x.id == seg)
                .map_or(seg, |x| x.display_name());
            format!("{subject} — {name}")
        }
        None => subject,
    }
}

/// Sort key inside a family: totals first, subjects (services, or platforms) in the scenario's
/// order, then by segment.
fn row_key(s: &Summary, name: &str) -> (bool, usize, usize, String) {
    let (_, subject, segment) = registry::split(name);
    let position = |id: &str| {
        s.services
            .iter()
            .position(|x| x.id == id)
            .or_else(|| s.nodes.iter().position(|x| x.id == id))
            .map_or(usize::MAX, |i| i + 1)
    };
    let segment_rank = segment.map_or(0, |g| {
        s.segments
            .iter()
            .position(|x| x.id == g)
            .map_or(usize::MAX, |i| i + 1)
    });
    (
        segment.is_some(),
        subject.map_or(0, position),
        segment_rank,
        name.to_string(),
    )
}

/// Where a family's table goes: the headline's first, then the registry's order, then families
/// this version does not know, by name.
fn family_rank(s: &Summary, family: &str) -> usize {
    if registry::split(&s.headline()).0 == family {
        0
    } else {
        FAMILIES
            .iter()
            .position(|f| f.name == family)
            .map_or(FAMILIES.len() + 1, |i| i + 1)
    }
}

fn metrics_section(out: &mut String, s: &Summary) {
    out.push_str("<section id=\"metrics\">\n<h2>All metrics</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">Across {} replications: mean; p05, p50 and p95 are the 5th, 50th and 95th \
         percentiles; CVaR95 is the mean of the worst 5\u{a0}% of replications.</p>",
        format::grouped(s.replications)
    );
    let mut families: Vec<&str> = s.metrics.keys().map(|k| registry::split(k).0).collect();
    families.sort_by_key(|f| (family_rank(s, f), *f));
    families.dedup();
    for family in families {
        let mut rows: Vec<(&String, &Stats)> = s
            .metrics
            .iter()
            .filter(|(k, _)| registry::split(k).0 == family)
            .map(|(k, m)| (k, &m.stats))
            .collect();
        rows.sort_by_cached_key(|(k, _)| row_key(s, k));
        let Some(first) = rows.first().map(|(k, _)| k.as_str()) else {
            continue;
        };
        let measure = Measure::in_summary(s, first);
        let meaning = registry::family_named(family).map_or(String::new(), |f| {
            format!("<p class=\"note\">{}.</p>\n", escape(&sentence(f.meaning)))
        });
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n{meaning}",
            escape(&measure.heading(&s.currency))
        );
        out.push_str(
            "<table>\n<thead><tr><th>Metric</th><th class=\"num\">Mean</th><th class=\"num\">p05</th>\
             <th class=\"num\">p50</th><th class=\"num\">p95</th><th class=\"num\">CVaR95</th></tr></thead>\n<tbody>\n",
        );
        for (name, m) in rows {
            let fmt = |x: f64| measure.value(x);
            let _ = writeln!(
                out,
                "<tr><td title=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(name),
                escape(&row_label(s, name)),
                fmt(m.mean),
                fmt(m.p05),
                fmt(m.p50),
                fmt(m.p95),
                fmt(m.cvar95)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// A registry meaning as a sentence: its first letter upper-case.
fn sentence(meaning: &str) -> String {
    let mut chars = meaning.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

fn run_section(out: &mut String, s: &Summary, run: &RunFacts) {
    out.push_str("<section id=\"run\">\n<h2>What was run</h2>\n<dl class=\"run\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(out, "<dt>{k}</dt><dd>{v}</dd>");
    };
    row("Scenario file", format!("<code>{}</code>", escape(&s.file)));
    row(
        "Variant",
        s.variant.as_deref().map_or("baseline".to_string(), escape),
    );
    row("Seed", s.seed.to_string());
    row("Replications", format::grouped(s.replications));
    row(
        "Simulated people",
        format!(
            "{} agents standing for a population of {} (each agent counts for {} people)",
            format::grouped(s.agents),
            format::grouped(s.population),
            // The exact factor: rounding it to three figures would not multiply back.
            format!("{:.4}", s.scale)
                .trim_end_matches('0')
                .trim_end_matches('.')
        ),
    );
    let h = s.start_hour.rem_euclid(24.0);
    row(
        "Time span",
        format!(
            "{} hours ({} days) from {:02}:{:02}, in steps of {} minutes",
            format::count(s.horizon_hours),
            format::count(s.horizon_hours / 24.0),
            h.floor() as u32,
            ((h.fract() * 60.0).round() as u32).min(59),
            format::count(s.step_minutes)
        ),
    );
    if !s.events.is_empty() {
        let events: Vec<String> = s
            .events
            .iter()
            .map(|e| {
                let p = if e.probability < 1.0 {
                    format!(", in {} of replications", format::share(e.probability))
                } else {
                    String::new()
                };
                format!(
                    "{}: starts at hour {} on average and lasts {} on average{p}",
                    escape(e.display_name()),
                    format::count(e.at_hour_mean),
                    format::hours(e.duration_hours_mean)
                )
            })
            .collect();
        row("Events", events.join("<br>"));
    }
    if !s.currency.is_empty() {
        row(
            "Money",
            format!(
                "{}; one person-hour is valued at {} {}",
                escape(&s.currency),
                escape(&s.currency),
                format::exact(s.value_of_time_per_hour)
            ),
        );
    }
    row("concrisk version", escape(&s.version));
    row(
        "Run time",
        run.run_seconds
            .map_or(MISSING.to_string(), |t| format!("{} s", format::count(t))),
    );
    row(
        "Threads",
        run.threads.map_or(MISSING.to_string(), |t| t.to_string()),
    );
    out.push_str("</dl>\n</section>\n");
}

fn sources_section(out: &mut String, s: &Summary) {
    out.push_str("<section id=\"sources\">\n<h2>Sources</h2>\n");
    if s.sources.is_empty() {
        out.push_str("<p>The scenario file cites no sources.</p>\n");
    } else {
        out.push_str("<ol>\n");
        for src in &s.sources {
            // Shown as text, not links: the page makes no reference outside itself.
            let _ = writeln!(out, "<li>{}</li>", escape(src));
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
}

fn reproduce(out: &mut String, s: &Summary) {
    out.push_str("<section id=\"reproduce\">\n<h2>Reproduce</h2>\n");
    match &s.command {
        Some(c) => {
            let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(c));
        }
        None => {
            let _ = writeln!(
                out,
                "<pre><code>concrisk run {} --seed {} --replications {}</code></pre>",
                escape(&s.file),
                s.seed,
                s.replications
            );
        }
    }
    out.push_str(
        "<p class=\"note\">The same scenario file, seed and number of replications give identical \
         results on any number of threads. <code>concrisk report DIR</code> redraws this page and its \
         figures from the saved output folder.</p>\n</section>\n",
    );
}
