//~ E0308 mismatched types
// `PUT accounts(id)/createdon` would be refused by the service: a read-only column's descriptor
// is not accepted by `set_property`.
use dataverse_example::*;

pub fn build(service: &Service, id: dataverse_runtime::codegen::uuid::Uuid, now: dataverse_runtime::DateTimeOffset) {
    let _ = service.accounts().entity(id).set_property(Account::CREATED_ON, now);
}
