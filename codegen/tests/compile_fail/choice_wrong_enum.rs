//~ E0277 `From<dataverse_example::ContactGenderCode>` is not implemented for `AccountIndustryCode`
// A choice column compares with its own option set only.
use dataverse_example::*;

pub fn build(service: &Service) {
    let _ = service
        .accounts()
        .query()
        .filter(Account::INDUSTRY_CODE.eq(ContactGenderCode::Female));
}
