//! The canned responses, in the shapes the Dataverse Web API documents: `@odata.context`, an
//! `@odata.etag` per record, lookup values `_x_value` preceded by their
//! `@OData.Community.Display.V1.FormattedValue`,
//! `@Microsoft.Dynamics.CRM.associatednavigationproperty` and
//! `@Microsoft.Dynamics.CRM.lookuplogicalname` annotations (what
//! `Prefer: odata.include-annotations="*"` returns), formatted values of numbers, money, dates,
//! choices and yes/no columns, and `null` for empty columns.
//!
//! Every account has the same 40 properties (15 strings, 3 integers, 4 decimal/money, 2
//! doubles, 3 date-times, 3 choices, 3 booleans, 2 GUIDs, 6 lookups), some of them `null`
//! depending on the record's index.

use serde::Serialize;
use uuid::Uuid;

/// The organisation's service root as written into `@odata.context`.
pub const CONTEXT_ROOT: &str = "https://org.crm.dynamics.com/api/data/v9.2/";

/// The wire names of the 40 properties of every record.
pub const PROPERTIES: [&str; 40] = [
    "accountid",
    "name",
    "accountnumber",
    "telephone1",
    "telephone2",
    "fax",
    "emailaddress1",
    "websiteurl",
    "address1_line1",
    "address1_city",
    "address1_stateorprovince",
    "address1_postalcode",
    "address1_country",
    "address1_composite",
    "description",
    "numberofemployees",
    "customertypecode",
    "versionnumber",
    "revenue",
    "creditlimit",
    "marketcap",
    "exchangerate",
    "address1_latitude",
    "address1_longitude",
    "createdon",
    "modifiedon",
    "overriddencreatedon",
    "industrycode",
    "statecode",
    "statuscode",
    "donotemail",
    "donotphone",
    "creditonhold",
    "address1_addressid",
    "_primarycontactid_value",
    "_parentaccountid_value",
    "_ownerid_value",
    "_createdby_value",
    "_modifiedby_value",
    "_transactioncurrencyid_value",
];

const FORMATTED: &str = "@OData.Community.Display.V1.FormattedValue";
const NAVIGATION: &str = "@Microsoft.Dynamics.CRM.associatednavigationproperty";
const LOGICAL_NAME: &str = "@Microsoft.Dynamics.CRM.lookuplogicalname";

/// A deterministic GUID: `kind` says what it identifies, `i` which one.
pub fn guid(kind: u16, i: u32) -> Uuid {
    Uuid::from_u128(
        0x6f1b_0000_5a3c_11ef_8000_0000_0000_0000 | (u128::from(kind) << 96) | u128::from(i),
    )
}

/// The id of the `i`-th account.
pub fn account_id(i: u32) -> Uuid {
    guid(1, i)
}

/// A JSON object written key by key, in the order given (as the service orders them).
struct Object(String);

