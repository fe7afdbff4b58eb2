//! Subscriptions to a trigger operation: creating, reading and deleting them.
//!
//! A subscription tells Tray to deliver the events of one trigger operation to an `endpoint`
//! (an HTTPS URL of yours), each signed with the subscription's key. Shapes from Tray's
//! published OpenAPI (`create-subscription`, `get-subscription-by-id`,
//! `delete-connector-events-subscription`); facts and what is unconfirmed in
//! `docs/fidelity.md`, *Triggers*.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::path::segment;
use crate::retry::RequestKind;
use crate::signing::SigningKey;
use crate::tolerant;
use crate::wire::{decode_answer, decode_output};
use crate::{Client, Error, Trigger};

/// A subscription to create with [`Client::subscribe`]: to trigger operation `T`, delivering
/// its events to `endpoint`.
///
/// ```
/// # #[derive(serde::Serialize)] struct EnteredSmartGroup { value: String }
/// # #[derive(serde::Deserialize)] struct GroupEvent {}
/// # impl tray_connect::Trigger for EnteredSmartGroup { type Event = GroupEvent;
/// #     const TRIGGER: &'static str = "gosquared-trigger"; const VERSION: &'static str = "1.0";
/// #     const NAME: &'static str = "entered_smart_group_init"; }
/// use tray_connect::NewSubscription;
///
/// let new = NewSubscription::new(
///     "VIP group changes",
///     "https://hooks.example.com/tray/vip-group", // one URL per subscription: see `TrayEvent`
///     EnteredSmartGroup { value: "vip".into() },
/// )
/// .auth_id("fe6ce53d-b414-4f24-b0d5-16a0a75544a0")
/// .external_id("acme-vip");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubscription<T: Trigger> {
    name: String,
    endpoint: String,
    input: T,
    auth_id: Option<String>,
    external_id: Option<String>,
}

impl<T: Trigger> NewSubscription<T> {
    /// A subscription called `name` to the operation `T` with `input`, delivering to
    /// `endpoint`.
    ///
    /// Events carry no subscription id, so give each subscription its own endpoint URL (a
    /// path per subscription): the receiver then knows which key verifies what arrives there.
    pub fn new(name: impl Into<String>, endpoint: impl Into<String>, input: T) -> Self {
        NewSubscription {
            name: name.into(),
            endpoint: endpoint.into(),
            input,
            auth_id: None,
            external_id: None,
        }
    }

    /// The authentication the trigger uses with the third party (sent as `authenticationId`,
    /// a UUID).
    pub fn auth_id(mut self, id: impl Into<String>) -> Self {
        self.auth_id = Some(id.into());
        self
    }

    /// An id of your own to find the subscription by (sent as `externalId`; Tray returns it
    /// only when it was sent).
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }
}

/// The body of Create Subscription, in the order Tray's schema lists its fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateRequest<'a, T> {
    pub(crate) name: &'a str,
    pub(crate) trigger: TriggerRef<'a>,
    pub(crate) operation: &'a str,
    pub(crate) input: &'a T,
    pub(crate) endpoint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) authentication_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) external_id: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct TriggerRef<'a> {
    pub(crate) name: &'a str,
    pub(crate) version: &'a str,
}

/// What [`Client::subscribe`] created: the subscription and the key its events are signed
/// with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreatedSubscription {
    /// The subscription as Tray created it.
    pub subscription: SubscriptionInfo,
    /// The key that signs the subscription's events. **Tray returns it only here**: List and
    /// Get Subscription never show it again, so store it now (see
    /// [`SigningKey::expose_base64`]).
    pub signing_key: SigningKey,
}

