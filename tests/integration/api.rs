//! The HTTP API, driven through the real router on an on-disk index of the real corpus.

use axum::http::StatusCode;
use vigie::analysis::analyze;
use vigie::http::HttpSettings;

use crate::support::{
    corpus_index, encode, get, get_with, hit_docs, hit_texts, index_of_files, request_on,
};

const DECLARATION: &str = "declaration-franco-belge-2018.fr.txt";

async fn search(query: &str, extra: &str) -> (StatusCode, serde_json::Value) {
    get(&format!("/search?q={}{extra}", encode(query))).await
}

/// The words of `text` that `ranges` (`[start, end)` in characters, as the API gives them)
/// point at.
fn ranged_words(text: &serde_json::Value, ranges: &serde_json::Value) -> Vec<String> {
    let text: Vec<char> = text.as_str().unwrap_or_default().chars().collect();
    ranges
        .as_array()
        .into_iter()
        .flatten()
        .map(|range| {
            let start = range[0].as_u64().unwrap_or(0) as usize;
            let end = range[1].as_u64().unwrap_or(0) as usize;
            text[start..end].iter().collect()
        })
        .collect()
}

#[tokio::test]
async fn indexing_the_shared_corpus_reports_no_failure() {
    let report = &corpus_index().report;
    assert_eq!(report.failed, 0, "failures: {:?}", report.failures);
    assert!(
        report.documents_total >= 80,
        "{} documents",
        report.documents_total
    );
    assert!(
        report.passages_total > 3_000,
        "{} passages",
        report.passages_total
    );
}

#[tokio::test]
async fn health_answers_with_the_index_counts() {
    let (status, body) = get("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert!(body["index"]["documents"].as_u64().unwrap_or(0) >= 80);
}

#[tokio::test]
async fn a_search_returns_ranked_highlighted_passages_with_their_document() {
    let (status, body) = search("coopération policière", "&limit=5").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["query"], "coopération policière");
    assert!(body["total"].as_u64().unwrap_or(0) >= 5);
    assert!(body["took_ms"].as_f64().is_some());
    let hits = body["hits"].as_array().cloned().unwrap_or_default();
    assert_eq!(hits.len(), 5);
    let scores: Vec<f64> = hits
        .iter()
        .filter_map(|hit| hit["score"].as_f64())
        .collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );
    for hit in &hits {
        for field in ["doc_id", "title", "source", "text", "highlight", "link"] {
            assert!(hit[field].is_string(), "{field} missing in {hit}");
        }
        assert!(hit["passage"].is_u64());
        assert!(hit["highlight"]
            .as_str()
            .unwrap_or_default()
            .contains("<mark>"));
        for word in ranged_words(&hit["text"], &hit["highlights"]) {
            let terms = analyze(&word);
            assert!(
                terms
                    .iter()
                    .any(|term| analyze("coopération policière").contains(term)),
                "highlighted {word:?} is not a query word"
            );
        }
    }
}

#[tokio::test]
async fn a_list_item_comes_with_the_sentence_that_introduces_its_list() {
    // The CNIL guide's password rules are list items under `imposer une complexité du mot de
    // passe en fonction des cas d'usage :`; the item holding the entropy says nothing of
    // passwords by itself.
    let (status, body) = search("entropie minimale mot de passe", "&limit=3").await;
    assert_eq!(status, StatusCode::OK);
    let first = &body["hits"][0];
    assert!(
        first["text"]
            .as_str()
            .unwrap_or_default()
            .contains("minimale de 80 bits"),
        "{first}"
    );
    assert_eq!(
        first["lead_in"],
        "imposer une complexité du mot de passe en fonction des cas d’usage :"
    );
    let marked = first["lead_in_highlight"].as_str().unwrap_or_default();
    for word in ["mot", "passe"] {
        assert!(marked.contains(&format!("<mark>{word}</mark>")), "{marked}");
    }
    assert!(marked.contains("d’usage :"), "{marked}");
    assert_eq!(
        ranged_words(&first["lead_in"], &first["lead_in_highlights"]),
        ["mot", "passe"],
        "{first}"
    );
    // The founding declaration's items, indented under their section's lead-in, each ending
    // a sentence, carry it too; its prose (passage 4) has neither field.
    let (_, body) = search("\"équipes communes d'enquête\"", "&limit=5").await;
    let hits = body["hits"].as_array().cloned().unwrap_or_default();
    let passage = |number: u64| {
        hits.iter()
            .find(|hit| hit["doc_id"] == DECLARATION && hit["passage"] == number)
            .cloned()
            .unwrap_or_else(|| panic!("passage {number} not found: {body}"))
    };
    assert_eq!(
        passage(11)["lead_in"],
        "En matière de lutte contre le terrorisme :"
    );
    let prose = passage(4);
    for field in ["lead_in", "lead_in_highlight", "lead_in_highlights"] {
        assert!(prose[field].is_null(), "{field}: {prose}");
    }
}

