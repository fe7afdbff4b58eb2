//! End users, their tokens and codes, service environments and authentications, in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::documents::Connector;
use crate::record::lock;

/// Tray's user tokens last 2 days.
pub(crate) const USER_TOKEN_TTL: Duration = Duration::from_secs(2 * 24 * 60 * 60);
/// Authorization codes last 5 minutes.
pub(crate) const AUTHORIZATION_CODE_TTL: Duration = Duration::from_secs(5 * 60);

/// Who a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The master token.
    Master,
    /// A user token issued by `authorize`, for this user id.
    User(String),
}

/// Options of the `embedded` surface, set on the [`EmulatorBuilder`](crate::EmulatorBuilder).
#[derive(Debug, Clone)]
pub(crate) struct EmbeddedOptions {
    pub(crate) user_token_ttl: Duration,
    pub(crate) paging: bool,
    pub(crate) max_page_size: usize,
}

impl Default for EmbeddedOptions {
    fn default() -> Self {
        EmbeddedOptions {
            user_token_ttl: USER_TOKEN_TTL,
            paging: true,
            max_page_size: 50,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: String,
}

/// A service environment the emulator offers: one per service of the loaded documents.
#[derive(Debug, Clone)]
pub(crate) struct Environment {
    pub(crate) id: String,
    pub(crate) title: String,
    /// The connectors' `service` listing: `{id, name, version}`.
    pub(crate) service: Value,
    pub(crate) scopes: Vec<String>,
}

impl Environment {
    pub(crate) fn service_name(&self) -> &str {
        self.service["name"].as_str().unwrap_or_default()
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "authenticationType": "oauth2",
            "userDataSchema": {},
            "credentialsSchema": {},
            "scopes": self.scopes.iter()
                .map(|s| json!({"scope": s, "description": format!("Grants {s}")}))
                .collect::<Vec<_>>(),
        })
    }
}

#[derive(Clone)]
pub(crate) struct Auth {
    pub(crate) id: String,
    pub(crate) name: String,
    /// `None`: created with the master token.
    pub(crate) owner: Option<String>,
    pub(crate) environment: Environment,
    pub(crate) scopes: Vec<String>,
    pub(crate) custom_fields: Value,
    /// `userData` as created or last updated (`{}` when none was sent).
    pub(crate) user_data: Value,
    /// `credentials` as created or last updated (`{}` when none was sent).
    pub(crate) credentials: Value,
}

/// Never shows `credentials` (the emulator's `Debug` may end up in a test's log).
impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("owner", &self.owner)
            .field("environment", &self.environment)
            .field("scopes", &self.scopes)
            .field("user_data", &self.user_data)
            .field("credentials", &"***")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Records {
    users: Vec<User>,
    /// token → (user id, expiry)
    tokens: HashMap<String, (String, Instant)>,
    /// code → (user id, expiry)
    codes: HashMap<String, (String, Instant)>,
    /// In creation order, which is listing order.
    auths: Vec<Auth>,
}

/// Everything the `embedded` endpoints share.
#[derive(Debug)]
pub(crate) struct Embedded {
    pub(crate) options: EmbeddedOptions,
    pub(crate) environments: Vec<Environment>,
    records: Mutex<Records>,
    /// How far the emulated clock is ahead of the real one.
    clock_offset: Mutex<Duration>,
    /// GraphQL requests still to answer with "Rate limit exceeded".
    pub(crate) rate_limited: AtomicUsize,
    next_id: AtomicUsize,
}

impl Embedded {
    pub(crate) fn new(connectors: &[Connector], options: EmbeddedOptions) -> Embedded {
        let mut environments: Vec<Environment> = Vec::new();
        for connector in connectors {
            let service = connector.listing["service"].clone();
            let name = service["name"].as_str().unwrap_or_default().to_owned();
            let version = service["version"].as_i64().unwrap_or(1);
            let scopes = scopes_of(&connector.elements);
            if let Some(known) = environments
                .iter_mut()
                .find(|e| e.service_name() == name && e.service["version"] == version)
            {
                for scope in scopes {
                    if !known.scopes.contains(&scope) {
                        known.scopes.push(scope);
                    }
                }
                continue;
            }
            environments.push(Environment {
                id: crate::documents::stable_id(&format!("environment:{name}:{version}")),
                title: "Production".to_owned(),
                service,
                scopes,
            });
        }
        Embedded {
            options,
            environments,
            records: Mutex::default(),
            clock_offset: Mutex::default(),
            rate_limited: AtomicUsize::new(0),
            next_id: AtomicUsize::new(1),
        }
    }

    pub(crate) fn now(&self) -> Instant {
        Instant::now() + *lock(&self.clock_offset)
    }

    pub(crate) fn advance_clock(&self, by: Duration) {
        *lock(&self.clock_offset) += by;
    }

