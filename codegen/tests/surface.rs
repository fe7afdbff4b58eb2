//! The surface of an expansion (every Rust item a user can name) and what `surface::diff`
//! makes of a change of the document: each rule of `docs/architecture.md`, "check", on the
//! smallest document that shows it.

use serde_json::{Value, json};
use tray_connect_codegen::surface::{Change, ChangeKind, ItemKind, Surface, diff};
use tray_connect_codegen::{DocumentKind, document, surface};

fn surface_of(kind: DocumentKind, elements: &Value) -> Surface {
    let text = json!({ "elements": elements }).to_string();
    let document = document::parse(&text).unwrap();
    surface(&document, kind, "demo", "1.0", None).unwrap()
}

/// The changes from a connector with `old` elements to one with `new`.
fn changes(old: Value, new: Value) -> Vec<Change> {
    diff(
        &surface_of(DocumentKind::Connector, &old),
        &surface_of(DocumentKind::Connector, &new),
    )
}

fn op(input: Value, output: Value) -> Value {
    json!([{ "name": "send_sms", "inputSchema": input, "outputSchema": output }])
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({ "type": "object", "properties": properties, "required": required })
}

/// The one change there is.
fn only(changes: &[Change]) -> &Change {
    assert_eq!(changes.len(), 1, "{changes:#?}");
    &changes[0]
}

#[test]
fn the_surface_lists_types_fields_setters_variants_lookups_and_the_impl() {
    let surface = surface_of(
        DocumentKind::Connector,
        &op(
            object(
                json!({"to": {"type": "string"}, "media": {"type": "array", "items": {"type": "string"}},
                       "channel": {"type": "string", "lookup": {"operation": "list_channels"}}}),
                &["to"],
            ),
            object(
                json!({"sid": {"type": "string"}, "status": {"type": "string", "enum": ["queued", "sent"]}}),
                &["sid"],
            ),
        ),
    );
    let items = &surface.operations[0].items;
    let item = |path: &str| {
        let item = items
            .get(path)
            .unwrap_or_else(|| panic!("{path}: {:#?}", items.keys()));
        (item.kind, item.ty.as_str(), item.required)
    };
    assert_eq!(item("SendSms"), (ItemKind::Struct, "struct", false));
    assert_eq!(item("SendSms.to"), (ItemKind::Field, "String", true));
    assert_eq!(
        item("SendSms.media"),
        (ItemKind::Field, "Option<Vec<String>>", false)
    );
    assert_eq!(
        item("SendSms::builder().to"),
        (ItemKind::Setter, "impl Into<String>", true)
    );
    assert_eq!(
        item("SendSms::builder().maybe_media"),
        (ItemKind::Setter, "Option<Vec<String>>", false)
    );
    assert!(!items.contains_key("SendSms::builder().maybe_to"));
    assert_eq!(
        item("SendSms::channel_lookup"),
        (ItemKind::Lookup, "fn() -> Lookup", false)
    );
    assert_eq!(
        item("SendSmsOutput.status"),
        (ItemKind::Field, "Option<SendSmsOutputStatus>", false)
    );
    assert_eq!(
        item("SendSmsOutputStatus::Queued"),
        (ItemKind::Variant, "\"queued\"", false)
    );
    assert_eq!(
        item("SendSmsOutputStatus::Unknown"),
        (ItemKind::Variant, "Unknown(String)", false)
    );
    assert_eq!(
        item("SendSmsOutput.extra"),
        (ItemKind::Field, "Map<String, Value>", false)
    );
    assert_eq!(
        item("impl Operation for SendSms"),
        (ItemKind::Impl, "Output = SendSmsOutput", false)
    );
    assert_eq!(items["SendSms.to"].node, "input `to`");
    assert_eq!(
        items["SendSmsOutputStatus::Sent"].node,
        "value \"sent\" of output `status`"
    );
}

#[test]
fn a_trigger_surface_has_events_the_trigger_impl_and_inputs_tray_fills_as_optional() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/gosquared-trigger.json"),
    )
    .unwrap();
    let document = document::parse(&text).unwrap();
    let surface = surface(
        &document,
        DocumentKind::Trigger,
        "gosquared-trigger",
        "1.0",
        None,
    )
    .unwrap();
    let items = &surface.operations[0].items;
    let entered = &items["impl Trigger for EnteredSmartGroupInit"];
    assert_eq!(entered.ty, "Event = EnteredSmartGroupInitEvent");
    // `url` is `default_jsonpath: "$.env.public_url"`: required by the schema, filled by Tray.
    assert!(!items["EnteredSmartGroupInit.url"].required);
    assert!(items["EnteredSmartGroupInit.value"].required);
    assert_eq!(
        items["EnteredSmartGroupInitEvent.boundary"].node,
        "event `boundary`"
    );
}