impl Object {
    fn new() -> Object {
        Object(String::from("{"))
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&serde_json::to_string(key).unwrap());
        self.0.push(':');
    }

    fn put(&mut self, key: &str, value: impl Serialize) {
        self.key(key);
        self.0.push_str(&serde_json::to_string(&value).unwrap());
    }

    /// A value already in JSON form (numbers written as the service writes them).
    fn raw(&mut self, key: &str, json: &str) {
        self.key(key);
        self.0.push_str(json);
    }

    fn formatted(&mut self, key: &str, value: &str) {
        self.put(&format!("{key}{FORMATTED}"), value);
    }

    fn lookup(&mut self, key: &str, target: Option<(Uuid, &str, &str, &str)>) {
        match target {
            Some((id, name, navigation, logical)) => {
                self.put(&format!("{key}{FORMATTED}"), name);
                self.put(&format!("{key}{NAVIGATION}"), navigation);
                self.put(&format!("{key}{LOGICAL_NAME}"), logical);
                self.put(key, id);
            }
            None => self.raw(key, "null"),
        }
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const CITIES: [&str; 5] = ["Redmond", "Seattle", "München", "Zürich", "São Paulo"];
const INDUSTRIES: [(i32, &str); 5] = [
    (1, "Accounting"),
    (3, "Consulting"),
    (7, "Financial"),
    (12, "Insurance"),
    (33, "Wholesale"),
];

/// The fields of the `i`-th account, written into `o`.
fn account(o: &mut Object, i: u32) {
    let city = CITIES[i as usize % CITIES.len()];
    let line1 = format!("{} Main Street", 100 + i);
    o.put("@odata.etag", format!("W/\"{}\"", 5_000_000 + i));
    o.put("accountid", account_id(i));
    let name = match i % 7 {
        0 => format!("Fourth Coffee \"Roasters\" {i}"),
        3 => format!("Café Ünïcode {i}"),
        _ => format!("Contoso Pharmaceuticals {i}"),
    };
    o.put("name", name);
    o.put("accountnumber", format!("ACC-{i:06}"));
    o.put("telephone1", format!("+1 425 555 {:04}", i % 10_000));
    o.put(
        "telephone2",
        (!i.is_multiple_of(3)).then(|| format!("+1 206 555 {:04}", (i * 7) % 10_000)),
    );
    o.put("fax", i.is_multiple_of(5).then_some("+1 425 555 0199"));
    o.put("emailaddress1", format!("someone{i}@contoso.example"));
    o.put("websiteurl", format!("https://www.contoso{i}.example"));
    o.put("address1_line1", &line1);
    o.put("address1_city", city);
    o.put("address1_stateorprovince", "WA");
    o.put("address1_postalcode", format!("98{:03}", i % 1000));
    o.put("address1_country", "United States");
    o.put(
        "address1_composite",
        format!("{line1}\r\n{city}, WA 98052\r\nUnited States"),
    );
    o.put(
        "description",
        (i % 2 == 1).then(|| {
            format!(
                "Account {i}: a long-standing customer in the {city} region; renewals are \
                 negotiated every spring. Contact the \"key account\" team first."
            )
        }),
    );
    let employees = u64::from((i * 37) % 10_000);
    o.formatted("numberofemployees", &thousands(employees));
    o.put("numberofemployees", employees);
    o.formatted("customertypecode", "Customer");
    o.put("customertypecode", 3);
    o.put("versionnumber", 1_000_000 + u64::from(i));
    let revenue = (u64::from(i) * 104_729) % 90_000_000 + 10_000;
    let cents = i % 100;
    o.formatted("revenue", &format!("${}.{cents:02}", thousands(revenue)));
    o.raw("revenue", &format!("{revenue}.{cents:02}"));
    if i.is_multiple_of(4) {
        o.raw("creditlimit", "null");
    } else {
        o.formatted("creditlimit", "$50,000.00");
        o.raw("creditlimit", "50000");
    }
    let cap = u64::from(i) * 1_000_003 + 987_654_321;
    o.formatted("marketcap", &format!("${}.25", thousands(cap)));
    o.raw("marketcap", &format!("{cap}.25"));
    o.raw("exchangerate", "1.0");
    o.raw("address1_latitude", &format!("47.{:04}", (i * 13) % 10_000));
    o.raw(
        "address1_longitude",
        &format!("-122.{:04}", (i * 17) % 10_000),
    );
    let (month, day, minute) = (1 + i % 12, 1 + i % 28, i % 60);
    o.formatted(
        "createdon",
        &format!("{month}/{day}/2024 10:{minute:02} AM"),
    );
    o.put(
        "createdon",
        format!("2024-{month:02}-{day:02}T10:{minute:02}:00Z"),
    );
    o.formatted(
        "modifiedon",
        &format!("{month}/{day}/2025 3:{minute:02} PM"),
    );
    o.put(
        "modifiedon",
        format!("2025-{month:02}-{day:02}T15:{minute:02}:30Z"),
    );
    o.raw("overriddencreatedon", "null");
    if i % 6 == 5 {
        o.raw("industrycode", "null");
    } else {
        let (code, label) = INDUSTRIES[i as usize % INDUSTRIES.len()];
        o.formatted("industrycode", label);
        o.put("industrycode", code);
    }
    o.formatted("statecode", "Active");
    o.put("statecode", 0);
    o.formatted("statuscode", "Active");
    o.put("statuscode", 1);
    o.formatted("donotemail", "Allow");
    o.put("donotemail", false);
    let no_phone = i.is_multiple_of(2);
    o.formatted(
        "donotphone",
        if no_phone { "Do Not Allow" } else { "Allow" },
    );
    o.put("donotphone", no_phone);
    o.formatted("creditonhold", "No");
    o.put("creditonhold", false);
    o.put("address1_addressid", guid(2, i));
    o.lookup(
        "_primarycontactid_value",
        (i % 5 != 4).then(|| (guid(3, i), "Yvonne McKay", "primarycontactid", "contact")),
    );
    o.lookup(
        "_parentaccountid_value",
        (i % 2 == 1).then(|| {
            (
                account_id(i / 2),
                "Contoso Holdings",
                "parentaccountid",
                "account",
            )
        }),
    );
    o.lookup(
        "_ownerid_value",
        Some((guid(4, i % 50), "Nancy Anderson", "ownerid", "systemuser")),
    );
    o.lookup(
        "_createdby_value",
        Some((guid(4, i % 50), "Nancy Anderson", "createdby", "systemuser")),
    );
    o.lookup(
        "_modifiedby_value",
        Some((
            guid(4, (i + 1) % 50),
            "Dan Jump",
            "modifiedby",
            "systemuser",
        )),
    );
    o.lookup(
        "_transactioncurrencyid_value",
        Some((
            guid(5, 0),
            "US Dollar",
            "transactioncurrencyid",
            "transactioncurrency",
        )),
    );
}

/// `GET accounts(id)`: one account, as the service answers a retrieve.
pub fn record(i: u32) -> Vec<u8> {
    let mut o = Object::new();
    o.put(
        "@odata.context",
        format!("{CONTEXT_ROOT}$metadata#accounts/$entity"),
    );
    account(&mut o, i);
    o.finish().into_bytes()
}

/// `GET accounts`: one page of `n` accounts.
pub fn page(n: u32) -> Vec<u8> {
    let mut out = String::new();
    out.push_str(&format!(
        "{{\"@odata.context\":\"{CONTEXT_ROOT}$metadata#accounts\",\"value\":["
    ));
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let mut o = Object::new();
        account(&mut o, i);
        out.push_str(&o.finish());
    }
    out.push_str("]}");
    out.into_bytes()
}
