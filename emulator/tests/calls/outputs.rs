//! Outputs: synthesised to conform to the `outputSchema`, or scripted (one, a sequence, or from
//! the input).

use serde_json::{Value, json};
use tray_connect_emulator::Emulator;

use crate::support::{
    AUTH_ID, SAMPLE_DOCUMENTS, TOKEN, call, conformance_errors, sample, samples, with_sample,
};
use crate::valid_get_rows;

#[tokio::test]
async fn valid_call_synthesises_output_conforming_to_the_output_schema() {
    let emulator = samples().await;
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "create_row", "authId": AUTH_ID, "input": {
            "spreadsheet_id": "s", "worksheet_name": "w", "value_input_option": "RAW",
            "data": [{"column_heading": "A", "value": 1}]}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outcome"], "success");
    let schema = &sample("google-sheets")["elements"][1]["outputSchema"];
    assert!(conformance_errors(schema, &body["output"]).is_empty());
    assert!(body["output"]["updates"]["updatedRows"].is_number());
    // Deterministic: the same call gives the same output.
    let (_, again) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "create_row", "input": {
            "spreadsheet_id": "s", "worksheet_name": "w", "value_input_option": "RAW",
            "data": [{"column_heading": "A", "value": true}]}}),
    )
    .await;
    assert_eq!(again, body);
}

#[tokio::test]
async fn every_sample_operation_synthesises_conforming_output() {
    // Validation off: this test is about outputs, so `{}` inputs are fine.
    let mut builder = Emulator::builder().token(TOKEN).validate(false);
    for name in SAMPLE_DOCUMENTS {
        builder = with_sample(builder, name);
    }
    let emulator = builder.start().await.unwrap();
    let mut checked = 0;
    for name in SAMPLE_DOCUMENTS {
        let document = sample(name);
        let (connector, version) = (
            document["connector"]["name"].as_str().unwrap(),
            document["connector"]["version"].as_str().unwrap(),
        );
        for element in document["elements"].as_array().unwrap() {
            let operation = element["name"].as_str().unwrap();
            let (status, body) = call(
                &emulator,
                connector,
                version,
                json!({"operation": operation, "input": {}}),
            )
            .await;
            assert_eq!(status, 200, "{connector}/{operation}: {body}");
            assert_eq!(body["outcome"], "success", "{connector}/{operation}");
            let output = &body["output"];
            match element.get("outputSchema") {
                Some(schema) if schema.as_object().is_some_and(|s| !s.is_empty()) => {
                    let errors = conformance_errors(schema, output);
                    assert!(errors.is_empty(), "{connector}/{operation}: {errors:?}");
                }
                _ => assert_eq!(output, &json!({}), "{connector}/{operation}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 2 + 2 + 11 + 11 + 1);
}

#[tokio::test]
async fn respond_scripts_the_output_and_the_latest_wins() {
    let emulator = samples().await;
    emulator.respond("sheets", "get_rows", json!({"results": [["a"]]}));
    emulator.respond("sheets", "get_rows", json!({"results": [["b", "c"]]}));
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": valid_get_rows()}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"outcome": "success", "output": {"results": [["b", "c"]]}})
    );
    // Scripted operations are still validated.
    let (status, _) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": {}}),
    )
    .await;
    assert_eq!(status, 400);
    // Another connector's operation of the same name is unaffected.
    emulator.respond("twilio-output", "other", json!({"ok": true}));
    let (_, body) = call(
        &emulator,
        "twilio-output",
        "2.1",
        json!({"operation": "other", "input": {}}),
    )
    .await;
    assert_eq!(body["output"], json!({"ok": true}));
}

#[tokio::test]
async fn respond_sequence_answers_one_output_per_call_then_the_operation_is_unscripted() {
    let emulator = samples().await;
    emulator.respond_sequence(
        "sheets",
        "get_rows",
        [
            json!({"results": [["page 1"]]}),
            json!({"results": [["page 2"]]}),
        ],
    );
    let get_rows = |input: Value| {
        let emulator = &emulator;
        async move {
            call(
                emulator,
                "sheets",
                "8.1",
                json!({"operation": "get_rows", "input": input}),
            )
            .await
        }
    };
    assert_eq!(
        get_rows(valid_get_rows()).await.1["output"]["results"],
        json!([["page 1"]])
    );
    // A call refused by validation takes no output.
    assert_eq!(get_rows(json!({})).await.0, 400);
    assert_eq!(
        get_rows(valid_get_rows()).await.1["output"]["results"],
        json!([["page 2"]])
    );
    // Used up: the synthesised output again, as if nothing had been scripted.
    let (status, body) = get_rows(valid_get_rows()).await;
    assert_eq!(status, 200);
    assert_ne!(body["output"]["results"], json!([["page 2"]]));
    assert_eq!(emulator.calls().len(), 4);

    // An operation the document does not define answers only while the sequence lasts.
    emulator.respond_sequence("sheets", "not_in_the_document", [json!({"n": 1})]);
    let undefined = json!({"operation": "not_in_the_document", "input": {}});
    let (_, body) = call(&emulator, "sheets", "8.1", undefined.clone()).await;
    assert_eq!(body, json!({"outcome": "success", "output": {"n": 1}}));
    let (_, body) = call(&emulator, "sheets", "8.1", undefined).await;
    assert_eq!(body["outcome"], "error");
    assert!(
        body["output"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Unfortunately, the connector unexpectedly failed.")
    );
}

#[tokio::test]
async fn respond_with_answers_from_the_input_and_a_panic_is_a_500() {
    let emulator = samples().await;
    emulator.respond_with(
        "sheets",
        "get_rows",
        |input: &Value| json!({"results": [[input["worksheet_name"].clone()]]}),
    );
    let mut input = valid_get_rows();
    input["worksheet_name"] = json!("Orders");
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": input}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["output"], json!({"results": [["Orders"]]}));

    // A lookup answered from its input, as a bare array of options.
    emulator.respond_with(
        "sheets",
        "list_worksheets_ddl_return_name",
        |input: &Value| json!([{"text": input["spreadsheet_id"].clone(), "value": 1}]),
    );
    let (_, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "list_worksheets_ddl_return_name", "input": {"spreadsheet_id": "S"}}),
    )
    .await;
    assert_eq!(
        body["output"],
        json!({"result": [{"text": "S", "value": 1}]})
    );

    emulator.respond_with("sheets", "get_rows", |_: &Value| {
        panic!("a bug in the test")
    });
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": valid_get_rows()}),
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(
        body["message"],
        "the emulator's respond_with function for 'get_rows' of connector 'sheets' panicked"
    );
    // The emulator keeps serving.
    emulator.respond("sheets", "get_rows", json!({"results": []}));
    let (status, _) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": valid_get_rows()}),
    )
    .await;
    assert_eq!(status, 200);
}
