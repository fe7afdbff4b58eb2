//! GoSquared's `entered_smart_group_init` (`schemas/gosquared-trigger.json`), hand-written: the
//! subscription input and the event the trigger tests use, with the `Trigger` impl `trigger!`
//! would generate.

use serde::{Deserialize, Serialize};
use tray_connect::Trigger;

/// A subscription's input. `api_key`, `site_token` and `url` are inputs Tray fills itself;
/// given here all the same, as a caller may.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnteredSmartGroup {
    pub api_key: String,
    pub site_token: String,
    pub url: String,
    pub value: String,
}

/// The part of the event (`outputSchema`) the tests read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupEvent {
    pub group: Group,
    pub boundary: String,
    pub person: Person,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
}

impl Trigger for EnteredSmartGroup {
    type Event = GroupEvent;
    const TRIGGER: &'static str = "gosquared-trigger";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "entered_smart_group_init";
}

/// A subscription to smart group `value`, delivering to `url`.
pub fn entered(value: &str, url: &str) -> EnteredSmartGroup {
    EnteredSmartGroup {
        api_key: "k".into(),
        site_token: "GSN-1".into(),
        url: url.into(),
        value: value.into(),
    }
}

/// Person `person` entering the VIP group.
pub fn event(person: &str) -> GroupEvent {
    GroupEvent {
        group: Group {
            id: "vip".into(),
            name: "VIP".into(),
        },
        boundary: "enter".into(),
        person: Person { id: person.into() },
    }
}
