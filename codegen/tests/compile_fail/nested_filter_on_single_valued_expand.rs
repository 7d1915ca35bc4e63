//~ E0599 `Expand<Account, Contact, One>` is not an iterator
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service
        .accounts()
        .query()
        .expand(Account::PRIMARYCONTACTID.expand().filter(Contact::FULL_NAME.eq("Ann")));
}
