//! Why a command failed, and the exit code that says so.

use std::process::ExitCode;

/// A failed command: one line for stderr and its exit code.
#[derive(Debug)]
pub struct Failure {
    /// 1 for a failed request or file, 2 for a usage problem.
    pub code: u8,
    /// What went wrong, on one line.
    pub message: String,
}

impl Failure {
    /// A failure of the work itself (a request, a file): exit code 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    /// A usage problem (flags, token, input): exit code 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// Prints the message on stderr (one line, escaped: it may quote a server's message or a
    /// document's names) and returns the exit code.
    pub fn report(self) -> ExitCode {
        let message = self.message.replace(['\n', '\r'], " ");
        errln!("error: {message}");
        ExitCode::from(self.code)
    }
}

impl From<tray_connect::Error> for Failure {
    fn from(error: tray_connect::Error) -> Self {
        match error {
            // Bad settings (region, URL, connector name) are the user's input.
            tray_connect::Error::Config { .. } => Failure::usage(error.to_string()),
            _ => Failure::failed(error.to_string()),
        }
    }
}
