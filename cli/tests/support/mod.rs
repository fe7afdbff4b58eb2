//! What the CLI tests share: an emulator on a runtime that outlives each command, and the
//! binary with a clean environment.

#![allow(dead_code)] // each test file uses its own part of this module

use std::path::{Path, PathBuf};

use tray_connect_emulator::Emulator;

/// The token the emulators of these tests require.
/// An authId as Tray issues them (a UUID; the emulator refuses anything else with a 400):
/// the one of the "Slack Send Message" example in Tray's published Call Connector payload.
pub const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

pub const TOKEN: &str = "right";

/// A running emulator and the runtime serving it (kept alive while the binary runs).
pub struct Api {
    /// The emulator; dropped before the runtime.
    pub emulator: Emulator,
    _runtime: tokio::runtime::Runtime,
}

impl Api {
    /// An emulator requiring [`TOKEN`] that serves `schemas/twilio.json`, the two `echo`
    /// fixture versions and the trigger `schemas/gosquared-trigger.json`: every document of
    /// `schemas/`.
    pub fn start() -> Api {
        Api::with_documents(&[
            workspace_file("schemas/twilio.json"),
            fixture("echo-1.2.json"),
            fixture("echo-1.10.json"),
            workspace_file("schemas/gosquared-trigger.json"),
        ])
    }

    /// An emulator requiring [`TOKEN`] that serves `documents`.
    pub fn with_documents(documents: &[PathBuf]) -> Api {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let mut builder = Emulator::builder().token(TOKEN);
        for document in documents {
            builder = builder.document(document);
        }
        let emulator = runtime.block_on(builder.start()).unwrap();
        Api {
            emulator,
            _runtime: runtime,
        }
    }

    /// The binary pointed at this emulator with the right token.
    pub fn command(&self) -> assert_cmd::Command {
        let mut command = bare_command();
        command
            .arg("--api-url")
            .arg(self.emulator.base_url())
            .arg("--token")
            .arg(TOKEN);
        command
    }
}

/// The binary with none of the TRAY_* variables of the environment running the tests.
pub fn bare_command() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_tray-connect"));
    command
        .env_remove("TRAY_TOKEN")
        .env_remove("TRAY_REGION")
        .env_remove("TRAY_API_URL");
    command
}

/// A file of `cli/tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A file relative to the workspace root.
pub fn workspace_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// The text of a command's stdout or stderr.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
