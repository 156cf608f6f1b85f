//! `GET /suggest` through the real router on the index of the real corpus.

use axum::http::StatusCode;

use crate::support::{encode, get, request_on};

async fn suggest(prefix: &str, extra: &str) -> (StatusCode, serde_json::Value) {
    get(&format!("/suggest?q={}{extra}", encode(prefix))).await
}

fn suggestions(body: &serde_json::Value) -> Vec<(String, String)> {
    body["suggestions"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    (
                        item["text"].as_str().unwrap_or_default().to_string(),
                        item["kind"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn coop_completes_to_cooperation_and_a_phrase_starting_with_it() {
    let (status, body) = suggest("coop", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["query"], "coop");
    let found = suggestions(&body);
    let first_three: Vec<&str> = found
        .iter()
        .take(3)
        .map(|(text, _)| text.as_str())
        .collect();
    assert!(first_three.contains(&"coopération"), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(text, kind)| kind == "phrase" && text.starts_with("coopération ")),
        "{found:?}"
    );
    let counts: Vec<u64> = body["suggestions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["count"].as_u64())
        .collect();
    assert_eq!(counts.len(), found.len());
    assert!(counts.iter().all(|&count| count >= 2), "{counts:?}");
}

#[tokio::test]
async fn accents_and_case_do_not_change_suggestions() {
    let (_, plain) = suggest("secu", "").await;
    let (_, accented) = suggest("sécu", "").await;
    let (_, upper) = suggest("SÉCU", "").await;
    let plain = suggestions(&plain);
    assert_eq!(plain, suggestions(&accented));
    assert_eq!(plain, suggestions(&upper));
    assert_eq!(
        plain.first().map(|(text, _)| text.as_str()),
        Some("sécurité"),
        "{plain:?}"
    );
}

#[tokio::test]
async fn a_phrase_is_completed_word_by_word() {
    let (status, body) = suggest("coopération pol", "").await;
    assert_eq!(status, StatusCode::OK);
    let found = suggestions(&body);
    assert!(
        found
            .iter()
            .any(|(text, _)| text == "coopération policière"),
        "{found:?}"
    );
    assert!(found
        .iter()
        .all(|(text, _)| text.starts_with("coopération ")));
}

#[tokio::test]
async fn a_one_letter_last_word_is_completed_only_within_a_phrase() {
    for (typed, phrase) in [("garde à", "garde à vue"), ("mandat d'a", "mandat d'arrêt")] {
        let (status, body) = suggest(typed, "").await;
        assert_eq!(status, StatusCode::OK);
        let found = suggestions(&body);
        assert!(found.iter().any(|(text, _)| text == phrase), "{found:?}");
        // Never the prefix's words followed by any word starting with the letter.
        for nonsense in [
            "garde article",
            "garde ans",
            "mandat d'article",
            "mandat d'ans",
        ] {
            assert!(found.iter().all(|(text, _)| text != nonsense), "{found:?}");
        }
    }
}

#[tokio::test]
async fn weapon_categories_are_offered_in_capitals_and_reference_letters_end_no_phrase() {
    let (status, body) = suggest("catégorie ", "&limit=20").await;
    assert_eq!(status, StatusCode::OK);
    let found = suggestions(&body);
    for category in ["catégorie B", "catégorie C", "catégorie D"] {
        assert!(found.iter().any(|(text, _)| text == category), "{found:?}");
    }
    assert!(
        found.iter().all(|(text, _)| text != "catégorie b"),
        "{found:?}"
    );
    // The code's articles are cited as `R. 224-1`: that `R` ends no phrase.
    let (_, body) = suggest("sécurité intérieure", "&limit=20").await;
    let found = suggestions(&body);
    assert!(
        found
            .iter()
            .all(|(text, _)| !text.ends_with(" R") && !text.ends_with(" L")),
        "{found:?}"
    );
}

#[tokio::test]
async fn known_phrases_are_not_padded_with_guesses_at_the_last_word() {
    for (typed, phrase, guesses) in [
        (
            "mandat d'ar",
            "mandat d'arrêt",
            ["mandat d'article", "mandat d'art"],
        ),
        (
            "sécurité int",
            "sécurité intérieure",
            ["sécurité interdiction", "sécurité intéressé"],
        ),
    ] {
        let (status, body) = suggest(typed, "").await;
        assert_eq!(status, StatusCode::OK);
        let found = suggestions(&body);
        assert!(found.iter().any(|(text, _)| text == phrase), "{found:?}");
        for guess in guesses {
            assert!(found.iter().all(|(text, _)| text != guess), "{found:?}");
        }
    }
    // With no phrase to complete, the last word is completed after the others.
    let (_, body) = suggest("terrorisme coop", "").await;
    let found = suggestions(&body);
    assert!(
        found
            .iter()
            .any(|(text, _)| text == "terrorisme coopération"),
        "{found:?}"
    );
}

#[tokio::test]
async fn an_elided_word_is_completed_after_its_elision() {
    let (_, body) = suggest("l'éch", "").await;
    let found = suggestions(&body);
    assert!(
        found.iter().any(|(text, _)| text == "l'échange"),
        "{found:?}"
    );
    // Only words the texts write after `l'`: `le cas échéant` made `l'échéant` first.
    assert!(
        found.iter().all(|(text, _)| text != "l'échéant"),
        "{found:?}"
    );
    // So after other words.
    let (_, body) = suggest("coopération l'éch", "").await;
    let found = suggestions(&body);
    assert!(
        found
            .iter()
            .all(|(text, _)| text != "coopération l'échéant"),
        "{found:?}"
    );
    // A phrase typed after an elision is completed as the phrase.
    let (_, body) = suggest("l'échange d", "").await;
    let found = suggestions(&body);
    assert!(
        found
            .iter()
            .any(|(text, _)| text == "l'échange d'informations"),
        "{found:?}"
    );
}

#[tokio::test]
async fn empty_and_oversized_prefixes_are_refused_with_a_code() {
    for uri in ["/suggest", "/suggest?q=", "/suggest?q=%20%20"] {
        let (status, body) = get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(body["code"], "empty_query", "{uri}");
        assert!(body["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()));
    }
    let (status, body) = suggest(&"a".repeat(101), "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "query_too_long");
    let (status, body) = suggest("coop", "&limit=beaucoup").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_parameter");
}

#[tokio::test]
async fn the_limit_is_capped() {
    let (status, body) = suggest("c", "&limit=500").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(suggestions(&body).len(), 20);
    let (_, body) = suggest("c", "&limit=3").await;
    assert_eq!(suggestions(&body).len(), 3);
    let (_, body) = suggest("c", "").await;
    assert_eq!(suggestions(&body).len(), 8);
}

#[tokio::test]
async fn an_unknown_prefix_gives_no_suggestion() {
    let (status, body) = suggest("zzzqx", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["suggestions"], serde_json::json!([]));
}

#[tokio::test]
async fn suggestions_follow_the_index_when_it_changes() {
    use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
    let first = "Note de service\n\nLa gendarmerie nationale veille.\n\nLa gendarmerie nationale protège.\n"
        .as_bytes();
    let (dir, engine, _) = crate::support::index_of_files(&[("premier.txt", first)]);
    let settings = vigie::http::HttpSettings::default();
    let words = |reply: crate::support::Reply| suggestions(&reply.into_json().1);
    let before = words(request_on(&engine, "GET", "/suggest?q=gend", &settings, &[]).await);
    assert_eq!(
        before.first().map(|(text, _)| text.as_str()),
        Some("gendarmerie")
    );
    let none = words(request_on(&engine, "GET", "/suggest?q=zoolo", &settings, &[]).await);
    assert!(none.is_empty(), "{none:?}");

    let corpus = dir.path().join("corpus");
    std::fs::write(
        corpus.join("second.txt"),
        "Seconde note\n\nLa zoologie criminelle progresse.\n\nLa zoologie criminelle aide les enquêteurs.\n",
    )
    .expect("file written");
    sync_paths(
        engine.index(),
        &[corpus],
        &SyncOptions::default(),
        &NoProgress,
    )
    .expect("indexes");
    // The first request after the change may still be answered by the previous table while
    // the new one is built in the background: ask again, a bounded number of times.
    let mut after = Vec::new();
    for _ in 0..100 {
        after = words(request_on(&engine, "GET", "/suggest?q=zoolo", &settings, &[]).await);
        if !after.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        after.first().map(|(text, _)| text.as_str()),
        Some("zoologie"),
        "{after:?}"
    );
}

#[tokio::test]
async fn suggest_and_the_front_end_are_in_the_api_description() {
    let (status, document) = get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let suggest = &document["paths"]["/suggest"]["get"];
    let parameters: Vec<&str> = suggest["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|parameter| parameter["name"].as_str())
        .collect();
    assert_eq!(parameters, ["q", "limit"]);
    assert!(document["components"]["schemas"]["Suggestions"].is_object());
    for path in ["/", "/widget.js", "/index.css"] {
        assert!(
            document["paths"][path]["get"].is_object(),
            "{path} is not documented"
        );
    }
}

#[tokio::test]
async fn words_typed_are_completed_only_into_what_passages_hold() {
    // `équipes comm`: the texts hold `équipes communes` (as a phrase) and never `équipes
    // commission`, which came first with the count of `commission` alone.
    let (status, body) = suggest("équipes comm", "&limit=20").await;
    assert_eq!(status, StatusCode::OK);
    let found = suggestions(&body);
    assert!(
        found
            .first()
            .is_some_and(|(text, _)| text.starts_with("équipes commune")),
        "{found:?}"
    );
    // Each is several words: a phrase, not a word.
    assert!(found.iter().all(|(_, kind)| kind == "phrase"), "{found:?}");
    // Every one leads to passages holding its words: a search for it finds them all.
    for (text, _) in &found {
        let (_, results) = get(&format!("/search?q={}&limit=1", encode(text))).await;
        let hit = &results["hits"][0]["highlight"];
        let marks = hit.as_str().unwrap_or_default().matches("<mark>").count();
        assert!(marks >= 2, "{text}: {results}");
    }
    // Each is several words: a phrase, not a word.
    assert!(found.iter().all(|(_, kind)| kind == "phrase"), "{found:?}");
    let counts: Vec<u64> = body["suggestions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["count"].as_u64())
        .collect();
    assert!(counts.iter().all(|count| *count > 0), "{counts:?}");
}

#[tokio::test]
async fn quotes_a_minus_or_an_elision_alone_before_the_word_are_kept() {
    for (typed, opening) in [
        ("«coop", "«"),
        ("\"coop", "\""),
        ("-terr", "-"),
        ("l'é", "l'"),
    ] {
        let (status, body) = suggest(typed, "").await;
        assert_eq!(status, StatusCode::OK);
        let found = suggestions(&body);
        assert!(!found.is_empty(), "{typed}");
        assert!(
            found.iter().all(|(text, _)| text.starts_with(opening)),
            "{typed}: {found:?}"
        );
    }
}

#[tokio::test]
async fn a_phrase_longer_than_the_table_is_continued_as_the_texts_write_it() {
    // Before, `lutte contre le` offered `lutte contre lecture` (words apart), `lutte contre
    // le ` and `lutte contre le t` nothing, `la coopération pol` `la coopération police`.
    for (typed, first) in [
        ("lutte contre le", "lutte contre le terrorisme"),
        ("lutte contre le ", "lutte contre le terrorisme"),
        ("lutte contre le t", "lutte contre le terrorisme"),
        ("la coopération pol", "la coopération policière"),
        ("les États membres de l'U", "les États membres de l'Union"),
    ] {
        let (status, body) = suggest(typed, "").await;
        assert_eq!(status, StatusCode::OK);
        let found = suggestions(&body);
        assert_eq!(
            found.first().map(|(text, _)| text.as_str()),
            Some(first),
            "{typed}: {found:?}"
        );
        assert!(
            found
                .iter()
                .all(|(text, kind)| kind == "phrase" && text.starts_with(typed.trim_end())),
            "{typed}: {found:?}"
        );
    }
    // The word completed comes in the form the phrase takes, not its most frequent one
    // (`équipes commune`).
    let (_, body) = suggest("équipes communes d", "").await;
    let found = suggestions(&body);
    assert!(
        found
            .first()
            .is_some_and(|(text, _)| text.starts_with("équipes communes d'enquête")),
        "{found:?}"
    );
    let (_, body) = suggest("équipes com", "").await;
    let found = suggestions(&body);
    assert_eq!(
        found.first().map(|(text, _)| text.as_str()),
        Some("équipes communes"),
        "{found:?}"
    );
    // Words apart only when the texts hold none of the guesses as a phrase.
    assert!(
        found
            .iter()
            .all(|(text, _)| text != "équipes communication"),
        "{found:?}"
    );
}
