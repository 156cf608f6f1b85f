//! The real `vigie` binary: indexing and re-indexing a folder, searching, errors.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::shared_corpus;

fn vigie() -> Command {
    let mut command = Command::cargo_bin("vigie").expect("binary built");
    command.env_remove("VIGIE_INDEX").env_remove("VIGIE_CONFIG");
    command
}

/// Copies a few real corpus files into `folder`.
fn copy_corpus_files(folder: &Path, names: &[&str]) {
    std::fs::create_dir_all(folder).expect("folder");
    for name in names {
        std::fs::copy(shared_corpus().join(name), folder.join(name)).expect("copy");
    }
}

fn index_json(corpus: &Path, index: &Path) -> (Option<i32>, serde_json::Value, String) {
    let output = vigie()
        .arg("index")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .arg("--json")
        .output()
        .expect("runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (
        output.status.code(),
        report,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A temporary folder holding `corpus/` with `names` copied in, and `index/` built from it.
fn indexed_folder(names: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    copy_corpus_files(&corpus, names);
    let (code, _, _) = index_json(&corpus, &index);
    assert_eq!(code, Some(0));
    (dir, corpus, index)
}

const FILES: [&str; 3] = [
    "declaration-franco-belge-2018.fr.txt",
    "fr-csi-L-livre2-titre3-traitements-donnees-enquetes-administratives.md",
    "an-dossier-legislatif-leg13-fichiers-de-police.fr.html",
];

#[test]
fn reindexing_skips_unchanged_replaces_changed_deletes_removed_and_reports_broken_files() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    copy_corpus_files(&corpus, &FILES);

    let (code, first, _) = index_json(&corpus, &index);
    assert_eq!(code, Some(0));
    assert_eq!(first["added"], 3);
    assert_eq!(first["failed"], 0);
    let passages = first["passages_total"].as_u64().unwrap_or(0);
    assert!(passages > 20);

    let (code, again, _) = index_json(&corpus, &index);
    assert_eq!(code, Some(0));
    assert_eq!(
        (again["added"].clone(), again["unchanged"].clone()),
        (0.into(), 3.into())
    );
    assert_eq!(again["passages_total"].as_u64(), Some(passages));

    let declaration = corpus.join(FILES[0]);
    let mut text = std::fs::read_to_string(&declaration).expect("read");
    text.push_str("\n\nUn paragraphe ajouté sur la coopération transfrontalière des zèbres.\n");
    std::fs::write(&declaration, text).expect("write");
    std::fs::remove_file(corpus.join(FILES[2])).expect("remove");
    std::fs::write(corpus.join("broken.txt"), b"caf\xe9 au lait\n").expect("write");
    std::fs::write(corpus.join("rapport.pdf"), b"%PDF-1.4").expect("write");

    let (code, changed, stderr) = index_json(&corpus, &index);
    assert_eq!(code, Some(2), "{stderr}");
    // A file Vigie does not read is not a failure, but it is not passed over in silence.
    assert_eq!(
        changed["other_files"],
        serde_json::json!([corpus.join("rapport.pdf")]),
        "{changed}"
    );
    let summary = vigie()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&summary.stderr).into_owned()
        + &String::from_utf8_lossy(&summary.stdout);
    assert!(
        text.contains("1 file(s) of other types left aside (.pdf 1)"),
        "{text}"
    );
    assert_eq!(changed["updated"], 1);
    assert_eq!(changed["unchanged"], 1);
    assert_eq!(changed["deleted"], 1);
    assert_eq!(changed["failed"], 1);
    assert_eq!(changed["documents_total"], 2);
    let failure = &changed["failures"][0];
    let reason = failure["reason"].as_str().unwrap_or_default();
    // The path is given once, in its own field.
    assert_eq!(
        failure["path"],
        serde_json::json!(corpus.join("broken.txt"))
    );
    assert!(
        reason.contains("UTF-8") && !reason.contains("broken.txt"),
        "{reason}"
    );

    vigie()
        .args(["search", "zèbres", "--index"])
        .arg(&index)
        .assert()
        .success()
        .stdout(predicate::str::contains(FILES[0]));
    vigie()
        .args(["search", "fichiers de police", "--json", "--index"])
        .arg(&index)
        .assert()
        .success()
        .stdout(predicate::str::contains(FILES[2]).not());
}

#[test]
fn a_single_file_can_be_indexed_without_touching_the_rest() {
    let (dir, _, index) = indexed_folder(&FILES[..2]);
    let extra = dir.path().join("extra");
    copy_corpus_files(&extra, &FILES[2..]);
    let (code, report, _) = index_json(&extra.join(FILES[2]), &index);
    assert_eq!(code, Some(0));
    assert_eq!(report["added"], 1);
    assert_eq!(report["deleted"], 0);
    assert_eq!(report["documents_total"], 3);
}

