//! Every vendored and fixture document expanded by `connector!` under
//! `#![deny(warnings, missing_docs)]`: generated code is product code. The integration tests
//! (`end_to_end.rs`, `trybuild.rs`) use these modules too.

#![deny(warnings, missing_docs)]

/// Twilio (`schemas/twilio.json`): the main example's document.
pub mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio.json");
}

/// Google Sheets, from Tray's published API examples.
pub mod google_sheets {
    tray_connect::connector!("sheets", "1.0", "codegen/tests/fixtures/google-sheets.json");
}

/// Slack, from Tray's published API examples.
pub mod slack {
    tray_connect::connector!("slack", "9.1", "codegen/tests/fixtures/slack.json");
}

/// Tray's legacy GitHub connector (11 operations).
pub mod github_legacy {
    tray_connect::connector!("github", "1.2", "codegen/tests/fixtures/github-legacy.json");
}

/// The schema fixtures of Tray's CDK.
pub mod cdk_fixtures {
    tray_connect::connector!(
        "cdk-fixtures",
        "1.0",
        "codegen/tests/fixtures/cdk-tray-schema-fixtures.json"
    );
}

/// `operations = [..]` expands only the named operations.
pub mod twilio_send_only {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio.json",
        operations = ["send_sms"]
    );
}

include!("fixtures.rs");
