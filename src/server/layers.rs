//! The layers every request passes through, around the whole router
//! ([`with_layers`]). From the outside in:
//!
//! 1. **request id**: each request gets an `x-request-id` (a UUID, or the one a
//!    proxy in front already set if it is short and plain), and the response
//!    carries it back;
//! 2. **trace**: one span per request with its id, method and path, so every
//!    log line written while answering it carries the id, and one `info` line
//!    when it is answered (status and latency);
//! 3. **compression**: gzip or brotli, as the browser accepts, for responses
//!    not already compressed (static files are sent precompressed, as their
//!    `.br`/`.gz` files) and not images or event streams;
//! 4. **security headers** ([`security_headers`](super::security_headers)):
//!    the content security policy, nosniff, frame and referrer policies, and
//!    `Cache-Control: no-store` on whatever carries a session or tickets;
//! 5. **JSON errors under `/api`**: the error responses the layers below make
//!    are `{"error": "<sentence>"}` for `/api/…` paths, plain text elsewhere;
//! 6. **panics**: a handler that panics answers 500 instead of dropping the
//!    connection, and the panic is logged;
//! 7. **body limit**: request bodies over [`BODY_LIMIT`] answer 413 (the JSON
//!    API takes at most [`API_BODY_LIMIT`]; both say so in one sentence);
//! 8. **cross-site requests** ([`same_origin`](super::same_origin)): another
//!    site's page cannot post the pages' forms or use a fan's cookie (403);
//! 9. **timeout** (tower-http's): an ordinary request not answered within
//!    30 s answers 503. A buy is routed around it
//!    ([`routes::WAITING_FOR_A_SALE`]): its answer depends on whether the sale
//!    became durable, so the shop answers it, never a generic timeout.

use crate::messages::Message;
use crate::routes;
use crate::server::fallbacks::{error_answer, layer_error, LayerError};
use crate::server::{same_origin, security_headers};
use axum::{
    body::Body,
    extract::Request,
    http::{header, StatusCode, Uri},
    middleware,
    response::Response,
    Router,
};
use std::any::Any;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{CompressionLayer, CompressionLevel},
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::{Level, Span};

/// How long an ordinary request may take until its response starts. (A
/// body streamed after that, like the live stock's events, is not cut off.)
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest request body the server reads, for any path.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The largest request body the JSON API reads: its bodies are a few dozen bytes.
pub const API_BODY_LIMIT: usize = 16 * 1024;

/// Wraps the whole app in the layers above. Called once, by
/// [`router`](super::router::router).
pub fn with_layers(app: Router) -> Router {
    layers(app, REQUEST_TIMEOUT)
}

/// [`with_layers`] with another timeout, so tests need not wait 30 s.
///
/// The layers wrap the router once, as one service behind a router with only
/// a fallback. (`Router::layer` would wrap every route in each layer, boxed,
/// and axum clones a route's whole stack, box by box, for every request.)
fn layers(app: Router, timeout: Duration) -> Router {
    let app = Router::new().fallback_service(
        ServiceBuilder::new()
            .layer(middleware::from_fn(same_origin::refuse_cross_site))
            .service(app),
    );
    let timed = ServiceBuilder::new()
        .map_response(move |response| mark_timeout(response, timeout))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .service(app.clone());
    // The buys go round the timeout; every other request goes through it.
    let app = routes::WAITING_FOR_A_SALE
        .iter()
        .fold(Router::new(), |router, &path| {
            router.route_service(path, app.clone().into_service::<Body>())
        })
        .fallback_service(timed);
    // Outermost first: the list in the module comment, read downwards.
    let layered = ServiceBuilder::new()
        .map_request(security_headers::plain_request_id)
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        // Brotli's default (quality 11) is meant for files compressed once;
        // 4 is quick enough for every response and still much smaller.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(middleware::from_fn(security_headers::secure_headers))
        .layer(middleware::map_response(json_under_api))
        .layer(CatchPanicLayer::custom(answer_panic))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .service(app);
    Router::new().fallback_service(layered)
}

/// The span every log line of a request is written in.
fn request_span(request: &Request<Body>) -> Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|id| id.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        request_id = id,
        method = %request.method(),
        path = request.uri().path(),
    )
}

/// Marks the timeout's answer (a bare 503, without a body or a type) with
/// its sentence. Answers of the app pass untouched.
fn mark_timeout(response: Response, limit: Duration) -> Response {
    let bare = !response.headers().contains_key(header::CONTENT_TYPE);
    if response.status() != StatusCode::SERVICE_UNAVAILABLE || !bare {
        return response;
    }
    tracing::warn!("no answer within {limit:?}; answering 503");
    layer_error(
        StatusCode::SERVICE_UNAVAILABLE,
        Message::NoAnswerInTime { limit },
    )
}

/// The 500 a panicking handler answers, after logging the panic.
fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string());
    tracing::error!(panic = %message, "a handler panicked; answering 500");
    layer_error(StatusCode::INTERNAL_SERVER_ERROR, Message::Failed)
}

