//! Dynamic dropdowns: operations that list the valid values of another operation's input.

use serde::{Deserialize, Serialize};

/// A prepared call of a lookup operation (a schema's `lookup` keyword), made by the generated
/// `{Op}::{field}_lookup(..)` functions and run with [`Client::lookup`](crate::Client::lookup).
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    connector: &'static str,
    version: &'static str,
    operation: String,
    input: serde_json::Value,
}

impl Lookup {
    /// A lookup of `operation` on `connector` `version` with `input`.
    pub fn new(
        connector: &'static str,
        version: &'static str,
        operation: impl Into<String>,
        input: serde_json::Value,
    ) -> Self {
        Lookup {
            connector,
            version,
            operation: operation.into(),
            input,
        }
    }

    /// The connector the lookup operation belongs to.
    pub fn connector(&self) -> &str {
        self.connector
    }

    /// The connector version.
    pub fn version(&self) -> &str {
        self.version
    }

    /// The lookup operation's wire name, e.g. `list_worksheets_ddl_return_name`.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The input sent to the lookup operation.
    pub fn input(&self) -> &serde_json::Value {
        &self.input
    }
}

/// One choice a lookup offers: a label for people and the value to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LookupOption {
    /// What to show (a number or boolean sent as `text` is taken as its text).
    #[serde(default, deserialize_with = "crate::tolerant::text")]
    pub text: String,
    /// What to put in the input.
    #[serde(default)]
    pub value: serde_json::Value,
}

impl LookupOption {
    /// An option: what to show and the value to send (a string, a number, any JSON).
    pub fn new(text: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        LookupOption {
            text: text.into(),
            value: value.into(),
        }
    }
}
