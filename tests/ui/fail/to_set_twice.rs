mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

fn main() {
    let _sms = twilio::SendSms::builder()
        .to("+15551234567")
        .to("+15550000000")
        .from("+15557654321")
        .body("Your code is 1234")
        .build();
}
