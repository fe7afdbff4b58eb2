#![deny(warnings)]

mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

fn main() {
    let sms = twilio::SendSms::builder()
        .to("+15551234567")
        .from(String::from("+15557654321"))
        .body("Your code is 1234")
        .media_url("https://example.com/cat.png")
        .status_callback("https://example.com/status")
        .build();
    assert_eq!(sms.to, "+15551234567");
    assert_eq!(sms.media_url.as_deref(), Some("https://example.com/cat.png"));

    // Required inputs in any order; optional ones through maybe_ setters.
    let sms = twilio::SendSms::builder()
        .maybe_media_url(None)
        .body("b")
        .maybe_status_callback(Some("https://example.com/status".to_owned()))
        .from("f")
        .to("t")
        .build();
    assert_eq!(sms.media_url, None);
    assert_eq!(sms.status_callback.as_deref(), Some("https://example.com/status"));

    let list = twilio::ListMessages::builder()
        .status(twilio::ListMessagesStatus::Delivered)
        .page_size(20)
        .build();
    assert_eq!(list.page_size, Some(20));

    let _: &str = <twilio::SendSms as tray_connect::Operation>::NAME;
    assert_eq!(twilio::OPERATIONS, ["send_sms", "get_message", "list_messages"]);
    assert_eq!(twilio::CONNECTOR, "twilio-output");
    assert_eq!(twilio::VERSION, "2.1");
}
