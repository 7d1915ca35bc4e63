//! The typed query layer (`dataverse_runtime::typed`): exact OData text for filters, select,
//! orderby and expand built from generated-style descriptors.

use dataverse_runtime::codegen::typed::{
    Expand, Filter, FilterValue, FlagsValue, FunctionArg, Lookup, Many, Navigation, One, Property,
    expand_list, orderby_list, select_list,
};
use dataverse_runtime::codegen::uuid::Uuid;
use dataverse_runtime::{Date, DateTimeOffset, Decimal, Literal, Query, TimeOfDay};

// ---------------------------------------------------------------------------------------------
// Hand-written owner types, shaped like generated code.
// ---------------------------------------------------------------------------------------------

struct Account;
struct Contact;
struct Address;
struct Task;

#[derive(Clone, Copy)]
enum Category {
    Preferred,
    Standard,
}

impl FilterValue for Category {
    fn to_literal(&self) -> Literal {
        let member = match self {
            Category::Preferred => "Preferred",
            Category::Standard => "Standard",
        };
        Literal::enumeration("Microsoft.Dynamics.CRM.accountcategorycode", member)
    }
}

#[derive(Clone, Copy)]
enum Color {
    Red,
    Blue,
}

impl Color {
    fn name(self) -> &'static str {
        match self {
            Color::Red => "Red",
            Color::Blue => "Blue",
        }
    }
}

impl FilterValue for Color {
    fn to_literal(&self) -> Literal {
        Literal::enumeration("Sample.Color", self.name())
    }
}

/// A flags value, like the generated SDK's `Flags<E>`.
struct Colors(Vec<Color>);

impl FilterValue for Colors {
    fn to_literal(&self) -> Literal {
        let members: Vec<&str> = self.0.iter().map(|c| c.name()).collect();
        Literal::enumeration("Sample.Color", members.join(","))
    }
}

impl FlagsValue for Colors {
    type Member = Color;
}

impl Account {
    const ACCOUNTID: Property<Account, Uuid> = Property::new("accountid");
    const NAME: Property<Account, String> = Property::new("name");
    const EMAILADDRESS1: Property<Account, String> = Property::new("emailaddress1");
    const REVENUE: Property<Account, Decimal> = Property::new("revenue");
    const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
    const CREATEDON: Property<Account, DateTimeOffset> = Property::new("createdon");
    const DONOTEMAIL: Property<Account, bool> = Property::new("donotemail");
    const CATEGORY: Property<Account, Category> = Property::new("accountcategorycode");
    const COLORS: Property<Account, Colors> = Property::new("colors");
    const SHARE: Property<Account, f32> = Property::new("share");
    const EXCHANGERATE: Property<Account, f64> = Property::new("exchangerate");
    const OPENDATE: Property<Account, Date> = Property::new("opendate");
    const OPENTIME: Property<Account, TimeOfDay> = Property::new("opentime");
    const TINY: Property<Account, i8> = Property::new("tiny");
    const SMALL: Property<Account, i16> = Property::new("small");
    const BYTE: Property<Account, u8> = Property::new("byte");
    const BIG: Property<Account, i64> = Property::new("big");
    const ADDRESS1: Property<Account, Address> = Property::new("address1");
    const PRIMARYCONTACTID: Lookup<Account, Contact> = Lookup::new("primarycontactid", "contacts");
    const CONTACT_CUSTOMER_ACCOUNTS: Navigation<Account, Contact> =
        Navigation::new("contact_customer_accounts", "contacts");
}

impl Address {
    const CITY: Property<Address, String> = Property::new("city");
    const LINE1: Property<Address, String> = Property::new("line1");
}

impl Contact {
    const FULLNAME: Property<Contact, String> = Property::new("fullname");
    const EMAILADDRESS1: Property<Contact, String> = Property::new("emailaddress1");
    const STATECODE: Property<Contact, i32> = Property::new("statecode");
    const CREATEDON: Property<Contact, DateTimeOffset> = Property::new("createdon");
    const ADDRESS1: Property<Contact, Address> = Property::new("address1");
    const PARENTCUSTOMERID_ACCOUNT: Lookup<Contact, Account> =
        Lookup::new("parentcustomerid_account", "accounts");
    const ACCOUNT_PRIMARY_CONTACT: Navigation<Contact, Account> =
        Navigation::new("account_primary_contact", "accounts");
    const CONTACT_TASKS: Navigation<Contact, Task> = Navigation::new("Contact_Tasks", "tasks");
}

