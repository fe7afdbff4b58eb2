//! The trigger routes over real HTTP: trigger documents served apart from connectors, and
//! Create, List, Get and Delete Subscription with Tray's shapes, statuses and refusals.

mod support;

use serde_json::{Value, json};
use support::{TOKEN, get, http, trigger_document};
use tray_connect_emulator::{Emulator, EmulatorBuilder, EmulatorError, Fault, Scope};

const ENDPOINT: &str = "http://127.0.0.1:9/tray/events";

fn triggers() -> EmulatorBuilder {
    Emulator::builder()
        .token(TOKEN)
        .document(trigger_document("gosquared-trigger.json"))
        .document(trigger_document("tom-gmail-trigger.json"))
}

/// A valid `entered_smart_group_init` subscription (its `url` is the document's
/// `$.env.public_url` input, which the emulator requires as the schema says).
fn gosquared(name: &str) -> Value {
    json!({
        "name": name,
        "trigger": {"name": "gosquared-trigger", "version": "1.0"},
        "operation": "entered_smart_group_init",
        "input": {"api_key": "k", "site_token": "GSN-1", "url": ENDPOINT, "value": "vip"},
        "endpoint": ENDPOINT,
    })
}

async fn send(
    emulator: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Option<String>, String) {
    let mut request = http()
        .request(method, format!("{}{path}", emulator.base_url()))
        .bearer_auth(TOKEN);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, content_type, response.text().await.unwrap())
}

async fn create(emulator: &Emulator, body: &Value) -> (u16, Value) {
    let (status, _, text) = send(
        emulator,
        reqwest::Method::POST,
        "/core/v1/subscriptions",
        Some(body),
    )
    .await;
    (status, serde_json::from_str(&text).unwrap())
}

#[tokio::test]
async fn trigger_documents_are_served_on_the_trigger_routes_only() {
    let emulator = triggers()
        .document_json(r#"{"connector": {"name": "acme", "version": "1.0"}, "elements": []}"#)
        .start()
        .await
        .unwrap();
    let (status, listed) = get(&emulator, "/core/v1/triggers").await;
    assert_eq!(status, 200);
    let names: Vec<(&str, &str)> = listed["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["version"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [("gosquared-trigger", "1.0"), ("tom-gmail-trigger", "1.0")]
    );
    assert_eq!(listed["elements"][0]["title"], "GoSquared Trigger");
    let (status, operations) = get(
        &emulator,
        "/core/v1/triggers/gosquared-trigger/versions/1.0/operations",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        operations["elements"][0]["name"],
        "entered_smart_group_init"
    );
    assert_eq!(
        operations["elements"][1]["outputSchema"]["properties"]["boundary"],
        json!({"type": "string"})
    );
    // Never on the connector routes, and connectors never on the trigger routes.
    let (_, connectors) = get(&emulator, "/core/v1/connectors").await;
    assert_eq!(connectors["elements"].as_array().unwrap().len(), 1);
    let (status, body) = get(
        &emulator,
        "/core/v1/connectors/gosquared-trigger/versions/1.0/operations",
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = get(&emulator, "/core/v1/triggers/acme/versions/1.0/operations").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "Trigger 'acme' with version '1.0' not found", "code": null})
    );
}

