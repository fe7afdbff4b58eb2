//! The flags of the trigger commands: discovery (`triggers`, `trigger-operations`),
//! subscriptions (`subscriptions`, `subscription`, `subscribe`, `unsubscribe`) and events
//! (`deliver`, `listen`).

use std::path::PathBuf;

use crate::connection::Connection;

/// `trigger-operations`.
#[derive(Debug, clap::Args)]
pub struct TriggerOperationsArgs {
    /// Trigger name, e.g. gosquared-trigger.
    pub name: String,
    /// Trigger version, e.g. 1.0.
    pub version: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `subscriptions`.
#[derive(Debug, clap::Args)]
pub struct SubscriptionsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `subscription`.
#[derive(Debug, clap::Args)]
pub struct SubscriptionArgs {
    /// The subscription's id.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `subscribe`.
#[derive(Debug, clap::Args)]
pub struct SubscribeArgs {
    /// Trigger name, e.g. gosquared-trigger.
    pub trigger: String,
    /// Trigger version, e.g. 1.0.
    pub version: String,
    /// Trigger operation, e.g. entered_smart_group_init.
    pub operation: String,
    /// The subscription's name.
    #[arg(long)]
    pub name: String,
    /// Where Tray delivers the events (one URL per subscription).
    #[arg(long)]
    pub endpoint: String,
    /// The input the operation's inputSchema describes: JSON text, or @FILE.
    #[arg(long, default_value = "{}")]
    pub input: String,
    /// The authentication the trigger uses with the third party (a UUID).
    #[arg(long)]
    pub auth_id: Option<String>,
    /// An id of your own for the subscription.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Also write the signing key to this new file (readable by you only), for `listen
    /// --signing-key-file`. An existing file is never replaced.
    #[arg(long)]
    pub signing_key_file: Option<PathBuf>,
    /// Print JSON: the subscription as Tray answers it, `signingKey` included.
    #[arg(long)]
    pub json: bool,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `unsubscribe`.
#[derive(Debug, clap::Args)]
pub struct UnsubscribeArgs {
    /// The subscription's id.
    pub id: String,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `deliver`.
#[derive(Debug, clap::Args)]
pub struct DeliverArgs {
    /// The subscription to deliver to.
    pub subscription_id: String,
    /// The event: JSON text, or @FILE (sent byte for byte, and signed as Tray signs it).
    #[arg(long)]
    pub event: String,
    /// The emulator's URL and token (`tray-connect serve` prints them).
    #[command(flatten)]
    pub connection: Connection,
}

/// `listen`.
#[derive(Debug, clap::Args)]
pub struct ListenArgs {
    /// Port of 127.0.0.1 to receive on (0: a free one, printed at start).
    #[arg(long)]
    pub port: u16,
    /// A file holding the subscription's signing key (base64), as `subscribe
    /// --signing-key-file` writes it.
    #[arg(long)]
    pub signing_key_file: PathBuf,
    /// The trigger document of the subscription: each event is also checked against the
    /// outputSchema of --operation.
    #[arg(long, requires = "operation")]
    pub trigger_document: Option<PathBuf>,
    /// The trigger operation subscribed to (with --trigger-document).
    #[arg(long, requires = "trigger_document")]
    pub operation: Option<String>,
}
