//! The write API: `POST /documents` and `DELETE /documents/{id}` on a real on-disk index,
//! with the keys, the body limit and the id rules.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{json, Value};
use vigie::config::Secret;
use vigie::http::HttpSettings;
use vigie::index::VigieIndex;

use crate::client::{app, multipart, send, READ_KEY, WRITE_KEY};
use crate::support::{hit_docs, index_of_files};

fn with_keys(read: bool) -> HttpSettings {
    HttpSettings {
        api_key: Some(Secret::new(WRITE_KEY)),
        read_key: read.then(|| Secret::new(READ_KEY)),
        ..HttpSettings::default()
    }
}

fn json_body(reply: &crate::support::Reply) -> Value {
    serde_json::from_slice(&reply.body).unwrap_or(Value::Null)
}

async fn found(router: &axum::Router, query: &str) -> Vec<String> {
    let reply = send(
        router,
        "GET",
        &format!("/search?q={query}"),
        &[("authorization", &format!("Bearer {READ_KEY}"))],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    hit_docs(&json_body(&reply))
}

const AUTH: &str = "Bearer test-write-key-0123456789";

#[tokio::test]
async fn a_posted_document_is_searchable_at_once_then_replaced_then_deleted() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let router = app(&engine, &with_keys(false));
    let headers = [
        ("authorization", AUTH),
        ("content-type", "application/json"),
    ];
    let first = json!({"id": "notes/n1", "title": "Note", "text": "Le mot zanzibarique est rare.", "date": "2024-03-01", "source": "DGSI"});
    let created = send(&router, "POST", "/documents", &headers, first.to_string()).await;
    assert_eq!(
        created.status,
        StatusCode::CREATED,
        "{}",
        json_body(&created)
    );
    assert_eq!(json_body(&created)["documents"][0]["status"], "added");
    assert_eq!(found(&router, "zanzibarique").await, ["notes/n1"]);

    let again = send(&router, "POST", "/documents", &headers, first.to_string()).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(json_body(&again)["documents"][0]["status"], "unchanged");

    let second = json!({"id": "notes/n1", "title": "Note", "text": "Le mot quetzalcoatlique remplace l'autre."});
    let replaced = send(&router, "POST", "/documents", &headers, second.to_string()).await;
    assert_eq!(json_body(&replaced)["documents"][0]["status"], "replaced");
    assert!(found(&router, "zanzibarique").await.is_empty());
    assert_eq!(found(&router, "quetzalcoatlique").await, ["notes/n1"]);

    let deleted = send(&router, "DELETE", "/documents/notes/n1", &headers, "").await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert!(found(&router, "quetzalcoatlique").await.is_empty());
    let gone = send(&router, "GET", "/documents/notes/n1", &[], "").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_uploaded_file_is_read_by_its_extension() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let router = app(&engine, &with_keys(false));
    let html = "<html><head><title>Accord</title></head><body><p>Le mot ornithorynque figure ici.</p></body></html>";
    let (content_type, body) =
        multipart("accord.html", html.as_bytes(), Some("accords/accord.html"));
    let headers = [
        ("authorization", AUTH),
        ("content-type", content_type.as_str()),
    ];
    let uploaded = send(&router, "POST", "/documents", &headers, body).await;
    assert_eq!(
        uploaded.status,
        StatusCode::CREATED,
        "{}",
        json_body(&uploaded)
    );
    assert_eq!(
        found(&router, "ornithorynque").await,
        ["accords/accord.html"]
    );
    let detail = send(&router, "GET", "/documents/accords/accord.html", &[], "").await;
    assert_eq!(json_body(&detail)["title"], "Accord");
    assert_eq!(json_body(&detail)["kind"], "html");

    let (content_type, body) = multipart("scan.pdf", b"%PDF-1.7", None);
    let headers = [
        ("authorization", AUTH),
        ("content-type", content_type.as_str()),
    ];
    let refused = send(&router, "POST", "/documents", &headers, body).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(json_body(&refused)["code"], "unsupported_file_type");

    let (content_type, body) = multipart("bad.txt", b"\xFF\xFE\x00binary", None);
    let headers = [
        ("authorization", AUTH),
        ("content-type", content_type.as_str()),
    ];
    let unreadable = send(&router, "POST", "/documents", &headers, body).await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_body(&unreadable)["code"], "unreadable_document");
}

