//! Call Connector: validation, synthesised and scripted outputs, lookups, dynamic output.

mod support;

use serde_json::{Value, json};
use support::{
    AUTH_ID, SAMPLE_DOCUMENTS, TOKEN, call, conformance_errors, sample, samples, with_sample,
};
use tray_connect_emulator::Emulator;

fn valid_get_rows() -> Value {
    json!({"spreadsheet_id": "sheet", "worksheet_name": "Sheet1", "number_of_rows": 100})
}

#[tokio::test]
async fn missing_required_input_is_tray_s_400() {
    let emulator = samples().await;
    let (status, body) = call(
        &emulator,
        "slack",
        "9.1",
        json!({"operation": "send_message", "authId": AUTH_ID,
               "input": {"message": "Hello", "time": "now"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Connector input validation failed. Schema validation errors: \
                           [ 1 - #: required key [channel_id] not found ]",
               "code": null})
    );
}

#[tokio::test]
async fn several_errors_are_numbered_with_tray_type_wording() {
    let emulator = samples().await;
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows",
               "input": {"worksheet_name": "Sheet1", "number_of_rows": "100"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "Connector input validation failed. Schema validation errors: [ 1 - #: required key \
         [spreadsheet_id] not found, 2 - #/number_of_rows: expected type: Integer, found: String ]"
    );
    assert_eq!(body["code"], Value::Null);
}

#[tokio::test]
async fn nested_and_enum_errors_name_their_location() {
    let emulator = samples().await;
    let mut input = valid_get_rows();
    input["filter"] = json!({"operator": "Roughly", "unknown": 1});
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": input}),
    )
    .await;
    assert_eq!(status, 400);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("#/filter: extraneous key [unknown] is not permitted"),
        "{message}"
    );
    assert!(
        message.contains("#/filter/operator: \"Roughly\" is not a valid enum value"),
        "{message}"
    );
}

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

#[tokio::test]
async fn lookup_operations_answer_three_synthesised_options() {
    let emulator = samples().await;
    for (connector, version, operation) in [
        ("sheets", "8.1", "list_worksheets_ddl_return_name"),
        ("sheets", "8.1", "list_worksheet_column_headers_ddl"),
        // Named with the legacy `message` key.
        ("slack", "9.1", "list_channels_ddl"),
        ("cdk-fixtures", "1.0", "list_users_actual_ddl"),
    ] {
        let (status, body) = call(
            &emulator,
            connector,
            version,
            json!({"operation": operation, "authId": AUTH_ID,
                   "input": {"spreadsheet_id": "s"}}),
        )
        .await;
        assert_eq!(status, 200, "{operation}");
        assert_eq!(body["outcome"], "success");
        let result = body["output"]["result"].as_array().unwrap();
        assert_eq!(result.len(), 3, "{operation}");
        for option in result {
            assert!(option["text"].is_string() && option["value"].is_string());
        }
    }
    // A lookup of another connector is not served here.
    let (_, body) = call(
        &emulator,
        "twilio-output",
        "2.1",
        json!({"operation": "list_channels_ddl", "input": {}}),
    )
    .await;
    assert_eq!(body["outcome"], "error");
}

#[tokio::test]
async fn lookups_can_be_scripted_as_output_or_as_options() {
    let emulator = samples().await;
    let options = json!([{"text": "Sheet One", "value": "Sheet1"}]);
    emulator.respond("sheets", "list_worksheets_ddl_return_name", options.clone());
    let (_, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "list_worksheets_ddl_return_name", "input": {}}),
    )
    .await;
    assert_eq!(body["output"], json!({"result": options}));

    let whole = json!({"result": [{"text": "General", "value": "C1"}]});
    emulator.respond("slack", "list_channels_ddl", whole.clone());
    let (_, body) = call(
        &emulator,
        "slack",
        "9.1",
        json!({"operation": "list_channels_ddl", "input": {}}),
    )
    .await;
    assert_eq!(body["output"], whole);
}

fn dynamic_document() -> String {
    json!({
        "connector": {"name": "shopify", "version": "4.0"},
        "elements": [
            {"name": "get_location", "hasDynamicOutput": true,
             "inputSchema": {"type": "object", "required": ["location_id"],
                             "properties": {"location_id": {"type": "string"}}},
             "outputSchema": {"type": "object",
                              "properties": {"location": {"type": "object"}}}},
            {"name": "get_anything", "hasDynamicOutput": true,
             "inputSchema": {"type": "object"}, "outputSchema": {}},
            {"name": "get_shop", "hasDynamicOutput": false,
             "inputSchema": {"type": "object"},
             "outputSchema": {"type": "object", "properties": {"id": {"type": "integer"}}}}
        ]
    })
    .to_string()
}