#[test]
fn an_html_page_in_the_windows_1252_it_declares_is_indexed_with_its_accents() {
    let dir = tempfile::tempdir().expect("temp");
    let (legacy, original) = (dir.path().join("legacy"), dir.path().join("original"));
    copy_corpus_files(&original, &FILES[2..]);
    std::fs::create_dir_all(&legacy).expect("folder");
    // A real page of the corpus, saved as older pages were: Windows-1252, declared so.
    let page = std::fs::read_to_string(original.join(FILES[2])).expect("read");
    let declared = page.replace("charset=utf-8", "charset=windows-1252");
    assert_ne!(declared, page, "the page declares its encoding");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&declared);
    assert!(std::str::from_utf8(&bytes).is_err(), "no longer UTF-8");
    std::fs::write(legacy.join(FILES[2]), &bytes).expect("write");
    std::fs::write(legacy.join("latin1.txt"), b"S\xe9curit\xe9 int\xe9rieure\n").expect("write");

    let (code, report, stderr) = index_json(&legacy, &dir.path().join("legacy-index"));
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(report["added"], 1, "{report}");
    let reason = report["failures"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        report["failures"][0]["path"]
            .as_str()
            .is_some_and(|path| path.ends_with("latin1.txt"))
            && reason.contains("iconv -f WINDOWS-1252"),
        "{report}"
    );
    let (code, _, _) = index_json(&original, &dir.path().join("original-index"));
    assert_eq!(code, Some(0));
    // Read in the encoding it declares, the page gives the same passages as in UTF-8.
    let top_hits = |index: &str| {
        let output = vigie()
            .args(["search", "fichiers de police sécurité", "--json", "--index"])
            .arg(dir.path().join(index))
            .output()
            .expect("runs");
        let body: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
        (
            body["total"].clone(),
            body["hits"][0]["title"].clone(),
            body["hits"][0]["highlight"].clone(),
        )
    };
    let legacy_hits = top_hits("legacy-index");
    assert!(legacy_hits.0.as_u64().unwrap_or(0) > 0, "{legacy_hits:?}");
    assert_eq!(legacy_hits, top_hits("original-index"));
}

