//! Receiving Tray's deliveries in axum: an extractor that verifies, then decodes (feature
//! `axum`).

use std::fmt;
use std::ops::Deref;

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use crate::event::{EventError, MAX_EVENT_BYTES, parse_event};
use crate::signing::{SIGNATURE_HEADER, SigningKey, verify_event};
use crate::text::one_line;
use crate::{SignatureError, Trigger};

/// An event of trigger operation `T`, delivered by Tray to this endpoint: signed with the
/// subscription's key, then decoded. An axum extractor (feature `axum`).
///
/// It reads the `x-tray-signature` header and the body (at most `MAX_BYTES`, by default
/// [`MAX_EVENT_BYTES`], 16 MiB), verifies the signature over the raw bytes with the
/// [`SigningKey`] it finds in the router's state (`SigningKey: FromRef<S>`), and only then
/// decodes the body as `T::Event`. The handler never sees an unverified body. A refusal
/// answers before the handler runs, with a short `text/plain` reason and a `tracing` warning:
///
/// | refusal | status |
/// |---|---|
/// | no `x-tray-signature`, a malformed one, or one that does not match the body | 401 |
/// | a body over `MAX_BYTES` (refused from its `Content-Length`, or as soon as more arrived) | 413 |
/// | a body that is not JSON, or that could not be read whole | 400 |
/// | a genuine event that is not `T::Event`'s shape | 422 |
///
/// Any answer but a 2xx makes Tray deliver again later: so does a 422, which lets the events
/// through once the event type is fixed.
///
/// **One endpoint per subscription.** A delivery names neither its subscription nor its event,
/// so the URL is what tells which key verifies it: give each subscription its own path, and
/// each route the state holding its key.
///
/// ```no_run
/// use axum::{Router, routing::post};
/// use tray_connect::{SigningKey, Trigger, TrayEvent};
///
/// # #[derive(serde::Serialize)] struct EnteredSmartGroup { value: String }
/// # #[derive(serde::Deserialize)] struct GroupEvent { boundary: String }
/// # impl Trigger for EnteredSmartGroup { type Event = GroupEvent;
/// #     const TRIGGER: &'static str = "gosquared-trigger"; const VERSION: &'static str = "1.0";
/// #     const NAME: &'static str = "entered_smart_group_init"; }
/// async fn entered(event: TrayEvent<EnteredSmartGroup>) -> &'static str {
///     println!("boundary: {}", event.boundary); // derefs to the event
///     "ok"
/// }
///
/// # fn keys() -> Result<(SigningKey, SigningKey), tray_connect::Error> {
/// #     let k = SigningKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?; Ok((k.clone(), k)) }
/// # fn main() -> Result<(), tray_connect::Error> {
/// let (vip_key, trial_key) = keys()?; // the `signing_key` of each created subscription
/// let app: Router = Router::new()
///     .merge(Router::new().route("/tray/vip", post(entered)).with_state(vip_key))
///     .merge(Router::new().route("/tray/trial", post(entered)).with_state(trial_key));
/// # Ok(()) }
/// ```
///
/// A state of your own works as well, with `impl FromRef<AppState> for SigningKey` (or
/// `#[derive(FromRef)]`, axum's `macros` feature) picking its key.
///
/// **The same event can arrive more than once**: Tray retries deliveries it does not see
/// taken and sends no event id. Make the handler idempotent: dedupe on a field that
/// identifies the event, or failing one on [`body_sha256`](Self::body_sha256) (see
/// [`decode_event`](crate::decode_event#duplicates)).
pub struct TrayEvent<T: Trigger, const MAX_BYTES: usize = MAX_EVENT_BYTES> {
    event: T::Event,
    body: Bytes,
}

impl<T: Trigger, const MAX_BYTES: usize> TrayEvent<T, MAX_BYTES> {
    /// The event.
    pub fn event(&self) -> &T::Event {
        &self.event
    }

    /// The event, by value.
    pub fn into_event(self) -> T::Event {
        self.event
    }

    /// The body exactly as delivered (and verified).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The SHA-256 of the body: a key to dedupe repeated deliveries by when the event has no
    /// field that identifies it (a retry resends the same bytes; two distinct events with
    /// equal bodies share it too).
    pub fn body_sha256(&self) -> [u8; 32] {
        use sha2::Digest as _;
        sha2::Sha256::digest(&self.body).into()
    }
}

