// Loaded by cds-serve in place of @sap/cds/server.js: the same server, plus
// - the HTTP listener binds to loopback only (cds would listen on all interfaces);
//   port from env PORT (PORT=0: a free one, printed on stdout), host from env HOST (default 127.0.0.1);
// - absolute "@odata.context" URLs, as Dataverse sends them;
// - $batch sub-requests made acceptable the way Dataverse accepts them (see fixBatch).
const cds = require('@sap/cds')
const express = require('express')
const http = require('http')

const ROOT = '/api/data/v9.2'
const json = express.json({ limit: '10mb' })
const text = express.text({ type: 'multipart/mixed', limit: '10mb' })
// "http://host/api/data/v9.2/accounts" or "/api/data/v9.2/accounts" -> "accounts"
const relative = url => url.replace(/^(https?:\/\/[^/]+)?\/api\/data\/v9\.2\//, '')

// CAP takes $batch sub-request URLs only relative to the service root, and matches JSON-batch
// sub-request header names case-sensitively (so "If-Match" or "Prefer" would be ignored).
// Parse the body before CAP does (CAP then uses req.body as it is), and normalise both.
function fixBatch(req, res, next) {
  const multipart = /^multipart\/mixed/.test(req.headers['content-type'] ?? '')
  ;(multipart ? text : json)(req, res, err => {
    if (err) return res.status(400).json({ error: { code: '400', message: err.message } })
    if (multipart && typeof req.body === 'string') {
      req.body = req.body.replace(/^(GET|POST|PUT|PATCH|DELETE) (\S+)/gm, (_, m, url) => `${m} ${relative(url)}`)
    } else {
      for (const r of req.body?.requests ?? []) {
        if (typeof r?.url === 'string') r.url = relative(r.url)
        if (r?.headers) r.headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]))
      }
    }
    next()
  })
}

cds.on('bootstrap', app => {
  app.post(`${ROOT}/\\$batch`, fixBatch)
  app.listen = function (port) {
    return http.createServer(this).listen(Number(port), process.env.HOST || '127.0.0.1')
  }
})

cds.once('listening', ({ server }) => {
  const { address, port } = server.address()
  const root = `http://${address}:${port}${ROOT}/`
  cds.env.odata.contextAbsoluteUrl = root // CAP's default is relative: "$metadata#accounts"
  console.log(`[peer] listening on ${root}`) // a stable line to read the port from
})

module.exports = cds.server
