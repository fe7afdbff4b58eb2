#![deny(warnings)]

mod orders {
    tray_connect::connector!("orders", "1.0", "tests/ui/fixtures/nested.json");
}

fn main() {
    let customer = orders::CreateOrderCustomer::builder()
        .email("ada@example.com")
        .name("Ada")
        .build();
    let order = orders::CreateOrder::builder()
        .customer(customer)
        .quantity(2)
        .build();
    assert_eq!(order.customer.email, "ada@example.com");
}
