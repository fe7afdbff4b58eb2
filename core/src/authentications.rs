//! The REST side of authentications: a service's environments, and creating, reading,
//! updating and deleting an authentication, and reading one with its credentials.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Secret;

use crate::path::segment;
use crate::retry::RequestKind;
use crate::tolerant;
use crate::wire::decode_answer as decode;
use crate::{Client, Error};

/// Where a service can be authenticated: one of its environments (e.g. `Production`), with
/// the schemas of what an authentication holds and the scopes it can ask for.
///
/// Decoded liberally (see `docs/fidelity.md`): every field but `id` may be missing or `null`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceEnvironment {
    /// The `serviceEnvironmentId` of [`NewAuthentication`] and the auth dialog.
    #[serde(deserialize_with = "tolerant::id")]
    pub id: String,
    /// Its title, e.g. `Production` (empty when missing or `null`).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub title: String,
    /// `oauth2`, `token`, ...
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    pub authentication_type: Option<String>,
    /// The schema of `userData` (older answers call it `formDataSchema`).
    #[serde(default, alias = "formDataSchema")]
    pub user_data_schema: Value,
    /// The schema of `credentials` (older answers call it `dataSchema`).
    #[serde(default, alias = "dataSchema")]
    pub credentials_schema: Value,
    /// The scopes an authentication may ask for (Tray's schema allows objects or plain
    /// strings; other items are left out).
    #[serde(default, deserialize_with = "tolerant::list")]
    pub scopes: Vec<ScopeInfo>,
}

/// One scope of a [`ServiceEnvironment`]: `{"scope": .., "description": ..}`, or a plain
/// string (Tray's published schema allows both), which reads as a scope without description.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ScopeInfo {
    /// The scope, e.g. `channels:read`.
    pub scope: String,
    /// What it allows.
    pub description: Option<String>,
}

impl<'de> Deserialize<'de> for ScopeInfo {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Object {
            #[serde(deserialize_with = "tolerant::id")]
            scope: String,
            #[serde(default, deserialize_with = "tolerant::optional_text")]
            description: Option<String>,
        }
        let value = Value::deserialize(de)?;
        if let Some(scope) = tolerant::scalar_text(&value) {
            return Ok(ScopeInfo {
                scope,
                description: None,
            });
        }
        if !value.is_object() {
            return Err(serde::de::Error::custom(format!(
                "invalid type: {}, expected a scope object or string",
                tolerant::kind_of(&value)
            )));
        }
        let object = Object::deserialize(value).map_err(serde::de::Error::custom)?;
        Ok(ScopeInfo {
            scope: object.scope,
            description: object.description,
        })
    }
}

/// An authentication to create with [`Client::create_authentication`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAuthentication {
    name: String,
    service_environment_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_prem_agent_group_id: Option<String>,
}

impl NewAuthentication {
    /// An authentication called `name` in the service environment `service_environment_id`.
    pub fn new(name: impl Into<String>, service_environment_id: impl Into<String>) -> Self {
        NewAuthentication {
            name: name.into(),
            service_environment_id: service_environment_id.into(),
            user_data: None,
            credentials: None,
            scopes: None,
            on_prem_agent_group_id: None,
        }
    }

    /// The `userData` (see [`ServiceEnvironment::user_data_schema`]).
    pub fn user_data(mut self, data: Value) -> Self {
        self.user_data = Some(data);
        self
    }

    /// The `credentials` (see [`ServiceEnvironment::credentials_schema`]).
    pub fn credentials(mut self, credentials: Value) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The scopes to grant.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The on-prem agent group the authentication goes through (`onPremAgentGroupId`).
    pub fn on_prem_agent_group_id(mut self, id: impl Into<String>) -> Self {
        self.on_prem_agent_group_id = Some(id.into());
        self
    }
}

/// An authentication as `GET /core/v1/authentications/{id}` answers it.
///
/// Decoded liberally: every field but `id` may be missing or `null` (`scopes` is sent for
/// OAuth services only), and fields this type does not name (`onPremAgentGroupId`, ...) are
/// ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuthenticationInfo {
    /// The `authId`.
    #[serde(deserialize_with = "tolerant::id")]
    pub id: String,
    /// Its name.
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    pub name: Option<String>,
    /// Its service environment.
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    pub service_environment_id: Option<String>,
    /// The scopes it was granted (empty when missing or `null`).
    #[serde(default, deserialize_with = "tolerant::text_list")]
    pub scopes: Vec<String>,
}