#[test]
fn equal_documents_and_documentation_changes_leave_the_surface_alone() {
    let old = op(
        object(json!({"to": {"type": "string", "title": "To"}}), &["to"]),
        object(
            json!({"status": {"type": "string", "enum": ["a"], "enumLabels": ["A"]}}),
            &[],
        ),
    );
    assert!(changes(old.clone(), old.clone()).is_empty());
    let mut docs = old.clone();
    docs[0]["title"] = json!("Send an SMS");
    docs[0]["inputSchema"]["properties"]["to"]["description"] = json!("Who gets it");
    docs[0]["outputSchema"]["properties"]["status"]["enumLabels"] = json!(["Ah"]);
    docs[0]["inputSchema"]["properties"]["to"]["default"] = json!("+1555");
    assert!(changes(old, docs).is_empty());
}

#[test]
fn a_sibling_that_takes_a_fields_name_is_a_breaking_rename() {
    // `camel_case` goes to whichever twin sorts first: `CAMEL_CASE` < `camelCase`.
    let old = op(
        object(json!({"camelCase": {"type": "string"}}), &[]),
        json!({}),
    );
    let new = op(
        object(
            json!({"camelCase": {"type": "string"}, "CAMEL_CASE": {"type": "string"}}),
            &[],
        ),
        json!({}),
    );
    let changes = changes(old, new);
    let rename = changes
        .iter()
        .find(|c| c.kind == ChangeKind::Renamed)
        .unwrap_or_else(|| panic!("{changes:#?}"));
    assert!(rename.breaking);
    assert_eq!(rename.path, "SendSms.camel_case");
    assert_eq!(
        rename.text,
        "send_sms: `SendSms.camel_case` (input `camelCase`) is renamed `SendSms.camel_case_2`; \
         `SendSms.camel_case` now stands for input `CAMEL_CASE`, so code naming it may still \
         compile and mean the other one"
    );
    // Its setters follow the field: one change, not three.
    assert_eq!(changes.len(), 2, "{changes:#?}");
    let added = changes
        .iter()
        .find(|c| c.kind == ChangeKind::Added)
        .unwrap();
    assert!(!added.breaking);
    assert!(
        added.text.contains("input `CAMEL_CASE` added"),
        "{}",
        added.text
    );
}

#[test]
fn a_nested_type_whose_name_an_operation_takes_is_a_breaking_rename() {
    let get_rows = json!({"name": "get_rows", "inputSchema": object(
        json!({"filter": {"type": "object", "properties": {"column": {"type": "string"}}}}), &[])});
    // Operations' types are named before nested ones: `GetRowsFilter` goes to the operation.
    let get_rows_filter = json!({"name": "get_rows_filter", "inputSchema": {}});
    let changes = changes(json!([get_rows]), json!([get_rows, get_rows_filter]));
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_eq!(changes[0].kind, ChangeKind::Renamed);
    assert!(changes[0].breaking);
    assert_eq!(changes[0].path, "GetRowsFilter");
    assert_eq!(
        changes[0].text,
        "get_rows: type `GetRowsFilter` (input `filter`) is renamed `GetRowsFilter2`; \
         `GetRowsFilter` now stands for the input of `get_rows_filter`, so code naming it may \
         still compile and mean the other one"
    );
    // `GetRows.filter` is `Option<GetRowsFilter2>` now, and `GetRowsFilter2.column` moved
    // with its type: both said by the rename.
    assert_eq!(changes[1].kind, ChangeKind::OperationAdded);
    assert!(!changes[1].breaking);
}

#[test]
fn a_required_input_added_is_breaking_and_an_optional_one_is_not() {
    let old = op(
        object(json!({"to": {"type": "string"}}), &["to"]),
        json!({}),
    );
    let required = op(
        object(
            json!({"to": {"type": "string"}, "channel": {"type": "string"}}),
            &["to", "channel"],
        ),
        json!({}),
    );
    let change = only(&changes(old.clone(), required)).clone();
    assert_eq!(change.kind, ChangeKind::RequiredInputAdded);
    assert!(change.breaking);
    assert_eq!(change.path, "SendSms.channel");
    assert_eq!(
        change.text,
        "send_sms: required input `channel` added: `.build()` compiles only once \
         `.channel(..)` is set (`SendSms.channel: String`)"
    );
    let optional = op(
        object(
            json!({"to": {"type": "string"}, "channel": {"type": "string"}}),
            &["to"],
        ),
        json!({}),
    );
    let change = only(&changes(old, optional)).clone();
    assert_eq!(change.kind, ChangeKind::Added);
    assert!(!change.breaking);
}

