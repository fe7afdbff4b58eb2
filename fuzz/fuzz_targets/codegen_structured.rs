//! Structure-aware operations documents (`arbitrary` → JSON) → `tray_connect_codegen::expand`.
//!
//! The generator builds documents that are well-formed JSON with a matching header, so every
//! run reaches the type generator: nested objects and arrays, `oneOf`/`anyOf`/`allOf`, `$ref`s
//! (dangling and cyclic), type arrays, enums, lookups, and hostile property and operation
//! names (keywords, digits first, empty, non-ASCII, names colliding after case conversion).
//! The header's name, version, title and description, operation titles and descriptions, and
//! lookup inputs (constants, whole-string `{{x}}`/`{{{x}}}` templates and templates inside
//! text) are arbitrary text too (issue 22).
//! Invariants: no panic; a successful expansion parses as a Rust file; what `tray-connect
//! generate` writes for it (`generated_file`) parses to the same items, with the header text
//! only in comments, and holds no hidden character (control, bidi override) anywhere but the
//! line breaks.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use tray_connect_codegen::untrusted::is_hidden;
use tray_connect_codegen::{Request, expand, generated_file, pretty};

#[derive(Arbitrary, Debug)]
enum Name {
    Pool(u8),
    Free(String),
}

const POOL: &[&str] = &[
    "type", "self", "Self", "crate", "super", "r#type", "", "_", "__", "1abc", "a-b", "a b",
    "fooBar", "foo_bar", "FooBar", "foo-bar", "async", "await", "dyn", "match", "mod", "Box",
    "Option", "String", "Value", "Vec", "builder", "build", "new", "default", "ok", "Ok",
    "Err", "𝔘nicode", "é", "$ref", "#", "a/b", "0", "output", "Output", "input", "Input",
];

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Pool(i) => POOL[*i as usize % POOL.len()].to_owned(),
            Name::Free(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Prim {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Object,
    Array,
    Empty,
    Bogus,
}

impl Prim {
    fn text(&self) -> &'static str {
        match self {
            Prim::Null => "null",
            Prim::Boolean => "boolean",
            Prim::Integer => "integer",
            Prim::Number => "number",
            Prim::String => "string",
            Prim::Object => "object",
            Prim::Array => "array",
            Prim::Empty => "",
            Prim::Bogus => "bogus",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Schema {
    Any,
    Prim(Prim),
    TypeArray(Vec<Prim>),
    StringWith {
        format: Option<Name>,
        enumeration: Vec<Name>,
        default: Option<Name>,
    },
    IntEnum(Vec<i64>),
    Array(Box<Schema>),
    ArrayNoItems,
    Object {
        properties: Vec<(Name, Schema, bool)>,
        additional: Option<Box<Schema>>,
    },
    OneOf(Vec<Schema>),
    AnyOf(Vec<Schema>),
    AllOf(Vec<Schema>),
    Ref(u8),
    Lookup(Name, Vec<(Name, Vec<Piece>)>),
    Raw(Vec<(Name, i64)>),
}

impl Schema {
    fn json(&self) -> Value {
        match self {
            Schema::Any => json!({}),
            Schema::Prim(p) => json!({"type": p.text()}),
            Schema::TypeArray(ps) => {
                json!({"type": ps.iter().map(Prim::text).collect::<Vec<_>>()})
            }
            Schema::StringWith {
                format,
                enumeration,
                default,
            } => {
                let mut m = Map::new();
                m.insert("type".into(), json!("string"));
                if let Some(f) = format {
                    m.insert("format".into(), json!(f.text()));
                }
                if !enumeration.is_empty() {
                    m.insert(
                        "enum".into(),
                        enumeration.iter().map(Name::text).collect::<Vec<_>>().into(),
                    );
                }
                if let Some(d) = default {
                    m.insert("default".into(), json!(d.text()));
                }
                Value::Object(m)
            }
            Schema::IntEnum(values) => json!({"type": "integer", "enum": values}),
            Schema::Array(items) => json!({"type": "array", "items": items.json()}),
            Schema::ArrayNoItems => json!({"type": "array"}),
            Schema::Object {
                properties,
                additional,
            } => {
                let mut props = Map::new();
                let mut required = Vec::new();
                for (name, schema, req) in properties {
                    let name = name.text();
                    if *req {
                        required.push(json!(name.clone()));
                    }
                    props.insert(name, schema.json());
                }
                let mut m = Map::new();
                m.insert("type".into(), json!("object"));
                m.insert("properties".into(), Value::Object(props));
                m.insert("required".into(), Value::Array(required));
                if let Some(a) = additional {
                    m.insert("additionalProperties".into(), a.json());
                }
                Value::Object(m)
            }
            Schema::OneOf(v) => json!({"oneOf": v.iter().map(Schema::json).collect::<Vec<_>>()}),
            Schema::AnyOf(v) => json!({"anyOf": v.iter().map(Schema::json).collect::<Vec<_>>()}),
            Schema::AllOf(v) => json!({"allOf": v.iter().map(Schema::json).collect::<Vec<_>>()}),
            // d0..d3 exist in `definitions`; d4 and up dangle.
            Schema::Ref(n) => json!({"$ref": format!("#/definitions/d{}", n % 6)}),
            Schema::Lookup(op, input) => {
                let input: Map<String, Value> = input
                    .iter()
                    .map(|(key, pieces)| (key.text(), Piece::value(pieces)))
                    .collect();
                json!({"type": "string", "lookup": {"operation": op.text(), "input": input}})
            }
            Schema::Raw(pairs) => {
                let mut m = Map::new();
                for (k, v) in pairs {
                    m.insert(k.text(), json!(v));
                }
                Value::Object(m)
            }
        }
    }
}

/// A part of a lookup input's string: text, or a template naming an input (often a sibling:
/// the pool's names are the properties' names too).
#[derive(Arbitrary, Debug)]
enum Piece {
    Text(Name),
    Template(Name),
    Triple(Name),
    Number(i64),
}

impl Piece {
    fn text(&self) -> String {
        match self {
            Piece::Text(name) => name.text(),
            Piece::Template(name) => format!("{{{{{}}}}}", name.text()),
            Piece::Triple(name) => format!("{{{{{{{}}}}}}}", name.text()),
            Piece::Number(n) => n.to_string(),
        }
    }

    /// One piece alone keeps its JSON type (a number stays a number); several are a string.
    fn value(pieces: &[Piece]) -> Value {
        match pieces {
            [Piece::Number(n)] => json!(n),
            _ => Value::String(pieces.iter().map(Piece::text).collect()),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Element {
    name: Name,
    title: Name,
    description: Name,
    input: Schema,
    output: Option<Schema>,
    dynamic: bool,
}

#[derive(Arbitrary, Debug)]
struct Header {
    name: Name,
    version: Name,
    title: Option<Name>,
    description: Option<Name>,
}

#[derive(Arbitrary, Debug)]
struct Document {
    header: Header,
    definitions: [Option<Schema>; 4],
    elements: Vec<Element>,
    only_first: bool,
}

fuzz_target!(|doc: Document| {
    let mut definitions = Map::new();
    for (i, d) in doc.definitions.iter().enumerate() {
        if let Some(d) = d {
            definitions.insert(format!("d{i}"), d.json());
        }
    }
    let elements: Vec<Value> = doc
        .elements
        .iter()
        .map(|e| {
            let mut input = e.input.json();
            if let Value::Object(m) = &mut input {
                m.insert("definitions".into(), Value::Object(definitions.clone()));
            }
            let mut el = json!({"name": e.name.text(), "title": e.title.text(),
                                "description": e.description.text(),
                                "inputSchema": input, "hasDynamicOutput": e.dynamic});
            if let Some(o) = &e.output {
                let mut output = o.json();
                if let Value::Object(m) = &mut output {
                    m.insert("definitions".into(), Value::Object(definitions.clone()));
                }
                el["outputSchema"] = output;
            }
            el
        })
        .collect();
    // The header must name the connector (a non-blank name and version); any text will do.
    let name = format!("n{}", doc.header.name.text());
    let version = format!("1{}", doc.header.version.text());
    let mut header = json!({"name": name, "version": version});
    if let Some(title) = &doc.header.title {
        header["title"] = json!(title.text());
    }
    if let Some(description) = &doc.header.description {
        header["description"] = json!(description.text());
    }
    let text = json!({"connector": header, "elements": elements}).to_string();
    let first: Vec<String> = doc.elements.iter().take(1).map(|e| e.name.text()).collect();
    let request = Request {
        connector: &name,
        version: &version,
        document: &text,
        operations: if doc.only_first { Some(&first) } else { None },
        serde: if doc.only_first { tray_connect_codegen::Serde::OneWay } else { tray_connect_codegen::Serde::Both },
    };
    let Ok(expansion) = expand(&request) else {
        return;
    };
    let items = match pretty(&expansion.source) {
        Ok(printed) => syn::parse_file(&printed).expect("printed code parses").items.len(),
        Err(e) => panic!("expansion is not valid Rust: {e}\ndocument: {text}\n{}", expansion.source),
    };
    let file = generated_file(&expansion.source, &name, &version, "fuzz.json")
        .unwrap_or_else(|e| panic!("generate's file does not print: {e}\ndocument: {text}"));
    let parsed = syn::parse_file(&file).expect("generate's file parses");
    assert_eq!(parsed.items.len(), items, "the header comment added items\n{file}");
    if let Some(hidden) = file.chars().find(|&c| c != '\n' && is_hidden(c)) {
        panic!("a hidden character {hidden:?} in generate's file\ndocument: {text}\n{file}");
    }
});
