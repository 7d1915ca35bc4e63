//~ E0308 expected `Filter<Account>`, found `Filter<Contact>`
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service.accounts().query().filter(Contact::FULL_NAME.eq("Ann"));
}
