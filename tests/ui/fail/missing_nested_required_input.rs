mod orders {
    tray_connect::connector!("orders", "1.0", "tests/ui/fixtures/nested.json");
}

fn main() {
    let customer = orders::CreateOrderCustomer::builder().name("Ada").build();
    let _order = orders::CreateOrder::builder()
        .customer(customer)
        .quantity(2)
        .build();
}