#[tokio::test]
async fn elisions_a_pdf_conversion_wrote_apart_are_shown_joined() {
    // The CNIL guide's conversion wrote `- l ’évolution du contexte`, `L ‘ANSSI`, and a
    // footnote opening with its number: `6 L ’article 35 du RGPD impose…`.
    for (query, joined) in [
        ("évolution du contexte ANSSI", "l’évolution du contexte"),
        (
            "\"impose de mener une analyse d'impact\"",
            "6 L’article 35 du RGPD impose",
        ),
    ] {
        let (status, body) = search(query, "&limit=20").await;
        assert_eq!(status, StatusCode::OK);
        let texts = hit_texts(&body);
        assert!(texts.iter().any(|text| text.contains(joined)), "{texts:?}");
        for text in &texts {
            assert!(
                !text.contains("l ’évolution") && !text.contains("L ‘ANSSI"),
                "{text}"
            );
            assert!(!text.contains("L ’article"), "{text}");
        }
    }
}

#[tokio::test]
async fn case_and_accents_do_not_matter() {
    let (_, accented) = search("sécurité intérieure", "").await;
    let (_, bare) = search("securite interieure", "").await;
    let (_, shouting) = search("SÉCURITÉ Intérieure", "").await;
    assert!(accented["total"].as_u64().unwrap_or(0) > 100);
    assert_eq!(accented["total"], bare["total"]);
    assert_eq!(accented["total"], shouting["total"]);
    assert_eq!(hit_texts(&accented), hit_texts(&bare));
}

#[tokio::test]
async fn an_elided_query_finds_the_plural_and_marks_it() {
    let (_, body) = search("l'échange", &format!("&doc={DECLARATION}&limit=20")).await;
    let highlights: Vec<String> = body["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|hit| hit["highlight"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        highlights
            .iter()
            .any(|html| html.contains("<mark>échanges</mark>")),
        "{highlights:?}"
    );
}

#[tokio::test]
async fn a_quoted_phrase_matches_the_words_in_order() {
    let (status, body) = search("\"équipes communes d'enquête\"", "").await;
    assert_eq!(status, StatusCode::OK);
    let texts = hit_texts(&body);
    assert!(!texts.is_empty());
    for text in &texts {
        let terms = analyze(text);
        let phrase = analyze("équipes communes d'enquête");
        assert!(
            terms
                .windows(phrase.len())
                .any(|window| window == phrase.as_slice()),
            "phrase absent from {text}"
        );
    }
    assert!(hit_docs(&body).iter().any(|doc| doc == DECLARATION));
}

#[tokio::test]
async fn acronyms_and_legal_references_are_findable_as_written() {
    // Acronyms: passages holding the acronym as written are found and marked among the first
    // 20 (passages that spell it out, or whose document's title does, found through the
    // synonym list, rank among them: the code's articles on the FNAEG, titled with its name
    // in full, and the passages that write `FNAEG` are within 0.1 of each other).
    for (acronym, written_in) in [
        ("PNR", 5),
        ("SIS", 5),
        ("FNAEG", 3),
        ("CCPD", 1),
        ("ECE", 1),
    ] {
        let (status, body) = search(acronym, "&limit=20").await;
        assert_eq!(status, StatusCode::OK, "{acronym}");
        let marked = body["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|hit| {
                hit["highlight"]
                    .as_str()
                    .is_some_and(|html| html.contains(&format!("<mark>{acronym}</mark>")))
            })
            .count();
        assert!(marked >= written_in, "{acronym}: {marked} marked hits");
    }
    for (query, expected) in [
        ("2016/679", "2016/679"),
        ("(UE) 2016/679", "2016/679"),
        ("L. 232-1", "232-1"),
        ("421-2-6", "421-2-6"),
    ] {
        let (status, body) = search(query, "").await;
        assert_eq!(status, StatusCode::OK, "{query}");
        let hits = body["hits"].as_array().cloned().unwrap_or_default();
        assert!(!hits.is_empty(), "no hit for {query}");
        for hit in &hits {
            // The reference is in the passage, or is the number of the article it belongs to.
            let text = hit["text"].as_str().unwrap_or_default();
            let article = hit["article"].as_str().unwrap_or_default();
            assert!(
                text.contains(expected) || article.contains(expected),
                "a hit for {query} lacks {expected}: {article} {text}"
            );
        }
    }
    // Written with dots, an acronym is the same word: same passages, same order, and the
    // corpus's own `C.R.O.S.S.` is found as `CROSS`.
    let (_, plain) = search("SIS", "").await;
    let (_, dotted) = search("S.I.S.", "").await;
    assert_eq!(hit_texts(&dotted), hit_texts(&plain));
    assert_eq!(dotted["total"], plain["total"]);
    let (_, cross) = search("CROSS", "&limit=50").await;
    assert!(
        hit_texts(&cross)
            .iter()
            .any(|text| text.contains("C.R.O.S.S.")),
        "{cross}"
    );
    // Its synonym finds the declaration's other passage, which spells the words out.
    let (_, ece) = search("ECE", "").await;
    assert!(hit_texts(&ece)
        .iter()
        .any(|text| text.contains("équipes communes d'enquêtes") && !text.contains("ECE")));
    let (_, body) = search("L. 232-1", "&limit=1").await;
    assert_eq!(
        body["hits"][0]["article"], "L232-1",
        "the article itself ranks first"
    );
}

