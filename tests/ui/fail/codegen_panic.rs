// The generator is expected never to panic; this hidden test hook makes it, to prove that a
// panic still ends as one readable compile error on the path literal.
mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        __test_panic = true
    );
}

fn main() {}
