//! GoSquared's trigger (`schemas/gosquared-trigger.json`), as `trigger!` generates it: the
//! subscription input and the event the trigger tests use.

tray_connect::trigger!(
    "gosquared-trigger",
    "1.0",
    "schemas/gosquared-trigger.json",
    operations = ["entered_smart_group_init"]
);

/// The operation the tests subscribe to.
pub type EnteredSmartGroup = EnteredSmartGroupInit;
/// Its event.
pub type GroupEvent = EnteredSmartGroupInitEvent;

/// A subscription to smart group `value`, delivering to `url`. `api_key`, `site_token` and
/// `url` are inputs Tray fills itself; given here all the same, as a caller may.
pub fn entered(value: &str, url: &str) -> EnteredSmartGroup {
    EnteredSmartGroupInit::builder()
        .value(value)
        .url(url)
        .api_key("k")
        .site_token("GSN-1")
        .build()
}

/// Person `person` entering the VIP group.
pub fn event(person: &str) -> GroupEvent {
    EnteredSmartGroupInitEvent {
        group: Some(EnteredSmartGroupInitEventGroup {
            id: Some("vip".into()),
            name: Some("VIP".into()),
            ..Default::default()
        }),
        boundary: Some("enter".into()),
        person: Some(EnteredSmartGroupInitEventPerson {
            id: Some(person.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The id of the event's person ("" when it names none).
pub fn person_id(event: &GroupEvent) -> String {
    event
        .person
        .as_ref()
        .and_then(|p| p.id.clone())
        .unwrap_or_default()
}
