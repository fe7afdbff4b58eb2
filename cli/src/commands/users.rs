//! `tray-connect users create NAME EXTERNAL_ID`: an end user of the Embedded API.

use std::process::ExitCode;

use serde_json::json;
use tray_connect::NewUser;

use super::print_json;
use crate::args::{UsersArgs, UsersCommand};
use crate::connection::Connection;
use crate::failure::Failure;

/// Creates the user (master token) and prints their id; `--token-too` also prints a user token.
pub async fn run(connection: &Connection, args: UsersArgs) -> Result<ExitCode, Failure> {
    let UsersCommand::Create(args) = args.command;
    let client = connection.client()?;
    let user = NewUser::new(&args.name, &args.external_user_id).test_user(args.test_user);
    let user_id = client
        .create_user(&user)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    let token = if args.user_token {
        let token = client
            .user_token(&user_id)
            .await
            .map_err(|e| Failure::failed(e.to_string()))?;
        Some(token.expose().to_owned())
    } else {
        None
    };
    if args.json {
        let mut out = json!({ "userId": user_id });
        if let Some(token) = token {
            out["accessToken"] = json!(token);
        }
        print_json(&out);
    } else {
        outln!("{user_id}");
        if let Some(token) = token {
            outln!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
