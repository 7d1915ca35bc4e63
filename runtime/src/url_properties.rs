//! Property tests of the URL writers: for arbitrary strings, GUIDs, dates, times and decimals,
//! a key, an alternate key, a function parameter and a `$filter` literal render to a URL that
//! parses back to the same values, and nothing a value contains can add a path segment, a query
//! option or a parameter. Bounded (256 cases each) to keep the suite fast.

use proptest::prelude::*;
use uuid::Uuid;

use crate::path::{EntityKey, EntityPath, Literal, function_call};
use crate::query::Query;
use crate::typed::Property;
use crate::values::{Date, DateTimeOffset, Decimal, TimeOfDay};

/// Strings with every character that has a meaning in a URL or an OData literal, and any
/// Unicode.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ '\"&=?#/%+()\\[\\],;:$@*!~.\\\\a-zA-Z0-9\\n\\r\\t-]{0,24}",
        any::<String>(),
    ]
}

fn decimal() -> impl Strategy<Value = Decimal> {
    "-?[0-9]{1,20}(\\.[0-9]{1,12})?".prop_map(|text| text.parse().unwrap())
}

fn date() -> impl Strategy<Value = Date> {
    (1i32..=9999, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| {
        Date(time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap())
    })
}

fn date_time() -> impl Strategy<Value = DateTimeOffset> {
    // 0001-01-01 to 9999-12-31, whole milliseconds, offsets within ±14:00.
    (-62_135_596_800i64..253_402_300_799, 0u16..1000, -14i8..=14).prop_map(|(s, ms, h)| {
        let utc = time::OffsetDateTime::from_unix_timestamp(s).unwrap()
            + time::Duration::milliseconds(i64::from(ms));
        DateTimeOffset(utc.to_offset(time::UtcOffset::from_hms(h, 0, 0).unwrap()))
    })
}

fn time_of_day() -> impl Strategy<Value = TimeOfDay> {
    (0u8..24, 0u8..60, 0u8..60, 0u16..1000)
        .prop_map(|(h, m, s, ms)| TimeOfDay(time::Time::from_hms_milli(h, m, s, ms).unwrap()))
}

/// Any literal a key, a parameter or a filter takes.
fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        hostile_string().prop_map(Literal::String),
        any::<u128>().prop_map(|n| Literal::Guid(Uuid::from_u128(n))),
        decimal().prop_map(Literal::Decimal),
        any::<i64>().prop_map(Literal::Int),
        any::<bool>().prop_map(Literal::Bool),
        date().prop_map(Literal::Date),
        date_time().prop_map(Literal::DateTimeOffset),
        time_of_day().prop_map(Literal::TimeOfDay),
    ]
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .expect("percent-encoded UTF-8")
        .into_owned()
}

/// Reads an OData literal as written by `Literal::to_odata`, given the kind it was written
/// from; `None` when the text is not a literal of that kind (one literal, nothing after it).
fn parse_back(text: &str, like: &Literal) -> Option<Literal> {
    Some(match like {
        Literal::String(_) => {
            let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
            // Inside, every quote is doubled: an odd run would end the literal early.
            let mut out = String::new();
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\'' && chars.next() != Some('\'') {
                    return None;
                }
                out.push(c);
            }
            Literal::String(out)
        }
        Literal::Guid(_) => Literal::Guid(Uuid::parse_str(text).ok()?),
        Literal::Decimal(_) => Literal::Decimal(text.parse().ok()?),
        Literal::Int(_) => Literal::Int(text.parse().ok()?),
        Literal::Bool(_) => Literal::Bool(text.parse().ok()?),
        Literal::Date(_) => Literal::Date(text.parse().ok()?),
        Literal::DateTimeOffset(_) => Literal::DateTimeOffset(text.parse().ok()?),
        Literal::TimeOfDay(_) => Literal::TimeOfDay(text.parse().ok()?),
        _ => return None,
    })
}

