//! Scripted outputs: one for every call ([`Emulator::respond`](crate::Emulator::respond)), one
//! per call in turn ([`Emulator::respond_sequence`](crate::Emulator::respond_sequence)), or
//! computed from the input ([`Emulator::respond_with`](crate::Emulator::respond_with)).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::record::lock;

/// A function from a call's input to its output.
pub(crate) type Responder = Arc<dyn Fn(&Value) -> Value + Send + Sync>;

/// How an operation's output is scripted.
enum Script {
    /// The same output for every call.
    Fixed(Value),
    /// The next output for each call; the operation is unscripted again once they are used up.
    Sequence(VecDeque<Value>),
    /// An output computed from each call's input.
    Computed(Responder),
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Script::Fixed(output) => f.debug_tuple("Fixed").field(output).finish(),
            Script::Sequence(outputs) => f.debug_tuple("Sequence").field(outputs).finish(),
            Script::Computed(_) => f.write_str("Computed(..)"),
        }
    }
}

/// What a scripted operation answers to one call.
pub(crate) enum Scripted {
    Output(Value),
    /// The `respond_with` function panicked.
    Panicked,
}

/// The scripts of every `(connector, operation)`; the latest script of an operation wins.
#[derive(Debug, Default)]
pub(crate) struct Scripts {
    scripts: Mutex<HashMap<(String, String), Script>>,
}

impl Scripts {
    pub(crate) fn fixed(&self, connector: &str, operation: &str, output: Value) {
        self.set(connector, operation, Script::Fixed(output));
    }

    pub(crate) fn sequence(&self, connector: &str, operation: &str, outputs: VecDeque<Value>) {
        self.set(connector, operation, Script::Sequence(outputs));
    }

    pub(crate) fn computed(&self, connector: &str, operation: &str, responder: Responder) {
        self.set(connector, operation, Script::Computed(responder));
    }

    fn set(&self, connector: &str, operation: &str, script: Script) {
        let key = (connector.to_owned(), operation.to_owned());
        let mut scripts = lock(&self.scripts);
        match script {
            // An empty sequence scripts nothing: the operation answers as unscripted.
            Script::Sequence(outputs) if outputs.is_empty() => {
                scripts.remove(&key);
            }
            script => {
                scripts.insert(key, script);
            }
        }
    }

    /// Whether the operation has a script (with outputs left, for a sequence).
    pub(crate) fn has(&self, connector: &str, operation: &str) -> bool {
        lock(&self.scripts).contains_key(&(connector.to_owned(), operation.to_owned()))
    }

    /// The scripted answer to a call with `input`, taking the next output of a sequence (and
    /// dropping the sequence once it is used up). `None`: the operation is not scripted.
    pub(crate) fn answer(
        &self,
        connector: &str,
        operation: &str,
        input: &Value,
    ) -> Option<Scripted> {
        let key = (connector.to_owned(), operation.to_owned());
        let responder = {
            let mut scripts = lock(&self.scripts);
            match scripts.get_mut(&key)? {
                Script::Fixed(output) => return Some(Scripted::Output(output.clone())),
                Script::Sequence(outputs) => {
                    let next = outputs.pop_front();
                    if outputs.is_empty() {
                        scripts.remove(&key);
                    }
                    return next.map(Scripted::Output);
                }
                Script::Computed(responder) => responder.clone(),
            }
        };
        // Outside the lock: the function may take its time, and calls run concurrently.
        Some(match catch_unwind(AssertUnwindSafe(|| responder(input))) {
            Ok(output) => Scripted::Output(output),
            Err(_) => Scripted::Panicked,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn output(scripts: &Scripts, input: Value) -> Option<Value> {
        match scripts.answer("c", "op", &input)? {
            Scripted::Output(output) => Some(output),
            Scripted::Panicked => panic!("unexpected panic"),
        }
    }

    #[test]
    fn a_sequence_answers_in_order_then_is_gone() {
        let scripts = Scripts::default();
        scripts.sequence("c", "op", [json!(1), json!(2)].into());
        assert!(scripts.has("c", "op"));
        assert_eq!(output(&scripts, json!({})), Some(json!(1)));
        assert_eq!(output(&scripts, json!({})), Some(json!(2)));
        assert!(!scripts.has("c", "op"));
        assert_eq!(output(&scripts, json!({})), None);
        scripts.sequence("c", "op", VecDeque::new());
        assert!(!scripts.has("c", "op"));
    }

    #[test]
    fn the_latest_script_wins() {
        let scripts = Scripts::default();
        scripts.sequence("c", "op", [json!(1), json!(2)].into());
        scripts.fixed("c", "op", json!("fixed"));
        assert_eq!(output(&scripts, json!({})), Some(json!("fixed")));
        assert_eq!(output(&scripts, json!({})), Some(json!("fixed")));
        scripts.computed("c", "op", Arc::new(|input| json!({"echo": input["x"]})));
        assert_eq!(output(&scripts, json!({"x": 7})), Some(json!({"echo": 7})));
        assert!(scripts.answer("other", "op", &json!({})).is_none());
    }

    #[test]
    fn a_panicking_responder_is_reported_not_propagated() {
        let scripts = Scripts::default();
        scripts.computed("c", "op", Arc::new(|_| panic!("user code")));
        assert!(matches!(
            scripts.answer("c", "op", &json!({})),
            Some(Scripted::Panicked)
        ));
        // The script stays usable.
        assert!(scripts.has("c", "op"));
    }
}
