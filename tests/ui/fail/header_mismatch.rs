mod twilio {
    tray_connect::connector!("twilio", "2.1", "schemas/twilio-output.json");
}

mod twilio_old {
    tray_connect::connector!("twilio-output", "1.0", "schemas/twilio-output.json");
}

fn main() {}