#[tokio::test]
async fn excluded_words_never_appear_and_or_widens() {
    let (_, body) = search("terrorisme -financement", "&limit=50").await;
    let texts = hit_texts(&body);
    assert!(!texts.is_empty());
    assert!(texts
        .iter()
        .all(|text| !analyze(text).contains(&analyze("financement")[0])));
    let (_, europol) = search("Europol", "").await;
    let (_, eurojust) = search("Eurojust", "").await;
    let (_, either) = search("Europol OR Eurojust", "").await;
    let count = |body: &serde_json::Value| body["total"].as_u64().unwrap_or(0);
    assert!(count(&either) >= count(&europol).max(count(&eurojust)));
    assert!(count(&either) <= count(&europol) + count(&eurojust));
}

/// The terms a passage holds: its text, headings, article number and document title.
fn passage_terms(hit: &serde_json::Value) -> Vec<String> {
    let field = |name: &str| hit[name].as_str().unwrap_or_default().to_string();
    analyze(&format!(
        "{} {} {} article {} {}",
        field("text"),
        field("heading"),
        field("section"),
        field("article"),
        field("title")
    ))
}

#[tokio::test]
async fn passages_holding_every_word_rank_above_those_holding_fewer() {
    for query in [
        "coopération policière frontalière",
        "mandat d'arrêt européen extradition",
        "données personnelles conservation durée",
        "contrôle frontière",
    ] {
        let (_, body) = search(query, "&limit=100").await;
        let wanted = analyze(query);
        let complete: Vec<bool> = body["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|hit| {
                let terms = passage_terms(hit);
                wanted.iter().all(|term| terms.contains(term))
            })
            .collect();
        assert!(complete.first().copied().unwrap_or(false), "{query}");
        let first_incomplete = complete
            .iter()
            .position(|all| !all)
            .unwrap_or(complete.len());
        assert!(
            complete[first_incomplete..].iter().all(|all| !all),
            "{query}: a passage with every word ranks below one with fewer: {complete:?}"
        );
    }
}

#[tokio::test]
async fn a_natural_question_still_gets_results() {
    let (status, body) = search("combien de temps garder les traces ?", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["total"].as_u64().unwrap_or(0) > 0);
}

#[tokio::test]
async fn per_doc_caps_passages_per_document() {
    let (_, body) = search("terrorisme", "&limit=30&per_doc=1").await;
    let docs = hit_docs(&body);
    assert!(docs.len() >= 10, "{docs:?}");
    let mut unique = docs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), docs.len());
    let (_, two) = search("terrorisme", "&limit=30&per_doc=2").await;
    let docs = hit_docs(&two);
    assert!(docs
        .iter()
        .all(|doc| docs.iter().filter(|other| *other == doc).count() <= 2));
}

