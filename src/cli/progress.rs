//! Progress on a terminal (indicatif): bars with a rate and an ETA for the stages of building
//! the world and for the replications; nothing when stderr is not a terminal (indicatif hides
//! its bars there).

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::Observer;
use crate::observe::{BuildObserver, Stage};

/// A bar over replications, with rate and ETA.
pub struct Replications(ProgressBar);

impl Replications {
    pub fn new(total: u64) -> Replications {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "replications {bar:40} {pos}/{len} [{elapsed_precise} < {eta_precise}] {per_sec}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Replications(bar)
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

/// One bar, restarted at each stage of the world build.
struct Build {
    bar: ProgressBar,
    agents: u64,
}

impl BuildObserver for Build {
    fn stage(&self, stage: Stage, total: u64) {
        let unit = match stage {
            Stage::Ties | Stage::PlacingTies => "ties",
            Stage::Agents | Stage::Attaching | Stage::SortingContacts | Stage::Classes => "agents",
        };
        self.bar.set_style(
            ProgressStyle::with_template(&format!(
                "world of {{prefix}} agents: {{msg}} {{bar:30}} {{human_pos}}/{{human_len}} {unit} [{{elapsed_precise}} < {{eta_precise}}] {{per_sec}}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.bar.set_prefix(HumanCount(self.agents).to_string());
        self.bar.set_message(stage.label());
        self.bar.set_length(total);
        self.bar.reset();
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