impl Task {
    const SUBJECT: Property<Task, String> = Property::new("subject");
}

fn a() -> Filter<Account> {
    Account::NAME.eq("a")
}
fn b() -> Filter<Account> {
    Account::NAME.eq("b")
}
fn c() -> Filter<Account> {
    Account::NAME.eq("c")
}

// ---------------------------------------------------------------------------------------------
// Comparisons and literals
// ---------------------------------------------------------------------------------------------

#[test]
fn comparisons() {
    assert_eq!(Account::NAME.eq("Contoso").render(), "name eq 'Contoso'");
    assert_eq!(Account::NAME.ne(String::from("x")).render(), "name ne 'x'");
    assert_eq!(
        Account::NUMBEROFEMPLOYEES.gt(10).render(),
        "numberofemployees gt 10"
    );
    assert_eq!(
        Account::NUMBEROFEMPLOYEES.ge(-1).render(),
        "numberofemployees ge -1"
    );
    assert_eq!(
        Account::NUMBEROFEMPLOYEES.lt(100).render(),
        "numberofemployees lt 100"
    );
    assert_eq!(
        Account::NUMBEROFEMPLOYEES.le(0).render(),
        "numberofemployees le 0"
    );
}

#[test]
fn literal_types() {
    let dec: Decimal = "12345678901234.1234567890".parse().unwrap();
    assert_eq!(
        Account::REVENUE.ge(dec).render(),
        "revenue ge 12345678901234.1234567890"
    );
    let when: DateTimeOffset = "2024-01-02T03:04:05Z".parse().unwrap();
    assert_eq!(
        Account::CREATEDON.lt(when).render(),
        "createdon lt 2024-01-02T03:04:05Z"
    );
    assert_eq!(
        Account::ACCOUNTID.eq(Uuid::from_u128(1)).render(),
        "accountid eq 00000000-0000-0000-0000-000000000001"
    );
    assert_eq!(
        Account::DONOTEMAIL.eq(false).render(),
        "donotemail eq false"
    );
    assert_eq!(Account::SHARE.gt(0.5f32).render(), "share gt 0.5");
    assert_eq!(
        Account::EXCHANGERATE.le(1.25).render(),
        "exchangerate le 1.25"
    );
    assert_eq!(
        Account::EXCHANGERATE.eq(2.0).render(),
        "exchangerate eq 2.0"
    );
    let day: Date = "2024-05-01".parse().unwrap();
    assert_eq!(Account::OPENDATE.eq(day).render(), "opendate eq 2024-05-01");
    let time: TimeOfDay = "13:45:00".parse().unwrap();
    assert_eq!(Account::OPENTIME.ge(time).render(), "opentime ge 13:45:00");
    assert_eq!(Account::TINY.eq(-3i8).render(), "tiny eq -3");
    assert_eq!(Account::SMALL.eq(300i16).render(), "small eq 300");
    assert_eq!(Account::BYTE.eq(255u8).render(), "byte eq 255");
    assert_eq!(
        Account::BIG.eq(9_007_199_254_740_993i64).render(),
        "big eq 9007199254740993"
    );
    // A narrower integer converts into the property's type.
    assert_eq!(Account::BIG.eq(7i8).render(), "big eq 7");
    assert_eq!(
        Account::CATEGORY.eq(Category::Preferred).render(),
        "accountcategorycode eq Microsoft.Dynamics.CRM.accountcategorycode'Preferred'"
    );
    assert_eq!(
        Account::CATEGORY.ne(Category::Standard).render(),
        "accountcategorycode ne Microsoft.Dynamics.CRM.accountcategorycode'Standard'"
    );
}

#[test]
fn null_checks() {
    assert_eq!(Account::NAME.is_null().render(), "name eq null");
    assert_eq!(
        Account::PRIMARYCONTACTID
            .then(Contact::FULLNAME)
            .is_not_null()
            .render(),
        "primarycontactid/fullname ne null"
    );
}