/// A subscription, as Create, List and Get Subscription answer it (without its key).
///
/// Decoded liberally: only `id` is required; other fields that are missing or `null` read as
/// empty, and an unknown `state` as [`SubscriptionState::Unknown`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "SubscriptionWire")]
#[non_exhaustive]
pub struct SubscriptionInfo {
    /// Its id (a UUID).
    pub id: String,
    /// Its name.
    pub name: String,
    /// The trigger's name, e.g. `gosquared-trigger`.
    pub trigger: String,
    /// The trigger's version, e.g. `1.0`.
    pub version: String,
    /// The trigger operation's wire name.
    pub operation: String,
    /// Where its events are delivered.
    pub endpoint: String,
    /// The input it was created with (`null` when Tray sent none).
    pub input: Value,
    /// Where it stands.
    pub state: SubscriptionState,
    /// The authentication it uses (`authenticationId`), if any.
    pub auth_id: Option<String>,
    /// Your own id for it (`externalId`), if one was given.
    pub external_id: Option<String>,
    /// Why it could not be created, for a subscription in state
    /// [`CreationFailed`](SubscriptionState::CreationFailed).
    pub error: Option<SubscriptionFailure>,
}

/// Why Tray could not create a subscription (its `error`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionFailure {
    /// `user_input_error`, `api_error`, `timeout_error`, `oauth_refresh`, `no_trigger` or
    /// `internal_error` (empty when Tray sent none).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub code: String,
    /// What went wrong, in words (empty when Tray sent none).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub message: String,
}

/// Where a subscription stands (`state`).
///
/// Tray does not document how a subscription moves from `creating` to `active`: one still
/// `creating` can be read again with [`Client::subscription`] until it is `active`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubscriptionState {
    /// `creating`: Tray is setting it up with the third party.
    Creating,
    /// `creation_failed`: it could not be set up and delivers nothing (see
    /// [`SubscriptionInfo::error`]); delete it.
    CreationFailed,
    /// `deleted`.
    Deleted,
    /// `active`: events are delivered.
    Active,
    /// A state this version does not know, as Tray wrote it.
    Unknown(String),
}

impl SubscriptionState {
    /// The state as Tray writes it, e.g. `creation_failed`.
    pub fn as_str(&self) -> &str {
        match self {
            SubscriptionState::Creating => "creating",
            SubscriptionState::CreationFailed => "creation_failed",
            SubscriptionState::Deleted => "deleted",
            SubscriptionState::Active => "active",
            SubscriptionState::Unknown(text) => text,
        }
    }

    fn from_wire(text: String) -> SubscriptionState {
        match text.as_str() {
            "creating" => SubscriptionState::Creating,
            "creation_failed" => SubscriptionState::CreationFailed,
            "deleted" => SubscriptionState::Deleted,
            "active" => SubscriptionState::Active,
            _ => SubscriptionState::Unknown(text),
        }
    }
}

impl fmt::Display for SubscriptionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A subscription as Tray writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionWire {
    #[serde(deserialize_with = "tolerant::id")]
    id: String,
    #[serde(default, deserialize_with = "tolerant::text")]
    name: String,
    #[serde(default, deserialize_with = "tolerant::optional")]
    trigger: Option<TriggerWire>,
    #[serde(default, deserialize_with = "tolerant::text")]
    operation: String,
    #[serde(default, deserialize_with = "tolerant::text")]
    endpoint: String,
    #[serde(default)]
    input: Value,
    #[serde(default, deserialize_with = "tolerant::text")]
    state: String,
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    authentication_id: Option<String>,
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    external_id: Option<String>,
    #[serde(default, deserialize_with = "tolerant::optional")]
    error: Option<SubscriptionFailure>,
}

#[derive(Deserialize)]
struct TriggerWire {
    #[serde(default, deserialize_with = "tolerant::text")]
    name: String,
    #[serde(default, deserialize_with = "tolerant::text")]
    version: String,
}

impl From<SubscriptionWire> for SubscriptionInfo {
    fn from(wire: SubscriptionWire) -> Self {
        let (trigger, version) = wire
            .trigger
            .map(|t| (t.name, t.version))
            .unwrap_or_default();
        SubscriptionInfo {
            id: wire.id,
            name: wire.name,
            trigger,
            version,
            operation: wire.operation,
            endpoint: wire.endpoint,
            input: wire.input,
            state: SubscriptionState::from_wire(wire.state),
            auth_id: wire.authentication_id,
            external_id: wire.external_id,
            error: wire.error,
        }
    }
}

const CREATED: &str = "Create Subscription response";

