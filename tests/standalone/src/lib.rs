//! Library code of an ordinary service: an output cached as JSON, an input read back from a job
//! queue. Both compile in a plain `cargo build`, with no test-only feature in sight (issue 24:
//! they used to pass `cargo test` and fail `cargo build`).

#![deny(warnings, missing_docs)]

/// Twilio's `send_sms`, as `connector!` generates it by default.
pub mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "../../schemas/twilio-output.json",
        operations = ["send_sms"]
    );
}

/// An output, kept in a cache.
pub fn cache(output: &twilio::SendSmsOutput) -> Result<String, serde_json::Error> {
    serde_json::to_string(output)
}

/// An input, read back from a job queue.
pub fn from_queue(job: &str) -> Result<twilio::SendSms, serde_json::Error> {
    serde_json::from_str(job)
}