#[test]
fn is_in() {
    assert_eq!(
        Account::NAME.is_in(["a", "O'Neil"]).render(),
        "name in ('a','O''Neil')"
    );
    assert_eq!(
        Account::NUMBEROFEMPLOYEES.is_in(vec![1, 2, 3]).render(),
        "numberofemployees in (1,2,3)"
    );
    assert_eq!(
        Account::CATEGORY
            .is_in([Category::Preferred, Category::Standard])
            .render(),
        "accountcategorycode in (Microsoft.Dynamics.CRM.accountcategorycode'Preferred',\
         Microsoft.Dynamics.CRM.accountcategorycode'Standard')"
    );
    // `in ()` is not OData: an empty list matches nothing.
    assert_eq!(Account::NAME.is_in(Vec::<String>::new()).render(), "false");
    assert_eq!(
        Account::NAME.is_in(Vec::<String>::new()).or(a()).render(),
        "false or name eq 'a'"
    );
}

#[test]
fn string_functions() {
    assert_eq!(Account::NAME.contains("x").render(), "contains(name,'x')");
    assert_eq!(
        Account::NAME.startswith(String::from("Con")).render(),
        "startswith(name,'Con')"
    );
    assert_eq!(
        Account::NAME.endswith("Ltd.").render(),
        "endswith(name,'Ltd.')"
    );
    assert_eq!(
        Account::ADDRESS1.then(Address::CITY).contains("'").render(),
        "contains(address1/city,'''')"
    );
}

#[test]
fn flags_has() {
    assert_eq!(
        Account::COLORS.has(Color::Red).render(),
        "colors has Sample.Color'Red'"
    );
    assert_eq!(
        Account::COLORS
            .eq(Colors(vec![Color::Red, Color::Blue]))
            .render(),
        "colors eq Sample.Color'Red,Blue'"
    );
    assert_eq!(
        Account::COLORS.has(Color::Blue).not().render(),
        "not (colors has Sample.Color'Blue')"
    );
}

// ---------------------------------------------------------------------------------------------
// Precedence
// ---------------------------------------------------------------------------------------------

#[test]
fn precedence() {
    assert_eq!(
        a().or(b()).and(c()).render(),
        "(name eq 'a' or name eq 'b') and name eq 'c'"
    );
    assert_eq!(
        a().and(b()).or(c()).render(),
        "name eq 'a' and name eq 'b' or name eq 'c'"
    );
    assert_eq!(
        a().and(b().and(c())).render(),
        "name eq 'a' and name eq 'b' and name eq 'c'"
    );
    assert_eq!(
        a().or(b().or(c())).render(),
        "name eq 'a' or name eq 'b' or name eq 'c'"
    );
    assert_eq!(
        a().and(b().or(c())).render(),
        "name eq 'a' and (name eq 'b' or name eq 'c')"
    );
    assert_eq!(
        a().or(b().and(c())).render(),
        "name eq 'a' or name eq 'b' and name eq 'c'"
    );
    assert_eq!(
        Account::NUMBEROFEMPLOYEES.eq(1).not().render(),
        "not (numberofemployees eq 1)"
    );
    assert_eq!(
        Account::NAME.contains("x").not().render(),
        "not contains(name,'x')"
    );
    assert_eq!(
        Account::NAME.contains("x").not().not().render(),
        "not not contains(name,'x')"
    );
    assert_eq!(
        a().and(b()).not().render(),
        "not (name eq 'a' and name eq 'b')"
    );
    assert_eq!(
        a().not().and(b()).render(),
        "not (name eq 'a') and name eq 'b'"
    );
    assert_eq!(
        Account::NAME
            .contains("x")
            .not()
            .or(Account::NAME.startswith("y"))
            .render(),
        "not contains(name,'x') or startswith(name,'y')"
    );
    assert_eq!(
        Account::CONTACT_CUSTOMER_ACCOUNTS.exists().not().render(),
        "not contact_customer_accounts/any()"
    );
}

#[test]
fn operators_match_methods() {
    assert_eq!(
        (a() | b() & c()).render(),
        "name eq 'a' or name eq 'b' and name eq 'c'"
    );
    assert_eq!(
        ((a() | b()) & c()).render(),
        "(name eq 'a' or name eq 'b') and name eq 'c'"
    );
    assert_eq!(
        (!a() & !Account::NAME.contains("z")).render(),
        "not (name eq 'a') and not contains(name,'z')"
    );
}

