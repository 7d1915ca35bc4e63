//! What a hand-writer would write with serde: the 40 columns as `Option<T>` with
//! `#[serde(rename)]`, money and decimals as `f64`, date-times as `time::OffsetDateTime`, choices
//! as their numbers, and the annotations read as explicit renamed fields.

use serde::{Deserialize, Deserializer};
use time::OffsetDateTime;
use uuid::Uuid;

/// `Option<OffsetDateTime>` from RFC 3339 text, borrowed from the input (what
/// `time::serde::rfc3339::option` does).
fn rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<OffsetDateTime>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an RFC 3339 date-time or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map(Some)
                .map_err(E::custom)
        }
    }
    d.deserialize_option(V)
}

/// A page as a hand-writer reads it.
#[derive(Debug, Deserialize)]
pub struct PlainPage {
    /// The records.
    pub value: Vec<PlainAccount>,
    /// The next page.
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

/// An account as a hand-writer reads it.
#[derive(Debug, Deserialize)]
pub struct PlainAccount {
    #[serde(rename = "@odata.etag")]
    pub etag: Option<String>,
    pub accountid: Option<Uuid>,
    pub name: Option<String>,
    pub accountnumber: Option<String>,
    pub telephone1: Option<String>,
    pub telephone2: Option<String>,
    pub fax: Option<String>,
    pub emailaddress1: Option<String>,
    pub websiteurl: Option<String>,
    pub address1_line1: Option<String>,
    pub address1_city: Option<String>,
    pub address1_stateorprovince: Option<String>,
    pub address1_postalcode: Option<String>,
    pub address1_country: Option<String>,
    pub address1_composite: Option<String>,
    pub description: Option<String>,
    pub numberofemployees: Option<i32>,
    #[serde(rename = "numberofemployees@OData.Community.Display.V1.FormattedValue")]
    pub numberofemployees_formatted: Option<String>,
    pub customertypecode: Option<i32>,
    #[serde(rename = "customertypecode@OData.Community.Display.V1.FormattedValue")]
    pub customertypecode_formatted: Option<String>,
    pub versionnumber: Option<i64>,
    pub revenue: Option<f64>,
    #[serde(rename = "revenue@OData.Community.Display.V1.FormattedValue")]
    pub revenue_formatted: Option<String>,
    pub creditlimit: Option<f64>,
    #[serde(rename = "creditlimit@OData.Community.Display.V1.FormattedValue")]
    pub creditlimit_formatted: Option<String>,
    pub marketcap: Option<f64>,
    #[serde(rename = "marketcap@OData.Community.Display.V1.FormattedValue")]
    pub marketcap_formatted: Option<String>,
    pub exchangerate: Option<f64>,
    pub address1_latitude: Option<f64>,
    pub address1_longitude: Option<f64>,
    #[serde(default, deserialize_with = "rfc3339")]
    pub createdon: Option<OffsetDateTime>,
    #[serde(rename = "createdon@OData.Community.Display.V1.FormattedValue")]
    pub createdon_formatted: Option<String>,
    #[serde(default, deserialize_with = "rfc3339")]
    pub modifiedon: Option<OffsetDateTime>,
    #[serde(rename = "modifiedon@OData.Community.Display.V1.FormattedValue")]
    pub modifiedon_formatted: Option<String>,
    #[serde(default, deserialize_with = "rfc3339")]
    pub overriddencreatedon: Option<OffsetDateTime>,
    pub industrycode: Option<i32>,
    #[serde(rename = "industrycode@OData.Community.Display.V1.FormattedValue")]
    pub industrycode_formatted: Option<String>,
    pub statecode: Option<i32>,
    #[serde(rename = "statecode@OData.Community.Display.V1.FormattedValue")]
    pub statecode_formatted: Option<String>,
    pub statuscode: Option<i32>,
    #[serde(rename = "statuscode@OData.Community.Display.V1.FormattedValue")]
    pub statuscode_formatted: Option<String>,
    pub donotemail: Option<bool>,
    #[serde(rename = "donotemail@OData.Community.Display.V1.FormattedValue")]
    pub donotemail_formatted: Option<String>,
    pub donotphone: Option<bool>,
    #[serde(rename = "donotphone@OData.Community.Display.V1.FormattedValue")]
    pub donotphone_formatted: Option<String>,
    pub creditonhold: Option<bool>,
    #[serde(rename = "creditonhold@OData.Community.Display.V1.FormattedValue")]
    pub creditonhold_formatted: Option<String>,
    pub address1_addressid: Option<Uuid>,
    #[serde(rename = "_primarycontactid_value")]
    pub primarycontactid: Option<Uuid>,
    #[serde(rename = "_primarycontactid_value@OData.Community.Display.V1.FormattedValue")]
    pub primarycontactid_name: Option<String>,
    #[serde(
        rename = "_primarycontactid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"
    )]
    pub primarycontactid_navigation: Option<String>,
    #[serde(rename = "_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub primarycontactid_logicalname: Option<String>,
    #[serde(rename = "_parentaccountid_value")]
    pub parentaccountid: Option<Uuid>,
    #[serde(rename = "_parentaccountid_value@OData.Community.Display.V1.FormattedValue")]
    pub parentaccountid_name: Option<String>,
    #[serde(rename = "_parentaccountid_value@Microsoft.Dynamics.CRM.associatednavigationproperty")]
    pub parentaccountid_navigation: Option<String>,
    #[serde(rename = "_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub parentaccountid_logicalname: Option<String>,
    #[serde(rename = "_ownerid_value")]
    pub ownerid: Option<Uuid>,
    #[serde(rename = "_ownerid_value@OData.Community.Display.V1.FormattedValue")]
    pub ownerid_name: Option<String>,
    #[serde(rename = "_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty")]
    pub ownerid_navigation: Option<String>,
    #[serde(rename = "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub ownerid_logicalname: Option<String>,
    #[serde(rename = "_createdby_value")]
    pub createdby: Option<Uuid>,
    #[serde(rename = "_createdby_value@OData.Community.Display.V1.FormattedValue")]
    pub createdby_name: Option<String>,
    #[serde(rename = "_createdby_value@Microsoft.Dynamics.CRM.associatednavigationproperty")]
    pub createdby_navigation: Option<String>,
    #[serde(rename = "_createdby_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub createdby_logicalname: Option<String>,
    #[serde(rename = "_modifiedby_value")]
    pub modifiedby: Option<Uuid>,
    #[serde(rename = "_modifiedby_value@OData.Community.Display.V1.FormattedValue")]
    pub modifiedby_name: Option<String>,
    #[serde(rename = "_modifiedby_value@Microsoft.Dynamics.CRM.associatednavigationproperty")]
    pub modifiedby_navigation: Option<String>,
    #[serde(rename = "_modifiedby_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub modifiedby_logicalname: Option<String>,
    #[serde(rename = "_transactioncurrencyid_value")]
    pub transactioncurrencyid: Option<Uuid>,
    #[serde(rename = "_transactioncurrencyid_value@OData.Community.Display.V1.FormattedValue")]
    pub transactioncurrencyid_name: Option<String>,
    #[serde(
        rename = "_transactioncurrencyid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"
    )]
    pub transactioncurrencyid_navigation: Option<String>,
    #[serde(rename = "_transactioncurrencyid_value@Microsoft.Dynamics.CRM.lookuplogicalname")]
    pub transactioncurrencyid_logicalname: Option<String>,
}
