//~ E0277 ExpandList<Account>
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service.accounts().query().expand(Account::NAME);
}