#[test]
fn a_document_id_given_twice_is_reported_and_the_first_kept_run_after_run() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    copy_corpus_files(&corpus, &FILES[..1]);
    // The second file repeats the text file's id (its path), the third its own first line's.
    let lines = format!(
        "{{\"id\": \"{}\", \"title\": \"Homonyme\", \"text\": \"Texte des zèbres.\"}}\n",
        FILES[0]
    );
    std::fs::write(corpus.join("homonyme.jsonl"), lines).expect("write");
    let repeated = concat!(
        "{\"id\": \"n1\", \"title\": \"Premier\", \"text\": \"Les okapis du premier.\"}\n",
        "{\"id\": \"n1\", \"title\": \"Second\", \"text\": \"Les gnous du second.\"}\n",
    );
    std::fs::write(corpus.join("notes.jsonl"), repeated).expect("write");

    for run in 0..2 {
        let (code, report, stderr) = index_json(&corpus, &index);
        assert_eq!(code, Some(2), "run {run}: {stderr}");
        assert_eq!(report["documents_total"], 2, "run {run}");
        let (added, unchanged) = if run == 0 { (2, 0) } else { (0, 2) };
        assert_eq!(report["added"], added, "run {run}");
        assert_eq!(
            report["updated"], 0,
            "run {run}: nothing changed, nothing replaced"
        );
        assert_eq!(report["unchanged"], unchanged, "run {run}");
        // Each failure as printed: `path[:line]: reason`.
        let reasons: Vec<String> = report["failures"]
            .as_array()
            .map(|failures| {
                failures
                    .iter()
                    .map(|failure| {
                        let line = failure["line"]
                            .as_u64()
                            .map(|line| format!(":{line}"))
                            .unwrap_or_default();
                        format!(
                            "{}{line}: {}",
                            failure["path"].as_str().unwrap_or_default(),
                            failure["reason"].as_str().unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(reasons.len(), 2, "run {run}: {reasons:?}");
        assert!(
            reasons
                .iter()
                .any(|reason| reason.contains("homonyme.jsonl")
                    && reason.contains(&format!(
                        "already given by {}",
                        corpus.join(FILES[0]).display()
                    ))),
            "{reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|reason| reason.contains("notes.jsonl:2") && reason.contains("line 1")),
            "{reasons:?}"
        );
    }
    for (query, expected) in [("okapis", true), ("gnous", false), ("zèbres", false)] {
        let output = vigie()
            .args(["search", query, "--json", "--index"])
            .arg(&index)
            .output()
            .expect("runs");
        let body: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
        assert_eq!(
            body["total"].as_u64().unwrap_or(0) > 0,
            expected,
            "{query}: {body}"
        );
    }
}

#[test]
fn search_prints_ranked_passages_or_the_api_json() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    copy_corpus_files(&corpus, &FILES);
    copy_corpus_files(
        &corpus,
        &["cnil-guide-securite-donnees-personnelles-2024.fr.md"],
    );
    let (code, _, _) = index_json(&corpus, &index);
    assert_eq!(code, Some(0));

    vigie()
        .args([
            "search",
            "équipes communes d'enquête",
            "--limit",
            "3",
            "--index",
        ])
        .arg(&index)
        .assert()
        .success()
        .stdout(predicate::str::contains("1. "))
        .stdout(predicate::str::contains("[équipes]").or(predicate::str::contains("[Équipes]")));

    // A list item is printed under the sentence introducing its list.
    let stdout = printed_search(&index, &["entropie minimale mot de passe", "--limit", "1"]);
    let lines: Vec<&str> = stdout.lines().collect();
    let item = lines
        .iter()
        .position(|line| line.starts_with("par défaut, [entropie]"))
        .unwrap_or_else(|| panic!("no list item in {stdout}"));
    assert_eq!(
        lines[item - 1],
        "imposer une complexité du [mot] de [passe] en fonction des cas d’usage :",
        "{stdout}"
    );
    assert!(lines[item - 2].starts_with("1. "), "{stdout}");

    let output = vigie()
        .args(["search", "PNR", "--json", "--limit", "2", "--index"])
        .arg(&index)
        .output()
        .expect("runs");
    assert!(output.status.success());
    let body: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(body["query"], "PNR");
    assert!(body["hits"][0]["highlight"]
        .as_str()
        .unwrap_or_default()
        .contains("<mark>"));
    assert!(body["hits"][0]["link"]
        .as_str()
        .unwrap_or_default()
        .starts_with("/documents/"));

    // Matches too few to fill the page are followed by related passages, numbered on.
    let stdout = printed_search(&index, &["ECE", "--limit", "4"]);
    let lines: Vec<&str> = stdout.lines().collect();
    let related = lines
        .iter()
        .position(|line| line.starts_with("Related passages"))
        .unwrap_or_else(|| panic!("no related passages in {stdout}"));
    assert!(
        lines[..related].iter().any(|line| line.starts_with("2. ")),
        "{stdout}"
    );
    assert!(
        lines[related..].iter().any(|line| line.starts_with("3. ")),
        "{stdout}"
    );
    assert!(
        lines[related..].iter().any(|line| line.starts_with("4. ")),
        "{stdout}"
    );

    // A query starting with an exclusion is a query, not an unknown flag.
    let output = vigie()
        .args(["search", "-PNR coopération", "--json", "--index"])
        .arg(&index)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let body: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(body["total"].as_u64().unwrap_or(0) > 0, "{body}");
    assert!(body["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|hit| !hit["text"].as_str().unwrap_or_default().contains("PNR")));
}

/// What `vigie search <args> --index <index>` prints, once it has succeeded.
fn printed_search(index: &Path, args: &[&str]) -> String {
    let output = vigie()
        .arg("search")
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn settings_come_from_the_environment_too() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("env-index");
    copy_corpus_files(&corpus, &FILES[..1]);
    vigie()
        .arg("index")
        .arg(&corpus)
        .env("VIGIE_INDEX", &index)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 added"));
    vigie()
        .args(["search", "Liège"])
        .env("VIGIE_INDEX", &index)
        .assert()
        .success()
        .stdout(predicate::str::contains("Liège"));
}

#[test]
fn errors_are_clear_and_exit_non_zero() {
    let dir = tempfile::tempdir().expect("temp");
    vigie()
        .args(["search", "PNR", "--index"])
        .arg(dir.path().join("missing"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("vigie index"));
    vigie()
        .args(["serve", "--addr", "not-an-address", "--index"])
        .arg(dir.path().join("idx"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("VIGIE_ADDR"));
    vigie()
        .arg("index")
        .arg(dir.path().join("nowhere"))
        .arg("--index")
        .arg(dir.path().join("idx2"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere"));
    // A command line that cannot be read is an error (1), not "some files failed" (2).
    vigie()
        .args(["index", "--no-such-flag"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--no-such-flag"));
    vigie().arg("--help").assert().success();
}

#[test]
fn every_flag_is_documented_in_help() {
    for (command, flags) in [
        (
            "index",
            vec!["--index", "--threads", "--rebuild", "--json", "VIGIE_INDEX"],
        ),
        (
            "serve",
            vec![
                "--index",
                "--addr",
                "--corpus",
                "--cors-origins",
                "--request-timeout-secs",
                "VIGIE_ADDR",
            ],
        ),
        (
            "search",
            vec![
                "--index",
                "--limit",
                "--json",
                "--per-doc",
                "--from",
                "--to",
            ],
        ),
    ] {
        let assert = vigie().args([command, "--help"]).assert().success();
        let help = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        for flag in flags {
            assert!(help.contains(flag), "`vigie {command} --help` lacks {flag}");
        }
    }
}

#[test]
fn eval_scores_a_qrels_set_and_a_passage_hit_set() {
    let dir = tempfile::tempdir().expect("temp");
    let set = dir.path().join("mini");
    std::fs::create_dir_all(&set).expect("set folder");
    std::fs::write(
        set.join("corpus.jsonl"),
        concat!(
            r#"{"id": "d1", "title": "Extradition", "text": "La Belgique n'extrade pas vers un pays qui applique la peine de mort."}"#,
            "\n",
            r#"{"id": "d2", "title": "Frontières", "text": "Les contrôles d'identité dans la bande frontalière de vingt kilomètres."}"#,
            "\n"
        ),
    )
    .expect("corpus");
    std::fs::write(
        set.join("queries.jsonl"),
        "{\"id\": \"q1\", \"text\": \"peine de mort extradition\"}\n{\"id\": \"q2\", \"text\": \"contrôle d'identité frontière\"}\n",
    )
    .expect("queries");
    std::fs::write(set.join("qrels.tsv"), "q1\td1\t1\nq2\td2\t1\n").expect("qrels");
    let run = dir.path().join("run.txt");
    let output = vigie()
        .arg("eval")
        .arg(&set)
        .arg("--index")
        .arg(dir.path().join("eval-index"))
        .arg("--run")
        .arg(&run)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(scores["queries"], 2);
    assert_eq!(scores["ndcg_at_10"], 1.0);
    assert_eq!(scores["recall_at_100"], 1.0);
    let run_text = std::fs::read_to_string(&run).expect("run file");
    assert!(run_text.starts_with("q1 Q0 d1 1 "), "{run_text}");

    let hits = dir.path().join("hits.jsonl");
    std::fs::write(
        &hits,
        "{\"id\": \"h1\", \"query\": \"equipes communes d'enquete\", \"doc\": \"declaration-franco-belge-2018.fr.txt\", \"must_contain\": \"équipes communes d'enquête (ECE)\", \"kind\": \"accentless\"}\n",
    )
    .expect("hits");
    let output = vigie()
        .arg("eval")
        .arg(&hits)
        .arg("--corpus")
        .arg(shared_corpus().join("declaration-franco-belge-2018.fr.txt"))
        .arg("--index")
        .arg(dir.path().join("hits-index"))
        .arg("--json")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(scores["overall"]["success_at_10"], 1.0, "{scores}");
    assert_eq!(scores["by_kind"]["accentless"]["queries"], 1);
}

#[test]
fn an_index_built_with_another_variant_is_refused_with_a_rebuild_hint() {
    let dir = tempfile::tempdir().expect("temp");
    let index = dir.path().join("index");
    vigie::index::VigieIndex::open_or_create_with(&index, vigie::analysis::Variant::Snowball)
        .expect("variant index");
    let refused = vigie::index::VigieIndex::open_or_create(&index).err();
    let message = refused.map(|error| error.to_string()).unwrap_or_default();
    assert!(message.contains("--rebuild"), "{message}");
    vigie()
        .args(["search", "PNR", "--index"])
        .arg(&index)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("re-index"));
}

/// Writes the first `count` articles of the scale corpus as a JSON Lines file.
fn scale_articles(path: &Path, count: usize) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("jsonl"));
    for line in crate::support::scale_lines(count) {
        writeln!(out, "{line}").expect("write");
    }
    out.flush().expect("flush");
}

fn documents_in(index: &Path) -> usize {
    vigie::index::VigieIndex::open_existing(index)
        .and_then(|index| index.document_count())
        .unwrap_or(0)
}

fn top_documents(index: &Path, query: &str) -> Vec<String> {
    let output = vigie()
        .args(["search", query, "--json", "--limit", "20", "--index"])
        .arg(index)
        .output()
        .expect("runs");
    let body: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    body["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|hit| {
            format!(
                "{:.3} {}#{}",
                hit["score"].as_f64().unwrap_or_default(),
                hit["doc_id"],
                hit["passage"]
            )
        })
        .collect()
}

/// The same hits with the same scores; equal scores may come in either order.
fn same_results(left: &[String], right: &[String]) -> bool {
    let mut left = left.to_vec();
    let mut right = right.to_vec();
    left.sort();
    right.sort();
    left == right
}

#[test]
fn a_killed_indexer_leaves_the_last_commit_and_a_second_writer_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("scale");
    std::fs::create_dir_all(&corpus).expect("folder");
    scale_articles(&corpus.join("codes.jsonl"), 40_000);
    let config = dir.path().join("vigie.toml");
    std::fs::write(&config, "commit_every = 1000\n").expect("config");
    let index = dir.path().join("index");

    let binary = assert_cmd::cargo::cargo_bin("vigie");
    let mut writer = std::process::Command::new(&binary)
        .arg("--config")
        .arg(&config)
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("indexer starts");
    // Wait for the first commit, bounded.
    let started = std::time::Instant::now();
    while documents_in(&index) == 0 && started.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let committed_before_kill = documents_in(&index);
    assert!(committed_before_kill > 0, "no commit seen");

    // A second writer told not to wait is refused at once, naming the lock.
    let second = vigie()
        .arg("index")
        .arg(shared_corpus().join(FILES[0]))
        .arg("--index")
        .arg(&index)
        .args(["--lock-wait", "0"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .expect("second writer runs");
    let still_running = writer.try_wait().expect("status").is_none();
    if still_running {
        assert_eq!(second.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&second.stderr);
        assert!(stderr.contains("locked"), "{stderr}");
    }

    writer.kill().expect("SIGKILL");
    writer.wait().expect("reaped");
    let after_kill = documents_in(&index);
    assert!(after_kill >= committed_before_kill, "a commit was lost");
    assert!(
        still_running && after_kill < 40_000,
        "the run was not interrupted mid-write"
    );
    assert!(
        !top_documents(&index, "garde à vue").is_empty(),
        "the last commit is searchable"
    );

    // A re-run completes and gives the same results as one clean run.
    let rerun = vigie()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .arg("--json")
        .output()
        .expect("re-run");
    assert_eq!(
        rerun.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let clean = dir.path().join("clean");
    let fresh = vigie()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(&clean)
        .output()
        .expect("clean run");
    assert_eq!(fresh.status.code(), Some(0));
    assert_eq!(documents_in(&index), documents_in(&clean));
    for query in ["garde à vue", "détention provisoire mineur", "L. 323-1"] {
        let (resumed, clean_run) = (top_documents(&index, query), top_documents(&clean, query));
        assert!(
            same_results(&resumed, &clean_run),
            "{query}: {resumed:?} vs {clean_run:?}"
        );
    }
}

/// Reads one HTTP response body from `addr` for `path` (a minimal client: the test needs no
/// more than GET with `Connection: close`).
fn http_get(addr: &str, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
}

#[cfg(unix)]
#[test]
fn serve_picks_up_another_process_s_changes_and_stops_cleanly_on_sigterm() {
    use std::io::BufRead;
    let (_dir, corpus, index) = indexed_folder(&FILES[..1]);

    let binary = assert_cmd::cargo::cargo_bin("vigie");
    let mut server = std::process::Command::new(&binary)
        .args(["serve", "--no-sync", "--addr", "127.0.0.1:0", "--index"])
        .arg(&index)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("server starts");
    let stdout = server.stdout.take().expect("stdout");
    let mut first_line = String::new();
    let mut lines = std::io::BufReader::new(stdout);
    lines
        .read_line(&mut first_line)
        .expect("the server prints its address");
    // Close our end of the server's standard output early, as `vigie serve | head -1` would:
    // the server must keep serving (regression: it panicked writing its second line).
    drop(lines);
    let addr = first_line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("an address")
        .to_string();
    let count = |query: &str| -> u64 {
        http_get(&addr, &format!("/search?q={query}"))
            .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok())
            .and_then(|body| body["total"].as_u64())
            .unwrap_or(0)
    };
    assert!(count("Li%C3%A8ge") > 0, "the server answers");
    assert_eq!(count("FNAEG"), 0);

    // Another process indexes a new file while the server runs.
    copy_corpus_files(
        &corpus,
        &["fr-cpp-livre4-titre20-fnaeg-empreintes-genetiques.md"],
    );
    let (code, _, _) = index_json(&corpus, &index);
    assert_eq!(code, Some(0));
    let started = std::time::Instant::now();
    while count("FNAEG") == 0 && started.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        count("FNAEG") > 0,
        "the server did not pick up the new commit"
    );

    // Two runs left two segments or more: once the index is quiet, the server merges them
    // into one, and answers the same.
    let found = count("FNAEG");
    let segments = || -> Option<u64> {
        let metrics = http_get(&addr, "/metrics")?;
        metrics
            .lines()
            .find_map(|line| line.strip_prefix("vigie_index_segments "))
            .and_then(|value| value.trim().parse().ok())
    };
    let started = std::time::Instant::now();
    while segments() != Some(1) && started.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(segments(), Some(1), "the server did not merge its segments");
    assert_eq!(count("FNAEG"), found);

    // SIGTERM: the server finishes and exits successfully.
    let pid = libc::pid_t::try_from(server.id()).expect("pid");
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = server.wait().expect("server exits");
    assert!(status.success(), "{status:?}");
}

#[test]
fn serve_rebuilds_a_default_index_left_by_another_version() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp");
    copy_corpus_files(
        &dir.path().join("corpus"),
        &["declaration-franco-belge-2018.fr.txt"],
    );
    // An index the current version cannot read (built with another analyzer) where the
    // default index lives.
    vigie::index::VigieIndex::open_or_create_with(
        &dir.path().join("index"),
        vigie::analysis::Variant::Snowball,
    )
    .expect("old index");
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin("vigie"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("VIGIE_INDEX")
        .env_remove("VIGIE_CONFIG")
        .env_remove("VIGIE_CORPUS")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut first_line = String::new();
    std::io::BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut first_line)
        .expect("the server prints its address");
    server.kill().expect("stop the server");
    let output = server.wait_with_output().expect("server output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        first_line.contains("serves 1 documents (34 passages)"),
        "{first_line}\n{stderr}"
    );
    assert!(stderr.contains("rebuilding index from corpus"), "{stderr}");
    // The index now opens with the current version.
    assert!(vigie::index::VigieIndex::open_or_create(&dir.path().join("index")).is_ok());
}

#[test]
fn each_intermediate_commit_is_logged() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("scale");
    std::fs::create_dir_all(&corpus).expect("folder");
    scale_articles(&corpus.join("codes.jsonl"), 25);
    let config = dir.path().join("vigie.toml");
    std::fs::write(&config, "commit_every = 10\n").expect("config");
    let output = vigie()
        .env("VIGIE_LOG", "info")
        .arg("--config")
        .arg(&config)
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(dir.path().join("index"))
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    // 25 documents in batches of 10: two commits before the final one.
    assert_eq!(
        stderr
            .matches("committed: an interrupted run keeps")
            .count(),
        2,
        "{stderr}"
    );
    assert!(stderr.contains("25 added"), "{stderr}");
}

/// Regression: `--cors-origins '*'` made `serve` panic (exit 101) at start-up; an origin with a
/// path was accepted and never matched.
#[test]
fn serve_accepts_a_lone_cors_wildcard_and_refuses_an_origin_with_a_path() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp");
    let index = dir.path().join("index");
    vigie::index::VigieIndex::open_or_create(&index).expect("empty index");
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin("vigie"))
        .args([
            "serve",
            "--no-sync",
            "--addr",
            "127.0.0.1:0",
            "--cors-origins",
            "*",
        ])
        .arg("--index")
        .arg(&index)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut first_line = String::new();
    std::io::BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut first_line)
        .expect("the server prints its address");
    let still_running = server.try_wait().expect("status").is_none();
    server.kill().expect("stop the server");
    let output = server.wait_with_output().expect("server output");
    assert!(
        still_running && first_line.contains("http://127.0.0.1:"),
        "{first_line}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (origins, expected) in [
        (
            "https://intranet.example/path",
            "https://intranet.example/path",
        ),
        ("*,https://intranet.example", "must be alone"),
    ] {
        vigie()
            .args([
                "serve",
                "--no-sync",
                "--addr",
                "127.0.0.1:0",
                "--cors-origins",
                origins,
            ])
            .arg("--index")
            .arg(&index)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("VIGIE_CORS_ORIGINS"))
            .stderr(predicate::str::contains(expected));
    }
}

/// The files under `folder`, relative, sorted.
fn files_under(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = walkdir_names(folder, folder);
    names.sort();
    names
}

fn walkdir_names(root: &Path, folder: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            names.extend(walkdir_names(root, &path));
        } else if let Ok(relative) = path.strip_prefix(root) {
            names.push(relative.to_string_lossy().into_owned());
        }
    }
    names
}

