mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        operations = ["send_sms", "send_smss"]
    );
}

fn main() {}
