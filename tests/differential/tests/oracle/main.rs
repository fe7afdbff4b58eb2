//! The generated types against an independent oracle: the `jsonschema` crate's draft-04
//! validator decides what each drawn schema accepts, never our own reading of it.
//!
//! For every case (`build/schemas.rs` draws them; `src/lib.rs` compiles their expansions) a
//! seeded generator draws candidate values: values built to fit the schema, the same values
//! with one node replaced by arbitrary JSON, and arbitrary JSON. Then:
//!
//! - **Outputs keep every valid value**: each candidate the oracle accepts deserialises into
//!   the output type (as the whole output, and as a required and an optional property) and
//!   serialises back to an equal JSON value.
//! - **Inputs can send every valid value**: the same through the input type.
//! - **Inputs only send valid values**: whatever an input type can hold (every candidate that
//!   deserialises into it, valid or not) serialises to a value the oracle accepts. This is
//!   checked on schemas whose constraints a Rust type can carry (see [`carried_by_types`]):
//!   a type cannot hold `minLength`, `oneOf`'s "exactly one" or numeric enums, and the
//!   types those as their base type on purpose.
//!
//! **Equality** ([`same`]): JSON equality with numbers compared as numbers (`3` read into an
//! `f64` comes back as `3.0`, which JSON Schema's own equality calls equal).
//!
//! **What the generator does not draw**: integers outside `i64` and numbers `f64` cannot hold
//! exactly. The generator maps `integer` to `i64` and `number` to `f64`; such values fail to decode
//! (the error keeps the whole output) or lose digits. Everything else JSON can say is drawn.
//!
//! A failure prints the case, the schema, the value and what came back. Reproduce a run with
//! `TRAY_DIFFERENTIAL_SEED` / `TRAY_DIFFERENTIAL_CASES` (read by the build script).

mod candidates;
mod coverage;
mod oracle;
mod tally;

use serde_json::{Value, json};
use tray_connect_differential::{CASES, CASES_JSON, Case, RoundTrip, TRIGGER_EVENTS};

use candidates::candidates;
use oracle::{Oracle, carried_by_types, same};
use tally::Tally;

/// Candidates drawn per schema and target.
const CANDIDATES: usize = 60;
/// Below this depth, optional members, items and unlisted members are drawn.
const MAX_DEPTH: usize = 5;
/// Failures printed in full (the count is always given).
const SHOWN: usize = 12;
fn cases() -> Vec<Value> {
    let cases: Vec<Value> = serde_json::from_str(CASES_JSON).expect("the build script writes JSON");
    assert_eq!(
        cases.len(),
        CASES.len(),
        "cases.json and the compiled table agree"
    );
    cases
}

fn operation_schema(case: &Value, operation: usize, key: &str) -> Value {
    case["document"]["elements"][operation][key].clone()
}

/// Every oracle-valid candidate round-trips unchanged through `through`.
fn check_round_trips(
    tally: &mut Tally,
    case: &Value,
    label: &'static str,
    schema: &Value,
    through: RoundTrip,
    salt: u64,
) {
    let oracle = match Oracle::new(schema) {
        Ok(oracle) => oracle,
        Err(e) => {
            tally
                .unbuildable
                .push(format!("case {}: {e}\n  {schema}", case["index"]));
            return;
        }
    };
    let index = case["index"].as_u64().unwrap_or_default() as usize;
    for value in candidates(schema, index, salt) {
        if !oracle.accepts(&value) {
            continue;
        }
        *tally.checked.entry(label).or_default() += 1;
        match through(value.clone()) {
            Err(e) => {
                tally.fail(case, label, &value, &e);
                return;
            }
            Ok(back) if !same(&value, &back) => {
                tally.fail(case, label, &value, &format!("came back as {back}"));
                return;
            }
            Ok(_) => {}
        }
    }
}

fn case_table() -> Vec<(&'static Case, Value)> {
    CASES.iter().zip(cases()).collect()
}

#[test]
fn every_value_the_oracle_accepts_round_trips_through_output_types() {
    let mut tally = Tally::default();
    for (case, json) in case_table() {
        let root = operation_schema(&json, 0, "outputSchema");
        check_round_trips(
            &mut tally,
            &json,
            "whole outputs",
            &root,
            case.root_output,
            1,
        );
        let field = operation_schema(&json, 1, "outputSchema");
        check_round_trips(
            &mut tally,
            &json,
            "output properties",
            &field,
            case.field_output,
            2,
        );
    }
    tally.finish("outputs");
}

#[test]
fn every_value_the_oracle_accepts_round_trips_through_input_types() {
    let mut tally = Tally::default();
    for (case, json) in case_table() {
        let field = operation_schema(&json, 1, "inputSchema");
        check_round_trips(&mut tally, &json, "inputs", &field, case.field_input, 3);
    }
    tally.finish("inputs");
}

#[test]
fn whatever_an_input_type_holds_is_accepted_by_the_oracle() {
    let mut tally = Tally::default();
    let mut schemas = 0;
    for (case, json) in case_table() {
        let schema = operation_schema(&json, 1, "inputSchema");
        // Value fallbacks hold any JSON on purpose; only `{}`-like ones accept any JSON too.
        let untyped = case.value_fallbacks.iter().any(|f| {
            f.starts_with("/elements/1/inputSchema") && !f.ends_with("the schema gives no `type`")
        });
        if !carried_by_types(&schema) || untyped {
            continue;
        }
        schemas += 1;
        let Ok(oracle) = Oracle::new(&schema) else {
            tally.unbuildable.push(format!("case {}", json["index"]));
            continue;
        };
        for value in candidates(&schema, case.index, 4) {
            let Ok(sent) = (case.field_input)(value.clone()) else {
                continue;
            };
            *tally.checked.entry("input values held").or_default() += 1;
            if !oracle.accepts(&sent) {
                tally.fail(
                    &json,
                    "input sent",
                    &value,
                    &format!("is sent as {sent}, which the schema refuses"),
                );
                break;
            }
        }
    }
    println!("{schemas} schemas carried by types");
    assert!(
        schemas > CASES.len() / 10,
        "too few schemas to check: {schemas}"
    );
    tally.finish("input soundness");
}

/// Tray's real trigger documents (issue 23): every event value the oracle accepts for an
/// operation's `outputSchema` decodes into its generated event type and comes back equal.
#[test]
fn every_event_the_oracle_accepts_round_trips_through_trigger_event_types() {
    let mut tally = Tally::default();
    assert_eq!(
        TRIGGER_EVENTS.len(),
        4,
        "GoSquared's two operations and Gmail's two"
    );
    for (i, event) in TRIGGER_EVENTS.iter().enumerate() {
        let schema: Value = serde_json::from_str(event.output_schema).expect("JSON");
        let case = json!({"index": 100_000 + i, "document": event.document,
                          "operation": event.operation, "schema": schema});
        check_round_trips(
            &mut tally,
            &case,
            "trigger events",
            &schema,
            event.round_trip,
            4,
        );
    }
    assert!(
        tally
            .checked
            .get("trigger events")
            .copied()
            .unwrap_or_default()
            >= 40,
        "too few accepted events were drawn: {:?}",
        tally.checked
    );
    tally.finish("trigger events");
}
