mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

fn main() {
    let _sms = twilio::SendSms::builder()
        .media_url("https://example.com/cat.png")
        .build();
}
