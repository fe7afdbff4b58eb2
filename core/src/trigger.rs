//! The link between a generated subscription input and the events a trigger delivers.

/// One trigger operation whose subscription input is `Self`.
///
/// `trigger!` implements it for every generated subscription input, so that
/// [`Client::subscribe`](crate::Client::subscribe) knows which trigger, version and operation
/// to subscribe to, and [`decode_event`](crate::decode_event) what an event of the
/// subscription decodes to. Hand-written implementations work the same way.
pub trait Trigger: serde::Serialize {
    /// What an event of this operation decodes to (the operation's `outputSchema`).
    type Event: serde::de::DeserializeOwned;
    /// The trigger's programmatic name, e.g. `"gosquared-trigger"`.
    const TRIGGER: &'static str;
    /// The trigger version, e.g. `"1.0"`.
    const VERSION: &'static str;
    /// The trigger operation's wire name, e.g. `"group_boundary"`.
    const NAME: &'static str;
}
