//! Ranking cases on the real corpus: dev-set queries and the README's examples must find
//! their passage near the top, so a later change cannot silently lower quality.

use crate::support::{corpus_index, shared_eval};
use vigie::eval::{data, evaluate_passage_hits, evaluate_qrels};
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::VigieIndex;
use vigie::search::{Engine, SearchRequest, SearchResults, SearchSettings};

/// Dev-set queries whose answering passage must be found, with the worst rank allowed: found
/// first today → within 3; second → within 5; lower → within 10. Not pinned: the four the
/// engine misses (q005, q008, q018, q049; for q049, passages of the regulatory part on
/// the same authorisation rank above the judged legislative article). q040's passage ties
/// with its neighbours (they match only through the same headings): its rank holds only
/// because ties are broken by a stable key, not by segment layout or by the last bits of a
/// score summed in another order.
const PINNED: &[(&str, usize)] = &[
    ("q001", 3),
    ("q002", 3),
    ("q003", 3),
    ("q004", 3),
    ("q006", 10),
    ("q007", 3),
    ("q009", 3),
    ("q010", 3),
    ("q011", 3),
    ("q012", 5),
    ("q013", 3),
    ("q014", 10),
    ("q015", 3),
    ("q016", 3),
    ("q017", 3),
    ("q019", 3),
    ("q020", 3),
    ("q021", 3),
    ("q022", 5),
    ("q023", 3),
    ("q024", 3),
    ("q025", 3),
    ("q026", 3),
    ("q027", 3),
    ("q028", 3),
    ("q029", 5),
    ("q030", 3),
    ("q031", 10),
    ("q032", 3),
    ("q033", 3),
    ("q034", 3),
    ("q035", 3),
    ("q036", 3),
    ("q037", 3),
    ("q038", 3),
    ("q039", 3),
    ("q040", 10),
    ("q041", 3),
    ("q042", 3),
    ("q043", 3),
    ("q044", 5),
    ("q045", 3),
    ("q046", 3),
    ("q047", 10),
    ("q048", 3),
    ("q050", 3),
];

/// The first page of `query` on the shared corpus, with the default settings.
fn search(query: &str) -> SearchResults {
    corpus_index()
        .engine
        .search(&SearchRequest::new(query.to_string()))
        .expect("search runs")
}

