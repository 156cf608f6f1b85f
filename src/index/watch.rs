//! Watching a folder: files added, changed or removed there are indexed within seconds.
//!
//! File-system events (`notify`) are debounced: a burst of events (an editor saving, a copy of
//! many files) is gathered until the folder has been quiet for [`WatchOptions::debounce`],
//! each changed path is logged, then the folder is brought in line with
//! [`super::sync::sync_paths`], exactly as a re-run of `vigie index <folder>` would (unchanged
//! files are skipped by hash, removed ones deleted). May import `error`, `ingest` and the rest
//! of `index`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::event::{EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use super::sync::{sync_paths, NoProgress, SyncOptions, SyncReport};
use super::VigieIndex;
use crate::error::IndexError;
use crate::ingest;

/// Settings of a watch.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Quiet time after the last event before the folder is re-indexed.
    pub debounce: Duration,
    /// Settings of each re-indexing run.
    pub sync: SyncOptions,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            debounce: Duration::from_millis(500),
            sync: SyncOptions::default(),
        }
    }
}

/// A running watch; dropping it stops watching (after the run in progress, if any).
pub struct FolderWatch {
    watcher: Option<RecommendedWatcher>,
    worker: Option<JoinHandle<()>>,
}

impl FolderWatch {
    /// Blocks the calling thread while the watch runs (until the process is stopped).
    pub fn wait(mut self) {
        if let Some(worker) = self.worker.take() {
            // The watcher stays alive (and the channel open) for as long as `self` lives.
            let _ = worker.join();
        }
    }
}

impl Drop for FolderWatch {
    fn drop(&mut self) {
        // Dropping the watcher closes the event channel, which ends the worker's loop.
        drop(self.watcher.take());
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// What happened to a path, as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Added,
    Changed,
    Removed,
}

impl Change {
    fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Removed => "removed",
        }
    }
}

/// Starts watching `folder` (recursively) and re-indexing it into `index` on changes.
pub fn watch_folder(
    index: VigieIndex,
    folder: &Path,
    options: WatchOptions,
) -> Result<FolderWatch, IndexError> {
    let failed = |reason: String| IndexError::Watch {
        path: folder.to_path_buf(),
        reason,
    };
    if !folder.is_dir() {
        return Err(failed("not a folder".to_string()));
    }
    // Events name paths under the folder as it was given to the watcher: give it the
    // canonical path, so they compare with the (canonical) index folder.
    let watched = std::fs::canonicalize(folder).map_err(|error| failed(error.to_string()))?;
    let (sender, receiver) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        // The receiver is gone only when the watch is stopping.
        let _ = sender.send(event);
    })
    .map_err(|error| failed(error.to_string()))?;
    watcher
        .watch(&watched, RecursiveMode::Recursive)
        .map_err(|error| failed(error.to_string()))?;
    let worker = std::thread::Builder::new()
        .name("vigie-watch".to_string())
        .spawn({
            let watched = watched.clone();
            move || run(&index, &watched, &options, &receiver)
        })
        .map_err(|error| failed(error.to_string()))?;
    tracing::info!(folder = %watched.display(), "watching for changes");
    Ok(FolderWatch {
        watcher: Some(watcher),
        worker: Some(worker),
    })
}

type EventResult = notify::Result<notify::Event>;

