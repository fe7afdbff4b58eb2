//! What the CLI tests share: an emulator on a runtime that outlives each command, and the
//! binary with a clean environment.

#![allow(dead_code)] // each test file uses its own part of this module

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tray_connect_emulator::{Emulator, EmulatorBuilder};

/// The token the emulators of these tests require.
/// An authId as Tray issues them (a UUID; the emulator refuses anything else with a 400):
/// the one of the "Slack Send Message" example in Tray's published Call Connector payload.
pub const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

pub const TOKEN: &str = "right";

/// A running emulator and the runtime serving it (kept alive while the binary runs).
pub struct Api {
    /// The emulator; dropped before the runtime.
    pub emulator: Emulator,
    runtime: tokio::runtime::Runtime,
}

impl Api {
    /// An emulator requiring [`TOKEN`] that serves `schemas/twilio-output.json`, the two `echo`
    /// fixture versions and the trigger `schemas/gosquared-trigger.json`: every document of
    /// `schemas/`.
    pub fn start() -> Api {
        Api::with_documents(&[
            workspace_file("schemas/twilio-output.json"),
            fixture("echo-1.2.json"),
            fixture("echo-1.10.json"),
            workspace_file("schemas/gosquared-trigger.json"),
        ])
    }

    /// An emulator requiring [`TOKEN`] that serves `documents`.
    pub fn with_documents(documents: &[PathBuf]) -> Api {
        let mut builder = Emulator::builder();
        for document in documents {
            builder = builder.document(document);
        }
        Api::with_builder(builder)
    }

    /// The emulator `builder` makes, requiring [`TOKEN`].
    pub fn with_builder(builder: EmulatorBuilder) -> Api {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime.block_on(builder.token(TOKEN).start()).unwrap();
        Api { emulator, runtime }
    }

    /// Runs `future` (an emulator method) on the emulator's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
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

/// How long a test waits for a line a child process should print: a hang guard, far above what
/// any line takes (they come in milliseconds), never a wait for an event to happen.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// A long-running command (`serve`, `listen`) started with a clean environment, its stdout
/// and stderr read line by line as they come; killed when dropped.
pub struct Running {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

impl Running {
    /// Starts the binary with `args`.
    pub fn start<I, S>(args: I) -> Running
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tray-connect"))
            .env_remove("TRAY_TOKEN")
            .env_remove("TRAY_REGION")
            .env_remove("TRAY_API_URL")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines_of(child.stdout.take().unwrap());
        let stderr = lines_of(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// The next line on stdout.
    pub fn stdout_line(&self) -> String {
        self.stdout
            .recv_timeout(HANG_GUARD)
            .expect("a line on stdout (the process ended or hung)")
    }

    /// The next line on stderr.
    pub fn stderr_line(&self) -> String {
        self.stderr
            .recv_timeout(HANG_GUARD)
            .expect("a line on stderr (the process ended or hung)")
    }

    /// The lines on stdout up to and including the first that starts with `prefix`.
    pub fn stdout_until(&self, prefix: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.stdout_line();
            let done = line.starts_with(prefix);
            lines.push(line);
            if done {
                return lines;
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines of `stream`, sent as they are read (by a thread that ends with the stream).
fn lines_of(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}
