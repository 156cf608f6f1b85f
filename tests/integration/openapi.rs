//! The OpenAPI document: every route is in it, and real responses validate against it.

use std::path::Path;

use axum::http::StatusCode;
use serde_json::{json, Value};
use vigie::http::HttpSettings;

use crate::client::{app, multipart, send, WRITE_KEY};
use crate::support::{corpus_index, index_of_files};

const DECLARATION: &str = "declaration-franco-belge-2018.fr.txt";

/// The document as served.
async fn served_document() -> Value {
    let reply = send(
        &app(&corpus_index().engine, &HttpSettings::default()),
        "GET",
        "/openapi.json",
        &[],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    serde_json::from_slice(&reply.body).expect("the document is JSON")
}

/// Checks `body` against the schema the document gives for `path`, `method` and `status`.
fn assert_valid(document: &Value, path: &str, method: &str, status: StatusCode, body: &Value) {
    let response = &document["paths"][path][method]["responses"][status.as_str()];
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "no JSON schema for {method} {path} {status}"
    );
    // The component schemas travel with the schema, so its `$ref`s resolve.
    let mut root = schema.clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["components"] = document["components"].clone();
    let validator = jsonschema::validator_for(&root).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:?}\n{body}"
    );
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_endpoint() {
    let document = served_document().await;
    assert!(document["openapi"]
        .as_str()
        .unwrap_or_default()
        .starts_with("3.1"));
    let paths = document["paths"].as_object().cloned().unwrap_or_default();
    for expected in [
        "/search",
        "/documents",
        "/documents/{id}",
        "/health",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(paths.contains_key(expected), "{expected} is not documented");
    }
    assert!(document["paths"]["/documents"]["post"]["security"].is_array());
    assert!(document["components"]["securitySchemes"]["api_key"].is_object());
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
}

