// 500 required inputs in one object: each required setter would name 500 type parameters
// (7.5 MB of source and 1.3 GB of rustc memory for a 16 KB document). A budget error instead,
// on the path, naming the object.
mod many {
    tray_connect::connector!("required-inputs", "1.0", "codegen/tests/hostile/required-inputs.json");
}

fn main() {}