/// Reads a Create Subscription answer (HTTP 200): the subscription and its key, or
/// [`Error::SubscriptionFailed`] for `state: "creation_failed"`.
pub(crate) fn decode_created(body: &[u8]) -> Result<CreatedSubscription, Error> {
    let answer: Value = decode_answer(body, CREATED)?;
    let subscription: SubscriptionInfo = decode_output(answer.clone(), CREATED)?;
    if subscription.state == SubscriptionState::CreationFailed {
        let SubscriptionFailure { code, message } =
            subscription.error.unwrap_or(SubscriptionFailure {
                code: String::new(),
                message: String::new(),
            });
        return Err(Error::SubscriptionFailed {
            id: subscription.id,
            code,
            message,
        });
    }
    // The subscription exists at Tray from here on: the error keeps the whole answer (with the
    // id) so that it can be found and deleted.
    let unusable_key = |message: String| Error::Decode {
        what: format!("{CREATED} of subscription {}", subscription.id),
        path: "signingKey".to_owned(),
        message,
        output: Some(Box::new(answer.clone())),
        source: None,
    };
    let text = match answer.get("signingKey") {
        Some(Value::String(text)) => text,
        None | Some(Value::Null) => {
            return Err(unusable_key("missing field `signingKey`".to_owned()));
        }
        Some(other) => {
            return Err(unusable_key(format!(
                "invalid type: {}, expected a base64 string",
                tolerant::kind_of(other)
            )));
        }
    };
    let signing_key = SigningKey::from_base64(text).map_err(|e| match e {
        Error::Config { message } => unusable_key(message),
        other => other,
    })?;
    Ok(CreatedSubscription {
        subscription,
        signing_key,
    })
}

impl Client {
    /// Create Subscription: asks Tray to deliver the events of trigger operation `T` to the
    /// subscription's endpoint, and returns it with the key its events are signed with.
    ///
    /// Store [`CreatedSubscription::signing_key`] at once: Tray never shows it again. The
    /// subscription may start in state `creating`; read it again with
    /// [`subscription`](Self::subscription) to see it become `active`.
    ///
    /// **Retries**: a repeated Create Subscription creates a second subscription, so only what
    /// cannot have reached Tray is retried (a connection that could not be made, Tray's 429),
    /// whatever the [`RetryPolicy`](crate::RetryPolicy) says of calls. After a timeout or a
    /// 5xx, list the subscriptions (by [`external_id`](NewSubscription::external_id)) before
    /// trying again.
    ///
    /// # Errors
    ///
    /// - [`Error::SubscriptionFailed`] when Tray answers `creation_failed` (HTTP 200): the
    ///   subscription exists and should be deleted; the error has its id.
    /// - [`Error::Tray`] for Tray's refusals: 400 for an input its `inputSchema` refuses, 404
    ///   for an unknown trigger, version or operation, ...
    /// - [`Error::Decode`] for an answer without a usable `signingKey` (it keeps the whole
    ///   answer, id included: the subscription exists).
    /// - [`Error::Encode`] when the input cannot be written as JSON.
    pub async fn subscribe<T: Trigger>(
        &self,
        new: NewSubscription<T>,
    ) -> Result<CreatedSubscription, Error> {
        self.create_subscription(CreateRequest {
            name: &new.name,
            trigger: TriggerRef {
                name: T::TRIGGER,
                version: T::VERSION,
            },
            operation: T::NAME,
            input: &new.input,
            endpoint: &new.endpoint,
            authentication_id: new.auth_id.as_deref(),
            external_id: new.external_id.as_deref(),
        })
        .await
    }

    /// Sends Create Subscription with `request`: what [`subscribe`](Self::subscribe) and
    /// [`subscribe_raw`](Self::subscribe_raw) share.
    pub(crate) async fn create_subscription<I: Serialize>(
        &self,
        request: CreateRequest<'_, I>,
    ) -> Result<CreatedSubscription, Error> {
        let body = serde_json::to_vec(&request).map_err(|source| Error::Encode {
            operation: format!(
                "a subscription to {} {}",
                request.trigger.name, request.operation
            ),
            message: source.to_string(),
            source,
        })?;
        let answer = self
            .rest(
                RequestKind::Create,
                "POST",
                "/core/v1/subscriptions",
                Some(body),
            )
            .await?;
        decode_created(&answer)
    }

