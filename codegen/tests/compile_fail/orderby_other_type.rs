//~ E0277 OrderList<Account>
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service.accounts().query().orderby(Contact::FULL_NAME.asc());
}
