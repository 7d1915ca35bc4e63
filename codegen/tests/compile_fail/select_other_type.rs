//~ E0277 SelectList<Account>
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service.accounts().query().select(Contact::FULL_NAME);
}