    /// Get Subscription: the subscription `id` (without its key, which Tray shows only at
    /// creation).
    ///
    /// # Errors
    ///
    /// [`Error::Tray`] with status 404 for an unknown (or deleted) id; [`Error::Config`] for an
    /// id that is empty, `.`, `..` or holds a control character.
    pub async fn subscription(&self, id: &str) -> Result<SubscriptionInfo, Error> {
        let path = format!("/core/v1/subscriptions/{}", segment("subscription id", id)?);
        let body = self.rest(RequestKind::Read, "GET", &path, None).await?;
        decode_answer(&body, "Get Subscription response")
    }

    /// Delete Subscription: stops the deliveries of subscription `id` (Tray answers 204 with
    /// an empty body).
    ///
    /// Deleting is idempotent, so it is retried like a read (429, 5xx, connection failures). A
    /// 404 is an error, except after an attempt answered 5xx: that attempt may have deleted the
    /// subscription, so its absence then means the deletion is done.
    ///
    /// # Errors
    ///
    /// [`Error::Tray`] with status 404 for an id Tray does not know; [`Error::Config`] for an
    /// id that is empty, `.`, `..` or holds a control character.
    pub async fn unsubscribe(&self, id: &str) -> Result<(), Error> {
        let url = format!(
            "{}/core/v1/subscriptions/{}",
            self.base_url(),
            segment("subscription id", id)?
        );
        let mut request = self.request_to(RequestKind::Read, "DELETE", &url, None)?;
        request.gone_is_done = true;
        self.send(request).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Clone, PartialEq, Serialize)]
    struct Entered {
        value: String,
    }

    impl Trigger for Entered {
        type Event = Value;
        const TRIGGER: &'static str = "gosquared-trigger";
        const VERSION: &'static str = "1.0";
        const NAME: &'static str = "entered_smart_group_init";
    }

    fn body_of(new: &NewSubscription<Entered>) -> Value {
        let request = CreateRequest {
            name: &new.name,
            trigger: TriggerRef {
                name: Entered::TRIGGER,
                version: Entered::VERSION,
            },
            operation: Entered::NAME,
            input: &new.input,
            endpoint: &new.endpoint,
            authentication_id: new.auth_id.as_deref(),
            external_id: new.external_id.as_deref(),
        };
        serde_json::to_value(&request).unwrap()
    }

    #[test]
    fn the_request_names_trigger_version_and_operation_and_leaves_out_what_is_unset() {
        let new = NewSubscription::new(
            "VIPs",
            "https://hooks.example/a",
            Entered { value: "g".into() },
        );
        assert_eq!(
            body_of(&new),
            json!({"name": "VIPs",
                   "trigger": {"name": "gosquared-trigger", "version": "1.0"},
                   "operation": "entered_smart_group_init", "input": {"value": "g"},
                   "endpoint": "https://hooks.example/a"})
        );
        let full = new
            .auth_id("fe6ce53d-b414-4f24-b0d5-16a0a75544a0")
            .external_id("x-1");
        let body = body_of(&full);
        assert_eq!(
            body["authenticationId"],
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a0"
        );
        assert_eq!(body["externalId"], "x-1");
    }

    #[test]
    fn a_subscription_decodes_with_missing_parts_and_unknown_states() {
        let full: SubscriptionInfo = serde_json::from_value(json!({
            "id": "s1", "name": "n", "trigger": {"name": "t", "version": "1.0"},
            "operation": "op", "endpoint": "https://e", "input": {"a": 1}, "state": "active",
            "authenticationId": "a1", "externalId": "x1"
        }))
        .unwrap();
        assert_eq!((full.trigger.as_str(), full.version.as_str()), ("t", "1.0"));
        assert_eq!(full.state, SubscriptionState::Active);
        assert_eq!(full.auth_id.as_deref(), Some("a1"));
        assert_eq!(full.external_id.as_deref(), Some("x1"));
        let bare: SubscriptionInfo =
            serde_json::from_value(json!({"id": 7, "trigger": null, "state": "paused"})).unwrap();
        assert_eq!(bare.id, "7");
        assert_eq!(bare.trigger, "");
        assert_eq!(bare.input, Value::Null);
        assert_eq!(bare.state, SubscriptionState::Unknown("paused".into()));
        assert_eq!(bare.state.to_string(), "paused");
        assert!(serde_json::from_value::<SubscriptionInfo>(json!({"name": "no id"})).is_err());
    }

    fn created(state: &str, extra: Value) -> Vec<u8> {
        let mut answer = json!({
            "id": "1a71daf1-0000-4000-8000-dbb4ab325a55", "name": "n",
            "trigger": {"name": "t", "version": "1.0"}, "operation": "op",
            "endpoint": "https://e", "input": {}, "state": state,
        });
        answer
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::to_vec(&answer).unwrap()
    }

    #[test]
    fn a_created_subscription_comes_with_its_key() {
        let body = created(
            "active",
            json!({"signingKey": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}),
        );
        let created = decode_created(&body).unwrap();
        assert_eq!(created.subscription.state, SubscriptionState::Active);
        assert_eq!(
            created.signing_key.expose_base64(),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        );
        assert!(!format!("{created:?}").contains("AAEC"));
    }

    #[test]
    fn creation_failed_is_an_error_that_keeps_the_id() {
        let body = created(
            "creation_failed",
            json!({"signingKey": "AAEC", "error": {"code": "api_error", "message": "401 from GoSquared"}}),
        );
        let err = decode_created(&body).unwrap_err();
        assert!(matches!(err, Error::SubscriptionFailed { .. }), "{err}");
        assert_eq!(
            err.subscription_id(),
            Some("1a71daf1-0000-4000-8000-dbb4ab325a55")
        );
        assert_eq!(err.code(), Some("api_error"));
        let text = err.to_string();
        assert!(
            text.contains("401 from GoSquared [code api_error]"),
            "{text}"
        );
        assert!(text.contains("delete it"), "{text}");
        // Without `error` (not seen, but nothing makes it required), still an error.
        let err = decode_created(&created("creation_failed", json!({}))).unwrap_err();
        assert!(err.to_string().contains("no reason given"), "{err}");
    }

    #[test]
    fn a_key_missing_or_not_base64_is_a_decode_error_that_keeps_the_answer() {
        for (extra, says) in [
            (json!({}), "missing field `signingKey`"),
            (json!({"signingKey": null}), "missing field `signingKey`"),
            (
                json!({"signingKey": "not base64!"}),
                "signing key is not base64",
            ),
        ] {
            let err = decode_created(&created("active", extra)).unwrap_err();
            let text = err.to_string();
            assert!(
                text.starts_with(
                    "could not decode Create Subscription response of subscription \
                     1a71daf1-0000-4000-8000-dbb4ab325a55 at signingKey: "
                ),
                "{text}"
            );
            assert!(text.contains(says), "{text}");
            assert_eq!(
                err.output().unwrap()["id"],
                "1a71daf1-0000-4000-8000-dbb4ab325a55"
            );
        }
    }

    #[test]
    fn an_answer_without_an_id_is_a_decode_error() {
        let err = decode_created(br#"{"state": "active", "signingKey": "AAEC"}"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("could not decode Create Subscription response at "),
            "{err}"
        );
    }

    #[test]
    fn the_trigger_futures_are_send() {
        fn send<T: Send>(_: &T) {}
        let client = Client::new("token").unwrap();
        let new = NewSubscription::new("n", "https://e", Entered { value: "v".into() });
        send(&client.subscribe(new));
        send(&client.subscription("s1"));
        send(&client.unsubscribe("s1"));
        send(&client.list_triggers());
        send(&client.list_trigger_operations("t", "1.0"));
    }

    #[tokio::test]
    async fn bad_subscription_ids_fail_before_any_request() {
        let client = Client::builder()
            .token("token")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        for id in ["", ".", "..", "a\nb"] {
            let err = client.subscription(id).await.unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
            assert!(err.to_string().contains("subscription id"), "{err}");
            let err = client.unsubscribe(id).await.unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }
}