/// Rewrites the layers' errors as `{"error": "<sentence>"}` under `/api` (and
/// a too-large body's 413, whichever part made it, in a sentence everywhere).
/// Every other response passes untouched.
async fn json_under_api<B>(uri: Uri, response: axum::http::Response<B>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let response = response.map(Body::new);
    let status = response.status();
    let message = match response.extensions().get::<LayerError>() {
        Some(LayerError(message)) => message.clone(),
        None if status == StatusCode::PAYLOAD_TOO_LARGE && !is_json(&response) => {
            Message::BodyTooLarge {
                limit_bytes: BODY_LIMIT,
            }
        }
        None => return response,
    };
    error_answer(status, &message, uri.path())
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;
    use axum::http::Method;
    use axum::routing::{get, post};
    use tower::ServiceExt;

    const TEST_TIMEOUT: Duration = Duration::from_millis(200);

    /// Routes that misbehave on purpose, under `/api` and outside it.
    fn app() -> Router {
        let slow = || async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "too late"
        };
        let panics = || async {
            if true {
                panic!("on purpose");
            }
            "unreachable"
        };
        let echo = |body: String| async move { body };
        let page = || async { "stage ".repeat(1000) };
        let slow_sale = || async {
            tokio::time::sleep(TEST_TIMEOUT * 3).await;
            "sold, after a slow disk"
        };
        let buys = Router::new()
            .route(routes::API_BUY, post(slow_sale))
            .route(routes::BUY_SERVER_FN, post(slow_sale));
        let routes = Router::new()
            .route("/slow", get(slow))
            .route("/panics", get(panics))
            .route("/echo", post(echo))
            .route("/page", get(page));
        layers(
            Router::new()
                .merge(routes.clone())
                .nest("/api", routes)
                .merge(buys),
            TEST_TIMEOUT,
        )
    }

    struct Answer {
        status: StatusCode,
        headers: axum::http::HeaderMap,
        body: String,
    }

    async fn send(method: Method, uri: &str, body: Body, headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = app().oneshot(request.body(body).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn json_error(answer: &Answer) -> String {
        assert_eq!(answer.headers[header::CONTENT_TYPE], "application/json");
        let value: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        value["error"]
            .as_str()
            .expect("an error sentence")
            .to_string()
    }

    #[tokio::test]
    async fn every_response_carries_a_request_id_and_keeps_one_it_was_given() {
        let answer = send(Method::GET, "/page", Body::empty(), &[]).await;
        let id = answer.headers["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

        let answer = send(
            Method::GET,
            "/page",
            Body::empty(),
            &[("x-request-id", "from-proxy")],
        )
        .await;
        assert_eq!(answer.headers["x-request-id"], "from-proxy");
    }

    #[tokio::test]
    async fn a_panic_answers_500_in_json_under_api_and_in_text_elsewhere() {
        let answer = send(Method::GET, "/api/panics", Body::empty(), &[]).await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(json_error(&answer).contains("failed to answer"));
        assert!(answer.headers.contains_key("x-request-id"));

        let answer = send(Method::GET, "/panics", Body::empty(), &[]).await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(answer.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        assert!(answer.body.contains("failed to answer"), "{}", answer.body);
    }

    #[tokio::test]
    async fn no_answer_in_time_is_503_in_json_under_api_and_in_text_elsewhere() {
        let answer = send(Method::GET, "/api/slow", Body::empty(), &[]).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(json_error(&answer).contains("did not answer within 200ms"));

        let answer = send(Method::GET, "/slow", Body::empty(), &[]).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            answer.body.contains("did not answer within 200ms"),
            "{}",
            answer.body
        );
    }

    #[tokio::test]
    async fn a_buy_waiting_for_its_sale_is_never_cut_off_by_the_timeout() {
        for path in [routes::API_BUY, routes::BUY_SERVER_FN] {
            let form = [("content-type", "application/x-www-form-urlencoded")];
            let answer = send(Method::POST, path, Body::empty(), &form).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            assert_eq!(answer.body, "sold, after a slow disk");
        }
    }

    #[tokio::test]
    async fn a_body_over_64_kib_is_413_whether_its_length_is_declared_or_not() {
        let too_big = "x".repeat(BODY_LIMIT + 1);
        for uri in ["/api/echo", "/echo"] {
            // Declared: refused before the handler runs.
            let declared = [("content-length", &*too_big.len().to_string())];
            let answer = send(Method::POST, uri, Body::from(too_big.clone()), &declared).await;
            assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
            let sentence = if uri.starts_with("/api") {
                json_error(&answer)
            } else {
                answer.body.clone()
            };
            assert!(
                sentence.contains("larger than the server accepts (64 KiB)"),
                "{sentence}"
            );

            // No length declared: refused when reading passes the limit.
            let answer = send(Method::POST, uri, Body::from(too_big.clone()), &[]).await;
            assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
            if uri.starts_with("/api") {
                assert!(json_error(&answer).contains("64 KiB"));
            }
        }
        let answer = send(
            Method::POST,
            "/api/echo",
            Body::from("x".repeat(BODY_LIMIT)),
            &[],
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "exactly 64 KiB is fine");
    }

    #[tokio::test]
    async fn responses_are_compressed_when_the_client_accepts_it() {
        for encoding in ["br", "gzip"] {
            let answer = send(
                Method::GET,
                "/page",
                Body::empty(),
                &[("accept-encoding", encoding)],
            )
            .await;
            assert_eq!(answer.status, StatusCode::OK);
            assert_eq!(answer.headers[header::CONTENT_ENCODING], encoding);
        }
        let answer = send(Method::GET, "/page", Body::empty(), &[]).await;
        assert!(!answer.headers.contains_key(header::CONTENT_ENCODING));
        assert_eq!(answer.body, "stage ".repeat(1000));
    }
}
