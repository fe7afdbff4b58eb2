//! `tray-connect auth-url PARTNER --user-id ID`: the auth-only dialog URL for an end user, on
//! the dialog host of `--region` / `TRAY_REGION` unless `--dialog-url` names another.

use std::process::ExitCode;

use tray_connect::{AuthDialogUrl, Region};

use crate::args::AuthUrlArgs;
use crate::connection::Connection;
use crate::failure::Failure;

/// Prints the dialog URL: with `--code`, offline; with `--user-id`, after generating a
/// single-use authorization code with the master token.
pub async fn run(connection: &Connection, args: AuthUrlArgs) -> Result<ExitCode, Failure> {
    let code = match (&args.code, &args.user_id) {
        (Some(code), _) => code.clone(),
        (None, Some(user_id)) => {
            let client = connection.client()?;
            client
                .authorization_code(user_id)
                .await
                .map_err(|e| Failure::failed(e.to_string()))?
                .expose()
                .to_owned()
        }
        (None, None) => return Err(Failure::usage("give --user-id or --code")),
    };
    let mut url = AuthDialogUrl::new(&args.partner, code).scopes(&args.scopes);
    // The dialog host is per region (embedded.tray.io, embedded.eu1.tray.io, ...), like the API.
    if let Some(region) = connection
        .region
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        let region: Region = region.trim().parse().map_err(Failure::from)?;
        url = url.region(region);
    }
    if let Some(id) = &args.service_id {
        url = url.service_id(id);
    }
    if let Some(id) = &args.service_environment_id {
        url = url.service_environment_id(id);
    }
    if let Some(base) = &args.dialog_url {
        url = url.base_url(base);
    }
    outln!(
        "{}",
        url.build().map_err(|e| Failure::usage(e.to_string()))?
    );
    Ok(ExitCode::SUCCESS)
}