#[test]
fn a_required_input_made_optional_is_breaking_and_the_reverse_too() {
    let required = op(
        object(json!({"to": {"type": "string"}}), &["to"]),
        json!({}),
    );
    let optional = op(object(json!({"to": {"type": "string"}}), &[]), json!({}));
    let change = only(&changes(required.clone(), optional.clone())).clone();
    assert_eq!(change.kind, ChangeKind::NowOptional);
    assert!(change.breaking);
    assert_eq!(
        change.text,
        "send_sms: input `to` is no longer required: `SendSms.to` is `Option<String>`, was \
         `String`"
    );
    let change = only(&changes(optional, required)).clone();
    assert_eq!(change.kind, ChangeKind::NowRequired);
    assert!(change.breaking);
    assert!(
        change
            .text
            .starts_with("send_sms: input `to` is now required: `.build()` compiles only once"),
        "{}",
        change.text
    );
}

#[test]
fn output_fields_removed_retyped_or_made_optional_are_breaking_and_new_ones_are_not() {
    let old = op(
        json!({}),
        object(
            json!({"sid": {"type": "string"}, "price": {"type": "string"}, "id": {"type": "string"}}),
            &["id"],
        ),
    );
    let new = op(
        json!({}),
        object(
            json!({"price": {"type": "number"}, "id": {"type": "string"}, "url": {"type": "string"}}),
            &[],
        ),
    );
    let changes = changes(old, new);
    let found: Vec<(ChangeKind, bool, &str)> = changes
        .iter()
        .map(|c| (c.kind, c.breaking, c.path.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (ChangeKind::NowOptional, true, "SendSmsOutput.id"),
            (ChangeKind::TypeChanged, true, "SendSmsOutput.price"),
            (ChangeKind::Removed, true, "SendSmsOutput.sid"),
            (ChangeKind::Added, false, "SendSmsOutput.url"),
        ],
        "{changes:#?}"
    );
    assert_eq!(
        changes[2].text,
        "send_sms: output `sid` removed (`SendSmsOutput.sid`)"
    );
    assert_eq!(
        changes[1].text,
        "send_sms: `SendSmsOutput.price` (output `price`) is `Option<f64>`, was `Option<String>`"
    );
}

#[test]
fn enum_values_removed_or_added_are_breaking() {
    let status = |values: Value| {
        op(
            json!({}),
            object(json!({"status": {"type": "string", "enum": values}}), &[]),
        )
    };
    let change = only(&changes(
        status(json!(["queued", "sent"])),
        status(json!(["queued"])),
    ))
    .clone();
    assert_eq!(change.kind, ChangeKind::VariantRemoved);
    assert!(change.breaking);
    assert_eq!(
        change.text,
        "send_sms: value \"sent\" of output `status` removed (`SendSmsOutputStatus::Sent`)"
    );
    let change = only(&changes(
        status(json!(["queued"])),
        status(json!(["queued", "failed"])),
    ))
    .clone();
    assert_eq!(change.kind, ChangeKind::VariantAdded);
    assert!(change.breaking);
    assert_eq!(change.path, "SendSmsOutputStatus::Failed");
    assert!(
        change.text.contains(
            "generated enums are exhaustive, so a `match` on `SendSmsOutputStatus` without a \
             `_` arm stops compiling"
        ),
        "{}",
        change.text
    );
}

#[test]
fn operations_added_and_removed() {
    let a = json!([{"name": "a"}]);
    let b = json!([{"name": "b"}]);
    let changes = changes(a, b);
    let found: Vec<(ChangeKind, bool, &str)> = changes
        .iter()
        .map(|c| (c.kind, c.breaking, c.text.as_str()))
        .collect();
    // The path is the operation's input type: the name code uses it by.
    assert_eq!(
        (changes[0].path.as_str(), changes[1].path.as_str()),
        ("A", "B")
    );
    assert_eq!(
        found,
        [
            (ChangeKind::OperationRemoved, true, "operation `a` removed"),
            (ChangeKind::OperationAdded, false, "operation `b` added"),
        ]
    );
}

#[test]
fn a_type_that_becomes_another_kind_of_item_is_one_change() {
    let old = op(json!({}), object(json!({"sid": {"type": "string"}}), &[]));
    let mut new = old.clone();
    new[0]["hasDynamicOutput"] = json!(true);
    let change = only(&changes(old, new)).clone();
    assert_eq!(change.kind, ChangeKind::TypeChanged);
    assert_eq!(change.path, "SendSmsOutput");
    assert!(
        change.text.contains("is `= Value`, was `struct`"),
        "{}",
        change.text
    );
}
