//! The `tray-connect` command: list connectors and operations, vendor operations documents
//! (`pull`), detect drift between vendored documents and the live API (`check`), print the code
//! the `connector!` macro generates (`generate`), run the local emulator (`serve`) and make one
//! call (`call`), record Tray's real answers as fixtures for the emulator to replay (`record`); list triggers, manage subscriptions (`subscribe`, `subscriptions`,
//! `unsubscribe`), make a served emulator deliver an event (`deliver`) and receive events
//! (`listen`).
//!
//! Exit codes: 0 success, 1 drift or a failed request, 2 usage (bad flags, missing token,
//! unusable input), 3 `check` could not check a document. Errors are one line on stderr.

// First: its `outln!`/`errln!` are the only way the other modules print.
#[macro_use]
mod terminal;

mod args;
mod commands;
mod connection;
mod document_files;
mod drift;
mod failure;
mod listing;
mod sampled;
mod trigger_args;
mod versions;

use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches};

use args::{Cli, Command};
use connection::Connection;
use failure::Failure;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return Failure::failed(format!("could not start the async runtime: {e}")).report();
        }
    };
    match runtime.block_on(run(cli, leaf(&matches))) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

/// The matches of the innermost subcommand (`users create`), which owns the connection flags.
fn leaf(matches: &ArgMatches) -> &ArgMatches {
    match matches.subcommand() {
        Some((_, sub)) => leaf(sub),
        None => matches,
    }
}

async fn run(cli: Cli, leaf: &ArgMatches) -> Result<ExitCode, Failure> {
    let connection = match cli.command.connection() {
        Some(own) => own.clone().settle(leaf, &cli.leading),
        None => Connection::default(),
    };
    let connection = &connection;
    match cli.command {
        Command::Connectors(args) => commands::connectors::run(connection, args).await,
        Command::Operations(args) => commands::operations::run(connection, args).await,
        Command::Call(args) => commands::call::run(connection, args).await,
        Command::Generate(args) => commands::generate::run(args),
        Command::Serve(args) => {
            // `serve`'s own --token, or one written before it; never TRAY_TOKEN.
            let token = args.token.clone().or(cli.leading.token);
            commands::serve::run(args, token).await
        }
        Command::Record(args) => commands::record::run(args).await,
        Command::Pull(args) => commands::pull::run(connection, args).await,
        Command::Check(args) => commands::check::run(connection, args).await,
        Command::Users(args) => commands::users::run(connection, args).await,
        Command::Auths(args) => commands::auths::run(connection, args).await,
        Command::AuthUrl(args) => commands::auth_url::run(connection, args).await,
        Command::Triggers(args) => commands::triggers::list(connection, args).await,
        Command::TriggerOperations(args) => commands::triggers::operations(connection, args).await,
        Command::Subscriptions(args) => commands::subscriptions::list(connection, args).await,
        Command::Subscription(args) => commands::subscriptions::show(connection, args).await,
        Command::Subscribe(args) => commands::subscribe::run(connection, args).await,
        Command::Unsubscribe(args) => commands::subscriptions::delete(connection, args).await,
        Command::Deliver(args) => commands::deliver::run(connection, args).await,
        Command::Listen(args) => commands::listen::run(args).await,
    }
}
