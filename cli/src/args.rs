//! The command line: subcommands, their flags and their `--help` examples.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::connection::{Connection, LeadingConnection};
use crate::trigger_args::{
    DeliverArgs, ListenArgs, SubscribeArgs, SubscriptionArgs, SubscriptionsArgs,
    TriggerOperationsArgs, UnsubscribeArgs,
};

/// Typed Rust for Tray's Connectivity API: list, vendor, check, generate, serve, call; subscribe
/// to triggers and receive their events.
#[derive(Debug, Parser)]
#[command(name = "tray-connect", version)]
pub struct Cli {
    /// Token, region and API URL written before the subcommand.
    #[command(flatten)]
    pub leading: LeadingConnection,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List connectors (the latest version of each, or all with --all).
    #[command(after_help = "Example:\n  tray-connect connectors --all --json")]
    Connectors(ConnectorsArgs),

    /// List the operations of one connector version, with their required inputs.
    #[command(after_help = "Example:\n  tray-connect operations twilio-output 2.1")]
    Operations(OperationsArgs),

    /// Call one operation and print its output as JSON.
    #[command(after_help = "Examples:\n  \
        tray-connect call twilio-output 2.1 send_sms --auth-id $AUTH_ID \\\n    \
        --input '{\"to\": \"+15551234567\", \"from\": \"+15557654321\", \"body\": \"hi\"}'\n  \
        tray-connect call twilio-output 2.1 send_sms --auth-id $AUTH_ID --input @sms.json")]
    Call(CallArgs),

    /// Print the Rust code `connector!` generates for a document.
    #[command(after_help = "Examples:\n  \
        tray-connect generate schemas/twilio-output.json --operations send_sms -o src/twilio.rs\n  \
        tray-connect generate legacy.json --name twilio-output --version 2.1 --report")]
    Generate(GenerateArgs),

    /// Run the local emulator of the Connectivity API on the documents of a folder.
    #[command(after_help = "Examples:\n  \
        tray-connect serve --schemas schemas --token dev-token\n  \
        tray-connect serve --schemas schemas --replay fixtures/   # answer calls as recorded")]
    Serve(ServeArgs),

    /// Record Tray's real answers: a local proxy to Tray that writes each Call Connector
    /// exchange as a fixture file (token, authIds and passwords redacted), for `serve --replay`.
    #[command(after_help = "Example:\n  \
        tray-connect record --upstream https://api.tray.io --port 8089 --out fixtures/\n  \
        TRAY_API_URL=http://127.0.0.1:8089 cargo test   # in another terminal")]
    Record(RecordArgs),

    /// Vendor operations documents (with their connector or trigger header) into files.
    #[command(after_help = "Examples:\n  \
        tray-connect pull twilio-output 2.1\n  \
        tray-connect pull twilio-output 2.1 -o vendor/twilio.json\n  \
        tray-connect pull twilio-output@2.1 slack@9.1\n  \
        tray-connect pull --trigger gosquared-trigger 1.0   # writes schemas/gosquared-trigger.json\n  \
        tray-connect pull shopify 4.0 --sample get_location=location.json --auth-id $AUTH_ID")]
    Pull(PullArgs),

    /// Compare vendored documents with the live API (exit 0 up to date, 1 drift, 3 could not check).
    #[command(after_help = "Examples:\n  \
        tray-connect check\n  \
        tray-connect check schemas/twilio-output.json --json\n  \
        tray-connect check --fail-on breaking\n  \
        tray-connect check --observed drift-observed.json   # from Client::drift_report()\n\n\
        --observed adds what production's answers held that the documents do not promise \
        (written by Client::drift_report(); repeatable): each entry is listed under its \
        document and exits 1, unless --fail-on breaking.\n\n\
        Exit codes: 0 every document is up to date (or only non-breaking changes with \
        --fail-on breaking), 1 drift, 2 usage, 3 a document could not be checked (unreadable, \
        no connector header, not served by the API, or an API or auth failure). Every document \
        is reported either way.")]
    Check(CheckArgs),

    /// List triggers (the latest version of each, or all with --all).
    #[command(after_help = "Example:\n  tray-connect triggers --all --json")]
    Triggers(ConnectorsArgs),

