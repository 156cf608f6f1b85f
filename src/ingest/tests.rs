//! Tests of the whole ingest path on the real corpus (`../shared/corpus`, or
//! `VIGIE_SHARED_CORPUS`) and on hostile files written to a temporary folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::*;

/// The shared corpus: beside the crate, or where `VIGIE_SHARED_CORPUS` says.
fn corpus_dir() -> PathBuf {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if beside.is_dir() {
        return beside;
    }
    let from_env = std::env::var_os("VIGIE_SHARED_CORPUS")
        .map(PathBuf::from)
        .filter(|path| path.is_dir());
    from_env.unwrap_or_else(|| {
        panic!("shared corpus not found: tried {beside:?} and $VIGIE_SHARED_CORPUS")
    })
}

fn read_corpus_file(name: &str) -> Document {
    let root = corpus_dir();
    let file = SourceFile {
        path: root.join(name),
        root,
        relative: name.to_string(),
    };
    let outcome = read_file(&file).unwrap_or_else(|error| panic!("{name}: {error}"));
    outcome
        .documents
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{name}: no document"))
}

fn collapse_lowercase(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> SourceFile {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap_or_else(|error| panic!("{error}"));
    file.write_all(bytes)
        .unwrap_or_else(|error| panic!("{error}"));
    SourceFile {
        root: dir.to_path_buf(),
        path,
        relative: name.to_string(),
    }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::TempDir::new().unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn whole_corpus_reads_without_errors_and_passages_are_sound() {
    let started = Instant::now();
    let Discovery { files, errors, .. } = discover(&[corpus_dir()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(files.len() >= 75, "only {} files", files.len());
    assert!(files
        .iter()
        .any(|file| file.relative == "other-languages/traite-de-prum-2005.nl.md"));
    let mut passage_count = 0usize;
    let mut total_chars = 0usize;
    let mut longest = 0usize;
    let mut bytes = 0u64;
    for file in &files {
        bytes += std::fs::metadata(&file.path).map_or(0, |metadata| metadata.len());
        let outcome = read_file(file).unwrap_or_else(|error| panic!("{error}"));
        assert!(outcome.line_errors.is_empty());
        for document in &outcome.documents {
            assert_eq!(document.id, file.relative);
            assert!(
                !document.title.trim().is_empty(),
                "{}: no title",
                document.id
            );
            assert!(!document.passages.is_empty(), "{}: no passage", document.id);
            for (ordinal, passage) in document.passages.iter().enumerate() {
                let chars = passage.text.chars().count();
                assert_eq!(passage.ordinal as usize, ordinal, "{}", document.id);
                assert!(
                    !passage.text.trim().is_empty(),
                    "{}: empty passage",
                    document.id
                );
                assert_eq!(passage.text, passage.text.trim(), "{}", document.id);
                assert!(chars <= MAX_PASSAGE_CHARS, "{}: {chars} chars", document.id);
                assert_eq!(
                    passage.text,
                    document.text[passage.byte_range.clone()],
                    "{}",
                    document.id
                );
                passage_count += 1;
                total_chars += chars;
                longest = longest.max(chars);
            }
        }
    }
    let elapsed = started.elapsed();
    println!(
        "corpus: {} files, {bytes} bytes, {passage_count} passages, mean {} chars, max {longest} chars, read in {elapsed:?}",
        files.len(),
        total_chars / passage_count.max(1),
    );
    assert!(passage_count > 3_000, "{passage_count} passages");
}

#[test]
fn every_dev_query_phrase_is_inside_one_passage() {
    let queries_path = corpus_dir().join("../eval/security-queries.dev.jsonl");
    let queries = std::fs::read_to_string(&queries_path)
        .unwrap_or_else(|error| panic!("{queries_path:?}: {error}"));
    let mut misses = Vec::new();
    let mut checked = 0;
    for line in queries.lines().filter(|line| !line.trim().is_empty()) {
        let query: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}"));
        let doc = query["doc"].as_str().unwrap_or_default();
        let phrase = collapse_lowercase(query["must_contain"].as_str().unwrap_or_default());
        let document = read_corpus_file(doc);
        let found = document
            .passages
            .iter()
            .any(|passage| collapse_lowercase(&passage.text).contains(&phrase));
        if !found {
            misses.push(format!("{doc}: {phrase}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 50);
    assert!(misses.is_empty(), "phrases split or lost: {misses:#?}");
}

#[test]
fn declaration_page_break_paragraph_is_one_passage() {
    let document = read_corpus_file("declaration-franco-belge-2018.fr.txt");
    assert_eq!(document.kind, DocumentKind::Text);
    assert_eq!(document.language, "fr");
    assert_eq!(document.date.as_deref(), Some("2018-05-29"));
    assert_eq!(document.source, "site Internet du Premier ministre");
    assert!(document.title.starts_with("À l'invitation de la France"));
    let joined = document.passages.iter().filter(|passage| {
        passage.text.contains("mettre en oeuvre cette coopération,")
            && passage
                .text
                .contains("dont la réorganisation des structures")
    });
    assert_eq!(joined.count(), 1);
    let items = document
        .passages
        .iter()
        .filter(|passage| passage.text.starts_with("De poursuivre"))
        .count();
    assert!(items >= 4, "{items} items");
    let hyphen_artefact = regex::Regex::new(r"\p{Ll}- \p{Ll}").expect("valid regex");
    for passage in &document.passages {
        assert!(!hyphen_artefact.is_match(&passage.text), "{}", passage.text);
        assert!(!passage.text.starts_with(' '));
        assert!(!passage.text.contains('\n'), "{}", passage.text);
    }
    assert!(document
        .passages
        .iter()
        .any(|passage| passage.text.contains("engagements pris à la conférence")));
}

#[test]
fn markdown_code_article_is_one_passage() {
    let document = read_corpus_file("fr-csi-L-livre2-titre1-ordre-public.md");
    assert_eq!(document.kind, DocumentKind::Markdown);
    assert!(document.title.starts_with("Code de la sécurité intérieure"));
    let article: Vec<&Passage> = document
        .passages
        .iter()
        .filter(|passage| passage.article.as_deref() == Some("L211-2"))
        .collect();
    assert_eq!(article.len(), 1);
    assert!(article[0]
        .text
        .starts_with("La déclaration est faite à la mairie"));
    assert!(article[0]
        .text
        .ends_with("en délivre immédiatement un récépissé."));
    assert_eq!(article[0].text.matches('\n').count(), 2);
    assert_eq!(
        article[0].heading.as_deref(),
        Some("Section 1 : Manifestations sur la voie publique")
    );
    let l232_1 =
        read_corpus_file("fr-csi-L-livre2-titre3-traitements-donnees-enquetes-administratives.md");
    let passages: Vec<&Passage> = l232_1
        .passages
        .iter()
        .filter(|passage| passage.article.as_deref() == Some("L232-1"))
        .collect();
    assert!(!passages.is_empty());
    assert!(passages
        .iter()
        .all(|passage| !passage.text.contains("####") && !passage.text.contains("**")));
}

#[test]
fn belgian_articles_and_front_matter() {
    let document = read_corpus_file("be-code-penal-1867-consolide.fr.md");
    assert_eq!(document.title, "CODE PENAL");
    assert_eq!(document.source, "JUSTICE");
    assert_eq!(document.date.as_deref(), Some("1867-06-08"));
    assert_eq!(document.language, "fr");
    assert!(document
        .url
        .as_deref()
        .is_some_and(|url| url.starts_with("http")));
    let article_5: Vec<&Passage> = document
        .passages
        .iter()
        .filter(|passage| passage.article.as_deref() == Some("5"))
        .collect();
    assert_eq!(article_5.len(), 1);
    assert!(article_5[0].text.contains("les sociétés momentanées"));
    assert!(document.passages.iter().any(|passage| passage
        .article
        .as_deref()
        .is_some_and(|label| label.ends_with("bis"))));
}

#[test]
fn character_references_in_markdown_are_read_as_characters() {
    // The CNIL guide spaces its signature lines with `&nbsp;`: `nbsp` was a searchable word.
    let document = read_corpus_file("cnil-guide-delegue-protection-donnees.fr.md");
    let signature = document
        .passages
        .iter()
        .find(|passage| passage.text.contains("Signature du DPO"))
        .expect("the signature line is a passage");
    assert!(!signature.text.contains("&nbsp;"), "{}", signature.text);
    assert!(document
        .passages
        .iter()
        .all(|passage| !passage.text.contains("&nbsp;")));
}

#[test]
fn assemblee_nationale_pages_are_published_by_it() {
    // Their `ORIGINE_DOCUMENT` names the chamber a bill was first tabled in (the Sénat for
    // ten of them), and one page states nothing at all.
    let mut pages = 0;
    for entry in std::fs::read_dir(corpus_dir()).expect("corpus readable") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !(name.starts_with("an-") && name.ends_with(".html")) {
            continue;
        }
        let document = read_corpus_file(&name);
        assert_eq!(document.source, "Assemblée nationale", "{name}");
        assert!(
            !document.title.starts_with("Assemblée nationale"),
            "{name}: {}",
            document.title
        );
        pages += 1;
    }
    assert!(pages >= 20, "{pages} pages");
}

#[test]
fn html_page_text_and_metadata() {
    let name = "an-dossier-legislatif-leg14-lutte-apologie-terrorisme-internet.fr.html";
    let document = read_corpus_file(name);
    assert_eq!(document.kind, DocumentKind::Html);
    assert_eq!(document.source, "Assemblée nationale");
    assert_eq!(
        document.title,
        "Police et sécurité : lutte contre l'apologie du terrorisme sur internet"
    );
    assert_eq!(document.date.as_deref(), Some("2014-06-12"));
    for chrome in [
        "Aller au contenu",
        "ouvre_popup",
        "jquery",
        "sf-menu",
        "Anciens députés",
    ] {
        assert!(!document.text.contains(chrome), "{chrome} in text");
    }
}

#[test]
fn languages_and_sources_fall_back_to_the_path() {
    let document = read_corpus_file("other-languages/traite-de-prum-2005.nl.md");
    assert_eq!(document.language, "nl");
    let english = read_corpus_file(
        "other-languages/edpb-guidelines-9-2022-personal-data-breach-notification.en.md",
    );
    assert_eq!(english.language, "en");
    assert_eq!(english.source, "other-languages");
    let guide = read_corpus_file("cnil-guide-delegue-protection-donnees.fr.md");
    assert_eq!(guide.source, "cnil-guide-delegue-protection-donnees.fr.md");
    assert!(!guide.text.contains("](#"), "table of contents kept");
}

#[test]
fn html_script_content_never_appears() {
    let dir = temp_dir();
    let file = write_file(
        dir.path(),
        "page.html",
        b"<html><body><p>Texte visible de la page web.</p><script>alert('SCRIPT_SECRET')</script><style>p{}</style><noscript>NOSCRIPT_SECRET</noscript></body></html>",
    );
    let outcome = read_file(&file).unwrap_or_else(|error| panic!("{error}"));
    let document = &outcome.documents[0];
    assert!(!document.text.contains("SCRIPT_SECRET"));
    assert!(!document.text.contains("p{}"));
    assert!(!document.text.contains("NOSCRIPT_SECRET"));
    assert_eq!(document.passages[0].text, "Texte visible de la page web.");
}

#[test]
fn bad_files_are_rejected_with_the_right_error() {
    let dir = temp_dir();
    let invalid = write_file(dir.path(), "latin1.txt", b"caf\xe9 au lait");
    assert!(matches!(
        read_file(&invalid),
        Err(IngestError::InvalidUtf8 { offset: 3, .. })
    ));
    let binary = write_file(dir.path(), "binary.txt", b"texte\0binaire");
    assert!(matches!(
        read_file(&binary),
        Err(IngestError::Binary { .. })
    ));
    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("blank.md", &b"  \n\r\n\t \n"[..]),
        ("bom.txt", &b"\xEF\xBB\xBF\n"[..]),
        ("empty.jsonl", &b"\n\n"[..]),
        ("tags.html", &b"<html><script>x()</script></html>"[..]),
    ] {
        let file = write_file(dir.path(), name, bytes);
        assert!(
            matches!(read_file(&file), Err(IngestError::Empty { .. })),
            "{name}"
        );
    }
    let bom = write_file(
        dir.path(),
        "bom2.txt",
        b"\xEF\xBB\xBFPremier paragraphe du texte ici.\r\n",
    );
    let outcome = read_file(&bom).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        outcome.documents[0].text,
        "Premier paragraphe du texte ici."
    );
}

#[test]
fn text_is_normalized_to_nfc_and_hash_tracks_bytes() {
    let dir = temp_dir();
    let decomposed = write_file(
        dir.path(),
        "nfd.txt",
        "Se\u{301}curite\u{301} inte\u{301}rieure des E\u{301}tats.".as_bytes(),
    );
    let outcome = read_file(&decomposed).unwrap_or_else(|error| panic!("{error}"));
    let document = &outcome.documents[0];
    assert_eq!(document.text, "Sécurité intérieure des États.");
    assert_eq!(
        document.content_hash,
        content_hash("Se\u{301}curite\u{301} inte\u{301}rieure des E\u{301}tats.".as_bytes())
    );
    assert_ne!(
        document.content_hash,
        blake3::hash(b"x").to_hex().to_string()
    );
    assert_eq!(document.content_hash.len(), 64);
}

#[test]
fn jsonl_bad_lines_are_reported_and_others_kept() {
    let dir = temp_dir();
    let lines = concat!(
        "{\"id\": \"a1\", \"title\": \"Code civil — Article 17-1\", \"code\": \"Code civil\", \"section\": \"Livre Ier\", \"text\": \"Premier alinéa.\\n\\nSecond alinéa.\"}\n",
        "\n",
        "{not json}\n",
        "{\"title\": \"sans id\", \"text\": \"x\"}\n",
        "{\"id\": 42, \"title\": \"Numéro\", \"text\": \"Un texte suffisant pour un passage.\", \"date\": \"29 mai 2018\", \"language\": \"fra\"}\n",
        "{\"id\": \"vide\", \"title\": \"t\", \"text\": \"   \"}\n",
        "{\"id\": \"sans-texte\", \"title\": \"t\"}\n",
    );
    let file = write_file(dir.path(), "docs.jsonl", lines.as_bytes());
    let outcome = read_file(&file).unwrap_or_else(|error| panic!("{error}"));
    let ids: Vec<&str> = outcome
        .documents
        .iter()
        .map(|document| document.id.as_str())
        .collect();
    assert_eq!(ids, vec!["a1", "42"]);
    let bad_lines: Vec<usize> = outcome
        .line_errors
        .iter()
        .map(|error| match error {
            IngestError::BadLine { line, .. } => *line,
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(bad_lines, vec![3, 4, 6, 7]);
    let first = &outcome.documents[0];
    assert_eq!(first.kind, DocumentKind::Jsonl);
    assert_eq!(first.source, "Code civil");
    assert_eq!(first.passages.len(), 1);
    assert_eq!(first.passages[0].text, "Premier alinéa.\nSecond alinéa.");
    assert_eq!(first.passages[0].article.as_deref(), Some("17-1"));
    assert_eq!(first.passages[0].heading.as_deref(), Some("Livre Ier"));
    let second = &outcome.documents[1];
    assert_eq!(second.date.as_deref(), Some("2018-05-29"));
    assert_eq!(second.language, "fr");
    assert_eq!(second.source, "docs.jsonl");
    assert_ne!(first.content_hash, second.content_hash);
}

#[test]
fn a_jsonl_id_repeated_in_the_file_is_reported_and_the_first_line_kept() {
    let dir = temp_dir();
    let lines = concat!(
        "{\"id\": \"a\", \"title\": \"Premier\", \"text\": \"Le premier texte.\"}\n",
        "{\"id\": \"b\", \"title\": \"Autre\", \"text\": \"Un autre texte.\"}\n",
        "{\"id\": \"a\", \"title\": \"Second\", \"text\": \"Le second texte.\"}\n",
    );
    let file = write_file(dir.path(), "ids.jsonl", lines.as_bytes());
    let outcome = read_file(&file).unwrap_or_else(|error| panic!("{error}"));
    let read: Vec<(&str, &str)> = outcome
        .documents
        .iter()
        .map(|document| (document.id.as_str(), document.title.as_str()))
        .collect();
    assert_eq!(read, vec![("a", "Premier"), ("b", "Autre")]);
    assert_eq!(outcome.line_errors.len(), 1);
    let message = outcome.line_errors[0].to_string();
    assert!(
        message.ends_with("ids.jsonl:3: document \"a\" is already given by line 1"),
        "{message}"
    );
}

#[test]
fn discover_filters_sorts_and_reports() {
    let dir = temp_dir();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sous/dossier")).unwrap_or_else(|error| panic!("{error}"));
    std::fs::create_dir_all(root.join(".cache")).unwrap_or_else(|error| panic!("{error}"));
    for name in [
        "b.TXT",
        "a.md",
        "sous/dossier/c.html",
        "sous/d.jsonl",
        "image.png",
        ".hidden.md",
        ".cache/e.md",
        "f.markdown",
        "g.htm",
    ] {
        write_file(root, name, b"Texte.");
    }
    let Discovery {
        files,
        errors,
        other_files,
    } = discover(&[root.to_path_buf()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        other_files,
        vec![root.join("image.png")],
        "hidden files are not listed"
    );
    let relatives: Vec<&str> = files.iter().map(|file| file.relative.as_str()).collect();
    assert_eq!(
        relatives,
        vec![
            "a.md",
            "b.TXT",
            "f.markdown",
            "g.htm",
            "sous/d.jsonl",
            "sous/dossier/c.html"
        ]
    );
    assert!(files.iter().all(|file| file.root == root));

    let Discovery {
        files: single,
        errors,
        ..
    } = discover(&[root.join("sous/d.jsonl")]);
    assert!(errors.is_empty());
    assert_eq!(single[0].relative, "d.jsonl");
    assert_eq!(single[0].root, root.join("sous"));

    let Discovery {
        files: none,
        errors,
        other_files,
    } = discover(&[root.join("image.png"), root.join("missing")]);
    assert!(
        other_files.is_empty(),
        "a file given by name is an error, not left aside"
    );
    assert!(none.is_empty());
    assert!(matches!(errors[0], IngestError::Unsupported { .. }));
    assert!(matches!(errors[1], IngestError::Io { .. }));
}

#[test]
fn an_index_kept_inside_the_folder_indexed_is_not_walked() {
    let dir = temp_dir();
    let root = dir.path();
    write_file(root, "doc.md", b"Texte.");
    std::fs::create_dir_all(root.join("idx")).unwrap_or_else(|error| panic!("{error}"));
    write_file(root, "idx/vigie-index.json", b"{}");
    write_file(root, "idx/meta.json", b"{}");
    write_file(root, "idx/notes.md", b"Pas un document.");
    let Discovery {
        files, other_files, ..
    } = discover(&[root.to_path_buf()]);
    let relatives: Vec<&str> = files.iter().map(|file| file.relative.as_str()).collect();
    assert_eq!(relatives, ["doc.md"]);
    assert!(other_files.is_empty(), "{other_files:?}");
}

#[cfg(unix)]
#[test]
fn discover_survives_a_symlink_loop() {
    let dir = temp_dir();
    let root = dir.path();
    std::fs::create_dir_all(root.join("a")).unwrap_or_else(|error| panic!("{error}"));
    write_file(root, "a/doc.md", b"Texte.");
    std::os::unix::fs::symlink(root, root.join("a/loop")).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(discover(&[root.to_path_buf()]).files.len(), 1);
}

/// Ingests the scale file when present: `cargo test --release --lib scale -- --ignored --nocapture`.
#[test]
#[ignore = "reads 72 MB; run on demand"]
fn scale_jsonl_throughput() {
    let gz = corpus_dir().join("../scale/codes-en-vigueur.jsonl.gz");
    let dir = temp_dir();
    let output = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(&gz)
        .output()
        .unwrap_or_else(|error| panic!("{error}"));
    let file = write_file(dir.path(), "codes.jsonl", &output.stdout);
    let started = Instant::now();
    let outcome = read_file(&file).unwrap_or_else(|error| panic!("{error}"));
    let elapsed = started.elapsed();
    let passages: usize = outcome
        .documents
        .iter()
        .map(|document| document.passages.len())
        .sum();
    let megabytes = output.stdout.len() as f64 / 1e6;
    println!(
        "scale: {} documents, {passages} passages, {} bad lines, {megabytes:.1} MB in {elapsed:?} = {:.0} MB/s",
        outcome.documents.len(),
        outcome.line_errors.len(),
        megabytes / elapsed.as_secs_f64()
    );
    assert_eq!(outcome.documents.len(), 90_078);
    assert!(outcome.line_errors.is_empty());
}

#[test]
fn stray_control_characters_are_spaces_and_breaks_are_kept() {
    let text = "En\u{7}matière\u{0}d’authentification\u{85}sur\r\nle lieu\u{c}de\ttravail";
    assert_eq!(
        clean_text(text),
        "En matière d’authentification sur\nle lieu\u{c}de\ttravail"
    );
    assert!(matches!(clean_text("Déjà propre.\n"), Cow::Borrowed(_)));
}

/// The shared corpus's text and Markdown files as JSON lines (`id`, `title`, `text`),
/// `\r\n`-ended.
fn corpus_as_json_lines() -> Vec<Vec<u8>> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap_or_else(|error| panic!("{error}"))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt") || name.ends_with(".md"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(corpus_dir().join(name))
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            let line = serde_json::json!({"id": name, "title": name, "text": text});
            format!("{line}\r\n").into_bytes()
        })
        .collect()
}

/// Reads `file` through [`read_file_each`]: its documents, the bytes read as each was handed
/// over, and its bad lines.
fn read_streamed(file: &SourceFile) -> (Vec<Document>, Vec<u64>, Vec<IngestError>) {
    let mut documents = Vec::new();
    let mut reads = Vec::new();
    let line_errors = read_file_each(file, &mut |document, read| {
        documents.push(document);
        reads.push(read);
        true
    })
    .unwrap_or_else(|error| panic!("{error}"));
    (documents, reads, line_errors)
}

#[test]
fn a_json_lines_file_is_read_line_by_line_and_a_broken_line_alone_is_skipped() {
    let dir = temp_dir();
    let lines = corpus_as_json_lines();
    assert!(lines.len() >= 20, "{} corpus files", lines.len());
    // One line, far past the head, with a Windows-1252 `é`.
    let broken = 15;
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    for (index, line) in lines.iter().enumerate() {
        if index == broken {
            bytes.extend_from_slice(b"{\"id\": \"latin1\", \"text\": \"s\xe9curit\xe9\"}\n");
        }
        bytes.extend_from_slice(line);
    }
    assert!(bytes.len() > 20 * 65_536, "{} bytes", bytes.len());
    let file = write_file(dir.path(), "corpus.jsonl", &bytes);
    let (documents, reads, line_errors) = read_streamed(&file);

    // Every good line is a document, as the whole-file reader makes it.
    let mut expected = Vec::new();
    let clean: Vec<u8> = lines.concat();
    let decoded = std::str::from_utf8(&clean).unwrap_or_else(|error| panic!("{error}"));
    jsonl_file::read_text(&file, decoded, None, &mut |document| {
        expected.push(document);
        true
    });
    assert_eq!(documents.len(), lines.len());
    assert!(documents == expected, "streamed documents differ");

    // Handed over as read: the first long before the end, the last at it.
    assert!(reads.windows(2).all(|pair| pair[0] < pair[1]), "{reads:?}");
    assert!(reads[0] < bytes.len() as u64 / 10, "{reads:?}");
    assert_eq!(reads.last().copied(), Some(bytes.len() as u64));

    // The broken line is reported with its number and what to do.
    assert_eq!(line_errors.len(), 1, "{line_errors:?}");
    let message = line_errors[0].to_string();
    assert_eq!(line_errors[0].location().1, Some(broken + 1), "{message}");
    assert!(
        message.contains("UTF-8") && message.contains("iconv"),
        "{message}"
    );
}

#[test]
fn a_json_lines_file_not_utf8_from_its_head_is_refused_or_read_whole() {
    let dir = temp_dir();
    // Windows-1252 from the first line: the file's error, as for any text file.
    let latin1 = write_file(
        dir.path(),
        "latin1.jsonl",
        b"{\"id\": 1, \"text\": \"s\xe9curit\xe9\"}\n",
    );
    assert!(matches!(
        read_file(&latin1),
        Err(IngestError::InvalidUtf8 { offset: 20, .. })
    ));
    let binary = write_file(dir.path(), "binary.jsonl", b"{\"id\": 1}\0\x01\x02");
    assert!(matches!(
        read_file(&binary),
        Err(IngestError::Binary { .. })
    ));
    // UTF-16 with its byte-order mark is read whole.
    let line = "{\"id\": \"a\", \"text\": \"Coopération policière franco-belge.\"}\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in line.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let file = write_file(dir.path(), "utf16.jsonl", &utf16);
    let (documents, reads, line_errors) = read_streamed(&file);
    assert!(line_errors.is_empty(), "{line_errors:?}");
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].text, "Coopération policière franco-belge.");
    assert_eq!(reads, vec![utf16.len() as u64]);
}

#[test]
fn a_json_line_longer_than_the_limit_is_reported_and_the_next_lines_read() {
    let dir = temp_dir();
    let long = format!(
        "{{\"id\": \"long\", \"text\": \"{}\"}}\n",
        "coopération ".repeat(500)
    );
    let bytes = format!(
        "{{\"id\": \"a\", \"text\": \"Avant.\"}}\n{long}{{\"id\": \"b\", \"text\": \"Après.\"}}\n"
    );
    let file = write_file(dir.path(), "long.jsonl", bytes.as_bytes());
    let mut ids = Vec::new();
    let line_errors = jsonl_file::read(&file, 4096, &mut |document, _| {
        ids.push(document.id);
        true
    })
    .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(line_errors.len(), 1, "{line_errors:?}");
    assert_eq!(line_errors[0].location().1, Some(2));
    let message = line_errors[0].to_string();
    assert!(message.contains("longer than 4096 bytes"), "{message}");
}
