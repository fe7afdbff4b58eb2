// Documents that asked for far more than their size before the expansion budget (issue 22,
// finding 4): `allOf`s reaching the same definitions from everywhere (20 levels: never
// finished; 12 levels: 4.9 KB → 44 MB of source), and 20 levels of 1 KB property names (type
// names concatenated along the path). Both now expand in proportion to their size, and values
// 20 levels deep fit on a stack (two structs of the next level per level were 2^20 wide).
#![deny(warnings)]

mod explosion {
    tray_connect::connector!("all-of-explosion", "1.0", "codegen/tests/hostile/all-of-explosion.json");
}

mod long_names {
    tray_connect::connector!("long-names", "1.0", "codegen/tests/hostile/long-names.json");
}

fn main() {
    let mut level = serde_json::json!({"leaf": "the 20th level"});
    for _ in 0..20 {
        level = serde_json::json!({"left": level, "right": null});
    }
    let output: explosion::ExplodeOutput =
        serde_json::from_value(serde_json::json!({ "root": level })).unwrap();
    assert!(output.root.is_some());
    assert!(std::mem::size_of::<explosion::ExplodeOutput>() < 64 << 10);
    let _ = long_names::Deep::builder().build();
}
