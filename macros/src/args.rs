//! `connector!(NAME, VERSION, PATH)`, optionally followed by `operations = [..]` and
//! `serde = "one-way"` (or `"both"`, the default).

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};
use tray_connect_codegen::Serde;

const USAGE: &str = "expected `connector!(\"twilio-output\", \"2.1\", \"schemas/twilio-output.json\")`, \
                     optionally followed by `, operations = [\"send_sms\", ..]` and \
                     `, serde = \"one-way\"`";

/// The macro's arguments.
pub struct Args {
    pub name: LitStr,
    pub version: LitStr,
    pub path: LitStr,
    pub operations: Option<Vec<LitStr>>,
    /// `serde = "one-way"` or `"both"` (the default).
    pub serde: Serde,
    /// Hidden test hook: make the generator panic (proves the panic net works).
    pub test_panic: bool,
    /// Hidden, written by the macro itself: expand only part `.0` of the expansion cut into
    /// parts of at most `.1` bytes (see `tray_connect_codegen::Expansion::parts`).
    pub part: Option<(usize, usize)>,
    /// Hidden test hook: the most bytes of source one expansion may hold before it is cut into
    /// parts (default `tray_connect_codegen::budget::PART_BYTES`).
    pub part_bytes: Option<usize>,
}

fn literal(input: ParseStream<'_>, what: &str) -> syn::Result<LitStr> {
    if input.is_empty() {
        return Err(input.error(format!("missing the {what}; {USAGE}")));
    }
    input.parse::<LitStr>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("the {what} must be a string literal; {USAGE}"),
        )
    })
}

fn comma(input: ParseStream<'_>, next: &str) -> syn::Result<()> {
    if input.is_empty() {
        return Err(input.error(format!("missing the {next}; {USAGE}")));
    }
    input.parse::<Token![,]>().map(drop)
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name = literal(input, "connector name")?;
        comma(input, "connector version")?;
        let version = literal(input, "connector version")?;
        comma(input, "path of the operations document")?;
        let path = literal(input, "path of the operations document")?;
        let mut operations = None;
        let mut serde = None;
        let mut test_panic = false;
        let mut part = None;
        let mut part_bytes = None;
        while input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            if key == "operations" && operations.is_none() {
                let content;
                syn::bracketed!(content in input);
                let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
                operations = Some(list.into_iter().collect());
            } else if key == "serde" && serde.is_none() {
                let value: LitStr = input.parse()?;
                serde = Some(match value.value().as_str() {
                    "both" => Serde::Both,
                    "one-way" => Serde::OneWay,
                    other => {
                        return Err(syn::Error::new(
                            value.span(),
                            format!(
                                "`serde = \"{other}\"`: expected `\"both\"` (the default: \
                                 inputs and outputs serialise and deserialise) or `\"one-way\"` \
                                 (inputs only serialise, outputs only deserialise)"
                            ),
                        ));
                    }
                });
            } else if key == "__test_panic" {
                test_panic = input.parse::<syn::LitBool>()?.value;
            } else if key == "__part" && part.is_none() {
                let content;
                syn::parenthesized!(content in input);
                let index: syn::LitInt = content.parse()?;
                content.parse::<Token![,]>()?;
                let max_bytes: syn::LitInt = content.parse()?;
                part = Some((index.base10_parse()?, max_bytes.base10_parse()?));
            } else if key == "__part_bytes" && part_bytes.is_none() {
                part_bytes = Some(input.parse::<syn::LitInt>()?.base10_parse()?);
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown or repeated option `{key}`; the options are \
                         `operations = [..]` and `serde = \"one-way\"`"
                    ),
                ));
            }
        }
        if !input.is_empty() {
            return Err(input.error(format!("unexpected argument; {USAGE}")));
        }
        Ok(Args {
            name,
            version,
            path,
            operations,
            serde: serde.unwrap_or_default(),
            test_panic,
            part,
            part_bytes,
        })
    }
}