fn rebuild(paths: &[&Path], index: &Path) -> std::process::Output {
    let mut command = vigie();
    command.arg("index");
    for path in paths {
        command.arg(path);
    }
    command
        .arg("--index")
        .arg(index)
        .arg("--rebuild")
        .output()
        .expect("runs")
}

#[test]
fn rebuild_refuses_a_folder_that_is_not_an_index_or_is_being_indexed_and_deletes_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    copy_corpus_files(&corpus, &FILES[..2]);
    std::fs::create_dir_all(corpus.join("sub")).expect("folder");
    std::fs::write(corpus.join("sub/notes.txt"), "Notes sur la sécurité.\n").expect("write");
    let papers = dir.path().join("papers");
    std::fs::create_dir_all(&papers).expect("folder");
    std::fs::write(papers.join("lettre.txt"), "Une lettre.\n").expect("write");
    let corpus_files = files_under(&corpus);

    // The corpus itself, a folder inside it, the folder holding it, a folder of other files.
    for (index, expected) in [
        (corpus.clone(), "being indexed"),
        (corpus.join("sub"), "being indexed"),
        (dir.path().to_path_buf(), "being indexed"),
        (papers.clone(), "holds no Vigie index"),
    ] {
        let output = rebuild(&[&corpus], &index);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}: {stderr}",
            index.display()
        );
        assert!(
            stderr.contains("refusing to rebuild")
                && stderr.contains(&index.display().to_string())
                && stderr.contains(expected)
                && stderr.contains("nothing was deleted"),
            "{stderr}"
        );
        assert_eq!(files_under(&corpus), corpus_files, "{}", index.display());
        assert_eq!(files_under(&papers), ["lettre.txt"]);
    }

    // An index is rebuilt: its old files go, anything else in the folder stays.
    let index = dir.path().join("index");
    let (code, _, _) = index_json(&corpus, &index);
    assert_eq!(code, Some(0));
    std::fs::write(index.join("LISEZMOI.txt"), "à garder\n").expect("write");
    let output = rebuild(&[&corpus.join("sub")], &index);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(documents_in(&index), 1);
    assert!(index.join("LISEZMOI.txt").exists());
    // An empty folder is rebuilt too.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("folder");
    assert_eq!(rebuild(&[&corpus], &empty).status.code(), Some(0));
    assert_eq!(documents_in(&empty), 3);
}

