//! Answers for what no handler answers — a path nothing serves under `/api`,
//! a known path asked with the wrong method — and the shape every such
//! error takes: `{"error": "<sentence>"}` under `/api`, the sentence as text
//! elsewhere ([`error_answer`], also used by the layers).

use crate::messages::{self, Message};
use crate::routes;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error answer in the shape its path calls for.
pub fn error_answer(status: StatusCode, message: &Message, path: &str) -> Response {
    // In an `/api` request's `Accept-Language` (English outside one).
    let sentence = messages::sentence(message, crate::language::api_language());
    if routes::is_api(path) {
        (status, Json(serde_json::json!({ "error": sentence }))).into_response()
    } else {
        (status, sentence).into_response()
    }
}

/// Marks a response a layer made (not a handler), with what it says.
#[derive(Clone)]
pub struct LayerError(pub Message);

/// A layer's plain-text error, marked so the layers can turn it into JSON
/// under `/api`.
pub fn layer_error(status: StatusCode, message: Message) -> Response {
    let sentence = messages::sentence(&message, crate::language::api_language());
    let mut response = (status, sentence).into_response();
    response.extensions_mut().insert(LayerError(message));
    response
}

/// Unknown `/api` paths answer JSON, as every API error does.
pub async fn api_not_found(uri: Uri) -> Response {
    let path = uri.path();
    let message = Message::NoEndpoint {
        path: path.to_owned(),
    };
    error_answer(StatusCode::NOT_FOUND, &message, path)
}

/// A known path asked with the wrong method: JSON under `/api`, text elsewhere.
pub async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    let message = Message::MethodNotAllowed {
        method: method.to_string(),
        path: path.to_owned(),
    };
    error_answer(StatusCode::METHOD_NOT_ALLOWED, &message, path)
}
