//! The link between a generated input type and the Call Connector endpoint.

/// One connector operation whose input is `Self`.
///
/// `connector!` implements it for every generated input type, so that
/// [`Client::call`](crate::Client::call) knows where to send the input and what to decode.
/// Hand-written implementations work the same way.
pub trait Operation: serde::Serialize {
    /// What a successful call returns (the `output` of an `outcome: "success"` answer).
    type Output: serde::de::DeserializeOwned;
    /// The connector's programmatic name, e.g. `"twilio-output"`.
    const CONNECTOR: &'static str;
    /// The connector version, e.g. `"2.1"`.
    const VERSION: &'static str;
    /// The operation's wire name, e.g. `"send_sms"`.
    const NAME: &'static str;
}
