//! The flags of the policy commands — `compare` (variants on common random numbers), `sweep` (a
//! design over scenario paths) and `rank` (single points of failure and concentration) — turned
//! into requests of [`concrisk::study`], and the lines each prints when it is done.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::describe::with_unit;
use super::{default_out, progress};
use concrisk::policy::compare::Comparison;
use concrisk::policy::sweep::{self, Design};
use concrisk::results::{Unit, registry};
use concrisk::scenario::Edit;
use concrisk::study::{self, CompareRequest, Source, Study, StudyError, SweepRequest};

/// What every study shares with `run`.
#[derive(Debug, Args)]
pub(super) struct StudyArgs {
    /// The scenario file (TOML).
    pub(super) file: PathBuf,
    /// Monte Carlo replications (sets [run] replications, checked like the file's).
    #[arg(long)]
    pub(super) replications: Option<u64>,
    /// Master seed (sets [run] seed); every run of the study uses it.
    #[arg(long)]
    pub(super) seed: Option<u64>,
    /// Simulated agents (sets [run] agents, checked like the file's: at most the population).
    #[arg(long)]
    pub(super) agents: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub(super) threads: Option<u64>,
    /// Output folder (default: output/<file stem>/).
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct CompareArgs {
    #[command(flatten)]
    study: StudyArgs,
    /// Variants to compare with the baseline, comma-separated (default: all in the file).
    #[arg(long, value_delimiter = ',')]
    variants: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum DesignKind {
    /// Every combination of the --values of each --set path.
    Grid,
    /// Latin hypercube over the --range of each path.
    Lhs,
}

#[derive(Debug, Args)]
pub(super) struct SweepArgs {
    #[command(flatten)]
    study: StudyArgs,
    /// A path to sweep, e.g. adoption.kakaotalk.share (repeat for a grid; pairs with --values).
    #[arg(long = "set", value_name = "PATH")]
    set: Vec<String>,
    /// The values of the matching --set path, comma-separated TOML values (0.6,0.7,0.8).
    #[arg(long, value_name = "V1,V2,…")]
    values: Vec<String>,
    /// grid (default) or lhs.
    #[arg(long, value_enum, default_value = "grid")]
    design: DesignKind,
    /// Points of a Latin-hypercube design.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    samples: Option<u32>,
    /// PATH=lo..hi, the range of one path in a Latin-hypercube design (repeat per path).
    #[arg(long = "range", value_name = "PATH=LO..HI")]
    ranges: Vec<String>,
    /// The metric of the figure (default: economic_loss.total, or person_hours_cut_off.total
    /// when the scenario sets no money values). sweep.csv holds every metric.
    #[arg(long)]
    metric: Option<String>,
}

/// The flags that set `[run]` values, as edits of the document: applied alike to the baseline
/// and every variant or point, so that they stay on common random numbers, and checked by the
/// same code as the file.
pub(super) fn overrides(args: &StudyArgs) -> Vec<Edit> {
    let flags = [
        ("--replications", "run.replications", args.replications),
        ("--seed", "run.seed", args.seed),
        ("--agents", "run.agents", args.agents),
    ];
    flags
        .into_iter()
        .filter_map(|(flag, path, value)| Some(Edit::flag(flag, path, value?)))
        .collect()
}

/// The request every study shares: the file, the flags' edits, threads and output folder.
pub(super) fn study(args: &StudyArgs) -> Study {
    Study {
        source: Source::File(args.file.clone()),
        edits: overrides(args),
        threads: args.threads.map(|t| usize::try_from(t).unwrap_or(1)),
        out: args.out.clone().unwrap_or_else(|| default_out(&args.file)),
    }
}

pub(super) fn compare(args: &CompareArgs) -> Result<(), StudyError> {
    let request = CompareRequest {
        study: study(&args.study),
        variants: args.variants.clone(),
    };
    let compared = study::compare(&request, &progress::Bars::default())?;
    print!("{}", compare_text(&compared.comparison, &compared.out));
    Ok(())
}

fn compare_text(comparison: &Comparison, out: &Path) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: baseline and {} variants, {} replications each on seed {} (common random numbers)",
        comparison.scenario,
        comparison.variants.len(),
        comparison.replications,
        comparison.seed
    );
    let metric = &comparison.headline_metric;
    let baseline_mean = comparison
        .baseline
        .rows
        .iter()
        .find(|r| &r.metric == metric)
        .map_or(f64::NAN, |r| r.mean);
    let unit = unit_of(metric);
    let currency = &comparison.currency;
    // Rounded to what the narrowest interval of a difference supports.
    let precision = comparison
        .variants
        .iter()
        .filter_map(|v| v.rows.iter().find(|r| &r.metric == metric))
        .map(|r| (r.diff.hi - r.diff.lo) / 4.0)
        .filter(|p| *p > 0.0)
        .fold(f64::INFINITY, f64::min);
    let precision = if precision.is_finite() {
        precision
    } else {
        baseline_mean.abs() / 1000.0
    };
    let figure = |x: f64| with_unit(x, precision, unit, currency);
    let _ = writeln!(text, "  {metric}: baseline mean {}", figure(baseline_mean));
    for variant in &comparison.variants {
        if let Some(r) = variant.rows.iter().find(|r| &r.metric == metric) {
            let _ = writeln!(
                text,
                "  {:<20} mean {:>22}  difference {:>22}  95 % CI [{}, {}]",
                variant.name,
                figure(r.mean),
                figure(r.diff.mean),
                figure(r.diff.lo),
                figure(r.diff.hi)
            );
        }
    }
    let _ = writeln!(
        text,
        "wrote {}/: compare.json, compare.csv, plots/compare.*, report.html and the baseline's run files",
        out.display()
    );
    text
}

