//! Watching a folder: files added, changed and removed are indexed without a re-run.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::watch::{watch_folder, WatchOptions};
use vigie::index::VigieIndex;
use vigie::search::{Engine, SearchRequest, SearchSettings};

/// Documents holding `word`.
fn docs_with(engine: &Engine, word: &str) -> Vec<String> {
    engine
        .search(&SearchRequest::new(word))
        .map(|results| results.hits.into_iter().map(|hit| hit.doc_id).collect())
        .unwrap_or_default()
}

/// Polls until `check` holds; bounded (about 20 s), so a broken watch fails instead of hanging.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..400 {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the index never reflected: {what}");
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("file written");
}

#[test]
fn files_added_changed_and_removed_in_a_watched_folder_are_indexed() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let folder = dir.path().join("corpus");
    std::fs::create_dir_all(&folder).expect("folder");
    write(&folder.join("a.txt"), "Le fichier PNR est consulté.");
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
    let options = SyncOptions {
        threads: 1,
        commit_every: 100,
        ..SyncOptions::default()
    };
    sync_paths(&index, std::slice::from_ref(&folder), &options, &NoProgress).expect("indexes");
    let engine = Arc::new(Engine::new(index.clone(), SearchSettings::default()));
    let watch = watch_folder(
        index,
        &folder,
        WatchOptions {
            debounce: Duration::from_millis(100),
            sync: options,
        },
    )
    .expect("watch starts");

    write(&folder.join("b.txt"), "Le mot zanzibarique apparaît.");
    eventually("an added file", || {
        docs_with(&engine, "zanzibarique") == ["b.txt"]
    });

    write(
        &folder.join("b.txt"),
        "Le mot quetzalcoatlique le remplace.",
    );
    eventually("a changed file", || {
        docs_with(&engine, "quetzalcoatlique") == ["b.txt"]
            && docs_with(&engine, "zanzibarique").is_empty()
    });

    std::fs::create_dir_all(folder.join("sub")).expect("sub-folder");
    write(&folder.join("sub/c.md"), "# C\n\nLe mot ornithorynque.\n");
    eventually("a file in a new sub-folder", || {
        docs_with(&engine, "ornithorynque") == ["sub/c.md"]
    });

    std::fs::remove_file(folder.join("b.txt")).expect("removed");
    eventually("a removed file", || {
        docs_with(&engine, "quetzalcoatlique").is_empty()
    });
    assert_eq!(docs_with(&engine, "PNR"), ["a.txt"]);
    drop(watch);
}
