//! `tray-connect triggers` and `tray-connect trigger-operations NAME VERSION`: List Triggers
//! and List Trigger Operations, shown as `connectors` and `operations` show their
//! counterparts (the answers have the same shapes).

use std::process::ExitCode;

use tray_connect_codegen::DocumentKind;

use super::{connectors, operations};
use crate::args::ConnectorsArgs;
use crate::connection::Connection;
use crate::failure::Failure;
use crate::trigger_args::TriggerOperationsArgs;

/// Lists triggers, the latest version of each name unless `--all`.
pub async fn list(connection: &Connection, args: ConnectorsArgs) -> Result<ExitCode, Failure> {
    let client = connection.client()?;
    connectors::print(client.list_triggers().await?, &args);
    Ok(ExitCode::SUCCESS)
}

/// Lists a trigger's operations with the inputs a subscription needs, and apart from them
/// those Tray fills itself.
pub async fn operations(
    connection: &Connection,
    args: TriggerOperationsArgs,
) -> Result<ExitCode, Failure> {
    let client = connection.client()?;
    let listed = client
        .list_trigger_operations(&args.name, &args.version)
        .await?;
    operations::print(&listed, args.json, DocumentKind::Trigger);
    Ok(ExitCode::SUCCESS)
}