#[tokio::test]
async fn without_a_configured_key_writes_are_disabled() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let router = app(&engine, &HttpSettings::default());
    let body = json!({"id": "n", "title": "N", "text": "Le mot zanzibarique."}).to_string();
    let reply = send(
        &router,
        "POST",
        "/documents",
        &[
            ("authorization", AUTH),
            ("content-type", "application/json"),
        ],
        body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(json_body(&reply)["code"], "writes_disabled");
    let delete = send(
        &router,
        "DELETE",
        "/documents/a.txt",
        &[("authorization", AUTH)],
        "",
    )
    .await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
    assert_eq!(found(&router, "PNR").await, ["a.txt"]);
}

#[tokio::test]
async fn a_wrong_or_missing_key_gets_401_and_changes_nothing() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let router = app(&engine, &with_keys(false));
    let body = json!({"id": "n", "title": "N", "text": "Le mot zanzibarique."}).to_string();
    for authorization in [
        None,
        Some("Bearer test-write-key-012345678"),
        Some("Bearer test-write-key-0123456789x"),
        Some("Basic dGVzdDp0ZXN0"),
        Some(READ_KEY),
    ] {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(value) = authorization {
            headers.push(("authorization", value));
        }
        let reply = send(&router, "POST", "/documents", &headers, body.clone()).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{authorization:?}");
        assert_eq!(json_body(&reply)["code"], "unauthorized");
        assert!(reply.headers.get("www-authenticate").is_some());
        let delete = send(&router, "DELETE", "/documents/a.txt", &headers, "").await;
        assert_eq!(delete.status, StatusCode::UNAUTHORIZED);
    }
    assert!(found(&router, "zanzibarique").await.is_empty());
    assert_eq!(found(&router, "PNR").await, ["a.txt"]);
}

#[tokio::test]
async fn a_read_key_protects_search_and_documents_but_not_health() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let router = app(&engine, &with_keys(true));
    for uri in ["/search?q=PNR", "/documents/a.txt"] {
        let open = send(&router, "GET", uri, &[], "").await;
        assert_eq!(open.status, StatusCode::UNAUTHORIZED, "{uri}");
        let read = format!("Bearer {READ_KEY}");
        let with_read = send(&router, "GET", uri, &[("authorization", &read)], "").await;
        assert_eq!(with_read.status, StatusCode::OK, "{uri}");
        let with_write = send(&router, "GET", uri, &[("authorization", AUTH)], "").await;
        assert_eq!(with_write.status, StatusCode::OK, "{uri}");
    }
    for uri in ["/health", "/openapi.json", "/metrics"] {
        assert_eq!(
            send(&router, "GET", uri, &[], "").await.status,
            StatusCode::OK
        );
    }
    let read = format!("Bearer {READ_KEY}");
    let write_with_read_key = send(
        &router,
        "DELETE",
        "/documents/a.txt",
        &[("authorization", &read)],
        "",
    )
    .await;
    assert_eq!(write_with_read_key.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_json_413() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let settings = HttpSettings {
        max_body_bytes: 2048,
        ..with_keys(false)
    };
    let router = app(&engine, &settings);
    let text = "Le mot zanzibarique. ".repeat(500);
    let body = json!({"id": "big", "title": "Big", "text": text}).to_string();
    let headers = [
        ("authorization", AUTH),
        ("content-type", "application/json"),
    ];
    let reply = send(&router, "POST", "/documents", &headers, body).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json_body(&reply)["code"], "payload_too_large");
    let (content_type, upload) = multipart("big.txt", text.as_bytes(), None);
    let headers = [
        ("authorization", AUTH),
        ("content-type", content_type.as_str()),
    ];
    let reply = send(&router, "POST", "/documents", &headers, upload).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json_body(&reply)["code"], "payload_too_large");
    assert!(found(&router, "zanzibarique").await.is_empty());
}

