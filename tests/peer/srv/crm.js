// Handlers for the operations of service Microsoft.Dynamics.CRM.
const cds = require('@sap/cds')

const WHOAMI = {
  UserId: 'e0000000-0000-4000-8000-000000000001',
  BusinessUnitId: 'e0000000-0000-4000-8000-000000000002',
  OrganizationId: 'e0000000-0000-4000-8000-000000000003',
}

// Key of the bound entity: req.params[0] is either the bare key or { accountid }.
const keyOf = (req, name) => {
  const p = req.params[0]
  return typeof p === 'object' ? p[name] : p
}

// Dataverse's "record does not exist" error
const notFound = (req, type, id) =>
  req.reject({ status: 404, code: '0x80040217', message: `${type} With Ids = ${id} Do Not Exist` })

module.exports = class CRM extends cds.ApplicationService {
  init() {
    const { accounts, contacts, opportunities, opportunitycloses, annotations } = this.entities

    // Dataverse does not require If-Match; CAP answers 428 to writes on an @odata.etag entity
    // without one. Default a missing If-Match to '*' (runs before CAP's generic etag check).
    const optionalIfMatch = req => {
      const h = req.headers
      if (h && !h['if-match'] && !h['if-none-match']) h['if-match'] = '*'
    }
    optionalIfMatch._initial = true
    this.before(['UPDATE', 'DELETE', 'new_AddNote'], accounts, optionalIfMatch)

    // Binding a lookup to a missing record fails in Dataverse; CAP (without @assert.target,
    // which would break deep insert) would store a dangling foreign key.
    for (const entity of [contacts, opportunities, opportunitycloses, annotations]) {
      this.before(['CREATE', 'UPDATE'], entity, async req => {
        for (const assoc of Object.values(entity.associations)) {
          if (assoc.is2many) continue
          const [key] = Object.keys(assoc._target.keys)
          const id = req.data[assoc.name]?.[key] ?? req.data[`${assoc.name}_${key}`]
          if (id == null) continue
          if (!(await SELECT.one.from(assoc._target, id).columns(key)))
            notFound(req, assoc._target.name.split('.').pop(), id)
        }
      })
    }

    this.on('WhoAmI', () => WHOAMI)

    this.on('TopAccounts', async req => {
      const { MinimumEmployees = 0, Count = 10 } = req.data
      return SELECT.from(accounts)
        .where({ numberofemployees: { '>=': MinimumEmployees } })
        .orderBy('numberofemployees desc', 'name')
        .limit(Count)
    })

    this.on('FailWith', req => {
      const { Code = 'PeerError', Message = 'failed on purpose' } = req.data
      req.reject({ status: 400, code: Code, message: Message })
    })

    // Entity-typed action parameters: CAP drops "nav@odata.bind" inside them (as Dataverse clients send
    // it); turn it into the nested key { nav: { key } } first (before CAP's generic input validation).
    const bindInParams = req => {
      const params = this.actions[req.event]?.params ?? {}
      for (const [name, param] of Object.entries(params)) {
        const entity = this.model.definitions[param.type], value = req.data[name]
        if (!entity?.associations || !value || typeof value !== 'object') continue
        for (const prop of Object.keys(value)) {
          const assoc = entity.associations[prop.replace(/@odata\.bind$/, '')]
          if (!prop.endsWith('@odata.bind') || !assoc || typeof value[prop] !== 'string') continue
          const id = /\(([^)]*)\)\s*$/.exec(value[prop])?.[1].replace(/^\w+=/, '').replace(/'/g, '')
          value[assoc.name] = { [Object.keys(assoc._target.keys)[0]]: id }
          delete value[prop]
        }
      }
    }
    bindInParams._initial = true
    this.before('WinOpportunity', bindInParams)

    this.on('WinOpportunity', async req => {
      const { OpportunityClose: oc = {}, Status } = req.data
      // the opportunity comes as @odata.bind (see above), as a nested key, or as the foreign key
      const oppid = oc.opportunityid?.opportunityid ?? oc.opportunityid_opportunityid
      if (!oppid) return req.reject(400, 'OpportunityClose must reference an opportunity (opportunityid@odata.bind)')
      if (!(await SELECT.one.from(opportunities, oppid).columns('opportunityid')))
        return notFound(req, 'opportunities', oppid)
      await INSERT.into(opportunitycloses).entries({
        activityid: oc.activityid ?? cds.utils.uuid(),
        subject: oc.subject,
        actualrevenue: oc.actualrevenue,
        opportunityid_opportunityid: oppid,
      })
      await UPDATE(opportunities, oppid).with({ statecode: 1, statuscode: Status })
    })

    this.on('new_AddNote', accounts, async req => {
      const accountid = keyOf(req, 'accountid')
      if (!(await SELECT.one.from(accounts, accountid).columns('accountid'))) return notFound(req, 'accounts', accountid)
      const annotationid = cds.utils.uuid()
      await INSERT.into(annotations).entries({
        annotationid, subject: req.data.NoteTitle, notetext: req.data.NoteText, objectid_account_accountid: accountid,
      })
      return SELECT.one.from(annotations, annotationid)
    })

    this.on('new_GetAddress', accounts, async req => {
      const accountid = keyOf(req, 'accountid')
      const a = await SELECT.one.from(accounts, accountid)
      if (!a) return notFound(req, 'accounts', accountid)
      return { line1: a.address1_line1, city: a.address1_city, postalcode: a.address1_postalcode }
    })

    this.on('ContactsNamed', accounts, async req => {
      const accountid = keyOf(req, 'accountid')
      return SELECT.from(contacts).where({ parentcustomerid_accountid: accountid, lastname: req.data.LastName }).orderBy('firstname')
    })

    // Dataverse answers a create with an existing key with 412 (CAP: 500 from sqlite)
    this.on('error', err => {
      if (err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
        Object.assign(err, { status: 412, code: '0x80040237', message: 'A record with matching key values already exists.' })
    })

    return super.init()
  }
}
