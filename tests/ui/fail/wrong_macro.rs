// Each kind of document names its macro: a trigger document given to `connector!`, and a
// connector document given to `trigger!`, are errors on the path saying which to use.
mod gosquared {
    tray_connect::connector!("gosquared-trigger", "1.0", "schemas/gosquared-trigger.json");
}

mod twilio {
    tray_connect::trigger!("twilio-output", "2.1", "schemas/twilio-output.json");
}

fn main() {}
