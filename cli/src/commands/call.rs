//! `tray-connect call NAME VERSION OPERATION`: one Call Connector request.

use std::process::ExitCode;

use tray_connect::Client;

use super::{print_json, read_json_arg};
use crate::args::CallArgs;
use crate::connection::Connection;
use crate::failure::Failure;

/// Calls the operation and prints its output as JSON; any failure exits 1 with the error.
pub async fn run(connection: &Connection, args: CallArgs) -> Result<ExitCode, Failure> {
    let (_, input) = read_json_arg("--input", &args.input)?;
    let client = connection.client()?;
    let result = client
        .call_raw(
            &args.name,
            &args.version,
            &args.operation,
            &args.auth_id,
            input,
        )
        .await;
    match result {
        Ok(output) => {
            print_json(&output);
            Ok(ExitCode::SUCCESS)
        }
        // Tray answers a misspelt operation with its generic "connector unexpectedly failed";
        // only after a failure is it worth a request to see whether the name exists.
        Err(error @ tray_connect::Error::Connector { .. }) => {
            let message = match unknown_operation(&client, &args).await {
                Some(hint) => hint,
                None => error.to_string(),
            };
            Err(Failure::failed(message))
        }
        // A rejected call is a call failure (1) whatever its kind, bad names included.
        Err(error) => Err(Failure::failed(error.to_string())),
    }
}

/// When the connector has no operation of that name: a message naming the closest ones.
async fn unknown_operation(client: &Client, args: &CallArgs) -> Option<String> {
    let operations = client
        .list_operations(&args.name, &args.version)
        .await
        .ok()?;
    if operations.iter().any(|op| op.name == args.operation) {
        return None;
    }
    let names: Vec<&str> = operations.iter().map(|op| op.name.as_str()).collect();
    let closest = closest(&args.operation, &names);
    let listing = format!(
        "`tray-connect operations {} {}` lists them",
        args.name, args.version
    );
    let base = format!(
        "{} {} has no operation `{}`",
        args.name, args.version, args.operation
    );
    Some(match closest.as_slice() {
        [] => format!("{base}; {listing}"),
        [one] => format!("{base}; did you mean `{one}`? ({listing})"),
        several => format!(
            "{base}; did you mean one of {}? ({listing})",
            several
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// Up to three names close to `name`, closest first (the measure `connector!` uses for its
/// `operations = [..]` suggestions).
fn closest<'a>(name: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn closest_names_come_first_and_unrelated_ones_are_left_out() {
        let names = ["send_sms", "get_message", "list_messages", "delete_account"];
        assert_eq!(closest("sned_sms", &names), ["send_sms"]);
        assert_eq!(closest("get_messages", &names)[0], "get_message");
        assert!(closest("zzzz", &names).is_empty());
    }
}
