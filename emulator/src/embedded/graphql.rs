//! The Embedded API's GraphQL schema, served with `async-graphql`.
//!
//! Two query roots: one whose `viewer.authentications` takes `first`/`after` and reports
//! `endCursor`, and one without them (as the published description has it), so a client's
//! fallback for servers that reject paging arguments can be tested.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    Context, EmptySubscription, ID, InputObject, Json, Object, Schema, SchemaBuilder, ServerError,
    SimpleObject,
};
use serde_json::Value;

use super::state::{Auth, Caller, Embedded};

type Result<T> = async_graphql::Result<T>;

/// The most selections (fields, fragment spreads, inline fragments) a document may make once
/// every fragment spread is replaced by its fragment. The SDK's largest document, the paged
/// authentications query, makes 20; GraphiQL's introspection query 209.
const MAX_SELECTIONS: usize = 1_000;

/// The deepest a document's selections may nest, fragment spreads included, for
/// [`expanded_selections`] (whose recursion it bounds); `async-graphql` itself refuses more than
/// 32 levels.
const MAX_NESTING: usize = 64;

/// The deepest a query may nest fields (`async-graphql`'s depth): the SDK's deepest document
/// reaches 6 (`viewer.authentications.edges.node.service.id`), GraphiQL's introspection 14.
const MAX_DEPTH: usize = 16;

/// The most directives one field may have; the SDK's documents have none.
const MAX_DIRECTIVES: usize = 8;

/// `async-graphql`'s own limits, behind [`expanded_selections`]: its depth and complexity
/// checks, like its validation, walk a document with every fragment expanded, in time
/// exponential in how deeply fragments spread fragments (a 1.9 KB fragment bomb took 21 s,
/// ×4 every 2 levels, limits or not), so the emulator bounds the expansion first.
fn limited<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
    builder
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_SELECTIONS)
        .limit_directives(MAX_DIRECTIVES)
}

/// How many selections `document` makes once every fragment spread is replaced by its
/// fragment, or `None` past [`MAX_SELECTIONS`] or [`MAX_NESTING`]. Each fragment is counted
/// once and remembered, so this takes time linear in the document, however its fragments
/// multiply. Spreads of unknown fragments and fragment cycles count nothing more here; the
/// validator reports them.
fn expanded_selections(document: &ExecutableDocument) -> Option<usize> {
    let mut expansion = Expansion {
        document,
        fragments: HashMap::new(),
    };
    let mut total: usize = 0;
    for (_, operation) in document.operations.iter() {
        total = total.checked_add(expansion.selections(&operation.node.selection_set.node, 0)?)?;
        if total > MAX_SELECTIONS {
            return None;
        }
    }
    Some(total)
}

struct Expansion<'a> {
    document: &'a ExecutableDocument,
    /// Each fragment's selections once expanded, `None` while it is being expanded.
    fragments: HashMap<&'a str, Option<usize>>,
}

impl<'a> Expansion<'a> {
    fn selections(&mut self, set: &'a SelectionSet, nesting: usize) -> Option<usize> {
        if nesting > MAX_NESTING {
            return None;
        }
        let mut total: usize = 0;
        for item in &set.items {
            let inner = match &item.node {
                Selection::Field(field) => {
                    self.selections(&field.node.selection_set.node, nesting + 1)?
                }
                Selection::InlineFragment(fragment) => {
                    self.selections(&fragment.node.selection_set.node, nesting + 1)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    match self.fragments.get(name.as_str()) {
                        Some(known) => known.unwrap_or(0),
                        None => match self.document.fragments.get(name) {
                            None => 0,
                            Some(fragment) => {
                                self.fragments.insert(name.as_str(), None);
                                let n = self
                                    .selections(&fragment.node.selection_set.node, nesting + 1)?;
                                self.fragments.insert(name.as_str(), Some(n));
                                n
                            }
                        },
                    }
                }
            };
            total = total.checked_add(1)?.checked_add(inner)?;
            if total > MAX_SELECTIONS {
                return None;
            }
        }
        Some(total)
    }
}

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
                limited(Schema::build(PagedQuery, Mutation, EmptySubscription))
                    .data(state)
                    .finish(),
            )
        } else {
            EmbeddedSchema::Plain(
                limited(Schema::build(PlainQuery, Mutation, EmptySubscription))
                    .data(state)
                    .finish(),
            )
        }
    }

    /// Answers `request`; a document over [`MAX_SELECTIONS`] once its fragments are expanded is
    /// refused with a GraphQL error before `async-graphql` sees it.
    pub(crate) async fn execute(
        &self,
        mut request: async_graphql::Request,
    ) -> async_graphql::Response {
        // Parsed once: `execute` reuses the parse. A document that does not parse is left to
        // `execute`, which reports why.
        if let Ok(document) = request.parsed_query()
            && expanded_selections(document).is_none()
        {
            return async_graphql::Response::from_errors(vec![ServerError::new(
                format!(
                    "Query is too complex: more than {MAX_SELECTIONS} selections once its \
                     fragments are expanded, or nested more than {MAX_NESTING} deep"
                ),
                None,
            )]);
        }
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

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn selections(document: &str) -> Option<usize> {
        expanded_selections(&parse_query(document).unwrap())
    }

    #[test]
    fn selections_are_counted_with_fragments_expanded() {
        assert_eq!(selections("{ viewer { id } }"), Some(2));
        // viewer, then twice the spread and its 4 selections.
        assert_eq!(
            selections(
                "{ viewer { ...F ...F } } \
                 fragment F on Viewer { authentications { edges { node { id } } } }"
            ),
            Some(11)
        );
        assert_eq!(selections("{ viewer { ... on Viewer { id } } }"), Some(3));
        // Unknown fragments and cycles are the validator's: counted as nothing more.
        assert_eq!(selections("{ viewer { ...Unknown } }"), Some(2));
        assert_eq!(
            selections("{ viewer { ...A } } fragment A on Viewer { ...A ...A }"),
            Some(4)
        );
    }

    #[test]
    fn a_bomb_of_any_depth_is_counted_once_per_fragment() {
        // 2^1000 selections once expanded, counted in time linear in the document.
        let mut bomb = String::from("{ viewer { ...F0 } }");
        for i in 0..1_000 {
            bomb.push_str(&format!(
                " fragment F{i} on Viewer {{ ...F{n} ...F{n} }}",
                n = i + 1
            ));
        }
        bomb.push_str(" fragment F1000 on Viewer { id }");
        assert_eq!(selections(&bomb), None);
        // Wide rather than deep: 1,001 fields in one selection set.
        let wide = format!("{{ viewer {{ {} }} }}", "id ".repeat(1_000));
        assert_eq!(selections(&wide), None);
    }

    #[test]
    fn nesting_is_bounded_through_fragments_too() {
        // A chain of fragments, each spreading the next: no more selections than nesting.
        let mut chain = String::from("{ viewer { ...F0 } }");
        for i in 0..100 {
            chain.push_str(&format!(" fragment F{i} on Viewer {{ ...F{} }}", i + 1));
        }
        chain.push_str(" fragment F100 on Viewer { id }");
        assert_eq!(selections(&chain), None);
        // Fields nested in the text itself never get this far: the parser refuses them past
        // its own recursion limit.
    }
}
