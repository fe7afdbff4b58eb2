mod broken {
    tray_connect::connector!("broken", "1.0", "tests/ui/fixtures/broken_structure.json");
}

fn main() {}
