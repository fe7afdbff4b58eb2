// Every fixture document of `codegen/tests/fixtures`, one module each: Tray's real documents,
// then the dialect and naming suites. Included by `tests/lib.rs`, so every expansion compiles
// under edition 2024 with both serde directions and `#![deny(warnings, missing_docs)]`
// (`tests/edition2021` expands the same folder under edition 2021). `fixture_list.rs` reads
// this file's `"codegen/tests/fixtures/*.json"` paths and fails when a document of the folder
// is missing here: keep one path literal per module.

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

/// Strings, secrets, string/integer/number/mixed enums, integers, numbers and booleans.
pub mod dialect_scalars {
    tray_connect::connector!(
        "dialect-scalars",
        "1.0",
        "codegen/tests/fixtures/dialect-scalars.json"
    );
}

/// Nodes that fall back to `Value`: `const`, `not`, `{}`, no type, unknown types and typos.
pub mod dialect_fallbacks {
    tray_connect::connector!(
        "dialect-fallbacks",
        "1.0",
        "codegen/tests/fixtures/dialect-fallbacks.json"
    );
}

/// Arrays: `items` absent, `{}`, array-form, nested, of objects.
pub mod dialect_arrays {
    tray_connect::connector!(
        "dialect-arrays",
        "1.0",
        "codegen/tests/fixtures/dialect-arrays.json"
    );
}

/// Objects with properties, with `additionalProperties` beside them, free-form and map-like.
pub mod dialect_objects {
    tray_connect::connector!(
        "dialect-objects",
        "1.0",
        "codegen/tests/fixtures/dialect-objects.json"
    );
}

/// `type` arrays: untagged enums, `""` dropped, `"null"` as nullable, `["null"]` alone.
pub mod dialect_type_arrays {
    tray_connect::connector!(
        "dialect-type-arrays",
        "1.0",
        "codegen/tests/fixtures/dialect-type-arrays.json"
    );
}

/// `oneOf`/`anyOf` (typeable, partly typeable, not typeable) and `allOf` (objects, mixed).
pub mod dialect_alternatives {
    tray_connect::connector!(
        "dialect-alternatives",
        "1.0",
        "codegen/tests/fixtures/dialect-alternatives.json"
    );
}

/// `$ref`: definitions, `~0`/`~1`, percent-encoding, cycles, dangling and deep references.
pub mod dialect_refs {
    tray_connect::connector!(
        "dialect-refs",
        "1.0",
        "codegen/tests/fixtures/dialect-refs.json"
    );
}

/// Required and optional inputs and outputs, crossed with `nullable: true` and `"null"` in `type`.
pub mod dialect_presence {
    tray_connect::connector!(
        "dialect-presence",
        "1.0",
        "codegen/tests/fixtures/dialect-presence.json"
    );
}

/// Non-object input roots, missing schemas, `hasDynamicOutput` and empty output schemas.
pub mod dialect_roots {
    tray_connect::connector!(
        "dialect-roots",
        "1.0",
        "codegen/tests/fixtures/dialect-roots.json"
    );
}

/// Lookups: `operation` and legacy `message` keys, both template forms, siblings, ancestors, constants.
pub mod dialect_lookups {
    tray_connect::connector!(
        "dialect-lookups",
        "1.0",
        "codegen/tests/fixtures/dialect-lookups.json"
    );
}

/// Keywords of every edition as property, variant and operation names.
pub mod naming_keywords {
    tray_connect::connector!(
        "naming-keywords",
        "1.0",
        "codegen/tests/fixtures/naming-keywords.json"
    );
}

/// Leading digits, spaces, dashes, unicode, empty names and case twins.
pub mod naming_identifiers {
    tray_connect::connector!(
        "naming-identifiers",
        "1.0",
        "codegen/tests/fixtures/naming-identifiers.json"
    );
}

/// Operation names that collide with each other, with nested types, outputs and builders.
pub mod naming_operations {
    tray_connect::connector!(
        "naming-operations",
        "1.0",
        "codegen/tests/fixtures/naming-operations.json"
    );
}

/// Properties named like builder methods (`build`, `maybe_x`, `builder`) and catch-alls (`extra`, `additional`).
pub mod naming_setters {
    tray_connect::connector!(
        "naming-setters",
        "1.0",
        "codegen/tests/fixtures/naming-setters.json"
    );
}

/// Arrays nested 70 levels deep: typed to the depth guard, then `Value`.
pub mod dialect_deep_arrays {
    tray_connect::connector!(
        "dialect-deep-arrays",
        "1.0",
        "codegen/tests/fixtures/dialect-deep-arrays.json"
    );
}

/// Properties named like prelude items (`from`, `into`, `option`, `result`, ...), the builder
/// and its methods; catch-all variants whose names are taken twice over.
pub mod naming_prelude {
    tray_connect::connector!(
        "naming-prelude",
        "1.0",
        "codegen/tests/fixtures/naming-prelude.json"
    );
}

/// A document written to attack its readers (issue 22): control characters, bidirectional
/// overrides and comment break-outs in every text, including the header; operations named like
/// generated generics (`A`, `D`, `S`, `V`); lookup templates named like generated locals (`map`,
/// `text`).
pub mod hostile_text {
    tray_connect::connector!(
        "hostile\n#![allow(unused)] pub static INJECTED: &str = env!(\"HOME\"); //\u{1b}]0;owned\u{7}",
        "1.0\u{202e}",
        "codegen/tests/fixtures/hostile-text.json"
    );
}

/// A CDK trigger connector (`tom-gmail-trigger`): inputs Tray fills itself
/// (`{$.env.public_url}`), tuple-style arrays in its events.
pub mod tom_gmail_trigger {
    tray_connect::trigger!(
        "tom-gmail-trigger",
        "1.0",
        "codegen/tests/fixtures/tom-gmail-trigger.json"
    );
}

/// Shopify's `get_location`, a `hasDynamicOutput` operation whose output is typed from the
/// schema Tray returned for one sample input (`sampledOutputSchema`, written by
/// `tray-connect pull --sample`; `cli/tests/sample_commands.rs` pulls this very file).
pub mod shopify_sampled {
    tray_connect::connector!("shopify", "4.0", "codegen/tests/fixtures/shopify-sampled.json");
}
