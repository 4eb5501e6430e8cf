//! Progress on a terminal (indicatif), and nothing when stderr is not one.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::Observer;

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

/// A spinner while the world is built.
pub fn building_world<T>(agents: u64, build: impl FnOnce() -> T) -> T {
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    spinner.set_message(format!("building the world: {agents} agents"));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let value = build();
    spinner.finish_and_clear();
    value
}
