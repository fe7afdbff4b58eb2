//! The `--token`, `--region` and `--api-url` flags of the commands that call the API, turned
//! into a [`Client`].

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use tray_connect::{Client, Region};

use crate::failure::Failure;

/// Where the API is and how to authenticate; flags win over the environment. Only the
/// subcommands that call the API have these flags, so `--help` of the others does not list them.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Connection")]
pub struct Connection {
    /// Bearer token (a master token or an end user's token).
    #[arg(long, env = "TRAY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Region: us, eu or ap.
    #[arg(long, env = "TRAY_REGION", hide_env_values = true)]
    pub region: Option<String>,

    /// Another API base URL, e.g. an emulator's http://127.0.0.1:PORT (http only on loopback).
    #[arg(long, env = "TRAY_API_URL", hide_env_values = true)]
    pub api_url: Option<String>,
}

/// The same flags written before the subcommand (`tray-connect --token T connectors`). They are
/// read from the command line only: the environment is read by the subcommand's own flags, and
/// a command that does not call the API ignores them.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Connection (for the commands that call the API)")]
pub struct LeadingConnection {
    /// Bearer token; also TRAY_TOKEN, and accepted after the subcommand.
    #[arg(long)]
    pub token: Option<String>,

    /// Region: us, eu or ap; also TRAY_REGION.
    #[arg(long)]
    pub region: Option<String>,

    /// Another API base URL; also TRAY_API_URL.
    #[arg(long)]
    pub api_url: Option<String>,
}

impl Connection {
    /// These settings, each taken from the subcommand's own flag when given there, else from the
    /// flag before the subcommand, else from the environment.
    pub fn settle(self, matches: &ArgMatches, leading: &LeadingConnection) -> Connection {
        let pick = |id: &str, own: Option<String>, before: &Option<String>| {
            if matches.value_source(id) == Some(ValueSource::CommandLine) {
                own
            } else {
                before.clone().or(own)
            }
        };
        Connection {
            token: pick("token", self.token, &leading.token),
            region: pick("region", self.region, &leading.region),
            api_url: pick("api_url", self.api_url, &leading.api_url),
        }
    }

    /// A client for these settings; a missing token or bad region is a usage error.
    pub fn client(&self) -> Result<Client, Failure> {
        let token = self
            .token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Failure::usage("no token: pass --token or set TRAY_TOKEN"))?;
        let mut builder = Client::builder().token(token);
        if let Some(region) = self.region.as_deref().filter(|r| !r.trim().is_empty()) {
            let region: Region = region.parse().map_err(Failure::from)?;
            builder = builder.region(region);
        }
        if let Some(url) = self.api_url.as_deref().filter(|u| !u.trim().is_empty()) {
            // The client itself allows http only for loopback hosts (the emulator).
            builder = builder.base_url(url.trim());
        }
        builder.build().map_err(Failure::from)
    }
}