#[tokio::test]
async fn ids_that_climb_out_or_are_absolute_are_refused() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let router = app(&engine, &with_keys(false));
    let headers = [
        ("authorization", AUTH),
        ("content-type", "application/json"),
    ];
    for id in ["../secret.txt", "a/../../b", "/etc/passwd", "..\\x"] {
        let body = json!({"id": id, "title": "T", "text": "Le mot zanzibarique."}).to_string();
        let reply = send(&router, "POST", "/documents", &headers, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{id}");
        assert_eq!(json_body(&reply)["code"], "invalid_document_id", "{id}");
    }
    let (content_type, upload) = multipart("../../evil.txt", b"Le mot zanzibarique.", None);
    let upload_headers = [
        ("authorization", AUTH),
        ("content-type", content_type.as_str()),
    ];
    let reply = send(&router, "POST", "/documents", &upload_headers, upload).await;
    assert_eq!(json_body(&reply)["code"], "invalid_document_id");
    for uri in [
        "/documents/..%2F..%2Fetc%2Fpasswd",
        "/documents/a/%2E%2E/%2E%2E/b",
    ] {
        let read = send(&router, "GET", uri, &[], "").await;
        assert_eq!(json_body(&read)["code"], "invalid_document_id", "{uri}");
        let delete = send(&router, "DELETE", uri, &headers, "").await;
        assert_eq!(json_body(&delete)["code"], "invalid_document_id", "{uri}");
    }
    assert!(found(&router, "zanzibarique").await.is_empty());
}

#[tokio::test]
async fn a_body_that_is_neither_json_nor_multipart_gets_415() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let router = app(&engine, &with_keys(false));
    let headers = [("authorization", AUTH), ("content-type", "text/plain")];
    let reply = send(&router, "POST", "/documents", &headers, "Le PNR.").await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json_body(&reply)["code"], "unsupported_media_type");
    let bad_json = [
        ("authorization", AUTH),
        ("content-type", "application/json"),
    ];
    let reply = send(&router, "POST", "/documents", &bad_json, "{\"id\": 3").await;
    assert_eq!(json_body(&reply)["code"], "invalid_body");
}

#[tokio::test]
async fn a_write_while_another_process_holds_the_index_gets_index_locked() {
    let (dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let router = app(&engine, &with_keys(false));
    // A second opening of the same folder stands for another process: its lock is the
    // engine's file lock, not this process's turn-taking.
    let other = VigieIndex::open_existing(&dir.path().join("index")).expect("opens");
    let held = other.writer(1).expect("the other writer takes the lock");
    let headers = [
        ("authorization", AUTH),
        ("content-type", "application/json"),
    ];
    let body = json!({"id": "n", "title": "N", "text": "Le mot zanzibarique."}).to_string();
    let reply = send(&router, "POST", "/documents", &headers, body.clone()).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(json_body(&reply)["code"], "index_locked");
    held.finish().expect("releases");
    // The lock file is released with the writer; the write now goes through.
    let mut status = StatusCode::CONFLICT;
    for _ in 0..50 {
        status = send(&router, "POST", "/documents", &headers, body.clone())
            .await
            .status;
        if status != StatusCode::CONFLICT {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, StatusCode::CREATED);
}

/// Regression: an upload with two `file` fields indexed the second and dropped the first
/// silently; it is refused whole.
#[tokio::test]
async fn an_upload_with_two_file_fields_is_refused_and_writes_nothing() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let addr = crate::client::serve_on_port(&engine, &with_keys(false)).await;
    let boundary = "vigie-two-files-boundary";
    let mut body = Vec::new();
    for (name, text) in [
        ("n1.txt", "Le mot zanzibarique."),
        ("n2.txt", "Le mot quetzalcoatlique."),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let reply = crate::client::send_tcp(
        addr,
        "POST",
        "/documents",
        &[("authorization", AUTH), ("content-type", &content_type)],
        &body,
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{}",
        json_body(&reply)
    );
    assert_eq!(json_body(&reply)["code"], "invalid_body");
    assert!(json_body(&reply)["message"]
        .as_str()
        .unwrap_or_default()
        .contains("more than one `file` field"));
    let router = app(&engine, &with_keys(false));
    for id in ["n1.txt", "n2.txt"] {
        let reply = send(&router, "GET", &format!("/documents/{id}"), &[], "").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{id} was written");
    }
}
