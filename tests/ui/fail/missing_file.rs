mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/no-such-document.json");
}

fn main() {}
