//! Progress of long command-line work (the demo city, imports): a bar on a terminal, nothing when
//! the output goes to a file, a pipe or a log collector.

use indicatif::{ProgressBar, ProgressStyle};

/// Told about each finished step of a long job. Jobs take it as a parameter so that the CLI can
/// draw a bar while the server and the tests stay quiet.
pub trait Progress: Send + Sync {
    fn step(&self, what: &str);
}

/// Reports nothing: the server and the tests.
pub struct Silent;

impl Progress for Silent {
    fn step(&self, _what: &str) {}
}

/// A bar on standard error. indicatif draws nothing when standard error is not a terminal, so no
/// escape codes reach files or log collectors.
pub struct Terminal(ProgressBar);

impl Terminal {
    pub fn new(total: u64) -> Self {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        Self(bar)
    }

    /// A spinner for one long step whose parts cannot be counted (an import's single transaction).
    pub fn working(what: &str) -> Self {
        let bar = ProgressBar::new_spinner();
        bar.set_message(what.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Self(bar)
    }

    /// Removes the bar, so that the summary printed afterwards stands alone.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Terminal {
    fn step(&self, what: &str) {
        self.0.set_message(what.to_owned());
        self.0.inc(1);
    }
}