pub(super) fn rank(args: &StudyArgs) -> Result<(), StudyError> {
    let ranked = study::rank(&study(args), &progress::Bars::default())?;
    let (ranking, out) = (&ranked.ranking, &ranked.out);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: each of {} nodes failed alone, timed like event {}, {} replications on seed {}",
        ranking.scenario,
        ranking.nodes.len(),
        ranking.timed_like,
        ranking.replications,
        ranking.seed
    );
    let _ = writeln!(
        text,
        "  rank  node                     expected {}",
        ranking.metric
    );
    let unit = unit_of(&ranking.metric);
    for n in ranking.nodes.iter().take(10) {
        let d = &n.expected_damage;
        let figure = |x: f64| with_unit(x, (d.hi - d.lo) / 4.0, unit, &ranking.currency);
        let _ = match &n.note {
            Some(note) => writeln!(text, "  {:>4}  {:<24} {note}", n.rank, n.node),
            None => writeln!(
                text,
                "  {:>4}  {:<24} {:>22}  [{}, {}]",
                n.rank,
                n.node,
                figure(d.mean),
                figure(d.lo),
                figure(d.hi)
            ),
        };
    }
    let _ = writeln!(
        text,
        "  service            HHI platforms  HHI owners  no alternative"
    );
    for c in &ranking.concentration {
        let _ = writeln!(
            text,
            "  {:<18} {:>13.0}  {:>10.0}  {:>13.1} %",
            c.service,
            c.hhi_platforms,
            c.hhi_owners,
            100.0 * c.no_alternative_share
        );
    }
    let _ = writeln!(
        text,
        "wrote {}/: rank.csv, rank.json, concentration.csv, plots/rank.*",
        out.display()
    );
    print!("{text}");
    Ok(())
}

/// The design the flags describe.
fn design(args: &SweepArgs, file: &str) -> Result<Design, StudyError> {
    let bad = |flag: &str, message: String, hint: &str| {
        StudyError::Input(anyhow::anyhow!("{file}: {flag}: {message}\n  help: {hint}"))
    };
    match args.design {
        DesignKind::Grid => {
            if args.set.is_empty() {
                return Err(bad(
                    "--set",
                    "no path to sweep".to_string(),
                    "give --set PATH --values v1,v2,… (e.g. --set adoption.kakaotalk.share --values 0.6,0.8)",
                ));
            }
            if args.set.len() != args.values.len() {
                return Err(bad(
                    "--values",
                    format!(
                        "{} --set paths but {} --values lists",
                        args.set.len(),
                        args.values.len()
                    ),
                    "give one --values list after each --set path",
                ));
            }
            let axes = args
                .set
                .iter()
                .zip(&args.values)
                .map(|(path, list)| (path.clone(), sweep::parse_values(list)))
                .collect::<Vec<_>>();
            if let Some((path, _)) = axes.iter().find(|(_, v)| v.is_empty()) {
                return Err(bad(
                    "--values",
                    format!("no values for {path}"),
                    "list at least one value",
                ));
            }
            Ok(Design::Grid(axes))
        }
        DesignKind::Lhs => {
            let Some(samples) = args.samples else {
                return Err(bad(
                    "--samples",
                    "a Latin-hypercube design needs --samples N".to_string(),
                    "e.g. --design lhs --samples 20 --range adoption.kakaotalk.share=0.6..0.95",
                ));
            };
            if args.ranges.is_empty() {
                return Err(bad(
                    "--range",
                    "a Latin-hypercube design needs at least one --range PATH=lo..hi".to_string(),
                    "e.g. --range adoption.kakaotalk.share=0.6..0.95",
                ));
            }
            let mut ranges = Vec::new();
            for range in &args.ranges {
                let parsed = range.split_once('=').and_then(|(path, span)| {
                    let (lo, hi) = span.split_once("..")?;
                    let (lo, hi) = (
                        lo.trim().parse::<f64>().ok()?,
                        hi.trim().parse::<f64>().ok()?,
                    );
                    (lo.is_finite() && hi.is_finite() && lo <= hi)
                        .then(|| (path.trim().to_string(), lo, hi))
                });
                let Some(parsed) = parsed else {
                    return Err(bad(
                        "--range",
                        format!("\"{range}\" is not PATH=lo..hi with lo ≤ hi"),
                        "write e.g. --range events.pangyo_fire.duration_hours=4..24",
                    ));
                };
                ranges.push(parsed);
            }
            Ok(Design::Lhs {
                ranges,
                samples: samples as usize,
            })
        }
    }
}

pub(super) fn sweep(args: &SweepArgs) -> Result<(), StudyError> {
    let request = SweepRequest {
        study: study(&args.study),
        design: design(args, &args.study.file.display().to_string())?,
        metric: args.metric.clone(),
    };
    let swept = study::sweep(&request, &progress::Bars::default())?;
    println!(
        "swept {} points of {} ({}); wrote {}/: sweep.csv (every metric), sweep.json, plots/sweep.* ({})",
        swept.points,
        swept.paths.join(", "),
        match request.design {
            Design::Grid(_) => "grid",
            Design::Lhs { .. } => "Latin hypercube",
        },
        swept.out.display(),
        swept.metric
    );
    Ok(())
}

/// The unit of a metric by its name (a count for a name of no registered family).
fn unit_of(metric: &str) -> Unit {
    registry::parse(metric).map_or(Unit::Count, |p| p.family.unit)
}