impl<T: Trigger, const MAX_BYTES: usize> Deref for TrayEvent<T, MAX_BYTES> {
    type Target = T::Event;

    fn deref(&self) -> &T::Event {
        &self.event
    }
}

impl<T: Trigger, const MAX_BYTES: usize> fmt::Debug for TrayEvent<T, MAX_BYTES>
where
    T::Event: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrayEvent")
            .field("trigger", &T::TRIGGER)
            .field("operation", &T::NAME)
            .field("event", &self.event)
            .finish_non_exhaustive()
    }
}

impl<T, S, const MAX_BYTES: usize> FromRequest<S> for TrayEvent<T, MAX_BYTES>
where
    T: Trigger,
    SigningKey: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = EventError;

    async fn from_request(request: Request, state: &S) -> Result<Self, EventError> {
        let key = SigningKey::from_ref(state);
        let result = receive::<T, MAX_BYTES>(request, &key).await;
        if let Err(error) = &result {
            tracing::warn!(
                trigger = T::TRIGGER,
                operation = T::NAME,
                "refused a delivery: {error}"
            );
        }
        result
    }
}

/// Checks the header, reads the body within `MAX_BYTES`, verifies it, then decodes it.
async fn receive<T: Trigger, const MAX_BYTES: usize>(
    request: Request,
    key: &SigningKey,
) -> Result<TrayEvent<T, MAX_BYTES>, EventError> {
    // Without a usable signature the body is not even read.
    let signature = signature(request.headers())?;
    let body = read_body(request, MAX_BYTES).await?;
    verify_event(key, &body, &signature)?;
    let event = parse_event::<T>(&body)?;
    Ok(TrayEvent { event, body })
}

/// `x-tray-signature`, refused before the body is read when it is missing or not text.
fn signature(headers: &HeaderMap) -> Result<String, SignatureError> {
    let Some(value) = headers.get(SIGNATURE_HEADER) else {
        return Err(SignatureError::Missing);
    };
    let text = value.to_str().map_err(|_| SignatureError::Malformed {
        reason: "it holds bytes that are not visible ASCII".to_owned(),
    })?;
    if text.trim().is_empty() {
        return Err(SignatureError::Missing);
    }
    Ok(text.to_owned())
}

