//~ E0277 cannot be in `$select`
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service
        .accounts()
        .query()
        .select(Account::PRIMARYCONTACTID.then(Contact::FULL_NAME));
}