    /// A fresh token or code; `prefix` says what it names, the random part makes it
    /// unguessable.
    pub(crate) fn new_id(&self, prefix: &str) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        format!("{prefix}-{n}-{:016x}", fastrand::u64(..))
    }

    /// The user of a token `authorize` issued: `Some(Ok(user))`, `Some(Err(()))` once it
    /// expired, `None` for any other token.
    pub(crate) fn user_of_token(&self, token: &str) -> Option<Result<String, ()>> {
        let now = self.now();
        let records = lock(&self.records);
        let (user, expires) = records.tokens.get(token)?;
        Some(if now < *expires {
            Ok(user.clone())
        } else {
            Err(())
        })
    }

    pub(crate) fn create_user(&self) -> String {
        let id = crate::ids::new_uuid();
        lock(&self.records).users.push(User { id: id.clone() });
        id
    }

    pub(crate) fn user_exists(&self, user_id: &str) -> bool {
        lock(&self.records).users.iter().any(|u| u.id == user_id)
    }

    pub(crate) fn issue_token(&self, user_id: &str) -> String {
        let token = self.new_id("usertoken");
        let expires = self.now() + self.options.user_token_ttl;
        lock(&self.records)
            .tokens
            .insert(token.clone(), (user_id.to_owned(), expires));
        token
    }

    pub(crate) fn issue_code(&self, user_id: &str) -> String {
        let code = self.new_id("code");
        let expires = self.now() + AUTHORIZATION_CODE_TTL;
        lock(&self.records)
            .codes
            .insert(code.clone(), (user_id.to_owned(), expires));
        code
    }

    /// Uses up an authorization code, returning its user if it was valid.
    pub(crate) fn redeem_code(&self, code: &str) -> Option<String> {
        let now = self.now();
        let (user, expires) = lock(&self.records).codes.remove(code)?;
        (now < expires).then_some(user)
    }

    pub(crate) fn environment(&self, id: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.id == id)
    }

    pub(crate) fn add_auth(&self, auth: Auth) {
        lock(&self.records).auths.push(auth);
    }

    pub(crate) fn any_auths(&self) -> bool {
        !lock(&self.records).auths.is_empty()
    }

    /// The authentication `id` if `caller` may read or delete it: any with the master token
    /// (Tray: "your master token or the user token of the end user who owns the auth"), their
    /// own with a user token.
    pub(crate) fn auth_for(&self, caller: &Caller, id: &str) -> Option<Auth> {
        lock(&self.records)
            .auths
            .iter()
            .find(|a| a.id == id && may_use(caller, a))
            .cloned()
    }

    /// The authentication `id` if `caller` may call connectors with it. Tray: "If master
    /// token is used [...] authID must belong to your account", so the master token may use
    /// the authentications it created, not an end user's; a user token only its own.
    pub(crate) fn auth_for_call(&self, caller: &Caller, id: &str) -> Option<Auth> {
        let owner = match caller {
            Caller::Master => None,
            Caller::User(user) => Some(user.as_str()),
        };
        lock(&self.records)
            .auths
            .iter()
            .find(|a| a.id == id && a.owner.as_deref() == owner)
            .cloned()
    }

    /// Applies `change` to the authentication `id` if `caller` may change it (as
    /// [`Embedded::auth_for`]), returning it as changed.
    pub(crate) fn update_auth(
        &self,
        caller: &Caller,
        id: &str,
        change: impl FnOnce(&mut Auth),
    ) -> Option<Auth> {
        let mut records = lock(&self.records);
        let auth = records
            .auths
            .iter_mut()
            .find(|a| a.id == id && may_use(caller, a))?;
        change(auth);
        Some(auth.clone())
    }

    pub(crate) fn remove_auth(&self, caller: &Caller, id: &str) -> bool {
        let mut records = lock(&self.records);
        let before = records.auths.len();
        records
            .auths
            .retain(|a| !(a.id == id && may_use(caller, a)));
        records.auths.len() != before
    }

    /// The authentications `caller` owns, in creation order (the master token's are those it
    /// created).
    pub(crate) fn auths_of(&self, caller: &Caller) -> Vec<Auth> {
        let owner = match caller {
            Caller::Master => None,
            Caller::User(id) => Some(id.as_str()),
        };
        lock(&self.records)
            .auths
            .iter()
            .filter(|a| a.owner.as_deref() == owner)
            .cloned()
            .collect()
    }
}

fn may_use(caller: &Caller, auth: &Auth) -> bool {
    match caller {
        Caller::Master => true,
        Caller::User(user) => auth.owner.as_deref() == Some(user),
    }
}

/// The union of the operations' `authScopes`, in first-seen order.
fn scopes_of(elements: &Value) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for element in elements.as_array().into_iter().flatten() {
        for scope in element["authScopes"].as_array().into_iter().flatten() {
            if let Some(scope) = scope.as_str()
                && !scopes.iter().any(|s| s == scope)
            {
                scopes.push(scope.to_owned());
            }
        }
    }
    scopes
}
