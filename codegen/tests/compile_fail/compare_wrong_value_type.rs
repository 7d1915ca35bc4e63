//~ E0277 the trait bound `String: From<{integer}>` is not satisfied
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service.accounts().query().filter(Account::NAME.eq(1000));
}