#[tokio::test]
async fn filters_restrict_documents_sources_and_dates() {
    let (_, body) = search("coopération", &format!("&doc={DECLARATION}")).await;
    let docs = hit_docs(&body);
    assert!(!docs.is_empty());
    assert!(docs.iter().all(|doc| doc == DECLARATION));

    let (_, dated) = search("coopération", "&from=2018-01-01&to=2018-12-31&limit=100").await;
    let dates: Vec<String> = dated["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|hit| hit["date"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(!dates.is_empty());
    assert!(
        dates.iter().all(|date| date.starts_with("2018")),
        "{dates:?}"
    );

    let (_, all) = search("coopération", "&limit=1").await;
    let source = all["hits"][0]["source"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (_, by_source) = search(
        "coopération",
        &format!("&source={}&limit=50", encode(&source.to_uppercase())),
    )
    .await;
    let sources: Vec<&str> = by_source["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|hit| hit["source"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(!sources.is_empty());
    assert!(sources.iter().all(|found| *found == source));

    let (status, error) = search("coopération", "&from=mai").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["code"], "invalid_date");
}

#[tokio::test]
async fn unreadable_queries_and_parameters_get_400_json_never_500() {
    for (uri, code) in [
        ("/search?q=", "empty_query"),
        ("/search", "empty_query"),
        ("/search?q=%20%20", "empty_query"),
        (
            "/search?q=s%C3%A9curit%C3%A9&limit=abc",
            "invalid_parameter",
        ),
        (
            "/search?q=s%C3%A9curit%C3%A9&offset=-3",
            "invalid_parameter",
        ),
        (
            "/search?q=s%C3%A9curit%C3%A9&offset=100000",
            "offset_too_large",
        ),
        ("/search?q=-terrorisme", "only_exclusions"),
    ] {
        let (status, body) = get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["code"], code, "{uri}");
        assert!(body["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()));
    }
    let long = "terrorisme ".repeat(200);
    let (status, body) = get(&format!("/search?q={}", encode(&long))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "query_too_long");
    for query in [
        "\"unclosed phrase",
        "((( AND OR NOT )))",
        "l'article",
        "jusqu'à",
        "- -- ---",
        "title:foo^2 ~3 *",
        "\u{0}\u{7}",
        "🙂 渋谷",
        "OR",
        "le la les",
    ] {
        let (status, body) = search(query, "").await;
        assert_eq!(status, StatusCode::OK, "{query:?}: {body}");
        assert!(body["hits"].is_array());
    }
}

#[tokio::test]
async fn limit_is_capped_at_one_hundred() {
    let (status, body) = search("article", "&limit=5000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["hits"].as_array().map(Vec::len), Some(100));
}

#[tokio::test]
async fn paging_continues_where_the_previous_page_ended() {
    let (_, first) = search("terrorisme", "&limit=10").await;
    let (_, second) = search("terrorisme", "&limit=5&offset=5").await;
    let first_texts = hit_texts(&first);
    assert_eq!(&first_texts[5..10], hit_texts(&second).as_slice());
}

#[tokio::test]
async fn a_document_is_served_whole_with_passages_in_order() {
    let (status, body) = get(&format!("/documents/{DECLARATION}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], DECLARATION);
    assert!(body["title"]
        .as_str()
        .is_some_and(|title| !title.is_empty()));
    let passages = body["passages"].as_array().cloned().unwrap_or_default();
    assert!(passages.len() > 10);
    let numbers: Vec<u64> = passages
        .iter()
        .filter_map(|p| p["passage"].as_u64())
        .collect();
    assert_eq!(numbers, (0..passages.len() as u64).collect::<Vec<_>>());
    let (status, nested) = get("/documents/other-languages/traite-de-prum-2005.nl.md").await;
    assert_eq!(status, StatusCode::OK, "{nested}");
    let (status, missing) = get("/documents/no-such-document.txt").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["code"], "document_not_found");
    let (status, route) = get("/nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(route["code"], "route_not_found");
}

#[tokio::test]
async fn a_hit_s_link_opens_in_a_browser_as_a_page_with_the_passage_anchored() {
    let (_, body) = search(
        "\"équipes communes d'enquête\"",
        &format!("&doc={DECLARATION}"),
    )
    .await;
    let link = body["hits"][0]["link"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (path, anchor) = link.split_once('#').unwrap_or((link.as_str(), ""));
    assert!(anchor.starts_with("passage-"), "{link}");
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let page = get_with(path, &HttpSettings::default(), &[("accept", browser)]).await;
    assert_eq!(page.status, StatusCode::OK);
    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("content-type"), "text/html; charset=utf-8");
    assert!(header("content-security-policy").contains("default-src 'self'"));
    assert_eq!(header("vary"), "accept");
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        html.contains("<link rel=\"stylesheet\" href=\"../index.css\">"),
        "{html}"
    );
    assert!(html.contains("29 mai 2018"), "the date, in French");
    // The passage the link names holds the phrase searched, escaped.
    let section = html
        .split(&format!("<section class=\"passage\" id=\"{anchor}\">"))
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_default();
    assert!(
        section.contains("équipes communes d&#39;enquête"),
        "{section}"
    );
    assert!(!html.contains("<script"), "nothing runs on the page");
    // Opened from a result, the words searched are marked on the page and in the JSON.
    let marked_path = format!("{path}?q={}", encode("équipes communes d'enquête"));
    let marked = get_with(
        &marked_path,
        &HttpSettings::default(),
        &[("accept", browser)],
    )
    .await;
    let html = String::from_utf8_lossy(&marked.body);
    assert!(
        html.contains("<mark>équipes</mark> <mark>communes</mark> d&#39;<mark>enquêtes</mark>"),
        "{html}"
    );
    let (status, json) = get(&marked_path).await;
    assert_eq!(status, StatusCode::OK);
    let highlights: Vec<&str> = json["passages"]
        .as_array()
        .map(|passages| {
            passages
                .iter()
                .filter_map(|passage| passage["highlight"].as_str())
                .filter(|highlight| highlight.contains("<mark>"))
                .collect()
        })
        .unwrap_or_default();
    assert!(!highlights.is_empty(), "{json}");
    let (_, plain) = get(path).await;
    assert!(plain["passages"][0].get("highlight").is_none(), "{plain}");
    let too_long = format!("{path}?q={}", "a".repeat(1001));
    assert_eq!(get(&too_long).await.0, StatusCode::BAD_REQUEST);
    // A reader following a dead or mangled link gets a page saying why, not raw JSON.
    for (broken, status, says) in [
        (
            "/documents/retire.txt",
            StatusCode::NOT_FOUND,
            "Document introuvable",
        ),
        (
            too_long.as_str(),
            StatusCode::BAD_REQUEST,
            "Demande invalide",
        ),
    ] {
        let page = get_with(broken, &HttpSettings::default(), &[("accept", browser)]).await;
        assert_eq!(page.status, status, "{broken}");
        let html = String::from_utf8_lossy(&page.body);
        assert!(
            html.starts_with("<!doctype html>") && html.contains(says),
            "{html}"
        );
    }
    // An API client asking for JSON, or for anything, still gets JSON.
    for accept in ["application/json", "*/*"] {
        let reply = get_with(path, &HttpSettings::default(), &[("accept", accept)]).await;
        let (status, json) = reply.into_json();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["id"], DECLARATION, "{accept}");
    }
}

#[tokio::test]
async fn the_page_break_paragraph_of_the_declaration_is_one_passage() {
    let (_, body) = search(
        "\"mettre en oeuvre cette coopération\" réorganisation",
        &format!("&doc={DECLARATION}&limit=1"),
    )
    .await;
    let text = vigie::eval::normalize_for_hit(&hit_texts(&body).concat());
    assert!(
        text.contains("mettre en oeuvre cette coopération,"),
        "{text}"
    );
    assert!(
        text.contains("dont la réorganisation des structures"),
        "{text}"
    );
}

#[tokio::test]
async fn markup_in_documents_is_escaped_in_highlights() {
    let hostile: &[u8] = b"Coop\xc3\xa9ration <script>alert('coop\xc3\xa9ration')</script> <img src=x onerror=alert(1)> & javascript:alert(2)\n";
    let (_dir, engine, report) = index_of_files(&[("hostile.txt", hostile)]);
    assert_eq!(report.failed, 0);
    let reply = request_on(
        &engine,
        "GET",
        "/search?q=coop%C3%A9ration",
        &HttpSettings::default(),
        &[],
    )
    .await;
    let (status, body) = reply.into_json();
    assert_eq!(status, StatusCode::OK);
    let highlight = body["hits"][0]["highlight"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(highlight.contains("<mark>"), "{highlight}");
    assert!(!highlight.contains("<script"), "{highlight}");
    assert!(!highlight.contains("<img"), "{highlight}");
    assert!(highlight.contains("&lt;script&gt;"), "{highlight}");
    let stripped = highlight.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !stripped.contains('<') && !stripped.contains('>'),
        "{highlight}"
    );
}

#[tokio::test]
async fn cors_is_off_by_default_and_on_for_configured_origins() {
    let origin = [("origin", "https://intranet.example")];
    let closed = get_with("/search?q=PNR", &HttpSettings::default(), &origin).await;
    assert!(closed.headers.get("access-control-allow-origin").is_none());
    let settings = HttpSettings {
        cors_origins: vec!["https://intranet.example".to_string()],
        ..HttpSettings::default()
    };
    let open = get_with("/search?q=PNR", &settings, &origin).await;
    assert_eq!(
        open.headers
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://intranet.example")
    );
    let preflight = crate::support::request(
        "OPTIONS",
        "/search?q=PNR",
        &settings,
        &[
            ("origin", "https://intranet.example"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert!(preflight.status.is_success());
    assert!(preflight
        .headers
        .get("access-control-allow-methods")
        .is_some());
}

#[tokio::test]
async fn a_misspelled_word_is_corrected_and_the_response_says_so() {
    let (status, body) = search("disolution des milices privées", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["corrected_query"], "dissolution des milices privées",
        "{body}"
    );
    // The corrected word is searched: in the first passage's text or in the headings above it
    // (`Chapitre II : Suspension ou dissolution de certains groupements…`).
    let first = &body["hits"][0];
    let holds_it = |field: &str| {
        first[field]
            .as_str()
            .is_some_and(|text| text.to_lowercase().contains("dissolution"))
    };
    assert!(holds_it("text") || holds_it("section"), "{body}");
    let (_, elided) = search("circonstance agravante", "").await;
    assert_eq!(
        elided["corrected_query"], "circonstance aggravante",
        "{elided}"
    );
    // Known words, and words too short to correct, are searched as typed.
    let (_, known) = search("dissolution des milices", "").await;
    assert!(known.get("corrected_query").is_none(), "{known}");
    let (_, short) = search("xqzw", "").await;
    assert!(short.get("corrected_query").is_none(), "{short}");
    assert_eq!(short["total"], 0);
    // A legal reference the corpus does not cite is another act, not a typo of one it cites
    // (`765/2008`, one edit away).
    let (_, reference) = search("767/2008", "").await;
    assert!(reference.get("corrected_query").is_none(), "{reference}");
    assert_eq!(reference["total"], 0, "{reference}");
}

/// Regression: `--cors-origins '*'` panicked at start-up (tower-http refuses `*` in a list).
#[tokio::test]
async fn cors_star_allows_any_origin_and_still_the_key_header() {
    let settings = HttpSettings {
        cors_origins: vec!["*".to_string()],
        ..HttpSettings::default()
    };
    let addr = crate::client::serve_on_port(&corpus_index().engine, &settings).await;
    let origin = ("origin", "https://anywhere.example");
    let reply = crate::client::send_tcp(addr, "GET", "/search?q=PNR", &[origin], b"").await;
    assert_eq!(reply.status, StatusCode::OK);
    let header = |reply: &crate::support::Reply, name: &str| {
        reply
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    assert_eq!(header(&reply, "access-control-allow-origin"), "*");
    let preflight = crate::client::send_tcp(
        addr,
        "OPTIONS",
        "/documents",
        &[
            origin,
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
        ],
        b"",
    )
    .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert_eq!(header(&preflight, "access-control-allow-origin"), "*");
    assert!(header(&preflight, "access-control-allow-headers").contains("authorization"));
    assert!(header(&preflight, "access-control-allow-methods").contains("post"));
}

/// Regression: `from=2018-02-30` was searched, and a reversed range named internal numbers.
#[tokio::test]
async fn impossible_dates_are_refused_and_a_reversed_range_is_told_in_dates() {
    for date in [
        "2018-02-30",
        "2017-02-29",
        "2018-04-31",
        "2018-13-01",
        "2018-00",
    ] {
        let (status, body) = search("coopération", &format!("&from={date}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{date}: {body}");
        assert_eq!(body["code"], "invalid_date", "{date}");
        assert!(body["message"].as_str().unwrap_or_default().contains(date));
    }
    for (from, to) in [
        ("2016-02-29", "2018"),
        ("2018", "2018-02"),
        ("2018-05", "2018-05-29"),
    ] {
        let (status, body) = search("coopération", &format!("&from={from}&to={to}")).await;
        assert_eq!(status, StatusCode::OK, "{from}..{to}: {body}");
    }
    let (status, body) = search("coopération", "&from=2020&to=2010").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_date_range");
    assert_eq!(
        body["message"],
        "`from` (2020-01-01) is after `to` (2010-12-31)"
    );
    let (_, body) = search("coopération", "&from=2018-03&to=2018-02").await;
    assert_eq!(
        body["message"],
        "`from` (2018-03-01) is after `to` (2018-02-28)"
    );
}
