// A trigger's subscription input enforces its required inputs as `connector!`'s builders do;
// the inputs Tray fills itself (`url`, `api_key`, `site_token`) are not among them.
mod gosquared {
    tray_connect::trigger!("gosquared-trigger", "1.0", "schemas/gosquared-trigger.json");
}

fn main() {
    let _ = gosquared::EnteredSmartGroupInit::builder().name("My webhook").build();
}