#[test]
fn raw_is_parenthesised_when_combined() {
    let raw = || Filter::<Account>::raw("name eq 'r' or name eq 's'");
    assert_eq!(raw().render(), "name eq 'r' or name eq 's'");
    assert_eq!(
        raw().and(a()).render(),
        "(name eq 'r' or name eq 's') and name eq 'a'"
    );
    assert_eq!(
        a().or(raw()).render(),
        "name eq 'a' or (name eq 'r' or name eq 's')"
    );
    assert_eq!(raw().not().render(), "not (name eq 'r' or name eq 's')");
    assert_eq!(
        Account::CONTACT_CUSTOMER_ACCOUNTS
            .any(Filter::raw("o/statecode eq 0"))
            .render(),
        "contact_customer_accounts/any(o:o/statecode eq 0)"
    );
}

// ---------------------------------------------------------------------------------------------
// Paths and lambdas
// ---------------------------------------------------------------------------------------------

#[test]
fn lookup_and_complex_paths() {
    assert_eq!(
        Account::PRIMARYCONTACTID
            .then(Contact::FULLNAME)
            .eq("Ann")
            .render(),
        "primarycontactid/fullname eq 'Ann'"
    );
    assert_eq!(
        Account::ADDRESS1.then(Address::CITY).eq("Oslo").render(),
        "address1/city eq 'Oslo'"
    );
    assert_eq!(
        Account::ADDRESS1.then(Address::LINE1).path(),
        "address1/line1"
    );
    // A lookup of a lookup, and a complex property behind a lookup.
    let p = Account::PRIMARYCONTACTID.then(Contact::PARENTCUSTOMERID_ACCOUNT.then(Account::NAME));
    assert_eq!(p.path(), "primarycontactid/parentcustomerid_account/name");
    let p = Account::PRIMARYCONTACTID.then(Contact::ADDRESS1.then(Address::CITY));
    assert_eq!(p.clone().path(), "primarycontactid/address1/city");
    assert_eq!(
        p.startswith("Os").render(),
        "startswith(primarycontactid/address1/city,'Os')"
    );
    assert_eq!(Account::NAME.path(), "name");
}

#[test]
fn any_with_nested_predicate() {
    let f = Account::CONTACT_CUSTOMER_ACCOUNTS.any(
        Contact::FULLNAME
            .startswith("A")
            .and(
                Contact::PARENTCUSTOMERID_ACCOUNT
                    .then(Account::NAME)
                    .eq("X"),
            )
            .and(Contact::ADDRESS1.then(Address::CITY).ne("Y")),
    );
    assert_eq!(
        f.render(),
        "contact_customer_accounts/any(o:startswith(o/fullname,'A') \
         and o/parentcustomerid_account/name eq 'X' and o/address1/city ne 'Y')"
    );
    // Combined with a top-level condition: the outer paths get no prefix.
    let f = a().and(Account::CONTACT_CUSTOMER_ACCOUNTS.any(Contact::STATECODE.eq(0)));
    assert_eq!(
        f.render(),
        "name eq 'a' and contact_customer_accounts/any(o:o/statecode eq 0)"
    );
}

#[test]
fn nested_lambdas_use_fresh_variables() {
    let f = Account::CONTACT_CUSTOMER_ACCOUNTS.any(
        Contact::CONTACT_TASKS
            .any(Task::SUBJECT.eq("s"))
            .or(Contact::STATECODE.eq(0)),
    );
    assert_eq!(
        f.render(),
        "contact_customer_accounts/any(o:o/Contact_Tasks/any(o1:o1/subject eq 's') \
         or o/statecode eq 0)"
    );
    let f = Account::CONTACT_CUSTOMER_ACCOUNTS.any(
        Contact::ACCOUNT_PRIMARY_CONTACT
            .all(Account::CONTACT_CUSTOMER_ACCOUNTS.any(Contact::FULLNAME.eq("z"))),
    );
    assert_eq!(
        f.render(),
        "contact_customer_accounts/any(o:o/account_primary_contact/all(\
         o1:o1/contact_customer_accounts/any(o2:o2/fullname eq 'z')))"
    );
    // Sibling lambdas at the same depth reuse the variable name.
    let f = Account::CONTACT_CUSTOMER_ACCOUNTS
        .any(Contact::STATECODE.eq(0))
        .and(Account::CONTACT_CUSTOMER_ACCOUNTS.all(Contact::STATECODE.ne(2)));
    assert_eq!(
        f.render(),
        "contact_customer_accounts/any(o:o/statecode eq 0) \
         and contact_customer_accounts/all(o:o/statecode ne 2)"
    );
}

