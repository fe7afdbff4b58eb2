//! Scripting, inspecting and delivering with the types `connector!` (and `trigger!`)
//! generate.
//!
//! The `Value` forms ([`Emulator::respond`], [`Emulator::calls`], [`Emulator::deliver_json`])
//! take connector and operation names as text, so a misspelt one is found when a test fails.
//! These take them from the operation's type: [`Emulator::respond_to`] scripts a typed output,
//! [`Emulator::calls_to`] reads the recorded inputs back as typed inputs, and
//! [`Emulator::deliver`] delivers a typed event.
//!
//! Generated outputs implement only `Deserialize` and inputs only `Serialize` (the direction
//! `Client::call` uses); this feature turns on `tray-connect`'s `test-doubles` feature, which
//! derives the other direction too, in the builds that use the emulator (a dev-dependency's
//! features reach only tests, examples and benches).

use serde::Serialize;
use serde::de::DeserializeOwned;
use tray_connect::{Operation, Trigger};

use crate::{Delivery, Emulator, EmulatorError};

impl Emulator {
    /// Scripts the output of the operation `O` (the input type `connector!` generates): every
    /// later call to it answers `output`, as [`respond`](Self::respond) would.
    ///
    /// ```
    /// mod twilio { tray_connect::connector!("twilio-output", "2.1", "../schemas/twilio.json"); }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = tray_connect_emulator::Emulator::builder()
    ///     .document("../schemas/twilio.json")
    ///     .start()
    ///     .await?;
    /// let output: twilio::SendSmsOutput = serde_json::from_value(serde_json::json!({
    ///     "sid": "SM1", "status": "queued", "to": "+15551234567", "from": "+15557654321",
    ///     "body": "Your code is 1234", "date_created": "Thu, 29 Nov 2026 10:00:00 +0000"
    /// }))?;
    /// emulator.respond_to::<twilio::SendSms>(output)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`EmulatorError::NotServed`] when no document of the emulator describes `O`'s connector
    /// version and operation (the emulator would answer its calls with an error), and
    /// [`EmulatorError::Script`] when `output` cannot be written as JSON.
    pub fn respond_to<O>(&self, output: O::Output) -> Result<(), EmulatorError>
    where
        O: Operation,
        O::Output: Serialize,
    {
        self.check_served::<O>()?;
        let output = serde_json::to_value(output).map_err(|source| EmulatorError::Script {
            operation: operation_label::<O>(),
            source,
        })?;
        self.respond(O::CONNECTOR, O::NAME, output);
        Ok(())
    }

    /// The inputs of every recorded call to the operation `O` (same connector, version and
    /// operation), in arrival order, read back as `O`.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::RecordedInput`] when a recorded input does not fit `O` (a call that
    /// did not come from `O`'s builder, e.g. one the emulator refused as invalid), naming the
    /// call.
    pub fn calls_to<O>(&self) -> Result<Vec<O>, EmulatorError>
    where
        O: Operation + DeserializeOwned,
    {
        self.calls()
            .into_iter()
            .filter(|call| {
                call.connector == O::CONNECTOR
                    && call.version == O::VERSION
                    && call.operation == O::NAME
            })
            .enumerate()
            .map(|(index, call)| {
                O::deserialize(call.input).map_err(|source| EmulatorError::RecordedInput {
                    operation: operation_label::<O>(),
                    index,
                    source,
                })
            })
            .collect()
    }

    /// Delivers `event` to subscription `subscription_id`, which must be a subscription to
    /// trigger operation `T`, exactly as [`deliver_json`](Self::deliver_json) does with its
    /// JSON.
    ///
    /// # Errors
    ///
    /// As `deliver_json`, and [`EmulatorError::NotDeliverable`] for a subscription to another
    /// trigger, version or operation than `T`'s, [`EmulatorError::Event`] for an event that
    /// cannot be written as JSON.
    pub async fn deliver<T>(
        &self,
        subscription_id: &str,
        event: &T::Event,
    ) -> Result<Delivery, EmulatorError>
    where
        T: Trigger,
        T::Event: Serialize,
    {
        let subscription = self.subscription_for_delivery(subscription_id)?;
        let to = (
            subscription.trigger.as_str(),
            subscription.version.as_str(),
            subscription.operation.as_str(),
        );
        if to != (T::TRIGGER, T::VERSION, T::NAME) {
            return Err(EmulatorError::NotDeliverable {
                id: subscription.id.clone(),
                reason: format!(
                    "it is a subscription to {} {} {}, not to {}",
                    to.0,
                    to.1,
                    to.2,
                    trigger_label::<T>()
                ),
            });
        }
        let body = serde_json::to_vec(event).map_err(|source| EmulatorError::Event {
            operation: trigger_label::<T>(),
            source,
        })?;
        self.deliver_body(subscription, body).await
    }

    fn check_served<O: Operation>(&self) -> Result<(), EmulatorError> {
        let served = self
            .shared
            .connectors
            .iter()
            .find(|c| c.name == O::CONNECTOR && c.version == O::VERSION);
        match served {
            Some(connector) if connector.operations.contains_key(O::NAME) => Ok(()),
            Some(connector) => Err(EmulatorError::NotServed {
                operation: operation_label::<O>(),
                reason: format!(
                    "its document {} has no operation {:?}",
                    connector.document,
                    O::NAME
                ),
            }),
            None => {
                let mut served: Vec<String> = self
                    .shared
                    .connectors
                    .iter()
                    .map(|c| format!("{} {}", c.name, c.version))
                    .collect();
                served.sort();
                let served = if served.is_empty() {
                    "none".to_owned()
                } else {
                    served.join(", ")
                };
                Err(EmulatorError::NotServed {
                    operation: operation_label::<O>(),
                    reason: format!(
                        "no document describes connector {:?} version {:?} (served: {served}); \
                         load the document connector! reads with EmulatorBuilder::document",
                        O::CONNECTOR,
                        O::VERSION
                    ),
                })
            }
        }
    }
}

/// `twilio-output 2.1 send_sms`, for messages.
fn operation_label<O: Operation>() -> String {
    format!("{} {} {}", O::CONNECTOR, O::VERSION, O::NAME)
}

/// `gosquared-trigger 1.0 entered_smart_group_init`, for messages.
fn trigger_label<T: Trigger>() -> String {
    format!("{} {} {}", T::TRIGGER, T::VERSION, T::NAME)
}
