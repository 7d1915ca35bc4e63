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
                .and(last_x_days(Account::CREATED_ON, 3))
                .and(Account::CONTACT_CUSTOMER_ACCOUNTS.any(Contact::FULL_NAME.startswith("A"))),
        )
        .orderby(Account::NAME.asc())
        .expand(Account::PRIMARYCONTACTID.expand().select(Contact::FULL_NAME));
}

/// Choices, read-only columns: the counterparts of `choice_wrong_enum` and
/// `set_*read_only_column`.
pub fn choices(service: &Service, account: &mut Account, id: dataverse_runtime::codegen::uuid::Uuid) {
    account.industry_code = AccountIndustryCode::Financial.into();
    let _ = account.created_on.value();
    let _ = service
        .accounts()
        .query()
        .select((Account::NAME, Account::CREATED_ON))
        .filter(Account::INDUSTRY_CODE.is_in([AccountIndustryCode::Financial, AccountIndustryCode::Unknown(99)]))
        .orderby(Account::CREATED_ON.desc());
    let _ = service
        .accounts()
        .entity(id)
        .set_property(Account::INDUSTRY_CODE, AccountIndustryCode::Consulting);
}
