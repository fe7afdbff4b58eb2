mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

fn main() {
    let _sms = twilio::SendSms::builder()
        .from("+15557654321")
        .to("+15551234567")
        .build();
}
