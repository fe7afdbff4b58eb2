//! Every vendored and fixture document expanded by `connector!` under
//! `#![deny(warnings, missing_docs)]`: generated code is product code. The integration tests
//! (`end_to_end.rs`, `trybuild.rs`) use these modules too.

#![deny(warnings, missing_docs)]

/// Twilio (`schemas/twilio-output.json`): the main example's document.
pub mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

/// `operations = [..]` expands only the named operations.
pub mod twilio_send_only {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        operations = ["send_sms"]
    );
}

/// GoSquared's trigger (`schemas/gosquared-trigger.json`): the `receive_events` example's.
pub mod gosquared {
    tray_connect::trigger!("gosquared-trigger", "1.0", "schemas/gosquared-trigger.json");
}

// One module per document of `codegen/tests/fixtures` (`fixture_list.rs` checks the list).
include!("fixtures.rs");
