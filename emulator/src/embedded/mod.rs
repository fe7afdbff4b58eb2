//! The state of the `embedded` feature (end users, their tokens and authentications) and the
//! GraphQL schema serving it. The routes that read them are `embedded_routes`; this module
//! imports nothing of the routes or of `shared`, which holds a [`Surface`].

mod graphql;
mod state;
mod surface;

pub(crate) use state::{Auth, Caller, EmbeddedOptions};
pub(crate) use surface::Surface;
