const NAME: &str = "twilio-output";

mod a {
    tray_connect::connector!(super::NAME, "2.1", "schemas/twilio-output.json");
}

mod b {
    tray_connect::connector!("twilio-output", "2.1");
}

fn main() {}
