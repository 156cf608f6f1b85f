//! The API description: an OpenAPI 3.1 document generated from the handlers, served at
//! `GET /openapi.json`.
//!
//! Each handler carries its own `#[utoipa::path]` (parameters, bodies, responses), and
//! [`super::api_routes`] registers every route through `utoipa_axum::routes!`, which adds it to
//! the router and to this document at once: a route cannot be served undocumented. [`finish`]
//! then turns axum's wildcard templates (`{*id}`) into OpenAPI templates (`{id}`) and marks
//! each operation's security from [`super::auth::access`]. May import `http`.

use std::sync::Arc;

use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi, Ref, RefOr, Response as ApiResponse, ResponseBuilder,
};

use super::auth::{access, Access};
use super::error::ErrorBody;

/// Name of the security scheme of the API (write) key.
pub const WRITE_KEY_SCHEME: &str = "api_key";
/// Name of the security scheme of the optional read key.
pub const READ_KEY_SCHEME: &str = "read_key";

/// The fixed parts of the document; paths come from the routes.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Vigie",
        description = "Search French-language security-cooperation texts: ranked, highlighted passages. Errors are `{code, message}` with a stable snake_case `code`, whoever answers them: besides each operation's own, an unknown path answers 404 `route_not_found`; a method a path does not have, 405 `method_not_allowed` with an `Allow` header (whatever the key); a request address over 64 KiB, 414 `uri_too_long`; headers too large, 431 `headers_too_large`; a request that is not HTTP, 400 `malformed_request`; a request not answered within the server's request timeout (10 s unless configured), its body included, 408 `request_timeout`."
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "search", description = "Searching and reading documents"),
        (name = "documents", description = "Adding, replacing and removing documents (API key)"),
        (name = "operations", description = "Health, metrics and this description"),
    )
)]
pub struct ApiDoc;

/// The served document, serialized once.
#[derive(Debug, Clone)]
pub struct ServedDocument(Arc<String>);

impl ServedDocument {
    /// Serializes `document`.
    pub fn new(document: &OpenApi) -> Self {
        let text = document.to_pretty_json().unwrap_or_else(|error| {
            tracing::error!(%error, "the OpenAPI document does not serialize");
            "{}".to_string()
        });
        ServedDocument(Arc::new(text))
    }
}

/// Completes the document built from the routes: OpenAPI path templates, security schemes,
/// and each operation's security.
pub fn finish(mut document: OpenApi) -> OpenApi {
    let paths = std::mem::take(&mut document.paths.paths);
    for (route, mut item) in paths {
        for (method, operation_opt) in operations(&mut item) {
            if let Some(operation) = operation_opt {
                rename_wildcards(operation);
                operation
                    .responses
                    .responses
                    .entry(StatusCode::URI_TOO_LONG.as_str().to_string())
                    .or_insert_with(uri_too_long);
                operation.security = match access(&method, &route) {
                    Access::Public => None,
                    // An empty requirement makes the read key optional, as it is by default.
                    Access::Read => Some(vec![
                        SecurityRequirement::default(),
                        SecurityRequirement::new(READ_KEY_SCHEME, Vec::<String>::new()),
                        SecurityRequirement::new(WRITE_KEY_SCHEME, Vec::<String>::new()),
                    ]),
                    Access::Write => Some(vec![SecurityRequirement::new(
                        WRITE_KEY_SCHEME,
                        Vec::<String>::new(),
                    )]),
                };
            }
        }
        document.paths.paths.insert(openapi_template(&route), item);
    }
    let components = document.components.get_or_insert_with(Default::default);
    for name in [WRITE_KEY_SCHEME, READ_KEY_SCHEME] {
        components.add_security_scheme(
            name,
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
    document
}

/// The 414 any operation may answer: hyper refuses an address over 64 KiB before routing.
fn uri_too_long() -> RefOr<ApiResponse> {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(
                "The request's address (path and query string) is over 64 KiB (`uri_too_long`)",
            )
            .content("application/json", body)
            .build(),
    )
}

/// The operations of a path item, with their methods.
fn operations(item: &mut PathItem) -> [(Method, Option<&mut Operation>); 5] {
    [
        (Method::GET, item.get.as_mut()),
        (Method::POST, item.post.as_mut()),
        (Method::PUT, item.put.as_mut()),
        (Method::DELETE, item.delete.as_mut()),
        (Method::PATCH, item.patch.as_mut()),
    ]
}

/// axum's route template → OpenAPI's: `{*id}` → `{id}`.
pub fn openapi_template(route: &str) -> String {
    route.replace("{*", "{")
}

fn rename_wildcards(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        if let Some(name) = parameter.name.strip_prefix('*') {
            parameter.name = name.to_string();
        }
    }
}

/// `GET /openapi.json`: this API's OpenAPI 3.1 description.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json(Extension(document): Extension<ServedDocument>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.0.as_str().to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_templates_become_openapi_templates() {
        assert_eq!(openapi_template("/documents/{*id}"), "/documents/{id}");
        assert_eq!(openapi_template("/search"), "/search");
    }
}
