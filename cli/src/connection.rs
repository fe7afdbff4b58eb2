//! The global `--token`, `--region` and `--api-url` flags, turned into a [`Client`].

use clap::Args;
use tray_connect::{Client, Region};

use crate::failure::Failure;

/// Where the API is and how to authenticate; flags win over the environment.
#[derive(Debug, Args)]
pub struct Connection {
    /// Bearer token (a master token or an end user's token).
    #[arg(long, global = true, env = "TRAY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Region: us, eu or ap.
    #[arg(long, global = true, env = "TRAY_REGION")]
    pub region: Option<String>,

    /// Another API base URL, e.g. an emulator's http://127.0.0.1:PORT (http only on loopback).
    #[arg(long, global = true, env = "TRAY_API_URL")]
    pub api_url: Option<String>,
}

impl Connection {
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