#[tokio::test]
async fn return_output_schema_on_a_dynamic_operation_answers_the_schema() {
    let emulator = Emulator::builder()
        .document_json(dynamic_document())
        .start()
        .await
        .unwrap();
    let request = |operation: &str| {
        json!({"operation": operation, "authId": AUTH_ID, "input": {"location_id": "61098065993"},
               "returnOutputSchema": true})
    };
    let (status, body) = call(&emulator, "shopify", "4.0", request("get_location")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"outcome": "success", "output": {"output_schema":
            {"type": "object", "properties": {"location": {"type": "object"}}}}})
    );
    let (_, body) = call(&emulator, "shopify", "4.0", request("get_anything")).await;
    assert_eq!(body["output"]["output_schema"], json!({"type": "object"}));
    // Without the flag a dynamic operation answers a normal output.
    let (_, body) = call(
        &emulator,
        "shopify",
        "4.0",
        json!({"operation": "get_location", "input": {"location_id": "1"}}),
    )
    .await;
    assert!(body["output"]["location"].is_object());
    assert!(emulator.calls()[0].return_output_schema);
}

#[tokio::test]
async fn return_output_schema_on_a_static_operation_is_400() {
    let emulator = Emulator::builder()
        .document_json(dynamic_document())
        .start()
        .await
        .unwrap();
    let (status, body) = call(
        &emulator,
        "shopify",
        "4.0",
        json!({"operation": "get_shop", "input": {}, "returnOutputSchema": true}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("returnOutputSchema")
    );
    assert_eq!(body["code"], Value::Null);
}

#[tokio::test]
async fn validation_can_be_switched_off() {
    let emulator = Emulator::builder()
        .validate(false)
        .document_json(sample("slack").to_string())
        .start()
        .await
        .unwrap();
    let response = reqwest::Client::new()
        .post(support::call_url(&emulator, "slack", "9.1"))
        .bearer_auth("any")
        .json(&json!({"operation": "send_message", "input": {"nonsense": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// An emulator serving the connector `odd` 1, whose operation `op` has `input_schema` and
/// whose operation `plain` takes `{"n": integer}`.
async fn odd(input_schema: Value) -> Emulator {
    let document = json!({
        "connector": {"name": "odd", "version": "1"},
        "elements": [
            {"name": "op", "inputSchema": input_schema},
            {"name": "plain", "inputSchema": {"type": "object",
                "properties": {"n": {"type": "integer"}}}}
        ]
    });
    Emulator::builder()
        .document_json(document.to_string())
        .start()
        .await
        .expect("a document with one odd schema still starts")
}

/// Calls `op` of [`odd`] with `input`: status and body.
async fn call_odd(emulator: &Emulator, operation: &str, input: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(support::call_url(emulator, "odd", "1"))
        .bearer_auth("any")
        .json(&json!({"operation": operation, "input": input}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// `op` is refused whatever its input, with a 500 that says why; `plain`, in the same
/// document, is served and validated.
async fn assert_refused(emulator: &Emulator, inputs: &[Value], why: &str) {
    for input in inputs {
        let (status, body) = call_odd(emulator, "op", input.clone()).await;
        assert_eq!(status, 500, "{input}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "The emulator cannot validate the input of operation 'op' of connector 'odd' 1: \
                 its inputSchema does not compile ("
            ),
            "{message}"
        );
        assert!(message.contains(why), "{message}");
        assert_eq!(body["code"], Value::Null);
    }
    assert_eq!(call_odd(emulator, "plain", json!({"n": 1})).await.0, 200);
    assert_eq!(call_odd(emulator, "plain", json!({"n": "x"})).await.0, 400);
}

#[tokio::test]
async fn a_schema_that_cannot_compile_refuses_its_calls() {
    // An invalid regex survives normalisation and fails to compile: the operation is not
    // served unvalidated.
    let emulator = odd(json!({"type": "object",
        "properties": {"p": {"type": "string", "pattern": "(unclosed"}}, "required": ["p"]}))
    .await;
    assert_refused(&emulator, &[json!({}), json!({"p": "x"})], "(unclosed").await;
}

#[tokio::test]
async fn a_remote_ref_smuggled_past_the_normaliser_is_never_served_unvalidated() {
    // `#/smuggle` resolves locally, into a keyword the normaliser does not walk, which holds
    // a remote `$ref`. It used to make the validator fail to build, and the operation then
    // accepted `{"n": "not a number"}`.
    let emulator = odd(json!({"type": "object",
        "properties": {"n": {"$ref": "#/smuggle"}},
        "smuggle": {"$ref": "https://evil.invalid/x.json"}}))
    .await;
    assert_refused(
        &emulator,
        &[json!({"n": "not a number"}), json!({"n": 1})],
        "the emulator fetches no schema, so the reference to https://evil.invalid/x.json is \
         refused",
    )
    .await;
}

#[tokio::test]
async fn a_file_ref_is_never_read() {
    // The file holds a schema that accepts the bad input: had the emulator read it, the call
    // would pass. (Checked: with jsonschema's `resolve-file` feature on and no retriever of
    // the emulator's own, it is read.)
    struct Removed(std::path::PathBuf);
    impl Drop for Removed {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let file = Removed(std::env::temp_dir().join(format!(
        "tray-emulator-smuggled-{}.json",
        std::process::id()
    )));
    std::fs::write(&file.0, r#"{"type": "string"}"#).unwrap();
    let url = format!("file://{}", file.0.display());
    let emulator = odd(json!({"type": "object",
        "properties": {"n": {"$ref": "#/smuggle"}},
        "smuggle": {"$ref": url}}))
    .await;
    assert_refused(
        &emulator,
        &[json!({"n": "not a number"})],
        &format!("the emulator fetches no schema, so the reference to {url} is refused"),
    )
    .await;
}

#[tokio::test]
async fn any_uuid_auth_id_or_none_is_accepted() {
    let emulator = samples().await;
    for auth in [
        json!(AUTH_ID),
        json!("123E4567-AAAA-AAAA-AAAA-AAAAAA614174"),
        Value::Null,
    ] {
        let (status, body) = call(
            &emulator,
            "sheets",
            "8.1",
            json!({"operation": "get_rows", "authId": auth, "input": valid_get_rows()}),
        )
        .await;
        assert_eq!(status, 200, "{auth}");
        assert_eq!(body["outcome"], "success");
    }
}

#[tokio::test]
async fn non_uuid_auth_id_is_a_tray_style_400() {
    let emulator = samples().await;
    for auth in [
        json!("auth-1"),
        json!(""),
        json!("x"),
        json!(5),
        json!({"id": AUTH_ID}),
    ] {
        let (status, body) = call(
            &emulator,
            "sheets",
            "8.1",
            json!({"operation": "get_rows", "authId": auth, "input": valid_get_rows()}),
        )
        .await;
        assert_eq!(status, 400, "{auth}");
        let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["code", "message"], "{body}");
        assert_eq!(body["code"], Value::Null);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("\"authId\" must be a UUID"),
            "{body}"
        );
    }
    // Refused, but recorded as sent.
    assert_eq!(emulator.calls()[0].auth_id.as_deref(), Some("auth-1"));
}

/// The published examples in `core/tests/fixtures/call-connector-examples.json`, by id.
fn example(id: &str) -> Value {
    serde_json::from_str::<Value>(include_str!(
        "../../core/tests/fixtures/call-connector-examples.json"
    ))
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .find(|e| e["id"] == id)
    .unwrap()
    .clone()
}

#[tokio::test]
async fn tray_s_published_400_is_reproduced_byte_for_byte() {
    let example = example("tray_400_missing_required_input");
    let document = json!({
        "connector": {"name": "slack", "version": "9.1"},
        "elements": [{"name": "send_message", "inputSchema": {"type": "object",
            "properties": {"channel": {"type": "string"}, "text": {"type": "string"},
                           "as_user": {"type": "boolean"}},
            "required": ["channel", "text"]}}]
    });
    let emulator = Emulator::builder()
        .token(TOKEN)
        .document_json(document.to_string())
        .start()
        .await
        .unwrap();
    // The published authId is redacted ("af75xxxx-..."): its hidden hex digits are filled
    // with 0 so that it is a UUID again, as the one Tray answered was.
    let mut request = example["request"].clone();
    let redacted = request["authId"].as_str().unwrap().to_owned();
    request["authId"] = json!(redacted.replace('x', "0"));
    let (status, body) = call(&emulator, "slack", "9.1", request).await;
    assert_eq!(status, 400);
    assert_eq!(body, example["response"]["body"]);
}

#[tokio::test]
async fn tray_s_published_401_and_unknown_operation_shapes_are_reproduced() {
    let emulator = samples().await;
    let unauthorized = reqwest::Client::new()
        .get(format!("{}/core/v1/connectors", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    let body: Value = unauthorized.json().await.unwrap();
    assert_eq!(
        body,
        example("tray_401_unauthorized_probe")["response"]["body"]
    );

    let published = example("connector_unexpectedly_failed_wrong_operation_name");
    let published = published["response"]["body"]["output"]["message"]
        .as_str()
        .unwrap();
    let (_, body) = call(
        &emulator,
        "slack",
        "9.1",
        json!({"operation": "no_such_operation", "input": {}}),
    )
    .await;
    let ours = body["output"]["message"].as_str().unwrap();
    assert_eq!(ours.len(), published.len());
    assert_eq!(ours[..ours.len() - 10], published[..published.len() - 10]);
}

#[tokio::test]
async fn the_published_lookup_answer_shape_is_reproduced() {
    let published = example("slack_list_users_ddl_success");
    let emulator = samples().await;
    let (_, body) = call(
        &emulator,
        "slack",
        "9.1",
        json!({"operation": "list_workspaces_ddl", "input": {}}),
    )
    .await;
    assert_eq!(body["outcome"], published["response"]["body"]["outcome"]);
    let keys = |v: &Value| {
        let mut keys: Vec<String> = v["output"]["result"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&body), keys(&published["response"]["body"]));
}
