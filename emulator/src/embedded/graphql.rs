//! The Embedded API's GraphQL schema, served with `async-graphql`.
//!
//! Two query roots: one whose `viewer.authentications` takes `first`/`after` and reports
//! `endCursor`, and one without them (as the published description has it), so a client's
//! fallback for servers that reject paging arguments can be tested.

use std::sync::Arc;

use async_graphql::{
    Context, EmptySubscription, ID, InputObject, Json, Object, Schema, SimpleObject,
};
use serde_json::Value;

use super::state::{Auth, Caller, Embedded};

type Result<T> = async_graphql::Result<T>;

/// The schema the emulator serves, with or without paging arguments.
pub(crate) enum EmbeddedSchema {
    Paged(Schema<PagedQuery, Mutation, EmptySubscription>),
    Plain(Schema<PlainQuery, Mutation, EmptySubscription>),
}

impl std::fmt::Debug for EmbeddedSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EmbeddedSchema::Paged(_) => "EmbeddedSchema::Paged",
            EmbeddedSchema::Plain(_) => "EmbeddedSchema::Plain",
        })
    }
}

impl EmbeddedSchema {
    pub(crate) fn new(state: Arc<Embedded>) -> EmbeddedSchema {
        if state.options.paging {
            EmbeddedSchema::Paged(
                Schema::build(PagedQuery, Mutation, EmptySubscription)
                    .data(state)
                    .finish(),
            )
        } else {
            EmbeddedSchema::Plain(
                Schema::build(PlainQuery, Mutation, EmptySubscription)
                    .data(state)
                    .finish(),
            )
        }
    }

    pub(crate) async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        match self {
            EmbeddedSchema::Paged(schema) => schema.execute(request).await,
            EmbeddedSchema::Plain(schema) => schema.execute(request).await,
        }
    }
}

fn state<'a>(ctx: &Context<'a>) -> &'a Arc<Embedded> {
    ctx.data_unchecked::<Arc<Embedded>>()
}

fn caller<'a>(ctx: &Context<'a>) -> &'a Caller {
    ctx.data_unchecked::<Caller>()
}

fn master_only(ctx: &Context<'_>) -> Result<()> {
    match caller(ctx) {
        Caller::Master => Ok(()),
        Caller::User(_) => Err("This operation needs the master token".into()),
    }
}

/// The mutations of the master token.
pub(crate) struct Mutation;

// Inputs and payloads as Tray's documented operations use them: ids are `ID` (the documented
// texts declare `$userId: ID!`, which a `String!` argument would refuse), and every input and
// payload takes Relay's optional `clientMutationId`, which Tray's examples send and ask for.