/// What to change in an authentication with [`Client::update_authentication`]
/// (`PUT /core/v1/authentications/{id}`): only the fields set are sent.
///
/// `Debug` never shows the credentials.
#[derive(Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_prem_agent_group_id: Option<String>,
}

impl AuthenticationUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        AuthenticationUpdate::default()
    }

    /// A new name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// New `userData` (see [`ServiceEnvironment::user_data_schema`]).
    pub fn user_data(mut self, data: Value) -> Self {
        self.user_data = Some(data);
        self
    }

    /// New `credentials` (see [`ServiceEnvironment::credentials_schema`]); never shown by
    /// `Debug`.
    pub fn credentials(mut self, credentials: Value) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The scopes to grant.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The on-prem agent group the authentication goes through (`onPremAgentGroupId`).
    pub fn on_prem_agent_group_id(mut self, id: impl Into<String>) -> Self {
        self.on_prem_agent_group_id = Some(id.into());
        self
    }
}

impl fmt::Debug for AuthenticationUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationUpdate")
            .field("name", &self.name)
            .field("user_data", &self.user_data)
            .field("credentials", &self.credentials.as_ref().map(|_| "***"))
            .field("scopes", &self.scopes)
            .field("on_prem_agent_group_id", &self.on_prem_agent_group_id)
            .finish()
    }
}

/// An authentication with its credentials, as `GET /core/v1/authentications/{id}/full`
/// answers it ([`Client::full_authentication`]).
///
/// Every credential is a [`Secret`]: `Debug` and `Display` print `***` for each value (the
/// names show). A credential that is not a string (`expiresIn: 3600`) is kept as its JSON
/// text (`"3600"`). Decoded liberally, like [`AuthenticationInfo`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FullAuthentication {
    /// The `authId`.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Its service environment.
    pub service_environment_id: Option<String>,
    /// Its `userData` (`Null` when missing).
    pub user_data: Value,
    /// Its credentials by name, e.g. `accessToken` (empty when missing or not an object).
    pub credentials: BTreeMap<String, Secret>,
    /// The scopes it was granted (empty when missing or `null`).
    pub scopes: Vec<String>,
    /// The on-prem agent group it goes through.
    pub on_prem_agent_group_id: Option<String>,
}

impl FullAuthentication {
    /// The credential `name`, if the authentication has it.
    pub fn credential(&self, name: &str) -> Option<&Secret> {
        self.credentials.get(name)
    }
}

/// The fields of [`FullAuthentication`] other than the credentials, which are taken out of
/// the answer before decoding so that no decode error can carry them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FullAuthenticationRest {
    #[serde(deserialize_with = "tolerant::id")]
    id: String,
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    service_environment_id: Option<String>,
    #[serde(default)]
    user_data: Value,
    #[serde(default, deserialize_with = "tolerant::text_list")]
    scopes: Vec<String>,
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    on_prem_agent_group_id: Option<String>,
}

