//! `[scenario]` and `[run]`.

use super::checker::Checker;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::{Meta, RunSettings};
use crate::scenario::raw::{RawMeta, RawRun};

/// Default number of simulated agents when the file gives none and the population is larger.
pub const DEFAULT_MAX_AGENTS: u64 = 1_000_000;

/// The longest horizon: ten years. The engine cuts the horizon at every clock hour and output
/// step, so the horizon bounds the work and memory of every replication; an outage studied for
/// longer than this is a different model.
pub const MAX_HORIZON_HOURS: f64 = 87_600.0;

/// The most output steps of the time series (`horizon_hours × 60 / step_minutes`): every
/// replication keeps one value per step for every series, so this bounds the outcomes' memory
/// and the size of `timeseries.csv` (a year at 5-minute steps is 105 120).
pub const MAX_OUTPUT_STEPS: u64 = 200_000;

pub(super) fn meta(cx: &mut Checker<'_, '_>, raw: RawMeta) -> Option<Meta> {
    let path = FieldPath::default().key("scenario");
    let mut ok = true;
    if raw.name.trim().is_empty() {
        cx.problem(
            &path.key("name"),
            "the name is empty",
            "give the scenario a title, e.g. name = \"Kakao fire 2022\"",
        );
        ok = false;
    }
    let value_of_time_per_hour = cx.non_negative(
        &path.key("value_of_time_per_hour"),
        raw.value_of_time_per_hour,
    )?;
    ok.then_some(Meta {
        name: raw.name,
        description: raw.description,
        region: raw.region,
        currency: raw.currency,
        value_of_time_per_hour,
        sources: raw.sources,
    })
}

/// `population`: the real population, when `[population]` could be read.
pub(super) fn run(
    cx: &mut Checker<'_, '_>,
    raw: RawRun,
    population: Option<u64>,
) -> Option<RunSettings> {
    let path = FieldPath::default().key("run");
    let horizon_hours = raw.horizon_hours;
    let horizon = if !(horizon_hours.is_finite() && horizon_hours > 0.0) {
        cx.problem(
            &path.key("horizon_hours"),
            format!("{horizon_hours} is not a positive number of hours"),
            "give the simulated time span in hours, e.g. horizon_hours = 72",
        );
        None
    } else if horizon_hours > MAX_HORIZON_HOURS {
        cx.problem(
            &path.key("horizon_hours"),
            format!("{horizon_hours} hours is longer than the {MAX_HORIZON_HOURS} (ten years) concrisk simulates"),
            "simulate the outage and its aftermath, e.g. horizon_hours = 72",
        );
        None
    } else {
        Some(horizon_hours)
    };
    let replications = cx
        .at_least_one(&path.key("replications"), raw.replications)
        .and_then(|replications| match u32::try_from(replications) {
            Ok(replications) => Some(replications),
            Err(_) => {
                cx.problem(
                    &path.key("replications"),
                    format!("{replications} replications is more than concrisk can count"),
                    "use at most 4294967295 replications",
                );
                None
            }
        });
    let agents = match raw.agents {
        Some(agents) => cx.at_least_one(&path.key("agents"), agents),
        None => population.map(|p| p.min(DEFAULT_MAX_AGENTS)),
    };
    let agents = agents.and_then(|agents| {
        if agents > u64::from(u32::MAX) {
            cx.problem(
                &path.key("agents"),
                format!("{agents} agents is more than concrisk numbers (4 294 967 295)"),
                "simulate fewer agents; each stands for population / agents people",
            );
            return None;
        }
        match population {
            Some(population) if agents > population => {
                cx.problem(
                    &path.key("agents"),
                    format!("{agents} agents is more than the population of {population}"),
                    "use at most population.size agents (each agent stands for size / agents people)",
                );
                None
            }
            _ => Some(agents),
        }
    });
    let step_minutes = raw.step_minutes;
    let step = if step_minutes.is_finite() && step_minutes > 0.0 {
        Some(step_minutes)
    } else {
        cx.problem(
            &path.key("step_minutes"),
            format!("{step_minutes} is not a positive number of minutes"),
            "give the time-series resolution in minutes, e.g. step_minutes = 60",
        );
        None
    };
    let step = step.zip(horizon).and_then(|(step_minutes, horizon_hours)| {
        let steps = crate::scenario::output_steps(horizon_hours, step_minutes / 60.0);
        if steps <= MAX_OUTPUT_STEPS as f64 {
            return Some(step_minutes);
        }
        let finest = horizon_hours * 60.0 / MAX_OUTPUT_STEPS as f64;
        cx.problem(
            &path.key("step_minutes"),
            format!(
                "{step_minutes} minutes over {horizon_hours} hours makes {steps:.3e} output steps; at most {MAX_OUTPUT_STEPS} are kept"
            ),
            format!("use step_minutes = {:.3} or more (or a shorter horizon)", finest),
        );
        None
    });
    let clock = match raw.start_hour {
        None => Some(None),
        Some(start_hour) if (0.0..24.0).contains(&start_hour) => Some(Some(start_hour)),
        Some(start_hour) => {
            cx.problem(
                &path.key("start_hour"),
                format!("{start_hour} is not an hour of the day"),
                "give the hour of day at which the run starts, in [0, 24), e.g. start_hour = 15",
            );
            None
        }
    };
    let date = match &raw.start {
        None => Some(None),
        Some(text) => start_time(cx, &path.key("start"), text).map(Some),
    };
    let (start_hour, start) = match (clock, date) {
        (Some(clock), Some(date)) => match clock_of(cx, &path, clock, date) {
            Some(hour) => (Some(hour), Some(date)),
            None => (None, None),
        },
        _ => (None, None),
    };
    let input_samples = replications.and_then(|r| input_samples(cx, &path, raw.input_samples, r));
    Some(RunSettings {
        input_samples: input_samples?,
        horizon_hours: horizon?,
        replications: replications?,
        seed: raw.seed,
        agents: agents?,
        step_minutes: step?,
        start_hour: start_hour?,
        start: start?,
    })
}

