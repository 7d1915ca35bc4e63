//! A serde-derived struct of the same shape as the generated one for these 40 columns: the
//! runtime's value types (`Field<T>`, `ReadOnly<T>`, exact `Decimal`, `DateTimeOffset`, the
//! generated choice enums), annotations as explicit renamed fields. Between the plain struct and
//! the generated type, it separates what the value types cost from what the generated
//! deserializer costs.

use dataverse_runtime::{DateTimeOffset, Decimal, Field, ReadOnly};
use serde::Deserialize;
use uuid::Uuid;

use crate::sdk::{AccountIndustryCode, AccountStateCode, AccountStatusCode};

/// A page of [`ShapedAccount`].
#[derive(Debug, Deserialize)]
pub struct ShapedPage {
    /// The records.
    pub value: Vec<ShapedAccount>,
}

/// The 40 columns with the generated SDK's value types, decoded by `#[derive(Deserialize)]`.
#[derive(Debug, Deserialize)]
pub struct ShapedAccount {
    #[serde(rename = "@odata.etag")]
    pub etag: Option<String>,
    #[serde(default)]
    pub accountid: Field<Uuid>,
    #[serde(default)]
    pub name: Field<String>,
    #[serde(default)]
    pub accountnumber: Field<String>,
    #[serde(default)]
    pub telephone1: Field<String>,
    #[serde(default)]
    pub telephone2: Field<String>,
    #[serde(default)]
    pub fax: Field<String>,
    #[serde(default)]
    pub emailaddress1: Field<String>,
    #[serde(default)]
    pub websiteurl: Field<String>,
    #[serde(default)]
    pub address1_line1: Field<String>,
    #[serde(default)]
    pub address1_city: Field<String>,
    #[serde(default)]
    pub address1_stateorprovince: Field<String>,
    #[serde(default)]
    pub address1_postalcode: Field<String>,
    #[serde(default)]
    pub address1_country: Field<String>,
    #[serde(default)]
    pub address1_composite: Field<String>,
    #[serde(default)]
    pub description: Field<String>,
    #[serde(default)]
    pub numberofemployees: Field<i32>,
    #[serde(rename = "numberofemployees@OData.Community.Display.V1.FormattedValue")]
    pub numberofemployees_formatted: Option<String>,
    #[serde(default)]
    pub customertypecode: Field<i32>,
    #[serde(rename = "customertypecode@OData.Community.Display.V1.FormattedValue")]
    pub customertypecode_formatted: Option<String>,
    #[serde(default)]
    pub versionnumber: Field<i64>,
    #[serde(default)]
    pub revenue: Field<Decimal>,
    #[serde(rename = "revenue@OData.Community.Display.V1.FormattedValue")]
    pub revenue_formatted: Option<String>,
    #[serde(default)]
    pub creditlimit: Field<Decimal>,
    #[serde(rename = "creditlimit@OData.Community.Display.V1.FormattedValue")]
    pub creditlimit_formatted: Option<String>,
    #[serde(default)]
    pub marketcap: Field<Decimal>,
    #[serde(rename = "marketcap@OData.Community.Display.V1.FormattedValue")]
    pub marketcap_formatted: Option<String>,
    #[serde(default)]
    pub exchangerate: Field<Decimal>,
    #[serde(default)]
    pub address1_latitude: Field<f64>,
    #[serde(default)]
    pub address1_longitude: Field<f64>,
    #[serde(default)]
    pub createdon: ReadOnly<DateTimeOffset>,
    #[serde(rename = "createdon@OData.Community.Display.V1.FormattedValue")]
    pub createdon_formatted: Option<String>,
    #[serde(default)]
    pub modifiedon: Field<DateTimeOffset>,
    #[serde(rename = "modifiedon@OData.Community.Display.V1.FormattedValue")]
    pub modifiedon_formatted: Option<String>,
    #[serde(default)]
    pub overriddencreatedon: Field<DateTimeOffset>,
    #[serde(default)]
    pub industrycode: Field<AccountIndustryCode>,
    #[serde(rename = "industrycode@OData.Community.Display.V1.FormattedValue")]
    pub industrycode_formatted: Option<String>,
    #[serde(default)]
    pub statecode: Field<AccountStateCode>,
    #[serde(rename = "statecode@OData.Community.Display.V1.FormattedValue")]
    pub statecode_formatted: Option<String>,
    #[serde(default)]
    pub statuscode: Field<AccountStatusCode>,
    #[serde(rename = "statuscode@OData.Community.Display.V1.FormattedValue")]
    pub statuscode_formatted: Option<String>,
    #[serde(default)]
    pub donotemail: Field<bool>,
    #[serde(rename = "donotemail@OData.Community.Display.V1.FormattedValue")]
    pub donotemail_formatted: Option<String>,
    #[serde(default)]
    pub donotphone: Field<bool>,
    #[serde(rename = "donotphone@OData.Community.Display.V1.FormattedValue")]
    pub donotphone_formatted: Option<String>,
    #[serde(default)]
    pub creditonhold: Field<bool>,
    #[serde(rename = "creditonhold@OData.Community.Display.V1.FormattedValue")]
    pub creditonhold_formatted: Option<String>,
    #[serde(default)]
    pub address1_addressid: Field<Uuid>,
    #[serde(default, rename = "_primarycontactid_value")]
    pub primarycontactid: ReadOnly<Uuid>,
    #[serde(rename = "_primarycontactid_value@OData.Community.Display.V1.FormattedValue")]
    pub primarycontactid_name: Option<String>,
    #[serde(
        rename = "_primarycontactid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"
    )]
    pub primarycontactid_navigation: Option<String>,
    #[serde(rename = "_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub primarycontactid_logicalname: Option<String>,
    #[serde(default, rename = "_parentaccountid_value")]
    pub parentaccountid: ReadOnly<Uuid>,
    #[serde(rename = "_parentaccountid_value@OData.Community.Display.V1.FormattedValue")]
    pub parentaccountid_name: Option<String>,
    #[serde(rename = "_parentaccountid_value@Microsoft.Dynamics.CRM.associatednavigationproperty")]
    pub parentaccountid_navigation: Option<String>,
    #[serde(rename = "_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub parentaccountid_logicalname: Option<String>,
    #[serde(default, rename = "_ownerid_value")]
    pub ownerid: ReadOnly<Uuid>,
    #[serde(rename = "_ownerid_value@OData.Community.Display.V1.FormattedValue")]
    pub ownerid_name: Option<String>,
    #[serde(rename = "_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty")]
    pub ownerid_navigation: Option<String>,
    #[serde(rename = "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub ownerid_logicalname: Option<String>,
    #[serde(default, rename = "_createdby_value")]
    pub createdby: ReadOnly<Uuid>,
    #[serde(rename = "_createdby_value@OData.Community.Display.V1.FormattedValue")]
    pub createdby_name: Option<String>,
    #[serde(rename = "_createdby_value@Microsoft.Dynamics.CRM.associatednavigationproperty")]
    pub createdby_navigation: Option<String>,
    #[serde(rename = "_createdby_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub createdby_logicalname: Option<String>,
    #[serde(default, rename = "_modifiedby_value")]
    pub modifiedby: ReadOnly<Uuid>,
    #[serde(rename = "_modifiedby_value@OData.Community.Display.V1.FormattedValue")]
    pub modifiedby_name: Option<String>,
    #[serde(rename = "_modifiedby_value@Microsoft.Dynamics.CRM.associatednavigationproperty")]
    pub modifiedby_navigation: Option<String>,
    #[serde(rename = "_modifiedby_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub modifiedby_logicalname: Option<String>,
    #[serde(default, rename = "_transactioncurrencyid_value")]
    pub transactioncurrencyid: ReadOnly<Uuid>,
    #[serde(rename = "_transactioncurrencyid_value@OData.Community.Display.V1.FormattedValue")]
    pub transactioncurrencyid_name: Option<String>,
    #[serde(
        rename = "_transactioncurrencyid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"
    )]
    pub transactioncurrencyid_navigation: Option<String>,
    #[serde(rename = "_transactioncurrencyid_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub transactioncurrencyid_logicalname: Option<String>,
}