#[test]
fn rebuild_with_a_mistyped_path_deletes_nothing() {
    let (dir, corpus, index) = indexed_folder(&FILES[..2]);

    let output = rebuild(&[&corpus, &dir.path().join("corpsu")], &index);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("corpsu"), "{stderr}");
    assert_eq!(documents_in(&index), 2);
}

#[test]
fn merge_leaves_one_segment_holding_every_document() {
    let (_dir, corpus, index) = indexed_folder(&FILES[..2]);
    copy_corpus_files(&corpus, &FILES[2..]);
    let segments = || {
        vigie::index::VigieIndex::open_existing(&index)
            .expect("opens")
            .segment_count()
    };
    let (code, _, _) = index_json(&corpus, &index);
    assert_eq!(code, Some(0));
    assert!(segments() > 1, "{}", segments());
    let before = top_documents(&index, "fichiers de police");

    let merge = || {
        let output = vigie()
            .arg("index")
            .arg(&corpus)
            .arg("--index")
            .arg(&index)
            .arg("--merge")
            .output()
            .expect("runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = merge();
    assert!(stderr.contains("segments into one"), "{stderr}");
    assert_eq!(segments(), 1);
    assert_eq!(documents_in(&index), FILES.len());
    assert_eq!(top_documents(&index, "fichiers de police"), before);

    let stderr = merge();
    assert!(stderr.contains("one segment already"), "{stderr}");
}

/// Starts `vigie index CORPUS --index INDEX` with `extra` arguments, its standard error piped.
fn spawn_index(corpus: &Path, index: &Path, extra: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("vigie"))
        .arg("index")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .args(extra)
        .env_remove("VIGIE_INDEX")
        .env_remove("VIGIE_CONFIG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vigie index starts")
}

#[test]
fn an_index_run_waits_for_another_writer_to_finish() {
    let (_dir, corpus, index) = indexed_folder(&FILES[..1]);
    copy_corpus_files(&corpus, &FILES[1..]);

    // Another process's writer, as a server merging its segments holds it for a moment.
    let held = vigie::index::VigieIndex::open_existing(&index).expect("opens");
    let writer = held.writer(1).expect("writer lock");
    let mut run = spawn_index(&corpus, &index, &[]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(run.try_wait().expect("status").is_none(), "the run gave up");
    drop(writer);
    drop(held);
    let output = run.wait_with_output().expect("the run ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("waiting for it"), "{stderr}");
    assert_eq!(documents_in(&index), FILES.len());
}

#[test]
fn rebuild_waits_for_another_writer_and_deletes_nothing_if_it_gives_up() {
    let (_dir, corpus, index) = indexed_folder(&FILES[..2]);
    let index_files = files_under(&index);

    // Another process's writer, as a running `vigie index` or a server's merge holds it.
    let held = vigie::index::VigieIndex::open_existing(&index).expect("opens");
    let writer = held.writer(1).expect("writer lock");
    let output = vigie()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .arg("--rebuild")
        .args(["--lock-wait", "1"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("waiting for it"), "{stderr}");
    assert!(stderr.contains("locked by another writer"), "{stderr}");
    assert_eq!(files_under(&index), index_files);

    // With the default wait, the rebuild runs once the other writer is done.
    let mut run = spawn_index(&corpus, &index, &["--rebuild"]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        run.try_wait().expect("status").is_none(),
        "the rebuild gave up"
    );
    assert_eq!(files_under(&index), index_files, "deleted under a lock");
    drop(writer);
    drop(held);
    let output = run.wait_with_output().expect("the rebuild ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(documents_in(&index), 2);
}

#[test]
fn jsonl_ids_the_api_refuses_are_reported_with_file_and_line_not_indexed() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("folder");
    let lines = concat!(
        "{\"id\": \"../../etc/passwd\", \"title\": \"T\", \"text\": \"Les okapis.\"}\n",
        "{\"id\": \"bon/n1\", \"title\": \"T\", \"text\": \"Les gnous.\"}\n",
        "{\"id\": \"/etc/shadow\", \"title\": \"T\", \"text\": \"Les zèbres.\"}\n",
    );
    let file = corpus.join("lignes.jsonl");
    std::fs::write(&file, lines).expect("write");

    let (code, report, stderr) = index_json(&corpus, &dir.path().join("index"));
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(report["documents_total"], 1, "{report}");
    let failures = report["failures"].as_array().cloned().unwrap_or_default();
    let lines_failed: Vec<_> = failures
        .iter()
        .map(|failure| (failure["path"].clone(), failure["line"].clone()))
        .collect();
    assert_eq!(
        lines_failed,
        [
            (serde_json::json!(file), serde_json::json!(1)),
            (serde_json::json!(file), serde_json::json!(3))
        ],
        "{report}"
    );
    assert!(
        failures.iter().all(|failure| failure["reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("invalid document id"))),
        "{report}"
    );
}

fn hits_of(index: &Path, query: &str) -> Vec<String> {
    let output = vigie()
        .args(["search", query, "--json", "--index"])
        .arg(index)
        .output()
        .expect("runs");
    let body: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    body["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|hit| hit["doc_id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_same_relative_path_from_another_folder_is_a_collision_unless_the_first_file_is_gone() {
    let dir = tempfile::tempdir().expect("temp");
    let (first, second) = (dir.path().join("A"), dir.path().join("B"));
    let index = dir.path().join("index");
    for (folder, text) in [
        (&first, "Les okapis de A.\n"),
        (&second, "Les gnous de B.\n"),
    ] {
        std::fs::create_dir_all(folder).expect("folder");
        std::fs::write(folder.join("notes.txt"), text).expect("write");
    }
    let (code, _, _) = index_json(&first, &index);
    assert_eq!(code, Some(0));

    for run in 0..2 {
        let (code, report, stderr) = index_json(&second, &index);
        assert_eq!(code, Some(2), "run {run}: {stderr}");
        assert_eq!(
            (report["added"].clone(), report["updated"].clone()),
            (0.into(), 0.into())
        );
        let failure = &report["failures"][0];
        let reason = failure["reason"].as_str().unwrap_or_default();
        assert_eq!(failure["path"], serde_json::json!(second.join("notes.txt")));
        assert!(
            reason.contains(&first.join("notes.txt").display().to_string()),
            "{reason}"
        );
        assert_eq!(hits_of(&index, "okapis"), ["notes.txt"]);
        assert!(hits_of(&index, "gnous").is_empty());
    }

    // The first folder renamed: its document is replaced, not a collision.
    let renamed = dir.path().join("A-renamed");
    std::fs::rename(&first, &renamed).expect("rename");
    let (code, report, stderr) = index_json(&second, &index);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["updated"], 1, "{report}");
    assert_eq!(hits_of(&index, "gnous"), ["notes.txt"]);
}

#[test]
fn a_file_indexed_alone_then_with_its_folder_is_held_once() {
    let dir = tempfile::tempdir().expect("temp");
    let top = dir.path().join("top");
    let index = dir.path().join("index");
    std::fs::create_dir_all(top.join("sub")).expect("folder");
    let file = top.join("sub/x.md");
    std::fs::write(&file, "# Note\n\nLes zèbres du sous-dossier.\n").expect("write");

    let (code, _, _) = index_json(&file, &index);
    assert_eq!(code, Some(0));
    assert_eq!(hits_of(&index, "zèbres"), ["x.md"]);
    // The later run takes the document over under its new id.
    let (code, report, stderr) = index_json(&top, &index);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        (report["added"].clone(), report["deleted"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(hits_of(&index, "zèbres"), ["sub/x.md"]);
    let (code, report, _) = index_json(&file, &index);
    assert_eq!(code, Some(0));
    assert_eq!(report["documents_total"], 1, "{report}");
    assert_eq!(hits_of(&index, "zèbres"), ["x.md"]);
}

#[test]
fn index_watch_indexes_the_folder_once_before_watching() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    copy_corpus_files(&corpus, &FILES[..1]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vigie"))
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg("--watch")
        .env_remove("VIGIE_INDEX")
        .env_remove("VIGIE_CONFIG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("stderr");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match receiver.recv_timeout(left) {
            Ok(line) => {
                let watching = line.contains("watching for changes");
                lines.push(line);
                if watching {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    child.kill().expect("stopped");
    child.wait().expect("reaped");
    let summaries = lines
        .iter()
        .filter(|line| line.starts_with("indexed in"))
        .count();
    assert!(
        lines
            .iter()
            .any(|line| line.contains("watching for changes")),
        "{lines:?}"
    );
    assert_eq!(summaries, 1, "{lines:?}");
}

#[test]
fn error_messages_say_each_fact_once() {
    let dir = tempfile::tempdir().expect("temp");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("folder");
    let output = vigie()
        .args(["search", "PNR", "--index"])
        .arg(&empty)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr.matches("no index here").count(), 1, "{stderr}");

    // An index folder that cannot be created: the I/O error is told once.
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "Un fichier.\n").expect("write");
    let output = vigie()
        .arg("index")
        .arg(&file)
        .arg("--index")
        .arg(file.join("index"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");

    // A failure's path is in the summary once, and not in the JSON reason.
    let (code, report, stderr) = index_json(&dir.path().join("missing"), &empty);
    assert_eq!(code, Some(2));
    let reason = report["failures"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        !reason.contains("missing") && reason.contains("cannot read"),
        "{report}"
    );
    assert_eq!(stderr.matches("missing").count(), 1, "{stderr}");
}

#[test]
fn log_lines_carry_no_colour_codes_outside_a_terminal() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    copy_corpus_files(&corpus, &FILES[..1]);
    let output = vigie()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(dir.path().join("index"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("INFO"), "a log line is written: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn a_utf16_text_is_read_and_a_truncated_utf8_page_is_called_truncated() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("folder");
    // As Windows' Notepad saves "Unicode": UTF-16 little-endian with its byte-order mark.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Les okapis de la sécurité intérieure.\r\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    std::fs::write(corpus.join("unicode.txt"), &utf16).expect("write");
    // As some export tools write it: UTF-16 without a byte-order mark, either byte order.
    let (mut little, mut big) = (Vec::new(), Vec::new());
    for unit in "Des okapis à l\u{2019}œuvre, sans marque d'ordre.\n".encode_utf16() {
        little.extend(unit.to_le_bytes());
        big.extend(unit.to_be_bytes());
    }
    std::fs::write(corpus.join("sans-bom-le.txt"), &little).expect("write");
    std::fs::write(corpus.join("sans-bom-be.txt"), &big).expect("write");
    let page = "<html><head><meta charset=\"utf-8\"></head><body><p>Coopération policière</p>";
    let cut_at = page.find("é").map_or(0, |start| start + 1);
    std::fs::write(corpus.join("coupee.html"), &page.as_bytes()[..cut_at]).expect("write");

    let (code, report, stderr) = index_json(&corpus, &dir.path().join("index"));
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(report["added"], 3, "{report}");
    let mut found = hits_of(&dir.path().join("index"), "okapis");
    found.sort();
    assert_eq!(found, ["sans-bom-be.txt", "sans-bom-le.txt", "unicode.txt"]);
    let failure = &report["failures"][0];
    let reason = failure["reason"].as_str().unwrap_or_default();
    assert_eq!(
        failure["path"],
        serde_json::json!(corpus.join("coupee.html"))
    );
    assert!(
        reason.contains(&format!("offset {}", cut_at - 1))
            && reason.contains("truncated")
            && !reason.contains("WINDOWS-1252"),
        "{reason}"
    );
}
