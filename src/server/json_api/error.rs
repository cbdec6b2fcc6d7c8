//! The JSON API's one error type, [`ApiError`]: every failure answers
//! `{"error": "<sentence>"}` with the status that fits. Every one is made
//! from a [`Refusal`]: those of the layers below ([`AuthError`],
//! [`ShopError`]) through the one refusal table, and a request the API
//! cannot read (its body, its query) here, at the edge, as a message with
//! serde's detail.

use crate::messages::Message;
use crate::refusal::Refusal;
use crate::server::auth::AuthError;
use crate::server::layers::API_BODY_LIMIT;
use crate::shop::ShopError;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, and what to do about it, in one sentence.
    #[schema(example = "only 2 tickets are left for stage 1; you asked for 4")]
    pub error: String,
}

/// A failed request: its status and the sentence that explains it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    /// Seconds to wait before trying again (429, 503).
    retry_after_secs: Option<u64>,
}

/// A refusal of the request itself (its body or query), with its status.
fn refused(status: StatusCode, message: Message) -> ApiError {
    Refusal::new(status, message).into()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(status = %self.status, "{}", self.message);
        }
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.message,
            }),
        )
            .into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tiket\""),
            );
        }
        response
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        ApiError {
            status: refusal.status,
            // In the language the client asked for (`Accept-Language`).
            message: refusal.sentence(crate::language::api_language()),
            retry_after_secs: refusal.retry_after_secs,
        }
    }
}

impl From<ShopError> for ApiError {
    fn from(error: ShopError) -> Self {
        Refusal::from(error).into()
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        Refusal::from(error).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => {
                let detail = serde_detail(
                    &e.body_text(),
                    "Failed to deserialize the JSON body into the target type: ",
                );
                refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Message::BodyDoesNotFit { detail },
                )
            }
            JsonRejection::JsonSyntaxError(e) => {
                let detail =
                    serde_detail(&e.body_text(), "Failed to parse the request body as JSON: ");
                refused(StatusCode::BAD_REQUEST, Message::BadJson { detail })
            }
            JsonRejection::MissingJsonContentType(_) => {
                refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, Message::NotJson)
            }
            JsonRejection::BytesRejection(e) => e.into(),
            other => refused(
                other.status(),
                Message::Unreadable {
                    detail: other.body_text(),
                },
            ),
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                Message::BodyTooLarge {
                    limit_bytes: API_BODY_LIMIT,
                },
            )
            .into(),
            status => refused(
                status,
                Message::Unreadable {
                    detail: rejection.body_text(),
                },
            ),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let detail = serde_detail(
            &rejection.body_text(),
            "Failed to deserialize query string: ",
        );
        refused(StatusCode::BAD_REQUEST, Message::QueryDoesNotFit { detail })
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        let detail = serde_detail(&rejection.body_text(), "Invalid URL: ");
        refused(StatusCode::BAD_REQUEST, Message::PathDoesNotFit { detail })
    }
}

/// An axum rejection's text without axum's own opening: serde's detail
/// (which field, what was expected, where), for the message to carry.
fn serde_detail(text: &str, axum_opening: &str) -> String {
    text.strip_prefix(axum_opening).unwrap_or(text).to_owned()
}

/// A JSON request body, like axum's `Json`, whose every rejection is an
/// [`ApiError`] — an empty body included, which gets a sentence of its own.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Message::NotJson,
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(refused(StatusCode::BAD_REQUEST, Message::EmptyBody));
        }
        let body = Json::<T>::from_bytes(&bytes)?.0;
        // serde would also read a struct from an array of its fields.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::NotAnObject,
            ));
        }
        Ok(JsonBody(body))
    }
}