#[derive(InputObject)]
struct CreateExternalUserInput {
    name: String,
    external_user_id: String,
    is_test_user: Option<bool>,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
struct CreateExternalUserPayload {
    user_id: ID,
    client_mutation_id: Option<String>,
}

#[derive(InputObject)]
struct AuthorizeInput {
    user_id: ID,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
struct AuthorizePayload {
    access_token: String,
    client_mutation_id: Option<String>,
}

#[derive(InputObject)]
struct GenerateAuthorizationCodeInput {
    user_id: ID,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
struct GenerateAuthorizationCodePayload {
    authorization_code: String,
    client_mutation_id: Option<String>,
}

#[derive(InputObject)]
struct RemoveAuthenticationInput {
    authentication_id: ID,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
struct RemoveAuthenticationPayload {
    client_mutation_id: Option<String>,
}

#[Object]
impl Mutation {
    /// Creates an end user.
    async fn create_external_user(
        &self,
        ctx: &Context<'_>,
        input: CreateExternalUserInput,
    ) -> Result<CreateExternalUserPayload> {
        master_only(ctx)?;
        if input.name.trim().is_empty() || input.external_user_id.trim().is_empty() {
            return Err("name and externalUserId must not be empty".into());
        }
        let _ = input.is_test_user;
        Ok(CreateExternalUserPayload {
            user_id: ID(state(ctx).create_user()),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// A user token (valid 2 days).
    async fn authorize(
        &self,
        ctx: &Context<'_>,
        input: AuthorizeInput,
    ) -> Result<AuthorizePayload> {
        master_only(ctx)?;
        let state = state(ctx);
        if !state.user_exists(&input.user_id) {
            return Err(format!("User not found: {}", input.user_id.as_str()).into());
        }
        Ok(AuthorizePayload {
            access_token: state.issue_token(&input.user_id),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// A single-use code for the auth dialog (valid 5 minutes).
    async fn generate_authorization_code(
        &self,
        ctx: &Context<'_>,
        input: GenerateAuthorizationCodeInput,
    ) -> Result<GenerateAuthorizationCodePayload> {
        master_only(ctx)?;
        let state = state(ctx);
        if !state.user_exists(&input.user_id) {
            return Err(format!("User not found: {}", input.user_id.as_str()).into());
        }
        Ok(GenerateAuthorizationCodePayload {
            authorization_code: state.issue_code(&input.user_id),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// Deletes an authentication: a user token its own, the master token any.
    async fn remove_authentication(
        &self,
        ctx: &Context<'_>,
        input: RemoveAuthenticationInput,
    ) -> Result<RemoveAuthenticationPayload> {
        if !state(ctx).remove_auth(caller(ctx), &input.authentication_id) {
            return Err(format!(
                "Authentication not found: {}",
                input.authentication_id.as_str()
            )
            .into());
        }
        Ok(RemoveAuthenticationPayload {
            client_mutation_id: input.client_mutation_id,
        })
    }
}

/// The query root with paging arguments.
pub(crate) struct PagedQuery;

#[Object(name = "Query")]
impl PagedQuery {
    /// The caller.
    async fn viewer(&self) -> PagedViewer {
        PagedViewer
    }
}

/// The query root without paging arguments.
pub(crate) struct PlainQuery;

#[Object(name = "Query")]
impl PlainQuery {
    /// The caller.
    async fn viewer(&self) -> PlainViewer {
        PlainViewer
    }
}

struct PagedViewer;

#[Object(name = "Viewer")]
impl PagedViewer {
    /// The caller's authentications, `first` at a time after the cursor `after`.
    async fn authentications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PagedConnection> {
        let state = state(ctx);
        let auths = state.auths_of(caller(ctx));
        let start = match after {
            None => 0,
            Some(cursor) => parse_cursor(&cursor)? + 1,
        };
        let limit = first
            .map_or(state.options.max_page_size, |n| n.max(0) as usize)
            .min(state.options.max_page_size);
        let end = (start + limit).min(auths.len());
        let edges: Vec<Edge> = (start.min(end)..end)
            .map(|i| Edge {
                node: Node::from(&auths[i]),
                cursor: cursor(i),
            })
            .collect();
        Ok(PagedConnection {
            page_info: PagedPageInfo {
                has_next_page: end < auths.len(),
                has_previous_page: start > 0,
                end_cursor: edges.last().map(|e| e.cursor.clone()),
                start_cursor: edges.first().map(|e| e.cursor.clone()),
            },
            edges,
        })
    }
}

struct PlainViewer;

#[Object(name = "Viewer")]
impl PlainViewer {
    /// The caller's authentications: the first page only.
    async fn authentications(&self, ctx: &Context<'_>) -> PlainConnection {
        let state = state(ctx);
        let auths = state.auths_of(caller(ctx));
        let end = auths.len().min(state.options.max_page_size);
        PlainConnection {
            edges: auths[..end]
                .iter()
                .enumerate()
                .map(|(i, a)| Edge {
                    node: Node::from(a),
                    cursor: cursor(i),
                })
                .collect(),
            page_info: PlainPageInfo {
                has_next_page: end < auths.len(),
                has_previous_page: false,
            },
        }
    }
}

fn cursor(index: usize) -> String {
    format!("auth-cursor-{index}")
}

fn parse_cursor(cursor: &str) -> Result<usize> {
    cursor
        .strip_prefix("auth-cursor-")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| "Invalid cursor".into())
}

#[derive(SimpleObject)]
#[graphql(name = "AuthenticationConnection")]
struct PagedConnection {
    edges: Vec<Edge>,
    page_info: PagedPageInfo,
}

#[derive(SimpleObject)]
#[graphql(name = "AuthenticationConnection")]
struct PlainConnection {
    edges: Vec<Edge>,
    page_info: PlainPageInfo,
}

#[derive(SimpleObject)]
#[graphql(name = "PageInfo")]
struct PagedPageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

#[derive(SimpleObject)]
#[graphql(name = "PageInfo")]
struct PlainPageInfo {
    has_next_page: bool,
    has_previous_page: bool,
}

#[derive(SimpleObject)]
#[graphql(name = "AuthenticationEdge")]
struct Edge {
    node: Node,
    cursor: String,
}

#[derive(SimpleObject)]
#[graphql(name = "Authentication")]
struct Node {
    id: ID,
    name: String,
    custom_fields: Json<Value>,
    service: Service,
    service_environment: ServiceEnvironment,
}

#[derive(SimpleObject)]
struct Service {
    id: ID,
    name: String,
    icon: Option<String>,
    title: String,
    /// Text, as in Tray's example answer (`"version": "1"`); Get Connectors sends a number.
    version: String,
}

#[derive(SimpleObject)]
struct ServiceEnvironment {
    id: String,
    title: String,
}

impl From<&Auth> for Node {
    fn from(auth: &Auth) -> Node {
        let service = &auth.environment.service;
        let name = service["name"].as_str().unwrap_or_default().to_owned();
        Node {
            id: ID(auth.id.clone()),
            name: auth.name.clone(),
            custom_fields: Json(auth.custom_fields.clone()),
            service: Service {
                id: ID(service["id"].as_str().unwrap_or_default().to_owned()),
                icon: None,
                title: name.clone(),
                name,
                version: service["version"].as_i64().unwrap_or(1).to_string(),
            },
            service_environment: ServiceEnvironment {
                id: auth.environment.id.clone(),
                title: auth.environment.title.clone(),
            },
        }
    }
}