/// Decodes a full authentication without ever putting a credential into an error: a body
/// that is not JSON is reported by line and column only, and the credentials are removed
/// before the rest is decoded (and kept, on failure, in the error).
fn decode_full(body: &[u8]) -> Result<FullAuthentication, Error> {
    const WHAT: &str = "full authentication";
    let mut value: Value = serde_json::from_slice(body).map_err(|source| Error::Decode {
        what: WHAT.to_owned(),
        path: format!("line {} column {}", source.line(), source.column()),
        // serde_json's syntax errors name a position, never the text there.
        message: source.to_string(),
        output: None,
        source: Some(source),
    })?;
    let credentials = match value.as_object_mut().and_then(|o| o.remove("credentials")) {
        Some(Value::Object(map)) => map
            .into_iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                (name, Secret::new(text))
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let rest: FullAuthenticationRest = crate::wire::decode_output(value, WHAT)?;
    Ok(FullAuthentication {
        id: rest.id,
        name: rest.name,
        service_environment_id: rest.service_environment_id,
        user_data: rest.user_data,
        credentials,
        scopes: rest.scopes,
        on_prem_agent_group_id: rest.on_prem_agent_group_id,
    })
}

impl Client {
    /// The environments of service `service_name` at its integer `service_version` (the
    /// `service` of [`Connector`](crate::Connector)).
    pub async fn service_environments(
        &self,
        service_name: &str,
        service_version: i64,
    ) -> Result<Vec<ServiceEnvironment>, Error> {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(deserialize_with = "tolerant::list")]
            elements: Vec<ServiceEnvironment>,
        }
        let path = format!(
            "/core/v1/services/{}/versions/{}/environments",
            segment("service name", service_name)?,
            service_version
        );
        let body = self.rest(RequestKind::Read, "GET", &path, None).await?;
        let answer: Answer = decode(&body, "service environments")?;
        Ok(answer.elements)
    }

    /// Creates an authentication (for the user this client [acts as](Client::as_user), when
    /// it holds a user token) and returns its `authId`.
    pub async fn create_authentication(&self, new: &NewAuthentication) -> Result<String, Error> {
        // Older docs show the answer as `{"authenticationId", "externalId"}`.
        #[derive(Deserialize)]
        struct Created {
            #[serde(alias = "authenticationId", deserialize_with = "tolerant::id")]
            id: String,
        }
        let body = serde_json::to_vec(new).map_err(|source| Error::Encode {
            operation: "create authentication".to_owned(),
            message: source.to_string(),
            source,
        })?;
        let answer = self
            .rest(
                RequestKind::Call,
                "POST",
                "/core/v1/authentications",
                Some(body),
            )
            .await?;
        let created: Created = decode(&answer, "created authentication")?;
        Ok(created.id)
    }

    /// Reads the authentication `id`.
    pub async fn authentication(&self, id: &str) -> Result<AuthenticationInfo, Error> {
        let path = format!(
            "/core/v1/authentications/{}",
            segment("authentication id", id)?
        );
        let body = self.rest(RequestKind::Read, "GET", &path, None).await?;
        decode(&body, "authentication")
    }

    /// Updates the authentication `id` (`PUT /core/v1/authentications/{id}`) with what
    /// `update` sets, and returns the authentication as Tray answers (without credentials).
    pub async fn update_authentication(
        &self,
        id: &str,
        update: &AuthenticationUpdate,
    ) -> Result<AuthenticationInfo, Error> {
        let path = format!(
            "/core/v1/authentications/{}",
            segment("authentication id", id)?
        );
        // The serde message of a failed encoding cannot quote a value of a `Value` map.
        let body = serde_json::to_vec(update).map_err(|source| Error::Encode {
            operation: "update authentication".to_owned(),
            message: source.to_string(),
            source,
        })?;
        let answer = self
            .rest(RequestKind::Call, "PUT", &path, Some(body))
            .await?;
        decode(&answer, "updated authentication")
    }

    /// Reads the authentication `id` with its credentials
    /// (`GET /core/v1/authentications/{id}/full`), as [`Secret`]s. With `force_refresh`,
    /// Tray first tries to refresh them (slower: Tray advises it only for expired
    /// credentials). Tray asks for the user token of the end user who owns it.
    pub async fn full_authentication(
        &self,
        id: &str,
        force_refresh: bool,
    ) -> Result<FullAuthentication, Error> {
        let path = format!(
            "/core/v1/authentications/{}/full?forceRefresh={force_refresh}",
            segment("authentication id", id)?
        );
        let body = self.rest(RequestKind::Read, "GET", &path, None).await?;
        decode_full(&body)
    }

    /// Deletes the authentication `id`.
    pub async fn delete_authentication(&self, id: &str) -> Result<(), Error> {
        let path = format!(
            "/core/v1/authentications/{}",
            segment("authentication id", id)?
        );
        self.rest(RequestKind::Read, "DELETE", &path, None).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn environments_decode_current_and_older_field_names() {
        let current: ServiceEnvironment = serde_json::from_value(json!({
            "id": "228a", "title": "Production", "authenticationType": "oauth2",
            "userDataSchema": {"type": "object"}, "credentialsSchema": {},
            "scopes": [{"scope": "channels:read", "description": "Read"}]
        }))
        .unwrap();
        assert_eq!(current.scopes[0].scope, "channels:read");
        assert_eq!(current.user_data_schema, json!({"type": "object"}));
        let older: ServiceEnvironment = serde_json::from_value(json!({
            "id": "3e85", "title": "", "authenticationType": "token",
            "formDataSchema": {}, "dataSchema": {"type": "object"}
        }))
        .unwrap();
        assert_eq!(older.credentials_schema, json!({"type": "object"}));
        assert!(older.scopes.is_empty());
    }

    #[test]
    fn scope_info_as_object_or_string() {
        let environment: ServiceEnvironment = serde_json::from_value(json!({
            "id": "228a", "title": null, "authenticationType": null,
            "scopes": [
                {"scope": "channels:read", "description": "Read"},
                "chat:write",
                {"scope": "files:read", "description": null},
                {"description": "no scope"},
                true,
                ["nested"]
            ]
        }))
        .unwrap();
        let scopes: Vec<(&str, Option<&str>)> = environment
            .scopes
            .iter()
            .map(|s| (s.scope.as_str(), s.description.as_deref()))
            .collect();
        assert_eq!(
            scopes,
            [
                ("channels:read", Some("Read")),
                ("chat:write", None),
                ("files:read", None),
                ("true", None)
            ]
        );
        assert_eq!(environment.title, "");
        assert_eq!(environment.authentication_type, None);
    }

    #[test]
    fn authentication_info_accepts_null_and_missing_optionals() {
        let info: AuthenticationInfo = serde_json::from_value(json!({
            "id": "123e4567-aaaa-aaaa-aaaa-aaaaaa614174", "name": null,
            "serviceEnvironmentId": null, "scopes": null,
            "onPremAgentGroupId": "123e4567-aaaa-aaaa-aaaa-aaaaaa614174"
        }))
        .unwrap();
        assert_eq!((info.name, info.service_environment_id), (None, None));
        assert!(info.scopes.is_empty());
        let bare: AuthenticationInfo = serde_json::from_value(json!({"id": 7})).unwrap();
        assert_eq!(bare.id, "7");
        assert!(serde_json::from_value::<AuthenticationInfo>(json!({"id": null})).is_err());
    }

    #[test]
    fn new_authentication_leaves_out_what_is_not_set() {
        let plain = NewAuthentication::new("Acme Slack", "env-1");
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            json!({"name": "Acme Slack", "serviceEnvironmentId": "env-1"})
        );
        let full = plain
            .user_data(json!({"a": 1}))
            .credentials(json!({"api_key": "k"}))
            .scopes(["chat:write"]);
        assert_eq!(
            serde_json::to_value(&full).unwrap(),
            json!({"name": "Acme Slack", "serviceEnvironmentId": "env-1", "userData": {"a": 1},
                   "credentials": {"api_key": "k"}, "scopes": ["chat:write"]})
        );
    }

    #[test]
    fn authentication_update_sends_what_is_set_and_hides_credentials() {
        let update = AuthenticationUpdate::new()
            .name("Renamed")
            .credentials(json!({"token": "s3cr3t-value"}));
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            json!({"name": "Renamed", "credentials": {"token": "s3cr3t-value"}})
        );
        let debug = format!("{update:?}");
        assert!(!debug.contains("s3cr3t-value"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
        assert_eq!(
            serde_json::to_value(AuthenticationUpdate::new()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn full_authentication_keeps_credentials_out_of_debug_and_errors() {
        let full = decode_full(
            br#"{"id": "a1", "credentials": {"accessToken": "s3cr3t-value", "expiresIn": 3600,
                 "nested": {"k": "s3cr3t-nested"}}, "scopes": null}"#,
        )
        .unwrap();
        assert_eq!(
            full.credential("nested").unwrap().expose(),
            r#"{"k":"s3cr3t-nested"}"#
        );
        let debug = format!("{full:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        let error = decode_full(br#"{"id": [], "credentials": {"accessToken": "s3cr3t-value"}}"#)
            .unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(decode_full(br#"{"credentials": {"accessToken": "s3cr3t"#).is_err());
    }
}
