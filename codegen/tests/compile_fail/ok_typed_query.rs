//~ compiles: the well-typed counterpart of every case below.
use dataverse_example::functions::last_x_days;
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service
        .accounts()
        .query()
        .select((Account::NAME, Account::REVENUE))
        .filter(
            Account::NAME
                .eq("Contoso")
                .and(last_x_days(Account::CREATEDON, 3))
                .and(Account::CONTACT_CUSTOMER_ACCOUNTS.any(Contact::FULLNAME.startswith("A"))),
        )
        .orderby(Account::NAME.asc())
        .expand(Account::PRIMARYCONTACTID.expand().select(Contact::FULLNAME));
}