/// The worker: gather a burst of changes, log them, re-index; until the channel closes.
fn run(
    index: &VigieIndex,
    folder: &Path,
    options: &WatchOptions,
    receiver: &Receiver<EventResult>,
) {
    let ignored = index
        .path()
        .map(|dir| std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()));
    let mut changes: BTreeMap<PathBuf, Change> = BTreeMap::new();
    let mut open = true;
    while open {
        if changes.is_empty() {
            match receiver.recv() {
                Ok(event) => record(&mut changes, event, folder, ignored.as_deref()),
                Err(_) => return,
            }
            continue;
        }
        // Gather until quiet, but never hold changes back more than twenty quiet periods.
        let deadline = Instant::now() + options.debounce * 20;
        loop {
            match receiver.recv_timeout(options.debounce) {
                Ok(event) => record(&mut changes, event, folder, ignored.as_deref()),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    open = false;
                    break;
                }
            }
            if Instant::now() >= deadline {
                break;
            }
        }
        for (path, change) in &changes {
            tracing::info!(path = %path.display(), change = change.name(), "watched file changed");
        }
        match sync_paths(index, &[folder.to_path_buf()], &options.sync, &NoProgress) {
            Ok(report) => {
                log_report(folder, &report);
                changes.clear();
            }
            Err(IndexError::Locked { .. }) if open => {
                // Another process is writing: keep the changes and try again after a pause.
                tracing::warn!(folder = %folder.display(), "index locked by another writer; retrying");
                std::thread::sleep(options.debounce.max(Duration::from_millis(500)));
            }
            Err(error) => {
                tracing::error!(folder = %folder.display(), %error, "re-indexing the watched folder failed");
                changes.clear();
            }
        }
    }
}

fn log_report(folder: &Path, report: &SyncReport) {
    tracing::info!(
        folder = %folder.display(),
        added = report.added,
        updated = report.updated,
        deleted = report.deleted,
        failed = report.failed,
        documents = report.documents_total,
        "watched folder re-indexed"
    );
    for failure in &report.failures {
        tracing::warn!("{failure}");
    }
}

/// Adds the paths of `event` that can matter to the index to `changes`.
fn record(
    changes: &mut BTreeMap<PathBuf, Change>,
    event: EventResult,
    folder: &Path,
    ignored: Option<&Path>,
) {
    let event = match event {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(folder = %folder.display(), %error, "file watch error");
            // The event is unknown: re-index the whole folder to be safe.
            changes.insert(folder.to_path_buf(), Change::Changed);
            return;
        }
    };
    let change = match event.kind {
        EventKind::Access(_) => return,
        EventKind::Create(_) => Change::Added,
        EventKind::Remove(_) => Change::Removed,
        EventKind::Modify(ModifyKind::Name(_)) => {
            // A rename's paths are the old and the new name: say which exists now.
            for path in event.paths {
                if matters(&path, folder, ignored) {
                    let change = if path.exists() {
                        Change::Added
                    } else {
                        Change::Removed
                    };
                    changes.insert(path, change);
                }
            }
            return;
        }
        EventKind::Modify(_) | EventKind::Any | EventKind::Other => Change::Changed,
    };
    for path in event.paths {
        if matters(&path, folder, ignored) {
            // A file created then written in one burst stays "added".
            changes.entry(path).or_insert(change);
        }
    }
}

/// A path matters unless it is hidden, inside the index itself, or a file of a type Vigie
/// does not read (a path without extension may be a folder, so it matters).
fn matters(path: &Path, folder: &Path, ignored: Option<&Path>) -> bool {
    if ignored.is_some_and(|index_dir| path.starts_with(index_dir)) {
        return false;
    }
    let relative = path.strip_prefix(folder).unwrap_or(path);
    let hidden = relative
        .components()
        .any(|component| component.as_os_str().to_string_lossy().starts_with('.'));
    if hidden {
        return false;
    }
    path.extension().is_none() || ingest::kind_of(path).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_readable_visible_files_outside_the_index_matter() {
        let folder = Path::new("/data/corpus");
        let index_dir = Path::new("/data/corpus/index");
        assert!(matters(
            Path::new("/data/corpus/a/note.md"),
            folder,
            Some(index_dir)
        ));
        assert!(matters(Path::new("/data/corpus/sub"), folder, None));
        assert!(!matters(Path::new("/data/corpus/.git/x.txt"), folder, None));
        assert!(!matters(
            Path::new("/data/corpus/note.md.swp"),
            folder,
            None
        ));
        assert!(!matters(
            Path::new("/data/corpus/index/meta.json"),
            folder,
            Some(index_dir)
        ));
    }
}
