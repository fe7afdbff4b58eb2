// The README once said `schemas/twilio.json` while `tray-connect pull twilio-output 2.1` writes
// `schemas/twilio-output.json`: a missing document names the similar ones lying where it was
// looked for.
mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio.json");
}

fn main() {}
