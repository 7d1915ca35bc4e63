//~ E0599 no method named `any` found
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service
        .accounts()
        .query()
        .filter(Account::PRIMARYCONTACTID.any(Contact::FULL_NAME.eq("Ann")));
}