/// The same value: date-times compare as instants with their offset.
fn same(a: &Literal, b: &Literal) -> bool {
    match (a, b) {
        (Literal::DateTimeOffset(x), Literal::DateTimeOffset(y)) => {
            x.0 == y.0 && x.0.offset() == y.0.offset()
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_key_is_one_segment_that_reads_back(value in literal()) {
        let rendered = EntityPath::entity("accounts", EntityKey::Single(value.clone())).render();
        let inner = rendered
            .strip_prefix("accounts(")
            .and_then(|r| r.strip_suffix(')'))
            .expect("accounts(...)");
        prop_assert!(!inner.contains(['/', '?', '#', '&', '(', ')', ' ']), "{rendered}");
        let back = parse_back(&decode(inner), &value);
        prop_assert!(back.as_ref().is_some_and(|b| same(b, &value)), "{rendered} -> {back:?}");
    }

    #[test]
    fn an_alternate_key_keeps_its_pairs(a in literal(), b in literal()) {
        let key = EntityKey::alternate([("first", a.clone()), ("second", b.clone())]);
        let rendered = EntityPath::entity("contacts", key).render();
        let inner = rendered
            .strip_prefix("contacts(")
            .and_then(|r| r.strip_suffix(')'))
            .expect("contacts(...)");
        prop_assert!(!inner.contains(['/', '?', '#', '&', '(', ')']), "{rendered}");
        let pairs: Vec<&str> = inner.split(',').collect();
        prop_assert_eq!(pairs.len(), 2, "{}", rendered);
        for (pair, (name, value)) in pairs.iter().zip([("first", &a), ("second", &b)]) {
            let (n, v) = pair.split_once('=').expect("name=value");
            prop_assert_eq!(n, name);
            prop_assert!(!v.contains('='), "{}", rendered);
            let back = parse_back(&decode(v), value);
            prop_assert!(back.as_ref().is_some_and(|x| same(x, value)), "{rendered}");
        }
    }

    #[test]
    fn function_parameters_are_aliases_that_read_back(a in literal(), b in literal()) {
        let (path, query) = function_call("Microsoft.Dynamics.CRM.Fn", &[("A", a.clone()), ("B", b.clone())]);
        prop_assert_eq!(path, "Microsoft.Dynamics.CRM.Fn(A=@p1,B=@p2)");
        prop_assert!(!query.contains(['?', '#', ' ']), "{}", query);
        let params: Vec<&str> = query.split('&').collect();
        prop_assert_eq!(params.len(), 2, "{}", query);
        for (param, (alias, value)) in params.iter().zip([("@p1", &a), ("@p2", &b)]) {
            let (n, v) = param.split_once('=').expect("alias=value");
            prop_assert_eq!(n, alias);
            prop_assert!(!v.contains('='), "{}", query);
            let back = parse_back(&decode(v), value);
            prop_assert!(back.as_ref().is_some_and(|x| same(x, value)), "{query}");
        }
    }

    #[test]
    fn a_filter_literal_stays_one_query_option(text in hostile_string(), when in date_time()) {
        struct Account;
        const NAME: Property<Account, String> = Property::new("name");
        const CREATEDON: Property<Account, DateTimeOffset> = Property::new("createdon");
        let rendered = Query::new()
            .filter(NAME.eq(text.clone()).and(CREATEDON.lt(when)))
            .top(5)
            .render();
        let options: Vec<&str> = rendered.split('&').collect();
        prop_assert_eq!(options.len(), 2, "{}", rendered);
        prop_assert_eq!(options[1], "$top=5");
        let filter = decode(options[0].strip_prefix("$filter=").expect("$filter first"));
        let rest = filter.strip_prefix("name eq ").expect("name eq");
        let (name, date) = rest.rsplit_once(" and createdon lt ").expect("and createdon lt");
        let back = parse_back(name, &Literal::String(String::new()));
        prop_assert_eq!(back, Some(Literal::String(text)));
        let back = parse_back(date, &Literal::DateTimeOffset(when));
        prop_assert!(back.is_some_and(|b| same(&b, &Literal::DateTimeOffset(when))), "{filter}");
        prop_assert!(!options[0].contains(['#', ' ', '?']), "{}", rendered);
    }
}
