//! Progress on a terminal (indicatif), the observer the commands pass to the library: bars with
//! a rate and an ETA for the stages of building each world and for the replications, a spinner
//! while a world is planned; nothing when stderr is not a terminal (indicatif hides its bars
//! there).

use std::sync::{Mutex, OnceLock};

use indicatif::{HumanCount, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use concrisk::engine::Observer;
use concrisk::observe::{BuildObserver, Stage};
use concrisk::study::Progress;

/// The observer the commands pass to the library: nothing until the study
/// [begins](Progress::begin), then the bars of [`Study`], and a spinner while a world is planned.
#[derive(Default)]
pub struct Bars {
    study: OnceLock<Study>,
    spinner: Mutex<Option<ProgressBar>>,
}

impl Observer for Bars {
    fn replication_done(&self) {
        if let Some(study) = self.study.get() {
            study.replication_done();
        }
    }
}

impl BuildObserver for Bars {
    fn stage(&self, stage: Stage, total: u64) {
        if let Some(study) = self.study.get() {
            study.stage(stage, total);
        }
    }

    fn advance(&self, done: u64) {
        if let Some(study) = self.study.get() {
            study.advance(done);
        }
    }
}

impl Progress for Bars {
    fn begin(&self, replications: u64, agents: u64) {
        let _ = self.study.set(Study::new(replications, agents));
    }

    fn planning(&self, started: bool) {
        let (Some(study), Ok(mut spinner)) = (self.study.get(), self.spinner.lock()) else {
            return;
        };
        if started {
            study.done_building();
            *spinner = Some(planning_spinner(&study.bars));
        } else if let Some(bar) = spinner.take() {
            bar.finish_and_clear();
            study.bars.remove(&bar);
        }
    }

    fn end(&self) {
        if let Some(study) = self.study.get() {
            study.finish();
        }
    }
}

fn replications_bar(bar: ProgressBar) -> ProgressBar {
    bar.set_style(
        ProgressStyle::with_template(
            "replications {bar:40} {pos}/{len} [{elapsed_precise} < {eta_precise}] {per_sec:1}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Shows `stage` of building a world of `agents` agents on `bar`, restarted at `total` units.
fn show_stage(bar: &ProgressBar, agents: u64, stage: Stage, total: u64) {
    let unit = match stage {
        Stage::Ties | Stage::PlacingTies => "ties",
        Stage::Agents | Stage::Attaching | Stage::SortingContacts | Stage::Classes => "agents",
    };
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "world of {{prefix}} agents: {{msg}} {{bar:30}} {{human_pos}}/{{human_len}} {unit} [{{elapsed_precise}} < {{eta_precise}}] {{per_sec:0}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(HumanCount(agents).to_string());
    bar.set_message(stage.label());
    bar.set_length(total);
    bar.reset();
}

/// A spinner with the time planning takes (what every replication shares: with contacts, who
/// normally reaches whom, a pass over every tie).
fn planning_spinner(bars: &MultiProgress) -> ProgressBar {
    let spinner = bars.add(ProgressBar::new_spinner());
    spinner.set_style(
        ProgressStyle::with_template("{spinner} planning: {msg} [{elapsed_precise}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message("who normally reaches whom, what each agent waits for");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    spinner
}

/// The bars of a study that builds several worlds (one per variant, point or node) and runs
/// each: the replications of the whole study and, under them while a world is being built, the
/// stages of that world.
struct Study {
    bars: MultiProgress,
    replications: ProgressBar,
    agents: u64,
    /// The bar of the world being built, until its first replication finishes.
    building: Mutex<Option<ProgressBar>>,
}

impl Study {
    /// `total` replications over the study, on worlds of `agents` agents.
    fn new(total: u64, agents: u64) -> Study {
        let bars = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let replications = bars.add(replications_bar(ProgressBar::new(total)));
        Study {
            bars,
            replications,
            agents,
            building: Mutex::new(None),
        }
    }

    fn finish(&self) {
        self.done_building();
        self.replications.finish_and_clear();
    }

    fn done_building(&self) {
        if let Some(bar) = self.building.lock().ok().and_then(|mut b| b.take()) {
            bar.finish_and_clear();
            self.bars.remove(&bar);
        }
    }
}

impl Observer for Study {
    fn replication_done(&self) {
        self.done_building();
        self.replications.inc(1);
    }
}

impl BuildObserver for Study {
    fn stage(&self, stage: Stage, total: u64) {
        if let Ok(mut building) = self.building.lock() {
            let bar = building.get_or_insert_with(|| self.bars.add(ProgressBar::new(total)));
            show_stage(bar, self.agents, stage, total);
        }
    }

    fn advance(&self, done: u64) {
        if let Some(bar) = self.building.lock().ok().as_ref().and_then(|b| b.as_ref()) {
            bar.inc(done);
        }
    }
}