#[test]
fn all_and_exists() {
    assert_eq!(
        Account::CONTACT_CUSTOMER_ACCOUNTS
            .all(Contact::STATECODE.eq(0).or(Contact::FULLNAME.is_null()))
            .render(),
        "contact_customer_accounts/all(o:o/statecode eq 0 or o/fullname eq null)"
    );
    assert_eq!(
        Account::CONTACT_CUSTOMER_ACCOUNTS.exists().render(),
        "contact_customer_accounts/any()"
    );
    assert_eq!(
        Account::CONTACT_CUSTOMER_ACCOUNTS
            .any(Contact::CONTACT_TASKS.exists())
            .render(),
        "contact_customer_accounts/any(o:o/Contact_Tasks/any())"
    );
    assert_eq!(
        Account::CONTACT_CUSTOMER_ACCOUNTS
            .any(Contact::FULLNAME.is_in(["a", "b"]))
            .render(),
        "contact_customer_accounts/any(o:o/fullname in ('a','b'))"
    );
}

// ---------------------------------------------------------------------------------------------
// Query functions
// ---------------------------------------------------------------------------------------------

#[test]
fn query_functions() {
    let f: Filter<Account> = Filter::function(
        "Microsoft.Dynamics.CRM.LastXDays",
        vec![
            ("PropertyName", Account::CREATEDON.name_arg()),
            ("PropertyValue", FunctionArg::Value(Literal::Int(7))),
        ],
    );
    assert_eq!(
        f.render(),
        "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)"
    );
    assert_eq!(
        f.clone().not().and(a()).render(),
        "not Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7) \
         and name eq 'a'"
    );
    let f: Filter<Account> = Filter::function(
        "Microsoft.Dynamics.CRM.In",
        vec![
            (
                "PropertyName",
                Account::PRIMARYCONTACTID.then(Contact::FULLNAME).name_arg(),
            ),
            (
                "PropertyValues",
                FunctionArg::value(serde_json::json!(["a", "O'Neil"])),
            ),
        ],
    );
    assert_eq!(
        f.render(),
        "Microsoft.Dynamics.CRM.In(PropertyName='primarycontactid/fullname',\
         PropertyValues=[\"a\",\"O'Neil\"])"
    );
    // Inside a lambda the property name is relative to the lambda variable.
    let f = Account::CONTACT_CUSTOMER_ACCOUNTS.any(Filter::function(
        "Microsoft.Dynamics.CRM.LastXDays",
        vec![
            ("PropertyName", Contact::CREATEDON.name_arg()),
            ("PropertyValue", FunctionArg::from(Literal::Int(7))),
        ],
    ));
    assert_eq!(
        f.render(),
        "contact_customer_accounts/any(o:Microsoft.Dynamics.CRM.LastXDays(\
         PropertyName='o/createdon',PropertyValue=7))"
    );
    assert_eq!(
        Account::NAME.name_arg(),
        FunctionArg::PropertyName("name".into())
    );
}

// ---------------------------------------------------------------------------------------------
// $orderby, $select, $expand
// ---------------------------------------------------------------------------------------------

#[test]
fn orderby() {
    assert_eq!(Account::NAME.asc().render(), "name");
    assert_eq!(Account::NAME.desc().render(), "name desc");
    assert_eq!(orderby_list(Account::CREATEDON.desc()), ["createdon desc"]);
    assert_eq!(
        orderby_list((
            Account::NAME.asc(),
            Account::CREATEDON.desc(),
            Account::PRIMARYCONTACTID.then(Contact::FULLNAME).desc(),
        )),
        ["name", "createdon desc", "primarycontactid/fullname desc"]
    );
    assert_eq!(
        orderby_list([Account::NAME.desc(), Account::REVENUE.asc()]),
        ["name desc", "revenue"]
    );
    assert_eq!(
        orderby_list(vec![Account::ADDRESS1.then(Address::CITY).asc()]),
        ["address1/city"]
    );
    assert_eq!(
        orderby_list((
            Account::NAME.asc(),
            Account::REVENUE.asc(),
            Account::CREATEDON.asc(),
            Account::DONOTEMAIL.asc(),
            Account::SHARE.asc(),
            Account::BIG.asc(),
            Account::TINY.asc(),
            Account::BYTE.desc(),
        )),
        [
            "name",
            "revenue",
            "createdon",
            "donotemail",
            "share",
            "big",
            "tiny",
            "byte desc"
        ]
    );
}

