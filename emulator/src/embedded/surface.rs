//! What `Shared` holds of the `embedded` feature: the state of end users and authentications,
//! and the GraphQL schema serving it.

use std::sync::Arc;

use super::graphql::EmbeddedSchema;
use super::state::{Embedded, EmbeddedOptions};
use crate::documents::Connector;

/// The `embedded` surface of one emulator: its state and its GraphQL schema.
#[derive(Debug)]
pub(crate) struct Surface {
    pub(crate) state: Arc<Embedded>,
    pub(crate) schema: EmbeddedSchema,
}

impl Surface {
    pub(crate) fn new(connectors: &[Connector], options: EmbeddedOptions) -> Self {
        let state = Arc::new(Embedded::new(connectors, options));
        Surface {
            schema: EmbeddedSchema::new(state.clone()),
            state,
        }
    }

    /// `Some(true)` for a live user token, `Some(false)` for an expired one, `None` for a token
    /// the emulator did not issue.
    pub(crate) fn user_token_valid(&self, token: &str) -> Option<bool> {
        self.state.user_of_token(token).map(|user| user.is_ok())
    }
}