/// `[run] input_samples`: 1 to `replications` as given; absent or 0, the default
/// round(√replications) bounded by replications / 2 (at least 1): 10 samples of 10
/// replications at the default 100, so that both the spread between samples and the noise within
/// them are estimated from several values.
fn input_samples(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    given: Option<u64>,
    replications: u32,
) -> Option<u32> {
    match given {
        None | Some(0) => {
            let root = f64::from(replications).sqrt().round() as u32;
            Some(root.min(replications / 2).max(1))
        }
        Some(samples) if samples <= u64::from(replications) => u32::try_from(samples).ok(),
        Some(samples) => {
            cx.problem(
                &path.key("input_samples"),
                format!("{samples} input samples is more than the {replications} replications"),
                "each input sample needs at least one replication: give at most `replications` (0 for the default)",
            );
            None
        }
    }
}

/// `[run] start`: an RFC 3339 date and time with its offset from UTC, or `None` after saying
/// what is wrong with it.
fn start_time(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    text: &str,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(start) => Some(start),
        Err(e) => {
            cx.problem(
                path,
                format!("\"{text}\" is not an RFC 3339 date and time with an offset ({e})"),
                "write the local date and time of hour 0 with its offset from UTC, e.g. start = \"2022-10-15T15:30:00+09:00\"",
            );
            None
        }
    }
}

/// The clock hour of hour 0: `start_hour`, or `start`'s local time of day; when both are given
/// they must agree (to a millisecond), else `None` after saying so at `start_hour`.
fn clock_of(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    start_hour: Option<f64>,
    start: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Option<f64> {
    use chrono::Timelike;
    let Some(start) = start else {
        return Some(start_hour.unwrap_or(0.0));
    };
    let time = start.time();
    let of_day = f64::from(time.num_seconds_from_midnight()) / 3600.0
        + f64::from(time.nanosecond()) / 3.6e12;
    match start_hour {
        Some(hour) if (hour - of_day).abs() > 1e-3 / 3600.0 => {
            cx.problem(
                &path.key("start_hour"),
                format!(
                    "start_hour = {hour} but start = \"{}\" puts hour 0 at {of_day} o'clock",
                    start.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
                ),
                format!("remove start_hour (start sets it) or write start_hour = {of_day}"),
            );
            None
        }
        _ => Some(of_day),
    }
}