/// Routes can only be registered through `utoipa_axum::routes!` (in `api_routes`), which
/// documents them: no plain axum registration may appear in the HTTP layer.
#[test]
fn no_route_is_registered_outside_the_documented_router() {
    let http_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&http_dir).expect("src/http reads") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for pattern in [
            ".route(",
            ".route_service(",
            ".nest(",
            ".nest_service(",
            "Router::new(",
        ] {
            if text.contains(pattern) {
                offenders.push(format!("{} uses {pattern}", path.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

/// Every documented operation is served by the router (none falls to the 404 fallback).
#[tokio::test]
async fn every_documented_operation_is_served() {
    let document = served_document().await;
    let router = app(&corpus_index().engine, &HttpSettings::default());
    let paths = document["paths"].as_object().cloned().unwrap_or_default();
    let mut operations = 0;
    for (template, item) in &paths {
        let uri = template.replace("{id}", DECLARATION);
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_none() {
                continue;
            }
            operations += 1;
            let reply = send(&router, &method.to_uppercase(), &uri, &[], "").await;
            let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
            assert_ne!(body["code"], "route_not_found", "{method} {template}");
            assert_ne!(
                reply.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {template}"
            );
        }
    }
    assert!(operations >= 7, "{operations} operations");
}

#[tokio::test]
async fn read_responses_and_errors_validate_against_the_document() {
    let document = served_document().await;
    let router = app(&corpus_index().engine, &HttpSettings::default());
    let cases = [
        (
            "/search",
            "/search?q=coop%C3%A9ration%20polici%C3%A8re&limit=5",
            StatusCode::OK,
        ),
        // Two matches, then related passages.
        ("/search", "/search?q=ECE&limit=5", StatusCode::OK),
        ("/search", "/search?q=", StatusCode::BAD_REQUEST),
        (
            "/search",
            "/search?q=PNR&offset=5000",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/documents/{id}",
            &format!("/documents/{DECLARATION}"),
            StatusCode::OK,
        ),
        (
            "/documents/{id}",
            "/documents/no-such-document.txt",
            StatusCode::NOT_FOUND,
        ),
        (
            "/documents/{id}",
            "/documents/..%2F..%2Fetc%2Fpasswd",
            StatusCode::BAD_REQUEST,
        ),
        ("/health", "/health", StatusCode::OK),
    ];
    for (template, uri, expected) in cases {
        let reply = send(&router, "GET", uri, &[], "").await;
        assert_eq!(reply.status, expected, "{uri}");
        let body: Value = serde_json::from_slice(&reply.body).expect("JSON");
        assert_valid(&document, template, "get", expected, &body);
    }
    // The check is not vacuous: a response of the wrong shape fails it.
    let search = send(&router, "GET", "/search?q=PNR", &[], "").await;
    let mut body: Value = serde_json::from_slice(&search.body).expect("JSON");
    body["hits"][0]["score"] = json!("high");
    let response = &document["paths"]["/search"]["get"]["responses"]["200"];
    let mut root = response["content"]["application/json"]["schema"].clone();
    root["components"] = document["components"].clone();
    let validator = jsonschema::validator_for(&root).expect("the schema compiles");
    assert!(!validator.is_valid(&body));
}

#[tokio::test]
async fn write_responses_and_errors_validate_against_the_document() {
    let document = served_document().await;
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let settings = HttpSettings {
        api_key: Some(vigie::config::Secret::new(WRITE_KEY)),
        ..HttpSettings::default()
    };
    let router = app(&engine, &settings);
    let authorization = format!("Bearer {WRITE_KEY}");
    let json_headers = [
        ("authorization", authorization.as_str()),
        ("content-type", "application/json"),
    ];
    let new = json!({"id": "note-1", "title": "Note", "text": "Les équipes communes d'enquête."});
    let created = send(
        &router,
        "POST",
        "/documents",
        &json_headers,
        new.to_string(),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let body: Value = serde_json::from_slice(&created.body).expect("JSON");
    assert_valid(&document, "/documents", "post", StatusCode::CREATED, &body);

    let (content_type, upload) = multipart("b.md", b"# B\n\nUn texte sur le SIS.\n", None);
    let upload_headers = [
        ("authorization", authorization.as_str()),
        ("content-type", content_type.as_str()),
    ];
    let uploaded = send(&router, "POST", "/documents", &upload_headers, upload).await;
    assert_eq!(uploaded.status, StatusCode::CREATED);

    let unauthorized = send(
        &router,
        "POST",
        "/documents",
        &[("content-type", "application/json")],
        new.to_string(),
    )
    .await;
    assert_eq!(unauthorized.status, StatusCode::UNAUTHORIZED);
    let body: Value = serde_json::from_slice(&unauthorized.body).expect("JSON");
    assert_valid(
        &document,
        "/documents",
        "post",
        StatusCode::UNAUTHORIZED,
        &body,
    );

    let deleted = send(&router, "DELETE", "/documents/note-1", &json_headers, "").await;
    assert_eq!(deleted.status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&deleted.body).expect("JSON");
    assert_valid(
        &document,
        "/documents/{id}",
        "delete",
        StatusCode::OK,
        &body,
    );
    let missing = send(&router, "DELETE", "/documents/note-1", &json_headers, "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let body: Value = serde_json::from_slice(&missing.body).expect("JSON");
    assert_valid(
        &document,
        "/documents/{id}",
        "delete",
        StatusCode::NOT_FOUND,
        &body,
    );
}

/// Regression: `/metrics` and `/openapi.json` were both `serve`.
#[tokio::test]
async fn every_operation_id_is_unique() {
    let document = served_document().await;
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in document["paths"].as_object().cloned().unwrap_or_default() {
        for (method, operation) in item.as_object().cloned().unwrap_or_default() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
                panic!("operationId {id:?} of {method} {path} is also {other}'s");
            }
        }
    }
    assert_eq!(
        document["paths"]["/metrics"]["get"]["operationId"],
        "metrics"
    );
    assert_eq!(
        document["paths"]["/openapi.json"]["get"]["operationId"],
        "openapi_json"
    );
}

/// The errors no handler makes are in the document: 414 on every operation, the rest in the
/// description.
#[tokio::test]
async fn errors_made_outside_the_handlers_are_documented() {
    let document = served_document().await;
    for (path, item) in document["paths"].as_object().cloned().unwrap_or_default() {
        for (method, operation) in item.as_object().cloned().unwrap_or_default() {
            let schema = &operation["responses"]["414"]["content"]["application/json"]["schema"];
            assert!(schema.is_object(), "{method} {path} lacks 414");
        }
    }
    let description = document["info"]["description"].as_str().unwrap_or_default();
    for code in [
        "route_not_found",
        "method_not_allowed",
        "uri_too_long",
        "malformed_request",
    ] {
        assert!(description.contains(code), "{code} is not described");
    }
    let router = app(&corpus_index().engine, &HttpSettings::default());
    let reply = send(&router, "GET", "/documents/caf%E9", &[], "").await;
    let body: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_valid(
        &document,
        "/documents/{id}",
        "get",
        StatusCode::BAD_REQUEST,
        &body,
    );
}