#[tokio::test]
async fn two_documents_of_one_trigger_are_refused_but_a_connector_may_share_its_name() {
    let trigger = r#"{"trigger": {"name": "t", "version": "1.0"}, "elements": []}"#;
    let err = Emulator::builder()
        .document_json(trigger)
        .document_json(trigger)
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(err, EmulatorError::DuplicateTrigger { .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("trigger t version 1.0 is declared by both"),
        "{err}"
    );
    Emulator::builder()
        .document_json(trigger)
        .document_json(r#"{"connector": {"name": "t", "version": "1.0"}, "elements": []}"#)
        .start()
        .await
        .unwrap();
}

#[tokio::test]
async fn create_answers_200_with_the_key_and_get_and_list_never_show_it() {
    let emulator = triggers().start().await.unwrap();
    let mut body = gosquared("VIPs");
    body["authenticationId"] = json!(support::AUTH_ID);
    body["externalId"] = json!("acme-1");
    let (status, created) = create(&emulator, &body).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["state"], "active");
    assert_eq!(
        created["trigger"],
        json!({"name": "gosquared-trigger", "version": "1.0"})
    );
    assert_eq!(created["authenticationId"], support::AUTH_ID);
    assert_eq!(created["externalId"], "acme-1");
    let key = created["signingKey"].as_str().unwrap();
    let id = created["id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let recorded = emulator.subscriptions();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].signing_key, key);
    assert_eq!(recorded[0].input, body["input"]);

    let (status, got) = get(&emulator, &format!("/core/v1/subscriptions/{id}")).await;
    assert_eq!(status, 200);
    assert!(got.get("signingKey").is_none(), "{got}");
    let mut expected = created.clone();
    expected.as_object_mut().unwrap().remove("signingKey");
    assert_eq!(got, expected);
    let (_, listed) = get(&emulator, "/core/v1/subscriptions").await;
    assert_eq!(listed["elements"], json!([expected]));
    // Without authenticationId or externalId, neither comes back.
    let (_, plain) = create(&emulator, &gosquared("plain")).await;
    assert!(plain.get("authenticationId").is_none() && plain.get("externalId").is_none());
}

#[tokio::test]
async fn delete_answers_an_empty_204_and_then_404_in_trays_shape() {
    let emulator = triggers().start().await.unwrap();
    let (_, created) = create(&emulator, &gosquared("s")).await;
    let path = format!("/core/v1/subscriptions/{}", created["id"].as_str().unwrap());
    let (status, content_type, text) = send(&emulator, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(
        (status, content_type.as_deref(), text.as_str()),
        (204, Some("text/html"), "")
    );
    assert!(emulator.subscriptions().is_empty());
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let (status, _, text) = send(&emulator, method, &path, None).await;
        assert_eq!(status, 404);
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["code"], Value::Null);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("Subscription '"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn list_pages_follow_the_cursor_given_as_cursor_or_as_after() {
    let emulator = triggers().subscription_page_size(2).start().await.unwrap();
    let mut ids = Vec::new();
    for n in 0..5 {
        let (_, created) = create(&emulator, &gosquared(&format!("s{n}"))).await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    for parameter in ["cursor", "after"] {
        let mut listed = Vec::new();
        let mut query = String::new();
        loop {
            let (status, page) = get(&emulator, &format!("/core/v1/subscriptions{query}")).await;
            assert_eq!(status, 200, "{page}");
            let elements = page["elements"].as_array().unwrap();
            assert!(elements.len() <= 2);
            assert!(elements.iter().all(|e| e.get("signingKey").is_none()));
            listed.extend(
                elements
                    .iter()
                    .map(|e| e["id"].as_str().unwrap().to_owned()),
            );
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            query = format!(
                "?{parameter}={}",
                page["pageInfo"]["endCursor"].as_str().unwrap()
            );
        }
        assert_eq!(listed, ids, "{parameter}");
    }
    let (_, page) = get(&emulator, "/core/v1/subscriptions?first=4").await;
    assert_eq!(page["elements"].as_array().unwrap().len(), 4);
    let (status, body) = get(&emulator, "/core/v1/subscriptions?cursor=sub-0&after=sub-1").await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("disagree"),
        "{body}"
    );
    let (status, _) = get(&emulator, "/core/v1/subscriptions?after=forged").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn an_input_the_schema_refuses_is_trays_400() {
    let emulator = triggers().start().await.unwrap();
    let mut body = gosquared("s");
    body["input"] = json!({"api_key": "k", "name": 7});
    let (status, refused) = create(&emulator, &body).await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["message"],
        "Connector input validation failed. Schema validation errors: [ 1 - #: required key \
         [value] not found, 2 - #/name: expected type: String, found: Integer ]"
    );
    // Gmail's enum, from a CDK (draft-07) document.
    let gmail = json!({"name": "g", "trigger": {"name": "tom-gmail-trigger", "version": "1.0"},
        "operation": "on_event", "endpoint": ENDPOINT,
        "input": {"eventTypes": "messageSent", "public_url": ENDPOINT}});
    let (status, refused) = create(&emulator, &gmail).await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("#/eventTypes"),
        "{refused}"
    );
    assert!(emulator.subscriptions().is_empty());
}

#[tokio::test]
async fn inputs_tray_fills_itself_may_be_left_out() {
    // GoSquared's `api_key` and `site_token` (`$.auth.*`), `url` (`$.env.public_url`) and
    // Gmail's `public_url` (`{$.env.public_url}`) are required by their schemas, but filled by
    // Tray: `trigger!` makes them optional, and the emulator does not ask for them.
    let emulator = triggers().start().await.unwrap();
    let mut body = gosquared("s");
    body["input"] = json!({"value": "vip"});
    let (status, created) = create(&emulator, &body).await;
    assert_eq!(status, 200, "{created}");
    let gmail = json!({"name": "g", "trigger": {"name": "tom-gmail-trigger", "version": "1.0"},
        "operation": "thread", "endpoint": ENDPOINT,
        "input": {"eventTypes": "labelAdded", "threadId": "t1"}});
    let (status, created) = create(&emulator, &gmail).await;
    assert_eq!(status, 200, "{created}");
    // What the caller must give is still required.
    let mut missing = gmail.clone();
    missing["input"] = json!({"eventTypes": "labelAdded"});
    let (status, refused) = create(&emulator, &missing).await;
    assert_eq!(status, 400);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("required key [threadId] not found"),
        "{refused}"
    );
}

#[tokio::test]
async fn unknown_triggers_versions_and_operations_are_404() {
    let emulator = triggers().start().await.unwrap();
    for (trigger, version, operation, message) in [
        (
            "nope",
            "1.0",
            "entered_smart_group_init",
            "Trigger 'nope' with version '1.0' not found",
        ),
        (
            "gosquared-trigger",
            "2.0",
            "entered_smart_group_init",
            "Trigger 'gosquared-trigger' with version '2.0' not found",
        ),
        (
            "gosquared-trigger",
            "1.0",
            "group_boundary",
            "Operation 'group_boundary' not found for trigger 'gosquared-trigger' with version '1.0'",
        ),
    ] {
        let mut body = gosquared("s");
        body["trigger"] = json!({"name": trigger, "version": version});
        body["operation"] = json!(operation);
        let (status, refused) = create(&emulator, &body).await;
        assert_eq!(status, 404);
        assert_eq!(refused, json!({"message": message, "code": null}));
    }
}

#[tokio::test]
async fn an_endpoint_off_this_machine_is_refused_with_a_clear_400() {
    let emulator = triggers().start().await.unwrap();
    for endpoint in [
        "https://hooks.example.com/tray",
        "http://10.1.2.3/x",
        "http://localhost.evil.com/",
    ] {
        let mut body = gosquared("s");
        body["endpoint"] = json!(endpoint);
        let (status, refused) = create(&emulator, &body).await;
        assert_eq!(status, 400, "{endpoint}");
        let message = refused["message"].as_str().unwrap();
        assert!(
            message.contains("only to this machine") && message.contains(endpoint),
            "{message}"
        );
    }
    for endpoint in ["http://localhost:1/x", "http://[::1]:1/x"] {
        let mut body = gosquared("s");
        body["endpoint"] = json!(endpoint);
        let (status, created) = create(&emulator, &body).await;
        assert_eq!(status, 200, "{created}");
    }
}

#[tokio::test]
async fn malformed_bodies_are_400_naming_every_problem() {
    let emulator = triggers().start().await.unwrap();
    let (status, refused) = create(&emulator, &json!({"name": "s", "input": []})).await;
    assert_eq!(status, 400);
    let message = refused["message"].as_str().unwrap();
    for says in [
        "\"trigger\"",
        "\"operation\"",
        "\"endpoint\"",
        "\"input\" must be a JSON object",
    ] {
        assert!(message.contains(says), "{says}: {message}");
    }
    let mut body = gosquared("s");
    body["authenticationId"] = json!("auth-1");
    let (status, refused) = create(&emulator, &body).await;
    assert_eq!(status, 400);
    assert!(
        refused["message"].as_str().unwrap().contains("UUID"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_scripted_failure_is_a_200_creation_failed_that_stays_until_deleted() {
    let emulator = triggers().start().await.unwrap();
    emulator.fail_next_subscription("api_error", "GoSquared answered 401");
    // A refused request does not use the scripted failure up.
    let mut bad = gosquared("bad");
    bad["input"] = json!({});
    assert_eq!(create(&emulator, &bad).await.0, 400);
    let (status, failed) = create(&emulator, &gosquared("s")).await;
    assert_eq!(status, 200);
    assert_eq!(failed["state"], "creation_failed");
    assert_eq!(
        failed["error"],
        json!({"code": "api_error", "message": "GoSquared answered 401"})
    );
    let id = failed["id"].as_str().unwrap();
    let (status, got) = get(&emulator, &format!("/core/v1/subscriptions/{id}")).await;
    assert_eq!((status, &got["state"]), (200, &json!("creation_failed")));
    let (_, next) = create(&emulator, &gosquared("t")).await;
    assert_eq!(next["state"], "active");
    let err = emulator.deliver_json(id, json!({})).await.unwrap_err();
    assert!(matches!(err, EmulatorError::NotDeliverable { .. }), "{err}");
    assert!(err.to_string().contains("creation_failed"), "{err}");
}

#[tokio::test]
async fn faults_apply_to_the_trigger_routes_and_a_refused_create_creates_nothing() {
    let emulator = triggers().start().await.unwrap();
    emulator.inject(
        Fault::Status(503, json!({"message": "busy", "code": null})),
        Scope::Next(1),
    );
    let (status, _) = create(&emulator, &gosquared("s")).await;
    assert_eq!(status, 503);
    assert!(emulator.subscriptions().is_empty());
    assert_eq!(create(&emulator, &gosquared("s")).await.0, 200);
}

#[tokio::test]
async fn the_trigger_routes_want_the_token() {
    let emulator = triggers().start().await.unwrap();
    for path in ["/core/v1/triggers", "/core/v1/subscriptions"] {
        let response = http()
            .get(format!("{}{path}", emulator.base_url()))
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
}
