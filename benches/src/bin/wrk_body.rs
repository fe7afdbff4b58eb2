//! Writes `data/wrk_body.json`: the Call Connector request body `wrk_call.lua` sends.
//!
//!     cd benches && cargo run --release --bin wrk_body

fn main() {
    let (input, _) = tray_connect_benches::operation_0_samples();
    let body = serde_json::json!({"operation": "operation_0", "authId": "fe6ce53d-b414-4f24-b0d5-16a0a75544a0", "input": input});
    let path = tray_connect_benches::here().join("data/wrk_body.json");
    std::fs::write(&path, serde_json::to_vec(&body).unwrap()).unwrap();
    println!("{}", path.display());
}