/// Reads the whole body, failing as soon as it (or its announced length) passes `limit`.
async fn read_body(request: Request, limit: usize) -> Result<Bytes, EventError> {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(EventError::TooLarge { limit });
    }
    let capacity = announced.map_or(0, |n| n as usize).min(limit).min(1 << 20);
    let mut body = Vec::with_capacity(capacity);
    let mut chunks = request.into_body().into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| EventError::Unreadable {
            cause: one_line(&e.to_string()),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(EventError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// The refusal of a delivery: a status Tray sees and a short text for whoever reads its logs.
impl IntoResponse for EventError {
    fn into_response(self) -> Response {
        let status = match &self {
            EventError::Signature(_) => StatusCode::UNAUTHORIZED,
            EventError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            error if error.is_wrong_shape() => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::BAD_REQUEST,
        };
        (status, self.to_string()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::body::Body;
    use axum::extract::FromRequest;
    use axum::http::Request;

    use super::*;

    #[derive(serde::Serialize)]
    struct Entered;

    #[derive(Debug, serde::Deserialize)]
    struct GroupEvent {
        boundary: String,
    }

    impl Trigger for Entered {
        type Event = GroupEvent;
        const TRIGGER: &'static str = "gosquared-trigger";
        const VERSION: &'static str = "1.0";
        const NAME: &'static str = "entered_smart_group_init";
    }

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[42; 32])
    }

    fn delivery(body: &'static [u8], signature: Option<String>) -> Request<Body> {
        let mut request = Request::post("/tray/events").header("content-type", "application/json");
        if let Some(signature) = signature {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        request.body(Body::from(body)).unwrap()
    }

    async fn extract<const MAX: usize>(
        request: Request<Body>,
    ) -> Result<TrayEvent<Entered, MAX>, EventError> {
        TrayEvent::<Entered, MAX>::from_request(request, &key()).await
    }

    fn status(error: EventError) -> u16 {
        error.into_response().status().as_u16()
    }

    #[tokio::test]
    async fn a_signed_event_is_verified_then_decoded() {
        let body = br#"{"boundary":"enter"}"#;
        let event = extract::<MAX_EVENT_BYTES>(delivery(body, Some(key().sign(body))))
            .await
            .unwrap();
        assert_eq!(event.boundary, "enter");
        assert_eq!(event.body().as_ref(), body);
        assert_eq!(event.body_sha256(), {
            use sha2::Digest as _;
            <[u8; 32]>::from(sha2::Sha256::digest(body))
        });
        assert!(format!("{event:?}").contains("entered_smart_group_init"));
        assert_eq!(event.into_event().boundary, "enter");
    }

    #[tokio::test]
    async fn refusals_answer_401_413_400_and_422() {
        let body: &[u8] = br#"{"boundary":"enter"}"#;
        let missing = extract::<MAX_EVENT_BYTES>(delivery(body, None))
            .await
            .unwrap_err();
        assert!(matches!(
            missing,
            EventError::Signature(SignatureError::Missing)
        ));
        assert_eq!(status(missing), 401);
        let forged = SigningKey::from_bytes(b"another key").sign(body);
        let mismatch = extract::<MAX_EVENT_BYTES>(delivery(body, Some(forged)))
            .await
            .unwrap_err();
        assert_eq!(status(mismatch), 401);
        let too_large = extract::<8>(delivery(body, Some(key().sign(body))))
            .await
            .unwrap_err();
        assert!(
            matches!(too_large, EventError::TooLarge { limit: 8 }),
            "{too_large}"
        );
        assert_eq!(status(too_large), 413);
        let not_json: &'static [u8] = b"{\"boundary\":";
        let err = extract::<MAX_EVENT_BYTES>(delivery(not_json, Some(key().sign(not_json))))
            .await
            .unwrap_err();
        assert_eq!(status(err), 400);
        let wrong_shape: &'static [u8] = br#"{"boundary":7}"#;
        let err = extract::<MAX_EVENT_BYTES>(delivery(wrong_shape, Some(key().sign(wrong_shape))))
            .await
            .unwrap_err();
        assert!(err.to_string().contains(" at boundary: "), "{err}");
        let response = err.into_response();
        assert_eq!(response.status(), 422);
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; charset=utf-8"
        );
    }

    #[tokio::test]
    async fn a_body_without_length_is_refused_as_soon_as_it_passes_the_limit() {
        let pulled = Arc::new(AtomicUsize::new(0));
        let counter = pulled.clone();
        // 100 chunks of 1 KiB, no Content-Length: the limit is passed at the 5th.
        let chunks = futures_util::stream::iter(0..100).map(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 1024]))
        });
        let request = Request::post("/tray/events")
            .header(SIGNATURE_HEADER, key().sign(b"{}"))
            .body(Body::from_stream(chunks))
            .unwrap();
        let err = extract::<4096>(request).await.unwrap_err();
        assert!(matches!(err, EventError::TooLarge { limit: 4096 }), "{err}");
        assert_eq!(pulled.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn an_announced_length_over_the_limit_is_refused_before_reading() {
        let request = Request::post("/tray/events")
            .header(SIGNATURE_HEADER, key().sign(b"{}"))
            .header(header::CONTENT_LENGTH, "999999")
            .body(Body::from_stream(futures_util::stream::pending::<
                Result<Bytes, std::io::Error>,
            >()))
            .unwrap();
        // A pending body would hang the read: the refusal comes from the header alone.
        let err = extract::<1024>(request).await.unwrap_err();
        assert!(matches!(err, EventError::TooLarge { .. }), "{err}");
    }

    #[tokio::test]
    async fn a_missing_signature_is_refused_without_reading_the_body() {
        let request = Request::post("/tray/events")
            .body(Body::from_stream(futures_util::stream::pending::<
                Result<Bytes, std::io::Error>,
            >()))
            .unwrap();
        let err = extract::<MAX_EVENT_BYTES>(request).await.unwrap_err();
        assert!(
            matches!(err, EventError::Signature(SignatureError::Missing)),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_body_cut_off_by_the_sender_is_unreadable() {
        let chunks = futures_util::stream::iter([
            Ok(Bytes::from_static(b"{\"boun")),
            Err(std::io::Error::other("connection reset")),
        ]);
        let request = Request::post("/tray/events")
            .header(SIGNATURE_HEADER, key().sign(b"{}"))
            .body(Body::from_stream(chunks))
            .unwrap();
        let err = extract::<MAX_EVENT_BYTES>(request).await.unwrap_err();
        assert!(matches!(err, EventError::Unreadable { .. }), "{err}");
        assert_eq!(status(err), 400);
    }
}
