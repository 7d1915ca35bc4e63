//~ E0308 expected `Property<Account, _, _>`, found `Property<Contact, DateTimeOffset>`
use dataverse_example::functions::last_x_days;
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service.accounts().query().filter(last_x_days(Contact::CREATEDON, 3));
}
