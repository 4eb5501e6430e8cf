//! The policy commands: `compare` (variants on common random numbers), `sweep` (a design over
//! scenario paths) and `rank` (single points of failure and concentration). Each writes its
//! files into the output folder and draws its figure; `compare` also writes the baseline's run
//! so that the report page has a run to stand on.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::{Failure, default_out, input, memory, progress, reproduce_command};
use crate::engine::{self, RunConfig};
use crate::policy::compare::{self, Compared, Comparison};
use crate::policy::sweep::{self, Design};
use crate::policy::{PolicyError, Sample, rank};
use crate::report;
use crate::results::{RunInfo, RunResults, metrics, write_run};
use crate::scenario::{self, Document, Edit, FORMAT_DOC, Scenario};
use crate::world::World;

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

pub(super) fn policy_failure(error: PolicyError) -> Failure {
    if error.is_input() {
        Failure::Input(error.into())
    } else {
        Failure::Other(error.into())
    }
}

pub(super) fn pool(args: &StudyArgs) -> Result<(rayon::ThreadPool, usize), Failure> {
    let threads = match args.threads {
        Some(threads) => usize::try_from(threads).unwrap_or(1),
        None => rayon::current_num_threads(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| {
            Failure::Other(anyhow::anyhow!(
                "cannot start {threads} worker threads: {e}"
            ))
        })?;
    Ok((pool, threads))
}

pub(super) fn out_dir(args: &StudyArgs) -> PathBuf {
    args.out.clone().unwrap_or_else(|| default_out(&args.file))
}

pub(super) fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let study = &args.study;
    let file = study.file.display().to_string();
    let text = scenario::read(&study.file).map_err(input)?;
    let document = Document::parse(&text, &file).map_err(input)?;
    let edits = overrides(study);
    let baseline = document.scenario(&edits).map_err(input)?;
    let declared: Vec<&scenario::Variant> = document.variants().collect();
    let known: Vec<&str> = declared.iter().map(|v| v.name.as_str()).collect();
    if declared.is_empty() {
        return Err(input(anyhow::anyhow!(
            "{file}: compare: the file declares no [[variants]]\n  help: add a [[variants]] table with name and set ({FORMAT_DOC})"
        )));
    }
    let selected: Vec<&str> = if args.variants.is_empty() {
        known.clone()
    } else {
        args.variants.iter().map(String::as_str).collect()
    };
    if let Some(unknown) = selected.iter().find(|name| !known.contains(name)) {
        return Err(input(anyhow::anyhow!(
            "{file}: --variants: no variant named \"{unknown}\"\n  help: use one of: {}",
            known.join(", ")
        )));
    }
    if baseline.run.replications < 2 {
        return Err(input(anyhow::anyhow!(
            "{file}: replications: compare needs at least 2 replications for a confidence interval\n  help: pass --replications 100 or more"
        )));
    }
    let variants = selected
        .iter()
        .map(|name| document.variant(Some(name), &edits).map_err(input))
        .collect::<Result<Vec<_>, _>>()?;
    let out = out_dir(study);
    let (pool, threads) = pool(study)?;
    // The baseline's world stays while each variant's is built and run.
    let largest_variant = variants
        .iter()
        .max_by_key(|variant| crate::world::memory::estimate(variant, threads).bytes);
    let held: Vec<&Scenario> = std::iter::once(&baseline).chain(largest_variant).collect();
    memory::ensure_fits(&study.file, &held, threads)?;
    let started = Instant::now();
    let command = format!(
        "{} && concrisk compare {file} --seed {} --replications {} --agents {}{}",
        reproduce_command(&study.file, &baseline, None),
        baseline.run.seed,
        baseline.run.replications,
        baseline.run.agents,
        if args.variants.is_empty() {
            String::new()
        } else {
            format!(" --variants {}", selected.join(","))
        }
    );
    let replications = baseline.run.replications;
    let runs = 1 + variants.len() as u64;
    let summary = Comparison {
        scenario: baseline.meta.name.clone(),
        file: file.clone(),
        seed: baseline.run.seed,
        replications,
        agents: baseline.run.agents,
        currency: baseline.meta.currency.clone(),
        headline_metric: metrics::headline(&baseline).to_string(),
        baseline: Compared {
            name: "baseline".to_string(),
            description: "The file as written".to_string(),
            rows: Vec::new(),
        },
        variants: Vec::new(),
    };
    let (world, outcomes, comparison) = pool.install(|| {
        let observer = progress::Study::new(u64::from(replications) * runs, baseline.run.agents);
        let world =
            World::build_observed(baseline, &observer).map_err(|e| policy_failure(e.into()))?;
        let outcomes = engine::run(
            &world,
            &RunConfig {
                first_replication: 0,
                replications,
            },
            &observer,
        );
        let scenario = &world.scenario;
        let base = Sample {
            names: metrics::names(scenario),
            values: outcomes
                .iter()
                .map(|o| metrics::values(scenario, o))
                .collect(),
        };
        let mut comparison = summary;
        comparison.baseline.rows = compare::against(&base, &base);
        for (variant, name) in variants.into_iter().zip(&selected) {
            let sample = Sample::run(variant, &observer).map_err(policy_failure)?;
            comparison.variants.push(Compared {
                name: (*name).to_string(),
                description: declared
                    .iter()
                    .find(|v| v.name == *name)
                    .map(|v| v.description.clone())
                    .unwrap_or_default(),
                rows: compare::against(&base, &sample),
            });
        }
        observer.finish();
        Ok((world, outcomes, comparison))
    })?;
    let hours = engine::step_starts(&world.scenario);
    let info = RunInfo {
        variant: None,
        command,
        threads,
        run_seconds: started.elapsed().as_secs_f64(),
    };
    let results = RunResults::collect(&world, &outcomes, hours, info);
    write_run(&out, &results).map_err(|e| Failure::Other(e.into()))?;
    comparison.write(&out).map_err(policy_failure)?;
    report::render(&out).map_err(|e| Failure::Other(e.into()))?;
    print!("{}", compare_text(&comparison, &out));
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
    let _ = writeln!(text, "  {metric}: baseline mean {baseline_mean:.0}");
    for variant in &comparison.variants {
        if let Some(r) = variant.rows.iter().find(|r| &r.metric == metric) {
            let _ = writeln!(
                text,
                "  {:<20} mean {:>16.0}  difference {:>16.0}  95 % CI [{:.0}, {:.0}]",
                variant.name, r.mean, r.diff.mean, r.diff.lo, r.diff.hi
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

pub(super) fn rank(args: &StudyArgs) -> Result<(), Failure> {
    let file = args.file.display().to_string();
    let text = scenario::read(&args.file).map_err(input)?;
    let scenario = Document::parse(&text, &file)
        .and_then(|document| document.scenario(&overrides(args)))
        .map_err(input)?;
    let out = out_dir(args);
    let (pool, threads) = pool(args)?;
    memory::ensure_fits(&args.file, &[&scenario], threads)?;
    let runs = scenario.nodes.len() as u64;
    let ranking = pool.install(|| {
        let observer = progress::Study::new(
            u64::from(scenario.run.replications) * runs,
            scenario.run.agents,
        );
        let ranking = rank::rank(&scenario, &observer);
        observer.finish();
        ranking
    });
    let ranking = ranking.map_err(policy_failure)?;
    ranking.write(&out).map_err(policy_failure)?;
    report::render_analyses(&out).map_err(|e| Failure::Other(e.into()))?;
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
    for n in ranking.nodes.iter().take(10) {
        let _ = writeln!(
            text,
            "  {:>4}  {:<24} {:>16.0}  [{:.0}, {:.0}]",
            n.rank, n.node, n.expected_damage.mean, n.expected_damage.lo, n.expected_damage.hi
        );
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
fn design(args: &SweepArgs, file: &str) -> Result<Design, Failure> {
    let bad = |flag: &str, message: String, hint: &str| {
        input(anyhow::anyhow!("{file}: {flag}: {message}\n  help: {hint}"))
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

pub(super) fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let study = &args.study;
    let file = study.file.display().to_string();
    let text = scenario::read(&study.file).map_err(input)?;
    let document = Document::parse(&text, &file).map_err(input)?;
    let design = design(args, &file)?;
    let out = out_dir(study);
    let (pool, threads) = pool(study)?;
    let edits = overrides(study);
    // Points run one after another; checked on the file as written (a point that raises the
    // agents or the mean degree can need more).
    let baseline = document.scenario(&edits).map_err(input)?;
    memory::ensure_fits(&study.file, &[&baseline], threads)?;
    let points = design.points(0).len() as u64;
    let replications = baseline.run.replications;
    let done = pool.install(|| {
        let observer = progress::Study::new(u64::from(replications) * points, baseline.run.agents);
        let done = sweep::run(
            &document,
            &design,
            &edits,
            args.metric.as_deref(),
            &out,
            &observer,
        );
        observer.finish();
        done
    });
    let done = done.map_err(policy_failure)?;
    report::render_analyses(&out).map_err(|e| Failure::Other(e.into()))?;
    println!(
        "swept {} points of {} ({}); wrote {}/: sweep.csv (every metric), sweep.json, plots/sweep.* ({})",
        done.points,
        design.paths().join(", "),
        match design {
            Design::Grid(_) => "grid",
            Design::Lhs { .. } => "Latin hypercube",
        },
        out.display(),
        done.metric
    );
    Ok(())
}