#[test]
fn pinned_dev_queries_find_their_passage() {
    // The same runs and hit rule as `vigie eval` on the dev set.
    let queries = data::read_passage_queries(&shared_eval().join("security-queries.dev.jsonl"))
        .expect("dev queries readable");
    assert_eq!(queries.len(), 50);
    let report = evaluate_passage_hits(&corpus_index().engine, &queries, &|| {}).expect("runs");
    let mut failures = Vec::new();
    for (id, max_rank) in PINNED {
        let query = report
            .ranks
            .iter()
            .find(|query| query.id == *id)
            .expect("pinned id exists");
        match query.rank {
            Some(rank) if rank <= *max_rank => {}
            found => failures.push(format!(
                "{id} ({}, {:?}) expected within rank {max_rank}, got {found:?}",
                query.kind, query.query
            )),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn piaf_quality_stays_at_its_measured_level() {
    // The whole PIAF set, as `vigie eval ../shared/eval/piaf` runs it: 7,569 questions, top
    // 100, one passage per document, the related passages completing a list the matches do
    // not fill. Measured: nDCG@10 0.8098, MRR@10 0.7800, Recall@100 0.9625 (0.9589 without
    // the related passages); the floors leave room for rounding only, not for a lost point.
    let set = shared_eval().join("piaf");
    let dir = tempfile::tempdir().expect("temporary folder");
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index opens");
    sync_paths(
        &index,
        &[set.join("corpus.jsonl")],
        &SyncOptions::default(),
        &NoProgress,
    )
    .expect("PIAF corpus indexes");
    let engine = Engine::new(index, SearchSettings::default());
    let queries = data::read_queries(&set.join("queries.jsonl")).expect("queries readable");
    let qrels = data::read_qrels(&set.join("qrels.tsv")).expect("qrels readable");
    let report = evaluate_qrels(&engine, &queries, &qrels, None, &|| {}).expect("runs");
    assert_eq!(report.queries, 7_569);
    assert!(report.ndcg_at_10 >= 0.805, "{report:?}");
    assert!(report.mrr_at_10 >= 0.776, "{report:?}");
    assert!(report.recall_at_100 >= 0.960, "{report:?}");
}

#[test]
fn a_word_found_nowhere_is_searched_through_its_synonyms_at_full_weight() {
    // `cyberattaque` is in the synonym list (`attaque informatique`), not in these files.
    let (_dir, engine, _) = crate::support::index_of_files(&[
        (
            "defense.txt",
            "Les services de l'État peuvent répondre à une attaque informatique qui vise les \
             systèmes d'information de la Nation."
                .as_bytes(),
        ),
        (
            "autre.txt",
            "Une attaque a visé le poste. Le service informatique a été prévenu.".as_bytes(),
        ),
    ]);
    let best_score = |query: &str| {
        let results = engine
            .search(&SearchRequest::new(query.to_string()))
            .expect("search runs");
        let best = results.hits.first().expect("a hit");
        assert_eq!(best.doc_id, "defense.txt", "{query}");
        best.score
    };
    let through_synonym = best_score("cyberattaque");
    let as_typed = best_score("\"attaque informatique\"");
    assert!(
        (through_synonym - as_typed).abs() <= as_typed * 1e-4,
        "synonym {through_synonym}, phrase typed {as_typed}"
    );
}

#[test]
fn a_partial_match_holding_more_of_the_query_ranks_above_one_repeating_a_word() {
    // Neither passage holds all three words: one repeats one of them, the other holds two.
    let repeats_one = "Le sémaphore du port, un vieux sémaphore, signale au sémaphore voisin ce \
                       que voit le sémaphore.";
    let holds_two = "Les agents de liaison échangent, depuis la gabarre amarrée près du cormoran \
                     de bronze, les signalements utiles aux enquêtes sur les faux documents, les \
                     véhicules volés, les armes perdues, les personnes disparues, les témoins \
                     recherchés, les objets d'art dérobés et les titres de séjour falsifiés que \
                     les services des États membres découvrent chaque jour lors des contrôles \
                     et des enquêtes menées sur leur territoire.";
    let mut files = vec![
        ("repeats-one.txt", repeats_one.as_bytes()),
        ("holds-two.txt", holds_two.as_bytes()),
    ];
    let fillers: Vec<String> = (1..=6)
        .map(|number| {
            format!("Une note brève, la numéro {number}, sur les services et leurs enquêtes.")
        })
        .collect();
    let filler_names: Vec<String> = (1..=6).map(|number| format!("note-{number}.txt")).collect();
    for (name, text) in filler_names.iter().zip(&fillers) {
        files.push((name.as_str(), text.as_bytes()));
    }
    let (dir, with_coverage, _) = crate::support::index_of_files(&files);
    let index = VigieIndex::open_existing(&dir.path().join("index")).expect("index opens");
    let mut settings = SearchSettings::default();
    settings.weights.coverage_boost = 0.0;
    let without_coverage = Engine::new(index, settings);
    let order = |engine: &Engine| -> Vec<String> {
        engine
            .search(&SearchRequest::new(
                "sémaphore gabarre cormoran".to_string(),
            ))
            .expect("search runs")
            .hits
            .into_iter()
            .map(|hit| hit.doc_id)
            .collect()
    };
    // BM25 alone prefers the repeated word; the coverage bonus, the passage holding more.
    assert_eq!(
        order(&without_coverage),
        ["repeats-one.txt", "holds-two.txt"]
    );
    assert_eq!(order(&with_coverage), ["holds-two.txt", "repeats-one.txt"]);
}

#[test]
fn a_typed_article_reference_ranks_the_article_above_passages_citing_it() {
    let engine = &corpus_index().engine;
    let hits = |query: &str| {
        engine
            .search(&SearchRequest {
                limit: 20,
                ..SearchRequest::new(query.to_string())
            })
            .expect("search runs")
            .hits
    };
    // Article 421-1 of the code pénal (two passages) first, although a code de procédure
    // pénale article citing `421-1 … du code pénal` holds every word in its text.
    let found = hits("421-1 code pénal");
    let first = &found[0];
    assert_eq!(first.article.as_deref(), Some("421-1"), "{first:?}");
    assert!(first.doc_id.starts_with("fr-code-penal-"), "{first:?}");
    let citing = found
        .iter()
        .position(|hit| hit.article.as_deref() == Some("706-55"))
        .expect("the citing article is found too");
    let named = found
        .iter()
        .rposition(|hit| {
            hit.article
                .as_deref()
                .is_some_and(|article| article.ends_with("421-1"))
        })
        .expect("the article is found");
    assert!(named < citing, "{found:#?}");
    // A number after `article` names one too; a number alone names nothing.
    let found = hits("article 100 code de procédure pénale interceptions");
    assert_eq!(found[0].article.as_deref(), Some("100"), "{:?}", found[0]);
    assert!(found[0].doc_id.starts_with("fr-cpp-"), "{:?}", found[0]);
    let found = hits("couvre-feu des mineurs de moins de 13 ans");
    assert_ne!(found[0].article.as_deref(), Some("13"), "{:?}", found[0]);
    // Articles named as alternatives are each looked up: without the lookup, article 100-1
    // (which cites article 100) and others on interceptions came first.
    let found = hits("article 100 OR 101 interceptions");
    let first = found[0].article.as_deref();
    assert!(matches!(first, Some("100" | "101")), "{:?}", found[0]);
    assert!(found[0].doc_id.starts_with("fr-cpp-"), "{:?}", found[0]);
}

#[test]
fn a_named_article_holding_nothing_else_of_the_query_is_not_lifted() {
    // The corpus holds no article 35 of the RGPD; the articles 35 it holds (Belgian penal
    // code, code d'instruction criminelle, loi informatique et libertés) hold none of `RGPD`,
    // `analyse` or `impact`: they are not the article meant, and must not rank above the
    // passages on impact assessments.
    let results = search("RGPD article 35 analyse d'impact");
    let first_three = &results.hits[..3];
    assert!(
        first_three
            .iter()
            .all(|hit| hit.article.as_deref() != Some("35")),
        "{first_three:#?}"
    );
    assert!(
        first_three
            .iter()
            .any(|hit| hit.text.contains("analyse d'impact")),
        "{first_three:#?}"
    );
    // Alone, the reference still finds its articles first.
    let results = search("article 35");
    assert_eq!(results.hits[0].article.as_deref(), Some("35"));
}

#[test]
fn an_act_named_by_its_number_opens_with_that_act() {
    // The laws applying the RGPD cite `2016/679` in many articles; the regulation names its
    // own number once, in its opening. Typed alone or with its kind, the number is a lookup.
    const RGPD: &str = "eu-2016-679-rgpd-extrait.fr.md";
    // Typed with its series after it (`2016/679/UE`, as older acts are written), it found
    // nothing: the texts write `(UE) 2016/679`.
    for query in [
        "2016/679",
        "(UE) 2016/679",
        "règlement 2016/679",
        "RGPD 2016/679",
        "2016/679/UE",
    ] {
        let results = search(query);
        let first = &results.hits[0];
        assert_eq!((first.doc_id.as_str(), first.passage), (RGPD, 0), "{query}");
        assert!(
            first.highlight.contains("<mark>2016/679</mark>"),
            "{query}: {first:?}"
        );
        // The texts citing it follow.
        assert!(
            results.hits[1..].iter().any(|hit| hit.doc_id != RGPD),
            "{query}: {:#?}",
            results.hits
        );
    }
    // Its articles never cite their own act: they are found through its number all the same.
    let results = search("2016/679 article 17");
    let first = &results.hits[0];
    assert_eq!(
        (first.doc_id.as_str(), first.article.as_deref()),
        (RGPD, Some("17"))
    );
    // Recital 65 names the right (`un « droit à l'oubli »`), article 17 grants it
    // (`l'effacement`): the regulation's passages come first, the article among them.
    let results = search("2016/679 droit à l'oubli");
    assert_eq!(results.hits[0].doc_id, RGPD, "{:#?}", results.hits[0]);
    assert!(
        results.hits[..3]
            .iter()
            .any(|hit| hit.doc_id == RGPD && hit.article.as_deref() == Some("17")),
        "{:#?}",
        &results.hits[..3]
    );
    // An opening that holds nothing else of the query is not lifted.
    let results = search("2016/679 analyse d'impact");
    assert!(
        results.hits[0].highlight.contains("<mark>analyse</mark>"),
        "{:#?}",
        results.hits[0]
    );
}

#[test]
fn nouns_in_er_are_not_taken_for_infinitives() {
    // The PNR texts speak of `passagers`; `point de passage` is another thing. Likewise
    // `données` (data) and `donner`, `étrangers` and `étrange`.
    // Every word marked is a form of the one typed.
    for (query, forms) in [
        ("passage", &["passage", "passages"][..]),
        (
            "passagers",
            &["passager", "passagers", "passagère", "passagères"],
        ),
        ("données", &["donnée", "données"]),
        (
            "étrangers",
            &["étranger", "étrangers", "étrangère", "étrangères"],
        ),
    ] {
        let results = search(query);
        assert!(results.total > 0, "{query}");
        let marks: Vec<String> = results
            .hits
            .iter()
            .flat_map(|hit| hit.highlight.split("<mark>").skip(1))
            .map(|marked| {
                marked
                    .split("</mark>")
                    .next()
                    .unwrap_or_default()
                    .to_lowercase()
            })
            .collect();
        assert!(!marks.is_empty(), "{query}");
        for mark in &marks {
            assert!(
                forms.contains(&mark.as_str()),
                "{query}: {mark} in {marks:?}"
            );
        }
    }
}

#[test]
fn an_acronym_spelt_like_a_stop_word_is_found() {
    // `CE` is the stop word `ce` in lower case; in capitals it names the Community's acts.
    let results = search("directive 95/46/CE");
    let first = &results.hits[0];
    assert!(first.text.contains("95/46/CE"), "{first:?}");
    assert!(first.highlight.contains("<mark>CE</mark>"), "{first:?}");
    let results = search("CE");
    assert!(results.total > 0);
    assert!(
        results.hits.iter().all(|hit| hit.text.contains("CE")),
        "{:#?}",
        results.hits
    );
    // So is a weapon category's letter after a word (`a`, `c`, `d` alone are stop words).
    let results = search("armes de catégorie C");
    let first = &results.hits[0];
    assert!(first.text.contains("catégorie C"), "{first:?}");
    assert!(first.highlight.contains("<mark>C</mark>"), "{first:?}");
}

#[test]
fn a_partial_match_holding_two_query_words_together_ranks_above_one_holding_them_apart() {
    // No passage holds all three words. An article of the code de la défense holds `légitime`
    // in its text (`sans motif légitime`) and `défense` only in its document's title; the
    // passages holding `légitime défense` together must come before it.
    let results = search("légitime défense policier");
    let first = &results.hits[0];
    assert!(first.text.contains("légitime défense"), "{first:?}");
    let apart = results
        .hits
        .iter()
        .position(|hit| hit.article.as_deref() == Some("L2353-10"))
        .expect("the article holding the words apart is found");
    let together = results
        .hits
        .iter()
        .position(|hit| hit.text.contains("légitime défense"))
        .expect("a passage holding the words together is found");
    assert!(together < apart, "{:#?}", results.hits);
}

#[test]
fn a_compound_typed_in_two_parts_finds_the_word_the_texts_write_whole() {
    // The code de la sécurité intérieure writes `vidéoprotection` (about 200 times); one
    // text writes `vidéo-protection`. Typed with a hyphen or a space, the word is found.
    let whole = search("vidéoprotection");
    for typed in ["vidéo-protection", "vidéo protection"] {
        let results = search(typed);
        assert!(
            results.total > whole.total / 2,
            "{typed}: {} of {}",
            results.total,
            whole.total
        );
        let first = &results.hits[0];
        assert!(
            first.highlight.contains("<mark>vidéoprotection</mark>"),
            "{typed}: {first:?}"
        );
    }
}

/// The passages of `results`, in order.
fn passages(results: &SearchResults) -> Vec<(String, u32)> {
    results
        .hits
        .iter()
        .map(|hit| (hit.doc_id.clone(), hit.passage))
        .collect()
}

#[test]
fn a_word_typed_with_a_hyphen_is_the_word_written_whole_with_its_synonyms() {
    // The synonym list knows `cyberattaque` (`attaque informatique`…), which the corpus never
    // writes, with or without a hyphen: typed `cyber-attaque`, it found nothing.
    let whole = search("cyberattaque");
    assert!(whole.total > 0, "{whole:?}");
    let hyphenated = search("cyber-attaque");
    assert_eq!(hyphenated.total, whole.total);
    assert_eq!(passages(&hyphenated), passages(&whole));
}

#[test]
fn a_word_typed_with_a_hyphen_that_no_text_holds_is_searched_as_its_parts() {
    // No text writes `cyber-sécurité`, nor `cybersécurité`: it found nothing. Its parts are
    // now searched apart, as if typed with a space.
    let hyphenated = search("cyber-sécurité");
    let apart = search("cyber sécurité");
    assert!(hyphenated.total > 0, "{hyphenated:?}");
    assert_eq!(hyphenated.total, apart.total);
    assert_eq!(passages(&hyphenated), passages(&apart));
    // The response says what was searched, as for a corrected word.
    assert_eq!(
        hyphenated.corrected_query.as_deref(),
        Some("cyber sécurité"),
        "{hyphenated:?}"
    );
    assert_eq!(apart.corrected_query, None);
    let first = &hyphenated.hits[0];
    for part in ["cyber", "sécurité"] {
        assert!(
            first
                .highlight
                .to_lowercase()
                .contains(&format!("<mark>{part}")),
            "{part}: {first:?}"
        );
    }
    // A compound the texts hold keeps its meaning: the curfew, not `couvre` and `feu` apart.
    let curfew = search("couvre-feu");
    assert!(curfew.total > 0, "{curfew:?}");
    assert!(curfew.total < search("couvre feu").total, "{curfew:?}");
    assert_eq!(curfew.corrected_query, None);
}

#[test]
fn a_word_written_with_an_accent_its_stop_word_lacks_is_searched() {
    // `sûr` folds to `sur`, `dû` to `du`: they were dropped as those stop words, and `pays
    // d'origine sûr` ranked first an article on some other country of origin.
    for word in ["sûr", "dû"] {
        let results = search(word);
        assert!(results.total > 0, "{word}: {results:?}");
        // In the passage, the sentence introducing its list (`un algorithme reconnu et sûr,
        // par exemple, …`) or its headings (`Des atteintes au respect dû à la justice`).
        let writes = |hit: &vigie::search::Hit| {
            let lead_in = hit.lead_in.as_deref().unwrap_or_default();
            let section = hit.section.as_deref().unwrap_or_default();
            format!("{lead_in} {section} {}", hit.text)
                .to_lowercase()
                .contains(word)
        };
        assert!(results.hits.iter().all(writes), "{word}: {results:?}");
    }
    let safe = search("pays d'origine sûr");
    assert_eq!(safe.hits[0].article.as_deref(), Some("L741-4"), "{safe:?}");
    assert!(safe.hits[0].text.contains("pays d'origine sûr"), "{safe:?}");
}

#[test]
fn a_quoted_phrase_that_no_text_holds_is_searched_as_its_words() {
    // No text writes `police des polices`: quoted, it found nothing. Its words are searched
    // as if typed without quotes, and the response says so.
    let quoted = search("« police des polices »");
    let plain = search("police des polices");
    assert!(quoted.total > 0, "{quoted:?}");
    assert_eq!(quoted.total, plain.total);
    assert_eq!(passages(&quoted), passages(&plain));
    assert_eq!(
        quoted.corrected_query.as_deref(),
        Some("police des polices"),
        "{quoted:?}"
    );
    // Only the phrase found nowhere loses its quotes; the rest of the query stays as typed.
    let mixed = search("Schengen \"coopération policière franco-espagnole\"");
    assert!(mixed.total > 0, "{mixed:?}");
    assert_eq!(
        mixed.corrected_query.as_deref(),
        Some("Schengen coopération policière franco-espagnole")
    );
    // A phrase some text holds stays a phrase, a typo in it corrected rather than loosened.
    let held = search("\"équipes communes d'enquête\"");
    assert_eq!(held.corrected_query, None);
    assert!(held.total > 0 && held.total < plain.total, "{held:?}");
    let misspelt = search("\"coopératon policière\"");
    assert_eq!(
        misspelt.corrected_query.as_deref(),
        Some("\"coopération policière\"")
    );
    assert_eq!(misspelt.total, search("\"coopération policière\"").total);
}

#[test]
fn a_name_typed_in_full_ranks_the_passages_writing_it_first() {
    // The synonym list knows these names (`CJUE`, `SIS II`): their words, typed in full, are
    // one group, held by a passage holding them anywhere (`SIS` in its text, `II` in its
    // headings). The phrase bonus, placing the words as typed, used to expect them one after
    // the other, which `de`, `de` and `l'` between them never are: the five passages writing
    // the court's name came 53rd to 97th, and the one writing `SIS II` 8th.
    let holds = |hit: &vigie::search::Hit, name: &str| hit.text.contains(name);
    let court = "Cour de justice de l'Union européenne";
    // Typed with a typo too: the corrected word takes the typo's place.
    for typed in [court, "Cour de justise de l'Union européenne"] {
        let results = search(typed);
        let writing = results.hits[..4]
            .iter()
            .filter(|hit| holds(hit, court))
            .count();
        assert!(writing >= 3, "{typed}: {:#?}", results.hits);
    }
    let sis = search("SIS II");
    assert!(holds(&sis.hits[0], "SIS II"), "{:#?}", sis.hits);
}

#[test]
fn two_words_typed_with_stop_words_between_rank_the_passages_writing_them_first() {
    // Two words typed with `de la` or `de l'` between them name one thing. They earned only
    // the proximity bonus of two words typed side by side, which passages holding them
    // within four places also get: article 220 of the code de procédure pénale, on the
    // `président` of the chambre de l'instruction and the `procureur de la République`,
    // came first, and two passages on the `droits des femmes` and equality between `hommes`
    // and women took 3rd and 5th.
    let writes = |text: &str, name: &str| {
        text.to_lowercase()
            .replace('’', "'")
            .contains(&name.to_lowercase())
    };
    for (typed, written) in [
        ("Président de la République", "président de la république"),
        ("droits de l'homme", "droits de l'homme"),
    ] {
        let results = search(typed);
        let first_five = &results.hits[..5];
        assert!(
            first_five.iter().all(|hit| writes(&hit.text, written)),
            "{typed}: {first_five:#?}"
        );
    }
}

#[test]
fn a_hyphenated_word_whose_first_part_no_text_holds_is_searched_as_its_parts() {
    // `anti` and `cyber` are in no passage here: the word written whole then stands in for
    // the word typed (the index holds it nowhere), which left the split undone: 0 results.
    let text = "Plan national\n\nLa lutte contre le terrorisme mobilise les services.\n";
    let (_dir, engine, _) = crate::support::index_of_files(&[("plan.txt", text.as_bytes())]);
    for (query, said) in [
        ("anti-terrorisme", "anti terrorisme"),
        ("cyber-terrorisme", "cyber terrorisme"),
    ] {
        let results = engine
            .search(&SearchRequest::new(query))
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(results.total, 1, "{query}: {results:?}");
        assert_eq!(results.corrected_query.as_deref(), Some(said));
    }
}

#[test]
fn a_word_whose_synonyms_no_text_holds_either_is_corrected() {
    // `djihadiste, jihadiste` is a line of the synonym list; the corpus writes neither, only
    // `djihadisme`. The synonym list used to keep the word from being corrected: 0 results.
    let results = search("djihadiste");
    assert_eq!(results.corrected_query.as_deref(), Some("djihadisme"));
    let first = results.hits.first().expect("a hit");
    assert!(
        first.highlight.contains("<mark>djihadisme</mark>"),
        "{first:?}"
    );
    // Among other words, the passage writing `djihadisme` is not on the page: the correction
    // is still said as the texts write the word, not as its indexed stem (`djihadism`).
    let among_others = corpus_index()
        .engine
        .search(&SearchRequest {
            limit: 3,
            ..SearchRequest::new("retrait du passeport djihadiste")
        })
        .expect("search runs");
    assert!(
        among_others
            .hits
            .iter()
            .all(|hit| !hit.text.contains("djihadisme")),
        "{among_others:?}"
    );
    assert_eq!(
        among_others.corrected_query.as_deref(),
        Some("retrait du passeport djihadisme")
    );
}

#[test]
fn a_code_named_in_the_query_is_held_by_its_own_articles() {
    // The code de procédure pénale's articles on garde à vue never name the code in their
    // text, only in their title; passages of other texts citing it by name hold every word
    // in their text. The code's own articles come first.
    let results = search("garde à vue code de procédure pénale");
    let first = &results.hits[0];
    assert!(
        first.title.starts_with("Code de procédure pénale"),
        "{first:?}"
    );
    assert!(!first.text.contains("procédure pénale"), "{first:?}");
}

#[test]
fn a_letter_naming_a_file_or_a_day_is_searched() {
    // `s` and `j` are elisions (`s'il`, `j'ai`) and stop words; `fiche S` and `jour J` name
    // something, and searching them must not come down to `fiche` and `jour`.
    let text = concat!(
        "Notes de service\n\n",
        "Une fiche d'information est remise au public.\n\n",
        "La personne fait l'objet d'une fiche S au fichier des personnes recherchées.\n\n",
        "Le jour de l'audience est fixé.\n\n",
        "Le jour J, le dispositif est déployé.\n",
    );
    let (_dir, engine, _) = crate::support::index_of_files(&[("fiches.txt", text.as_bytes())]);
    for (query, expected, letter) in [
        ("fiche S", "fiche S au fichier", "S"),
        ("jour J", "Le jour J", "J"),
    ] {
        let results = engine
            .search(&SearchRequest::new(query))
            .unwrap_or_else(|error| panic!("{error}"));
        let first = &results.hits[0];
        assert!(
            first.text.contains(expected),
            "{query}: {:#?}",
            results.hits
        );
        assert!(
            first.highlight.contains(&format!("<mark>{letter}</mark>")),
            "{query}: {first:?}"
        );
    }
}

#[test]
fn the_word_article_before_a_reference_finds_only_that_reference() {
    // `article` before a reference says what follows is an article number; searched as a
    // word it matched every passage citing any article (`article L. 851-2`, which the texts
    // do not hold, found 3,874 passages holding `article`).
    for (with_word, reference) in [
        ("article L. 851-2", "L. 851-2"),
        ("art. 706-73", "706-73"),
        ("article 706-73", "706-73"),
        ("article R. 613-3", "R. 613-3"),
    ] {
        let with_word = search(with_word);
        let alone = search(reference);
        assert_eq!(with_word.total, alone.total, "{reference}");
        let first = |results: &SearchResults| {
            results
                .hits
                .first()
                .map(|hit| (hit.doc_id.clone(), hit.passage))
        };
        assert_eq!(first(&with_word), first(&alone), "{reference}");
    }
    assert_eq!(search("article L. 851-2").total, 0);
}

#[test]
fn a_typo_in_a_quoted_phrase_is_corrected_and_said_as_typed() {
    // The phrase searched with its misspelt word found nothing, and said nothing.
    let quoted = search("\"coopératon policière\"");
    assert_eq!(
        quoted.corrected_query.as_deref(),
        Some("\"coopération policière\"")
    );
    assert_eq!(quoted.total, search("\"coopération policière\"").total);
    assert!(quoted.total > 0);
    // The correction keeps the capitals typed.
    assert_eq!(
        search("Shengen").corrected_query.as_deref(),
        Some("Schengen")
    );
    assert_eq!(
        search("accords de SHENGEN").corrected_query.as_deref(),
        Some("accords de SCHENGEN")
    );
}

#[test]
fn alternatives_typed_with_or_are_each_searched_as_alone() {
    // Each alternative gets its synonyms and its typo correction, as typed alone: `ECE OR
    // MAE` found 1 passage where `ECE` alone finds 2 and `MAE` 30.
    for (alternatives, alone) in [
        ("ECE OR MAE", ["ECE", "MAE"]),
        ("RGPD OR CNIL", ["RGPD", "CNIL"]),
    ] {
        let either = search(alternatives).total;
        for one in alone {
            let total = search(one).total;
            assert!(either >= total, "{alternatives}: {either} < {one}: {total}");
        }
    }
    let corrected = search("Shengen OR Europol");
    assert_eq!(
        corrected.corrected_query.as_deref(),
        Some("Schengen OR Europol")
    );
    assert_eq!(corrected.total, search("Schengen OR Europol").total);
}

#[test]
fn an_act_number_typed_the_other_way_round_is_corrected() {
    // Acts since 2015 are numbered year/number (`2016/679`), older regulations number/year
    // (`45/2001`): typed the other way round, the number found nothing.
    for (typed, meant) in [("679/2016", "2016/679"), ("2001/45", "45/2001")] {
        let corrected = search(typed);
        let as_meant = search(meant);
        assert_eq!(corrected.corrected_query.as_deref(), Some(meant), "{typed}");
        assert!(as_meant.total > 0, "{meant}");
        assert_eq!(corrected.total, as_meant.total, "{typed}");
        assert_eq!(
            (&corrected.hits[0].doc_id, corrected.hits[0].passage),
            (&as_meant.hits[0].doc_id, as_meant.hits[0].passage),
            "{typed}"
        );
    }
    // A number the index holds either way round is not corrected, and neither is one it
    // holds neither way.
    assert_eq!(search("45/2001").corrected_query, None);
    let nowhere = search("12/34");
    assert_eq!((nowhere.total, nowhere.corrected_query), (0, None));
}

#[test]
fn a_law_named_by_its_number_opens_with_its_first_passage_and_holds_its_articles() {
    // French laws and decrees are numbered with a hyphen (`78-17`), like code articles
    // (`421-1`); right after `loi`, the number names the law, as `2016/679` names the
    // regulation (and `loi n° 78-17` is also a synonym, typed here in full).
    const LAW: &str = "fr-loi-78-17-informatique-et-libertes-consolidee.md";
    for typed in ["loi 78-17", "loi n° 78-17"] {
        let results = search(typed);
        assert_eq!(
            (results.hits[0].doc_id.as_str(), results.hits[0].passage),
            (LAW, 0),
            "{typed}"
        );
    }
    let results = search("article 101 loi 78-17");
    assert_eq!(results.hits[0].doc_id, LAW);
    assert_eq!(results.hits[0].article.as_deref(), Some("101"));
    // The article 101 of another text (the Belgian penal code's came second) is no partial
    // match of that law's: the law's own passages come before it.
    let first_page: Vec<(&str, Option<&str>)> = results
        .hits
        .iter()
        .map(|hit| (hit.doc_id.as_str(), hit.article.as_deref()))
        .collect();
    assert!(
        first_page
            .iter()
            .all(|&(doc, article)| doc == LAW || article != Some("101")),
        "{first_page:?}"
    );
    assert!(
        first_page[..3].iter().all(|&(doc, _)| doc == LAW),
        "{first_page:?}"
    );
    // Without `loi` before it, a number with a hyphen is still an article.
    let results = search("421-1 code pénal");
    assert_eq!(results.hits[0].article.as_deref(), Some("421-1"));
}

#[test]
fn a_title_match_counts_for_more_than_a_text_match() {
    // Paragraphs of the founding declaration, as three short documents: one holds
    // `narcotrafic` in its text, one only in its title. The word is as rare in titles as in
    // texts; the title says what its document is about, and outweighs the text. (A long
    // document's title on its later passages does not: see
    // `a_partial_match_holding_two_query_words_together_ranks_above_one_holding_them_apart`.)
    let declaration = std::fs::read_to_string(
        crate::support::shared_corpus().join("declaration-franco-belge-2018.fr.txt"),
    )
    .expect("the declaration is readable");
    let paragraphs: Vec<String> = declaration
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| paragraph.len() > 80)
        .collect();
    let holding = paragraphs
        .iter()
        .find(|paragraph| paragraph.contains("narcotrafic"))
        .expect("a paragraph holds the word");
    let others: Vec<&String> = paragraphs
        .iter()
        .filter(|paragraph| !paragraph.to_lowercase().contains("trafic"))
        .take(2)
        .collect();
    assert_eq!(others.len(), 2);
    let line = |id: &str, title: &str, text: &str| {
        serde_json::json!({ "id": id, "title": title, "text": text }).to_string()
    };
    let records = [
        line("dans-le-titre", "Narcotrafic", others[0]),
        line("dans-le-texte", "Coopération franco-belge", holding),
        line("ni-l-un-ni-l-autre", "Déclaration conjointe", others[1]),
    ]
    .join("\n");
    let (_dir, engine, report) =
        crate::support::index_of_files(&[("notes.jsonl", records.as_bytes())]);
    assert_eq!(report.failed, 0, "{report:?}");
    let results = engine
        .search(&SearchRequest::new("narcotrafic"))
        .unwrap_or_else(|error| panic!("{error}"));
    let ranked: Vec<&str> = results.hits.iter().map(|hit| hit.doc_id.as_str()).collect();
    assert_eq!(ranked, ["dans-le-titre", "dans-le-texte"]);
}

#[test]
fn words_whose_initial_a_pdf_conversion_set_apart_are_found_and_marked() {
    // The CNIL's security guide, converted from PDF, opens each list item with its first
    // letter set apart (`• C onserver ces évènements`, `• R ecenser les traitements`,
    // `• A dopter une politique`): those words were neither found nor marked.
    const GUIDE: &str = "cnil-guide-securite-donnees-personnelles-2024.fr.md";
    for (query, marked) in [
        (
            "conserver évènements période glissante",
            "<mark>Conserver</mark>",
        ),
        ("recenser les traitements", "<mark>Recenser</mark>"),
        (
            "adopter une politique de mots de passe",
            "<mark>Adopter</mark>",
        ),
        // `• O mettre`: `mettre` is a word of the guide too, but its conversion set other
        // initials apart.
        (
            "omettre analyse des risques violation",
            "<mark>Omettre</mark>",
        ),
    ] {
        let results = search(query);
        let first = &results.hits[0];
        assert_eq!(first.doc_id, GUIDE, "{query}: {first:?}");
        assert!(first.highlight.contains(marked), "{query}: {first:?}");
        assert!(!first.text.contains(" ecenser"), "{query}: {first:?}");
    }
}

#[test]
fn a_word_with_a_footnote_call_glued_to_it_is_found() {
    // The same guide glues its footnotes' calls to the words (`entropie14`, `registre5`):
    // those words are found, and marked without the call.
    for (query, glued) in [("entropie", "entropie14"), ("registre", "registre5")] {
        let results = search(&format!("{query} cnil"));
        let hit = results
            .hits
            .iter()
            .find(|hit| hit.text.contains(glued))
            .unwrap_or_else(|| panic!("{glued}: {:#?}", results.hits));
        let marked = format!("<mark>{query}</mark>{}", &glued[query.len()..]);
        assert!(hit.highlight.contains(&marked), "{hit:?}");
    }
}

#[test]
fn words_a_conversion_separated_with_control_characters_read_apart() {
    // The same guide separates some words with a control character (`En\x07matière`): shown,
    // they ran together.
    let results = search("authentification biométrique sur le lieu de travail");
    let hit = results
        .hits
        .iter()
        .find(|hit| {
            hit.text
                .contains("En matière d’authentification sur le lieu de travail")
        })
        .unwrap_or_else(|| panic!("{:#?}", results.hits));
    assert!(!hit.text.contains('\u{7}'), "{hit:?}");
}

#[test]
fn words_named_together_rank_above_the_same_words_met_apart() {
    // `fichier des personnes recherchées` names one file (the FPR). The articles on the
    // genetic fingerprint file hold `fichier`, `personnes` and `recherches` many times over,
    // apart; they ranked above the passages naming the file.
    let results = search("fichier des personnes recherchées");
    for hit in &results.hits[..3] {
        assert!(
            hit.text
                .to_lowercase()
                .contains("fichier des personnes recherchées"),
            "{:#?}",
            &results.hits[..3]
        );
    }
}
