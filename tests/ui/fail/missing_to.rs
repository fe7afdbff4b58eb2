mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

fn main() {
    let _sms = twilio::SendSms::builder()
        .from("+15557654321")
        .body("Your code is 1234")
        .build();
}
