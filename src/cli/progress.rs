//! Progress on a terminal (indicatif): bars with a rate and an ETA for the stages of building
//! the world and for the replications; nothing when stderr is not a terminal (indicatif hides
//! its bars there).

use std::sync::Mutex;

use indicatif::{HumanCount, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::Observer;
use crate::observe::{BuildObserver, Stage};

/// A bar over replications, with rate and ETA.
pub struct Replications(ProgressBar);

impl Replications {
    pub fn new(total: u64) -> Replications {
        Replications(replications_bar(ProgressBar::with_draw_target(
            Some(total),
            ProgressDrawTarget::stderr(),
        )))
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Observer for Replications {
    fn replication_done(&self) {
        self.0.inc(1);
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

/// One bar, restarted at each stage of the world build.
struct Build {
    bar: ProgressBar,
    agents: u64,
}

impl BuildObserver for Build {
    fn stage(&self, stage: Stage, total: u64) {
        show_stage(&self.bar, self.agents, stage, total);
    }

    fn advance(&self, done: u64) {
        self.bar.inc(done);
    }
}

/// Builds the world with a bar per stage.
pub fn building_world<T>(agents: u64, build: impl FnOnce(&dyn BuildObserver) -> T) -> T {
    let observer = Build {
        bar: ProgressBar::with_draw_target(Some(agents), ProgressDrawTarget::stderr()),
        agents,
    };
    let value = build(&observer);
    observer.bar.finish_and_clear();
    value
}

/// Runs `plan` (what every replication shares: with contacts, who normally reaches whom, a pass
/// over every tie) under a spinner with the time it has taken.
pub fn planning<T>(plan: impl FnOnce() -> T) -> T {
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    spinner.set_style(
        ProgressStyle::with_template("{spinner} planning: {msg} [{elapsed_precise}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message("who normally reaches whom, what each agent waits for");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let value = plan();
    spinner.finish_and_clear();
    value
}

/// The bars of a study that builds several worlds (one per variant, point or node) and runs
/// each: the replications of the whole study and, under them while a world is being built, the
/// stages of that world.
pub struct Study {
    bars: MultiProgress,
    replications: ProgressBar,
    agents: u64,
    /// The bar of the world being built, until its first replication finishes.
    building: Mutex<Option<ProgressBar>>,
}

impl Study {
    /// `total` replications over the study, on worlds of `agents` agents.
    pub fn new(total: u64, agents: u64) -> Study {
        let bars = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let replications = bars.add(replications_bar(ProgressBar::new(total)));
        Study {
            bars,
            replications,
            agents,
            building: Mutex::new(None),
        }
    }

    pub fn finish(&self) {
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
