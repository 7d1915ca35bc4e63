//~ E0308 mismatched types
// `createdon` is valid neither for create nor for update (the metadata sidecar says so): its
// field is a `ReadOnly`, which only a read fills.
use dataverse_example::*;
use dataverse_runtime::Field;

pub fn build(account: &mut Account, now: dataverse_runtime::DateTimeOffset) {
    account.created_on = Field::Value(now);
}