    /// List the operations of one trigger version, with the inputs a subscription needs.
    #[command(after_help = "Example:\n  tray-connect trigger-operations gosquared-trigger 1.0")]
    TriggerOperations(TriggerOperationsArgs),

    /// List every subscription (all pages). Signing keys are never shown again.
    #[command(after_help = "Example:\n  tray-connect subscriptions --json")]
    Subscriptions(SubscriptionsArgs),

    /// Show one subscription (without its signing key, which Tray shows only at creation).
    #[command(after_help = "Example:\n  tray-connect subscription $SUBSCRIPTION_ID")]
    Subscription(SubscriptionArgs),

    /// Subscribe to a trigger operation; prints the subscription and its signing key, once.
    #[command(after_help = "Examples:\n  \
        tray-connect subscribe gosquared-trigger 1.0 entered_smart_group_init --name VIPs \\\n    \
        --endpoint https://hooks.example.com/tray/vip --input '{\"value\": \"vip\"}' \\\n    \
        --auth-id $AUTH_ID --signing-key-file vip.key\n  \
        tray-connect subscribe gosquared-trigger 1.0 entered_smart_group_init --name dev \\\n    \
        --endpoint http://127.0.0.1:4242/tray --input @input.json --json\n\n\
        Tray returns the signing key only in this answer: store it (--signing-key-file writes \
        it to a new file). A creation that fails (state creation_failed) exits 1 and names \
        the subscription to delete.")]
    Subscribe(SubscribeArgs),

    /// Delete a subscription: its events stop.
    #[command(after_help = "Example:\n  tray-connect unsubscribe $SUBSCRIPTION_ID")]
    Unsubscribe(UnsubscribeArgs),

    /// Make a `tray-connect serve` emulator deliver an event to a subscription, signed as Tray
    /// signs it.
    #[command(after_help = "Examples:\n  \
        tray-connect deliver $SUBSCRIPTION_ID --event '{\"boundary\": \"enter\"}'\n  \
        TRAY_API_URL=http://127.0.0.1:8080 TRAY_TOKEN=dev tray-connect deliver $ID --event @event.json\n\n\
        Only the emulator can do this (Tray delivers when the third party's event happens): \
        --api-url or TRAY_API_URL is the URL `serve` printed. Exit 0 when the receiver took \
        the event (a 2xx), 1 when every attempt was refused.")]
    Deliver(DeliverArgs),

    /// Receive events on 127.0.0.1: verify each x-tray-signature, print what verifies, refuse
    /// the rest (401), until Ctrl-C.
    #[command(after_help = "Examples:\n  \
        tray-connect listen --port 4242 --signing-key-file vip.key\n  \
        tray-connect listen --port 4242 --signing-key-file vip.key \\\n    \
        --trigger-document schemas/gosquared-trigger.json --operation entered_smart_group_init\n\n\
        Any path of http://127.0.0.1:PORT takes events: subscribe with --endpoint \
        http://127.0.0.1:PORT/tray (against `tray-connect serve`), or put a tunnel in front of \
        it for Tray.")]
    Listen(ListenArgs),

    /// Manage end users of the Embedded API (master token).
    #[command(
        after_help = "Example:\n  tray-connect users create \"Ada Lovelace\" ada-42 --user-token"
    )]
    Users(UsersArgs),

    /// List an end user's authentications.
    #[command(after_help = "Examples:\n  \
        tray-connect auths list --user-id $USER_ID          # master token\n  \
        tray-connect --token $USER_TOKEN auths list --json  # the user's own token")]
    Auths(AuthsArgs),

    /// Print the auth-only dialog URL where an end user creates an authentication.
    #[command(after_help = "Example:\n  \
        tray-connect auth-url acme --user-id $USER_ID --service-id $SERVICE_ID \\\n    \
        --service-environment-id $ENV_ID --scope channels:read --scope chat:write")]
    AuthUrl(AuthUrlArgs),
}

/// `users`.
#[derive(Debug, clap::Args)]
pub struct UsersArgs {
    /// What to do with users.
    #[command(subcommand)]
    pub command: UsersCommand,
}

