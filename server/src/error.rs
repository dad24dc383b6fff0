//! Every error the HTTP API answers, and how it becomes `{"error": code, "message": text}`.
//!
//! The app and other tools branch on `error` (a stable code) and show `message` to people, so
//! nothing under `/api` may answer with anything else: axum's own rejections are mapped here too.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fieldbook_model::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be read; `code` says which part.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("wrong username or password")]
    BadCredentials,
    #[error("sign in first")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The request was read, but names something it cannot be done with; `code` says what.
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A dependency (database, photo store) does not answer; the client should retry later.
    #[error("{0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
    /// A refusal with its own status and code, e.g. a photo upload's `digest_mismatch` (422)
    /// or `unknown_photo` (404).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// A refusal that tells more than its message: `extra`'s keys (an object) are added beside
    /// `error` and `message`, e.g. a claim's `missing` items or the `field` of a bad value.
    #[error("{message}")]
    Detailed {
        status: StatusCode,
        code: &'static str,
        message: String,
        extra: serde_json::Value,
    },
    /// A rate limit: `429` with `Retry-After` in seconds.
    #[error("{message}")]
    TooManyRequests {
        code: &'static str,
        message: String,
        retry_after: u64,
    },
    /// An answer from below our handlers that was not JSON, kept with its status.
    #[error("{}", .0.canonical_reason().unwrap_or("error"))]
    Status(StatusCode),
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        AppError::Refused {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Refused { status, .. } => *status,
            AppError::Detailed { status, .. } => *status,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::BadCredentials | AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Status(status) => *status,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Refused { code, .. } => code,
            AppError::Detailed { code, .. } => code,
            AppError::BadRequest { code, .. } => code,
            AppError::BadCredentials => "bad_credentials",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Unprocessable { code, .. } => code,
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Unavailable(_) => "unavailable",
            AppError::TooManyRequests { code, .. } => code,
            AppError::Database(_) | AppError::Internal(_) => "internal",
            AppError::Status(status) => match *status {
                StatusCode::NOT_FOUND => "not_found",
                StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
                StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
                s if s.is_server_error() => "internal",
                _ => "bad_request",
            },
        }
    }

    /// What the person (or the tool) is told. Internal details stay in the log.
    fn public_message(&self) -> String {
        match self {
            AppError::Database(_) | AppError::Internal(_) => {
                "the server failed; nothing was changed, try again later".to_string()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let body = ApiError {
            error: self.code().to_string(),
            message: self.public_message(),
        };
        let mut response = match &self {
            AppError::Detailed { extra, .. } => {
                let mut object = serde_json::json!(body);
                if let (Some(all), Some(more)) = (object.as_object_mut(), extra.as_object()) {
                    for (k, v) in more {
                        all.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                (status, Json(object)).into_response()
            }
            _ => (status, Json(body)).into_response(),
        };
        if let AppError::TooManyRequests { retry_after, .. } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

/// The body limit shared by the JSON routes and the 413 answer.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge {
                limit: JSON_BODY_LIMIT,
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(
                "send the body as JSON with Content-Type: application/json".into(),
            ),
            _ => AppError::bad_request("bad_json", rejection.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::bad_request("bad_query", rejection.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        AppError::bad_request("bad_path", rejection.body_text())
    }
}

/// A row that does not make a valid work order: the database was edited by hand or is corrupt.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("work order {id}: bad {field} '{value}'")]
    BadField {
        id: String,
        field: &'static str,
        value: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Database(e) => e.into(),
            other => AppError::Internal(other.to_string()),
        }
    }
}