#[test]
fn select() {
    assert_eq!(select_list(Account::NAME), ["name"]);
    assert_eq!(
        select_list((Account::NAME, Account::REVENUE, Account::ACCOUNTID)),
        ["name", "revenue", "accountid"]
    );
    assert_eq!(
        select_list([Account::NAME, Account::EMAILADDRESS1]),
        ["name", "emailaddress1"]
    );
    assert_eq!(select_list(vec![Account::CREATEDON]), ["createdon"]);
    assert_eq!(
        select_list((Account::NAME, (Account::REVENUE, [Account::BIG]))),
        ["name", "revenue", "big"]
    );
    assert_eq!(
        select_list((
            Account::ACCOUNTID,
            Account::NAME,
            Account::EMAILADDRESS1,
            Account::REVENUE,
            Account::NUMBEROFEMPLOYEES,
            Account::CREATEDON,
            Account::DONOTEMAIL,
            Account::CATEGORY,
            Account::COLORS,
            Account::SHARE,
            Account::EXCHANGERATE,
            Account::OPENDATE,
            Account::OPENTIME,
            Account::TINY,
            Account::SMALL,
            Account::ADDRESS1,
        ))
        .join(","),
        "accountid,name,emailaddress1,revenue,numberofemployees,createdon,donotemail,\
         accountcategorycode,colors,share,exchangerate,opendate,opentime,tiny,small,address1"
    );
}

