//! Scripting, inspecting and delivering with the types `connector!` (and `trigger!`)
//! generate.
//!
//! The `Value` forms ([`Emulator::respond`], [`Emulator::calls`], [`Emulator::deliver_json`])
//! take connector and operation names as text, so a misspelt one is found when a test fails.
//! These take them from the operation's type: [`Emulator::respond_to`] scripts a typed output,
//! [`Emulator::calls_to`] reads the recorded inputs back as typed inputs, and
//! [`Emulator::deliver`] delivers a typed event.
//!
//! They use the serde direction `Client::call` does not (outputs and events serialised, inputs
//! read back), which generated types implement unless their macro says `serde = "one-way"`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tray_connect::{Operation, Trigger};

use crate::{Delivery, Emulator, EmulatorError};

impl Emulator {
    /// Scripts the output of the operation `O` (the input type `connector!` generates): every
    /// later call to it answers `output`, as [`respond`](Self::respond) would.
    ///
    /// ```
    /// mod twilio { tray_connect::connector!("twilio-output", "2.1", "../schemas/twilio-output.json"); }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = tray_connect_emulator::Emulator::builder()
    ///     .document("../schemas/twilio-output.json")
    ///     .start()
    ///     .await?;
    /// // Only the fields the test cares about: outputs have a `Default`.
    /// let output = twilio::SendSmsOutput {
    ///     sid: "SM1".into(),
    ///     status: twilio::SendSmsOutputStatus::Queued,
    ///     ..Default::default()
    /// };
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

    /// Scripts what the lookup operation `lookup` calls (made by a generated
    /// `{Operation}::{input}_lookup(..)`) answers: every later call of that lookup operation
    /// lists `options`, whatever its input. (Tray's answer is `{"result": [{"text", "value"}]}`.)
    ///
    /// ```
    /// mod sheets {
    ///     tray_connect::connector!("sheets", "8.1", "../codegen/tests/fixtures/google-sheets.json",
    ///         operations = ["get_rows"]);
    /// }
    /// use tray_connect::LookupOption;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = tray_connect_emulator::Emulator::builder()
    /// #     .document_as("sheets", "8.1", "../codegen/tests/fixtures/google-sheets.json")
    /// #     .start().await?;
    /// let worksheets = sheets::GetRows::worksheet_name_lookup("sheet-1");
    /// emulator.respond_lookup(
    ///     &worksheets,
    ///     [LookupOption::new("Sheet1", "Sheet1"), LookupOption::new("Q3", "Q3")],
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub fn respond_lookup(
        &self,
        lookup: &tray_connect::Lookup,
        options: impl IntoIterator<Item = tray_connect::LookupOption>,
    ) {
        let result: Vec<serde_json::Value> = options
            .into_iter()
            .map(|option| serde_json::json!({"text": option.text, "value": option.value}))
            .collect();
        self.respond(
            lookup.connector(),
            lookup.operation(),
            serde_json::json!({ "result": result }),
        );
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
