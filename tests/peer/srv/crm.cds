// A small Dynamics 365 (Dataverse Web API) look-alike, served by SAP CAP.
// Entity names double as entity set names (CAP uses one name for both).
namespace Microsoft.Dynamics;

service CRM @(path: '/api/data/v9.2') {

  type Address {
    line1      : String(250);
    city       : String(80);
    postalcode : String(20);
  }

  type WhoAmIResponse {
    UserId         : UUID;
    BusinessUnitId : UUID;
    OrganizationId : UUID;
  }

  @cds.query.limit: { default: 5, max: 10 }
  entity accounts {
    key accountid             : UUID;
        name                  : String(160);
        revenue               : Decimal(19, 4);
        numberofemployees     : Integer;
        creditonhold          : Boolean;
        address1              : Address; // served flat: address1_line1, address1_city, address1_postalcode
        createdon             : Timestamp @cds.on.insert: $now;
        modifiedon            : Timestamp @cds.on.insert: $now @cds.on.update: $now @odata.etag;
        contact_customer_accounts : Composition of many contacts on contact_customer_accounts.parentcustomerid = $self;
        opportunity_customer_accounts : Association to many opportunities on opportunity_customer_accounts.customerid = $self;
        Account_Annotation    : Association to many annotations on Account_Annotation.objectid_account = $self;
  } actions {
    action   new_AddNote(NoteTitle : String, NoteText : String) returns annotations;
    function ContactsNamed(LastName : String) returns many contacts;
    function new_GetAddress() returns Address;
  }

  entity contacts {
    key contactid        : UUID;
        firstname        : String(100);
        lastname         : String(100);
        emailaddress1    : String(100);
        birthdate        : Date;
        parentcustomerid : Association to accounts;
  }

  entity opportunities {
    key opportunityid  : UUID;
        name           : String(300);
        estimatedvalue : Decimal(19, 4);
        statecode      : Integer default 0; // 0 open, 1 won, 2 lost
        statuscode     : Integer default 1; // status reason: 1 in progress, 3 won
        customerid     : Association to accounts;
  }

  entity opportunitycloses {
    key activityid    : UUID;
        subject       : String(200);
        actualrevenue : Decimal(19, 4);
        opportunityid : Association to opportunities;
  }

  entity annotations {
    key annotationid     : UUID;
        subject          : String(500);
        notetext         : LargeString;
        objectid_account : Association to accounts;
  }

  action   WinOpportunity(OpportunityClose : opportunitycloses, Status : Integer);
  function TopAccounts(MinimumEmployees : Integer, Count : Integer) returns many accounts;
  function WhoAmI() returns WhoAmIResponse;
  action   FailWith(Code : String, Message : String);
}
