//! `tray-connect auths list`: the authentications of one end user.

use std::process::ExitCode;

use serde_json::{Value, json};

use super::{print_json, print_table};
use crate::args::{AuthsArgs, AuthsCommand};
use crate::connection::Connection;
use crate::failure::Failure;

/// Lists the user's authentications, following pages, as a table or JSON.
///
/// With `--user-id`, the token is the master token and a user token is fetched first; without
/// it, the token is the user's own.
pub async fn run(connection: &Connection, args: AuthsArgs) -> Result<ExitCode, Failure> {
    let AuthsCommand::List(args) = args.command;
    let client = connection.client()?;
    let client = match &args.user_id {
        Some(user_id) => {
            let token = client
                .user_token(user_id)
                .await
                .map_err(|e| Failure::failed(e.to_string()))?;
            client.as_user(token).map_err(Failure::from)?
        }
        None => client,
    };
    let auths = client
        .list_authentications()
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    if args.json {
        let list: Vec<Value> = auths
            .iter()
            .map(|a| {
                json!({
                    "id": a.id,
                    "name": a.name,
                    "service": a.service.as_ref().map(|s| json!({
                        "id": s.id, "name": s.name, "version": s.version })),
                    "serviceEnvironment": a.service_environment.as_ref().map(|e| json!({
                        "id": e.id, "title": e.title })),
                })
            })
            .collect();
        print_json(&Value::Array(list));
    } else {
        let rows: Vec<Vec<String>> = auths
            .iter()
            .map(|a| {
                let service = a
                    .service
                    .as_ref()
                    .map_or(String::new(), |s| match s.version {
                        Some(v) => format!("{} v{v}", s.name),
                        None => s.name.clone(),
                    });
                let environment = a
                    .service_environment
                    .as_ref()
                    .and_then(|e| e.title.clone())
                    .unwrap_or_default();
                vec![a.id.clone(), service, environment, a.name.clone()]
            })
            .collect();
        print_table(&["AUTH ID", "SERVICE", "ENVIRONMENT", "NAME"], &rows);
    }
    Ok(ExitCode::SUCCESS)
}
