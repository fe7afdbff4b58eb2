//! What a run checked and what failed, and the report at its end.

use std::collections::BTreeMap;

use serde_json::Value;
use tray_connect_differential::{CASES, SEED};

use crate::SHOWN;

/// What a run checked and what failed.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) checked: BTreeMap<&'static str, usize>,
    pub(crate) failures: Vec<String>,
    pub(crate) unbuildable: Vec<String>,
}

impl Tally {
    pub(crate) fn fail(&mut self, case: &Value, target: &str, value: &Value, problem: &str) {
        self.failures.push(format!(
            "case {} ({target}):\n  schema: {}\n  value:  {value}\n  {problem}",
            case["index"], case["schema"]
        ));
    }

    pub(crate) fn finish(self, what: &str) {
        let counts: Vec<String> = self
            .checked
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        println!(
            "{what}: {} cases of seed {SEED:#x}; checked {}",
            CASES.len(),
            counts.join(", ")
        );
        assert!(
            self.unbuildable.is_empty(),
            "the oracle could not compile {} schema(s):\n{}",
            self.unbuildable.len(),
            self.unbuildable.join("\n")
        );
        let shown: Vec<&String> = self.failures.iter().take(SHOWN).collect();
        assert!(
            self.failures.is_empty(),
            "{what}: {} failure(s); the first {}:\n{}",
            self.failures.len(),
            shown.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