#[test]
fn expand() {
    assert_eq!(
        Account::PRIMARYCONTACTID
            .expand()
            .select((Contact::FULLNAME, Contact::EMAILADDRESS1))
            .render(),
        "primarycontactid($select=fullname,emailaddress1)"
    );
    assert_eq!(
        Account::PRIMARYCONTACTID.expand().render(),
        "primarycontactid"
    );
    assert_eq!(
        Account::CONTACT_CUSTOMER_ACCOUNTS.expand().top(3).render(),
        "contact_customer_accounts($top=3)"
    );
    let e: Expand<Account, Contact, Many> = Account::CONTACT_CUSTOMER_ACCOUNTS
        .expand()
        .select(Contact::FULLNAME)
        .select([Contact::EMAILADDRESS1])
        .filter(Contact::STATECODE.eq(0))
        .filter(
            Contact::FULLNAME
                .startswith("A")
                .or(Contact::CONTACT_TASKS.any(Task::SUBJECT.eq("x"))),
        )
        .orderby((Contact::FULLNAME.desc(), Contact::CREATEDON.asc()))
        .top(5)
        .expand((
            Contact::PARENTCUSTOMERID_ACCOUNT
                .expand()
                .select(Account::NAME)
                .expand(Account::PRIMARYCONTACTID),
            Contact::CONTACT_TASKS,
        ));
    assert_eq!(
        e.render(),
        "contact_customer_accounts($select=fullname,emailaddress1;\
         $filter=statecode eq 0 and \
         (startswith(fullname,'A') or Contact_Tasks/any(o:o/subject eq 'x'));\
         $orderby=fullname desc,createdon;$top=5;\
         $expand=parentcustomerid_account($select=name;$expand=primarycontactid),Contact_Tasks)"
    );
    let one: Expand<Account, Contact, One> = Account::PRIMARYCONTACTID.expand();
    assert_eq!(
        expand_list((
            one,
            Account::CONTACT_CUSTOMER_ACCOUNTS,
            Account::PRIMARYCONTACTID,
            Account::CONTACT_CUSTOMER_ACCOUNTS
                .expand()
                .orderby(Contact::FULLNAME.asc()),
        )),
        [
            "primarycontactid",
            "contact_customer_accounts",
            "primarycontactid",
            "contact_customer_accounts($orderby=fullname)"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile values and the hand-off to `Query`
// ---------------------------------------------------------------------------------------------

const HOSTILE: &str = "O'Neil & #1 100% +x é\n";

#[test]
fn hostile_string_is_one_literal() {
    let f = Account::NAME.eq(HOSTILE);
    assert_eq!(f.render(), "name eq 'O''Neil & #1 100% +x é\n'");
    assert_eq!(
        Query::new().filter(f.render()).render(),
        "$filter=name%20eq%20%27O%27%27Neil%20%26%20%231%20100%25%20%2Bx%20%C3%A9%0A%27"
    );
    let f = Account::NAME.contains(HOSTILE);
    assert_eq!(f.render(), "contains(name,'O''Neil & #1 100% +x é\n')");
    assert_eq!(
        Query::new().filter(f).render(),
        "$filter=contains(name,%27O%27%27Neil%20%26%20%231%20100%25%20%2Bx%20%C3%A9%0A%27)"
    );
    // A quote cannot close the literal early.
    assert_eq!(
        Account::NAME.eq("x') or true or ('").render(),
        "name eq 'x'') or true or ('''"
    );
    // In a lambda inside an expand, handed to `Query::expand`.
    let e = Account::CONTACT_CUSTOMER_ACCOUNTS
        .expand()
        .filter(Contact::FULLNAME.eq(HOSTILE))
        .top(1);
    assert_eq!(
        e.render(),
        "contact_customer_accounts($filter=fullname eq 'O''Neil & #1 100% +x é\n';$top=1)"
    );
    assert_eq!(
        Query::new().expand(e).render(),
        "$expand=contact_customer_accounts($filter%3Dfullname%20eq%20\
         %27O%27%27Neil%20%26%20%231%20100%25%20%2Bx%20%C3%A9%0A%27%3B$top%3D1)"
    );
}

#[test]
fn full_query() {
    let mut q = Query::new()
        .select(select_list((Account::NAME, Account::REVENUE)))
        .filter(
            Account::NAME
                .startswith("C")
                .and(Account::CONTACT_CUSTOMER_ACCOUNTS.any(Contact::STATECODE.eq(0))),
        );
    for o in orderby_list((Account::REVENUE.desc(), Account::NAME.asc())) {
        q = q.orderby(o);
    }
    let q = q
        .expand(Account::PRIMARYCONTACTID.expand().select(Contact::FULLNAME))
        .top(10);
    assert_eq!(
        q.render(),
        "$select=name,revenue\
         &$filter=startswith(name,%27C%27)%20and%20\
         contact_customer_accounts/any(o:o/statecode%20eq%200)\
         &$orderby=revenue%20desc,name\
         &$expand=primarycontactid($select%3Dfullname)&$top=10"
    );
}

// ---------------------------------------------------------------------------------------------
// Trait shape: no bounds on the owner types
// ---------------------------------------------------------------------------------------------

#[test]
fn clone_debug_copy_send_without_bounds() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Property<std::rc::Rc<()>, std::rc::Rc<()>>>();
    send_sync::<Filter<std::rc::Rc<()>>>();
    send_sync::<Lookup<std::rc::Rc<()>, std::rc::Rc<()>>>();
    send_sync::<Expand<std::rc::Rc<()>, std::rc::Rc<()>, Many>>();

    // Account has no Debug, Clone or Copy of its own.
    let lookup = Account::PRIMARYCONTACTID;
    let copy = lookup;
    assert_eq!(lookup.navigation, copy.navigation);
    assert_eq!(copy.target_set, "contacts");
    assert_eq!(Account::CONTACT_CUSTOMER_ACCOUNTS.target_set, "contacts");
    assert_eq!(format!("{:?}", Account::NAME), "Property(\"name\")");
    assert_eq!(format!("{:?}", a()), "Filter(\"name eq 'a'\")");
    assert_eq!(
        format!("{:?}", Account::PRIMARYCONTACTID),
        "Lookup { navigation: \"primarycontactid\", target_set: \"contacts\" }"
    );
    assert_eq!(format!("{}", Account::NAME.desc()), "name desc");
    let f = a();
    assert_eq!(f.clone().render(), f.render());
    let e = Account::PRIMARYCONTACTID.expand().select(Contact::FULLNAME);
    assert_eq!(e.clone().to_string(), "primarycontactid($select=fullname)");
}