/// The `users` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an end user and print their id.
    Create(UsersCreateArgs),
}

/// `users create`.
#[derive(Debug, clap::Args)]
pub struct UsersCreateArgs {
    /// The user's name.
    pub name: String,
    /// The user's id in your own system.
    pub external_user_id: String,
    /// Mark the user as a test user.
    #[arg(long = "test")]
    pub test_user: bool,
    /// Also print a user token (valid 2 days).
    #[arg(long)]
    pub user_token: bool,
    /// Print JSON (`userId`, `accessToken`).
    #[arg(long)]
    pub json: bool,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `auths`.
#[derive(Debug, clap::Args)]
pub struct AuthsArgs {
    /// What to do with authentications.
    #[command(subcommand)]
    pub command: AuthsCommand,
}

/// The `auths` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuthsCommand {
    /// List a user's authentications (every page).
    List(AuthsListArgs),
}

/// `auths list`.
#[derive(Debug, clap::Args)]
pub struct AuthsListArgs {
    /// The user, when --token is the master token; without it --token is the user's token.
    #[arg(long)]
    pub user_id: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `auth-url`.
#[derive(Debug, clap::Args)]
pub struct AuthUrlArgs {
    /// Your partner name in Tray.
    pub partner: String,
    /// Generate an authorization code for this user (master token).
    #[arg(long, conflicts_with = "code")]
    pub user_id: Option<String>,
    /// Use this authorization code instead (no request is made).
    #[arg(long)]
    pub code: Option<String>,
    /// The service to authenticate with.
    #[arg(long)]
    pub service_id: Option<String>,
    /// The service environment.
    #[arg(long)]
    pub service_environment_id: Option<String>,
    /// A scope to ask for (repeatable).
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// Another dialog host (e.g. your white-label domain); default the region's
    /// (https://embedded.tray.io, https://embedded.eu1.tray.io, https://embedded.ap1.tray.io).
    #[arg(long)]
    pub dialog_url: Option<String>,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `connectors`.
#[derive(Debug, clap::Args)]
pub struct ConnectorsArgs {
    /// Every version, not only the latest of each connector.
    #[arg(long)]
    pub all: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `operations`.
#[derive(Debug, clap::Args)]
pub struct OperationsArgs {
    /// Connector name, e.g. twilio-output.
    pub name: String,
    /// Connector version, e.g. 2.1.
    pub version: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `call`.
#[derive(Debug, clap::Args)]
pub struct CallArgs {
    /// Connector name.
    pub name: String,
    /// Connector version.
    pub version: String,
    /// Operation name, e.g. send_sms.
    pub operation: String,
    /// The authentication to call through.
    #[arg(long)]
    pub auth_id: String,
    /// The input: JSON text, or @FILE to read it from a file.
    #[arg(long, default_value = "{}")]
    pub input: String,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The operations document.
    pub file: PathBuf,
    /// Only these operations (comma-separated) and the types they reach.
    #[arg(long, value_delimiter = ',')]
    pub operations: Option<Vec<String>>,
    /// Write the code to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// List on stderr every schema node typed as serde_json::Value, and why.
    #[arg(long)]
    pub report: bool,
    /// Connector name (required when the document has no header).
    #[arg(long)]
    pub name: Option<String>,
    /// Connector version (required when the document has no header).
    #[arg(long)]
    pub version: Option<String>,
    /// Serde directions of the types, as the macro's `serde = ".."`: both (the default) or
    /// one-way (inputs only serialise, outputs only deserialise).
    #[arg(long, value_enum, default_value_t = SerdeArg::Both)]
    pub serde: SerdeArg,
}

/// `--serde`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SerdeArg {
    /// Inputs and outputs serialise and deserialise.
    Both,
    /// Inputs only serialise, outputs only deserialise.
    OneWay,
}

impl From<SerdeArg> for tray_connect_codegen::Serde {
    fn from(arg: SerdeArg) -> Self {
        match arg {
            SerdeArg::Both => tray_connect_codegen::Serde::Both,
            SerdeArg::OneWay => tray_connect_codegen::Serde::OneWay,
        }
    }
}

/// `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Folder of operations documents with headers.
    #[arg(long, default_value = "schemas")]
    pub schemas: PathBuf,
    /// Port of 127.0.0.1 to listen on (default: a free one, printed at start).
    #[arg(long)]
    pub port: Option<u16>,
    /// The token the emulator requires (default: any non-empty token). TRAY_TOKEN is not
    /// read: it usually holds a real token, which `serve` would print.
    #[arg(long)]
    pub token: Option<String>,
    /// Answer Call Connector from the fixture files `tray-connect record` wrote in this
    /// folder (same connector, version, operation and input), byte for byte.
    #[arg(long, value_name = "DIR")]
    pub replay: Option<PathBuf>,
}

/// `record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// Base URL of the API to record, e.g. https://api.tray.io (or a `serve`d emulator).
    #[arg(long, value_name = "URL")]
    pub upstream: String,
    /// Port of 127.0.0.1 to listen on (default: a free one, printed at start).
    #[arg(long)]
    pub port: Option<u16>,
    /// Folder the fixture files are written to (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Folder of vendored operations documents: which inputs are passwords (redacted) and
    /// the outputSchema each recorded output is checked against.
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub documents: PathBuf,
    /// Seconds to wait for the upstream's whole answer before answering 504.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
}

/// `pull`.
#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// NAME VERSION, or one or more NAME@VERSION.
    #[arg(required = true, value_name = "NAME VERSION | NAME@VERSION")]
    pub targets: Vec<String>,
    /// Output file (one connector or trigger only); default schemas/{name}.json.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write the answer even when it is not a usable operations document (no operations,
    /// or schemas that are not JSON objects).
    #[arg(long)]
    pub force: bool,
    /// Pull triggers (List Trigger Operations, a `trigger` header) instead of connectors.
    #[arg(long)]
    pub trigger: bool,
    /// OPERATION=FILE: call that `hasDynamicOutput` operation with the JSON input in FILE and
    /// `returnOutputSchema: true`, and vendor the schema Tray returns as the operation's
    /// `sampledOutputSchema` (connector! then types its output). Repeatable; needs --auth-id
    /// and one connector. A later pull keeps it while the output stays dynamic.
    #[arg(long, value_name = "OPERATION=FILE")]
    pub sample: Vec<String>,
    /// The authentication (authId) the --sample calls go through.
    #[arg(long, value_name = "AUTH_ID")]
    pub auth_id: Option<String>,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Documents or folders of documents (default: schemas).
    pub paths: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Which drift exits 1: any change, or only changes that can break generated code.
    #[arg(long, value_enum, default_value_t = FailOn::Any)]
    pub fail_on: FailOn,
    /// A drift report written from `Client::drift_report()` (JSON): what production's answers
    /// held that the documents do not promise, listed under each document (repeatable).
    #[arg(long, value_name = "FILE")]
    pub observed: Vec<PathBuf>,
    /// Token, region and API URL.
    #[command(flatten)]
    pub connection: Connection,
}

/// `check --fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 only when a change can break code generated from the vendored document.
    Breaking,
    /// Exit 1 on any change, documentation included.
    Any,
}

impl Command {
    /// The connection flags of the subcommand, for those that call the API.
    pub fn connection(&self) -> Option<&Connection> {
        Some(match self {
            Command::Connectors(args) => &args.connection,
            Command::Operations(args) => &args.connection,
            Command::Call(args) => &args.connection,
            Command::Pull(args) => &args.connection,
            Command::Check(args) => &args.connection,
            Command::Users(UsersArgs {
                command: UsersCommand::Create(args),
            }) => &args.connection,
            Command::Auths(AuthsArgs {
                command: AuthsCommand::List(args),
            }) => &args.connection,
            Command::AuthUrl(args) => &args.connection,
            Command::Triggers(args) => &args.connection,
            Command::TriggerOperations(args) => &args.connection,
            Command::Subscriptions(args) => &args.connection,
            Command::Subscription(args) => &args.connection,
            Command::Subscribe(args) => &args.connection,
            Command::Unsubscribe(args) => &args.connection,
            Command::Deliver(args) => &args.connection,
            Command::Generate(_) | Command::Serve(_) | Command::Record(_) | Command::Listen(_) => {
                return None;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
