// An enum input takes one of its variants: a string's error says so, and how to parse one.
mod sheets {
    tray_connect::connector!(
        "sheets",
        "1.0",
        "codegen/tests/fixtures/google-sheets.json",
        operations = ["get_rows"]
    );
}

fn main() {
    let _ = sheets::GetRowsFilter::builder().operator("Equal to").build();
}
