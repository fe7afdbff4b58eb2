-- wrk script: POST one Call Connector request of operation_0 (input from data/wrk_body.json).
-- cd benches && cargo run --release --bin serve -- 18080 30 & wrk -t1 -c64 -d15s -s wrk_call.lua http://127.0.0.1:18080
local f = io.open("data/wrk_body.json", "r")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.path = "/core/v1/connectors/synthetic/versions/1.0/call"
