//! What generated items say about themselves: the rustdoc sentences of builders, setters,
//! constants, catch-alls, lookups and defaults, and the compiler messages of a builder's state
//! traits. Emit prints them; the wording lives here, beside the schema's own docs. Every name
//! passed in comes from the model (Rust names) or is wrapped in [`code`] here (wire names).

use super::code;
use crate::model::{DocumentKind, Role};
use crate::untrusted;

/// Said by a required input's setter.
pub(crate) const REQUIRED_SETTER: &str = "Required: `.build()` compiles once it is set.";
/// Said by an optional input's setter.
pub(crate) const OPTIONAL_SETTER: &str = "Optional: left out of the input unless set.";

/// The `CONNECTOR` (or `TRIGGER`) constant and the `VERSION` constant.
pub(crate) fn name_and_version(kind: DocumentKind, name: &str, version: &str) -> (String, String) {
    let (name, version) = (code(name), code(version));
    match kind {
        DocumentKind::Connector => (
            format!(" The connector these types call: `{name}`."),
            format!(" The connector version they were generated from: `{version}`."),
        ),
        DocumentKind::Trigger => (
            format!(" The trigger these types subscribe to: `{name}`."),
            format!(" The trigger version they were generated from: `{version}`."),
        ),
    }
}

/// The first line of a type without docs of its own: what an operation's output is, or the
/// type's name.
pub(crate) fn type_fallback(kind: DocumentKind, output_of: Option<&str>, name: &str) -> String {
    match (output_of, kind) {
        (Some(operation), DocumentKind::Connector) => {
            format!("What `{}` returns.", code(operation))
        }
        (Some(operation), DocumentKind::Trigger) => format!(
            "An event of `{}`, as Tray delivers it to a subscription's endpoint.",
            code(operation)
        ),
        (None, _) => format!("`{name}`"),
    }
}

/// "the `op` input" (an operation's input type) or "part of the `op` input".
pub(crate) fn whose_input(root: bool, operation: &str) -> String {
    let operation = code(operation);
    if root {
        format!("the `{operation}` input")
    } else {
        format!("part of the `{operation}` input")
    }
}

/// `X::builder()`.
pub(crate) fn builder_start(root: bool, operation: &str, name: &str, whose: &str) -> String {
    if root {
        format!(" Starts building a `{}` input.", code(operation))
    } else {
        format!(" Starts building a [`{name}`], {whose}.")
    }
}

/// The builder type, listing the required inputs by their wire names.
pub(crate) fn builder_type(name: &str, whose: &str, required: &[&str]) -> String {
    if required.is_empty() {
        format!(
            " Builds [`{name}`], {whose}: every input is optional; set those you need, then \
             call `.build()`."
        )
    } else {
        let list = required
            .iter()
            .map(|wire| format!("`{}`", code(wire)))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            " Builds [`{name}`], {whose}: set each required input ({list}) once, then call \
             `.build()`."
        )
    }
}

/// A `maybe_` setter: of a nullable input (`None` sends `null`) or of an optional one (`None`
/// leaves it out).
pub(crate) fn maybe_setter(field: &str, nullable: bool) -> String {
    if nullable {
        format!(" Sets `{field}` or, with `None`, sends `null`.")
    } else {
        format!(" Sets `{field}` when `Some`, leaves it out when `None`.")
    }
}

/// `build()`.
pub(crate) fn build(root: bool, operation: &str, name: &str, has_required: bool) -> String {
    let operation = code(operation);
    match (root, has_required) {
        (true, false) => format!(" The `{operation}` input."),
        (true, true) => {
            format!(" The `{operation}` input. Compiles once every required input is set.")
        }
        (false, false) => format!(" The [`{name}`]."),
        (false, true) => format!(" The [`{name}`]. Compiles once every required input is set."),
    }
}

/// A required input's state traits: the message and label of `build()` without it, then of
/// its setter called a second time. rustc prints them as written, so the document's names go
/// through [`untrusted::visible`].
pub(crate) fn state_messages(
    root: bool,
    operation: &str,
    name: &str,
    wire: &str,
    setter: &str,
) -> [String; 4] {
    let op = untrusted::visible(operation);
    let wire = untrusted::visible(wire);
    let (missing, already) = if root {
        (
            format!(
                "missing required input `{wire}` for operation `{op}`: call `.{setter}(..)` before `.build()`"
            ),
            format!("required input `{wire}` of operation `{op}` is already set"),
        )
    } else {
        (
            format!(
                "missing required input `{wire}` of `{name}` in operation `{op}`: call `.{setter}(..)` before `.build()`"
            ),
            format!("required input `{wire}` of `{name}` in operation `{op}` is already set"),
        )
    };
    [
        missing,
        format!("`{wire}` is not set"),
        already,
        format!("`.{setter}(..)` a second time"),
    ]
}

/// A map newtype's `builder()`, builder type and `build()`.
pub(crate) fn map_builder(operation: &str, name: &str) -> [String; 3] {
    let op = code(operation);
    [
        format!(" Starts building a `{op}` input."),
        format!(" Builds [`{name}`] one input at a time."),
        format!(" The `{op}` input."),
    ]
}

/// The catch-all of unlisted members.
pub(crate) fn extra_field(role: Role) -> &'static str {
    match role {
        Role::Output => {
            " Fields the output schema does not list, kept so that nothing a call returned is lost."
        }
        Role::Input => " Inputs the schema does not list (documents often lag behind connectors).",
    }
}

/// A string enum's `FromStr`: outputs keep an unlisted value in `unknown`, inputs refuse it.
pub(crate) fn enum_parse(unknown: Option<&str>) -> String {
    match unknown {
        Some(unknown) => {
            format!(" Parses a value; one the document does not list is kept as `{unknown}`.")
        }
        None => " Parses a value; one the document does not list is an error naming the valid \
                  ones."
            .to_owned(),
    }
}

/// An untagged enum's `Default`.
pub(crate) fn untagged_default(variant: &str) -> String {
    format!(" The `{variant}` alternative at its default (for test doubles).")
}

/// A `{path}_lookup(..)` function: the property it lists values of (wire path), the lookup
/// operation, the templates its input names, whether it needs an authentication.
pub(crate) fn lookup(
    property: &str,
    operation: &str,
    templates: &[&str],
    auth_required: bool,
) -> Vec<String> {
    let mut doc = vec![
        format!(
            " The valid values of `{}`, listed by the lookup operation `{}`.",
            code(property),
            code(operation)
        ),
        String::new(),
        " Run it with `tray_connect::Client::lookup`.".to_owned(),
    ];
    if !templates.is_empty() {
        let names: Vec<String> = templates.iter().map(|t| format!("`{}`", code(t))).collect();
        doc.push(format!(" Its input names {}.", names.join(", ")));
    }
    if auth_required {
        doc.push(" It needs an authentication (`authRequired`).".to_owned());
    }
    doc
}
