//! Progress of an indexing run: a progress bar on a terminal, log lines otherwise.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::index::sync::{Failure, FileStatus, Progress};
use crate::ingest::SourceFile;

/// Shows an indexing run's progress on standard error.
pub struct TerminalProgress {
    bar: Option<ProgressBar>,
    /// The bytes of the current file the bar already counts.
    shown_of_file: AtomicU64,
}

impl TerminalProgress {
    /// A progress bar when standard error is a terminal, plain log lines otherwise.
    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        TerminalProgress {
            bar,
            shown_of_file: AtomicU64::new(0),
        }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, files: usize, bytes: u64) {
        match &self.bar {
            Some(bar) => bar.set_length(bytes),
            None => tracing::info!(files, bytes, "indexing"),
        }
    }

    fn file_progress(&self, file: &SourceFile, bytes: u64) {
        if let Some(bar) = &self.bar {
            let shown = self.shown_of_file.swap(bytes, Ordering::Relaxed);
            if shown == 0 {
                bar.set_message(file.relative.clone());
            }
            bar.inc(bytes.saturating_sub(shown));
        }
    }

    fn file_done(&self, file: &SourceFile, bytes: u64, status: FileStatus) {
        let shown = self.shown_of_file.swap(0, Ordering::Relaxed);
        match &self.bar {
            Some(bar) => {
                bar.inc(bytes.saturating_sub(shown));
                bar.set_message(file.relative.clone());
            }
            None => tracing::debug!(file = %file.relative, ?status, "file done"),
        }
    }

    fn failure(&self, failure: &Failure) {
        let line = format!("skipped: {failure}");
        match &self.bar {
            Some(bar) => bar.println(line),
            None => tracing::warn!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
