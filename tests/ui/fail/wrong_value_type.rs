mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

fn main() {
    let _list = twilio::ListMessages::builder().page_size("fifty").build();
}
