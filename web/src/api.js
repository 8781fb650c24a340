// Thin client for the Redress HTTP API (docs/api.md).
//
// The session lives in an HttpOnly cookie the page's script cannot read (so
// an injected script cannot steal it); the browser sends it by itself. What
// the page keeps is the signed-in user and the session's CSRF token, which
// every request that changes something sends in X-CSRF-Token. After a
// reload both come back from GET /auth/me (restoreSession).
import { reactive } from 'vue'

const USER_KEY = 'redress.user'

export const auth = reactive({
  user: JSON.parse(sessionStorage.getItem(USER_KEY) || 'null'),
  csrf: '',
})

let currentLang = 'zh-CN'
export function setApiLanguage(lang) { currentLang = lang }

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(e.message || `HTTP ${status}`)
    this.status = status
    this.code = e.code || (status === 0 ? 'network' : 'http_' + status)
    this.field = e.field || null
    this.body = body
    this.currentVersion = e.current_version ?? body?.current_version ?? null
    this.allowed = e.allowed ?? null
  }
}

const listeners = new Set()
/** Called with the error code ('unauthenticated', 'session_expired') when the server says the session is gone. */
export function onUnauthenticated(fn) { listeners.add(fn); return () => listeners.delete(fn) }
const pwListeners = new Set()
/** Called when the server refuses a request until the password is changed. */
export function onPasswordRequired(fn) { pwListeners.add(fn); return () => pwListeners.delete(fn) }

/** Remembers the signed-in user and the session's CSRF token (null: signed out). */
export function setSession(user, csrf) {
  auth.user = user || null
  if (csrf !== undefined) auth.csrf = csrf || ''
  if (user) sessionStorage.setItem(USER_KEY, JSON.stringify(user))
  else {
    auth.csrf = ''
    sessionStorage.removeItem(USER_KEY)
  }
}

let restoring = null
/** Asks the server who holds the cookie (after a reload); resolves the user or null. */
export function restoreSession() {
  if (!restoring) {
    restoring = request('GET', '/auth/me', { quiet: true })
      .then((me) => { const { csrf_token: csrf, ...user } = me; setSession(user, csrf); return auth.user })
      .catch(() => { setSession(null); return null })
      .finally(() => { restoring = null })
  }
  return restoring
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

function qs(params) {
  if (!params) return ''
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    u.append(k, String(v))
  }
  const s = u.toString()
  return s ? '?' + s : ''
}

export async function request(method, path, { body, raw, query, headers = {}, public: isPublic = false, quiet = false } = {}) {
  const h = { Accept: 'application/json', 'Accept-Language': currentLang, ...headers }
  if (body !== undefined) h['Content-Type'] = 'application/json'
  else if (raw !== undefined && !h['Content-Type']) h['Content-Type'] = 'text/plain'
  if (auth.csrf && !isPublic && !SAFE.has(method)) h['X-CSRF-Token'] = auth.csrf
  let res
  try {
    res = await fetch('/api/v1' + path + qs(query), {
      method,
      headers: h,
      body: body !== undefined ? JSON.stringify(body) : raw,
      credentials: 'same-origin',
    })
  } catch (err) {
    throw new ApiError(0, { error: { code: 'network', message: String(err && err.message || err) } })
  }
  let data = null
  const text = await res.text()
  if (text) {
    try { data = JSON.parse(text) } catch { data = { raw: text } }
  }
  if (!res.ok) {
    const e = new ApiError(res.status, data)
    if (res.status === 401 && !isPublic && !quiet && auth.user) {
      setSession(null)
      listeners.forEach((fn) => fn(e.code))
    }
    if (res.status === 403 && e.code === 'password_change_required' && auth.user) {
      setSession({ ...auth.user, must_change_password: true })
      pwListeners.forEach((fn) => fn())
    }
    throw e
  }
  return data
}

/**
 * Saves a file the server makes (a CSV or XLSX export) under the name the
 * server gives it in Content-Disposition, or `fallback`: the bytes as sent,
 * so a CSV keeps its byte-order mark and an XLSX its zip.
 */
export async function download(path, query, fallback) {
  let res
  try {
    res = await fetch('/api/v1' + path + qs(query), {
      headers: { Accept: '*/*', 'Accept-Language': currentLang },
      credentials: 'same-origin',
    })
  } catch (err) {
    throw new ApiError(0, { error: { code: 'network', message: String(err && err.message || err) } })
  }
  if (!res.ok) {
    let data = null
    try { data = await res.json() } catch { /* not JSON */ }
    throw new ApiError(res.status, data)
  }
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '')
  saveBlob(await res.blob(), m ? m[1] : fallback)
}

/** Hands bytes made or fetched by the page to the browser as a file named `name`. */
export function saveBlob(blob, name) {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}

/**
 * Sends one file as the raw body of a POST to path (under /api/v1),
 * reporting progress(fraction) as it is sent: XMLHttpRequest, since fetch
 * reports no upload progress. Resolves the answer's JSON when the status is
 * `ok`; rejects with an ApiError otherwise.
 */
function sendFile(path, file, progress, ok) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/v1' + path)
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Accept-Language', currentLang)
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    if (auth.csrf) xhr.setRequestHeader('X-CSRF-Token', auth.csrf)
    xhr.withCredentials = true
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && progress) progress(e.loaded / e.total) }
    xhr.onload = () => {
      let data = null
      try { data = JSON.parse(xhr.responseText) } catch { data = null }
      if (xhr.status === ok) resolve(data)
      else reject(new ApiError(xhr.status, data))
    }
    xhr.onerror = () => reject(new ApiError(0, { error: { code: 'network', message: 'network error' } }))
    xhr.send(file)
  })
}

/**
 * Uploads one file as an attachment of complaint id (named by ?name=).
 * Resolves the stored file's {id, name, type, size, sha256}.
 */
export function uploadAttachment(id, file, progress) {
  return sendFile(`/complaints/${encodeURIComponent(id)}/attachments?name=${encodeURIComponent(file.name || 'photo.jpg')}`,
    file, progress, 201)
}

/**
 * Uploads a ledger (CSV or XLSX) to POST /imports with query {mapping,
 * dry_run, name, progress}; resolves the import's summary when the server
 * has read the whole file (docs/api.md "Ledger import").
 */
export function uploadLedger(query, file, progress) {
  return sendFile('/imports' + qs(query), file, progress, 200)
}

/** The URL of an attachment's bytes (images shown by it, the rest downloaded). */
export const attachmentUrl = (id) => `/api/v1/attachments/${encodeURIComponent(id)}`

export const api = {
  login: (username, password) => request('POST', '/auth/login', { body: { username, password }, public: true }),
  logout: () => request('POST', '/auth/logout'),
  notifications: (query) => request('GET', '/notifications', { query }),
  readNotification: (id) => request('POST', `/notifications/${encodeURIComponent(id)}/read`),
  readAllNotifications: () => request('POST', '/notifications/read-all'),
  me: () => request('GET', '/auth/me'),
  audit: (query) => request('GET', '/audit', { query }),
  checkpoints: (query) => request('GET', '/checkpoints', { query }),
  auditVerify: () => request('GET', '/audit/verify'),
  tokens: () => request('GET', '/tokens'),
  createToken: (t) => request('POST', '/tokens', { body: t }),
  revokeToken: (id) => request('DELETE', `/tokens/${encodeURIComponent(id)}`),
  // webhooks, a partner system's among them (one with a channel); the secret is never sent back
  webhooks: () => request('GET', '/webhooks'),
  putWebhook: (name, w) => request('PUT', `/webhooks/${encodeURIComponent(name)}`, { body: w }),
  deleteWebhook: (name) => request('DELETE', `/webhooks/${encodeURIComponent(name)}`),
  // the e-mail intake: mailboxes (administrators; the password is never sent back) and the drafts agents confirm
  mailboxes: () => request('GET', '/mailboxes'),
  putMailbox: (name, m) => request('PUT', `/mailboxes/${encodeURIComponent(name)}`, { body: m }),
  deleteMailbox: (name) => request('DELETE', `/mailboxes/${encodeURIComponent(name)}`),
  pollMailbox: (name) => request('POST', `/mailboxes/${encodeURIComponent(name)}/actions/poll`),
  mailDrafts: (status) => request('GET', '/mail-drafts', { query: { status } }),
  mailDraft: (id, clear) => request('GET', `/mail-drafts/${encodeURIComponent(id)}`, { query: clear ? { clear: 'true' } : {} }),
  confirmMailDraft: (id, c) => request('POST', `/mail-drafts/${encodeURIComponent(id)}/actions/confirm`, { body: c }),
  discardMailDraft: (id, reason) => request('POST', `/mail-drafts/${encodeURIComponent(id)}/actions/discard`, { body: { reason } }),
  config: () => request('GET', '/config'),
  units: (query) => request('GET', '/units', { query }),
  createUnit: (u) => request('POST', '/units', { body: u }),
  categories: () => request('GET', '/categories'),
  users: () => request('GET', '/users'),
  setAppealsContact: (unit, user) => request('PUT', `/units/${encodeURIComponent(unit)}/appeals-contact`, { body: { user } }),
  // the on-duty roster of a unit (值班表): replaced as a whole
  unitDuty: (unit) => request('GET', `/units/${encodeURIComponent(unit)}/duty`),
  setUnitDuty: (unit, entries) => request('PUT', `/units/${encodeURIComponent(unit)}/duty`, { body: { entries } }),
  createUser: (u) => request('POST', '/users', { body: u }),
  updateUser: (id, u) => request('PUT', `/users/${encodeURIComponent(id)}`, { body: u }),
  userAction: (id, action, body) => request('POST', `/users/${encodeURIComponent(id)}/actions/${encodeURIComponent(action)}`, { body }),
  outbox: (query) => request('GET', '/outbox', { query }),
  outboxRow: (id) => request('GET', `/outbox/${encodeURIComponent(id)}`),
  retryOutbox: (id) => request('POST', `/outbox/${encodeURIComponent(id)}/retry`),
  cancelOutbox: (id) => request('POST', `/outbox/${encodeURIComponent(id)}/cancel`),
  complaints: (query) => request('GET', '/complaints', { query }),
  complaintsExport: (query, format) => download('/complaints', { ...query, format }, `complaints.${format}`),
  complaint: (id) => request('GET', `/complaints/${encodeURIComponent(id)}`),
  createComplaint: (c) => request('POST', '/complaints', { body: c }),
  events: (id) => request('GET', `/complaints/${encodeURIComponent(id)}/events`),
  actions: (id) => request('GET', `/complaints/${encodeURIComponent(id)}/actions`),
  act: (id, action, body, version) =>
    request('POST', `/complaints/${encodeURIComponent(id)}/actions/${encodeURIComponent(action)}`, {
      body: body || {},
      headers: version != null ? { 'If-Match': String(version) } : {},
    }),
  stats: () => request('GET', '/stats/overview'),
  // the supervisor board's overview and lists in one call
  board: () => request('GET', '/board'),
  changePassword: (oldPassword, newPassword) =>
    request('POST', '/auth/password', { body: { old_password: oldPassword, new_password: newPassword } }),
  calendars: () => request('GET', '/calendars'),
  putCalendar: (name, doc) => request('PUT', `/calendars/${encodeURIComponent(name)}`, { body: doc }),
  importIcs: (name, text) => request('POST', `/calendars/${encodeURIComponent(name)}/ics`, {
    raw: text, headers: { 'Content-Type': 'text/calendar; charset=utf-8' },
  }),
  supervisions: (query) => request('GET', '/supervisions', { query }),
  closeSupervision: (id, note) => request('POST', `/supervisions/${encodeURIComponent(id)}/close`, { body: note ? { note } : {} }),
  outbox: (query) => request('GET', '/outbox', { query }),
  portalNotices: () => request('GET', '/portal/notices', { public: true }),
  portalSubmit: (c) => request('POST', '/portal/complaints', { body: c, public: true }),
  portalTrack: (number, phone) =>
    request('GET', `/portal/complaints/${encodeURIComponent(number)}`, { query: { phone }, public: true }),
  // the public portal's pick lists: category tree and the units a customer may name
  portalOptions: () => request('GET', '/portal/options', { public: true }),
  portalPublished: () => request('GET', '/portal/published', { public: true, quiet: true }),
  // the revisit's survey by link: made by an agent, answered once by the customer without signing in
  links: (id) => request('GET', `/complaints/${encodeURIComponent(id)}/links`),
  views: () => request('GET', '/views', { query: { counts: 'true' } }),
  addView: (body) => request('POST', '/views', { body }),
  removeView: (id) => request('DELETE', `/views/${id}`),
  similar: (body) => request('POST', '/complaints/similar', { body }),
  addLink: (id, to, kind) => request('POST', `/complaints/${encodeURIComponent(id)}/links`, { body: { to, kind } }),
  surveyLink: (id, send = false) => request('POST', `/complaints/${encodeURIComponent(id)}/survey-link`, { body: send ? { send: true } : {} }),
  portalSurvey: (token) => request('GET', `/portal/surveys/${encodeURIComponent(token)}`, { public: true }),
  confirmationLink: (id, send = false) => request('POST', `/complaints/${encodeURIComponent(id)}/confirmation-link`, { body: send ? { send: true } : {} }),
  portalConfirmation: (token) => request('GET', `/portal/confirmations/${encodeURIComponent(token)}`, { public: true }),
  portalConfirm: (token, body) => request('POST', `/portal/confirmations/${encodeURIComponent(token)}`, { body, public: true }),
  portalSurveyAnswer: (token, body) => request('POST', `/portal/surveys/${encodeURIComponent(token)}`, { body, public: true }),
  // the penalty ledger (考核) and compensations awaiting approval (授权)
  penalties: (query) => request('GET', '/penalties', { query }),
  penaltiesExport: (query, format) => download('/penalties', { ...query, format }, `penalties.${format}`)
    .then((d) => (d && typeof d === 'object' && 'raw' in d ? d.raw : String(d ?? ''))),
  // reports (报表中心): the catalogue of indicators, one indicator, the complaints behind a number, a file
  reports: () => request('GET', '/reports'),
  report: (id, query) => request('GET', `/reports/${encodeURIComponent(id)}`, { query }),
  reportComplaints: (id, query) => request('GET', `/reports/${encodeURIComponent(id)}/complaints`, { query }),
  reportExport: (id, query, format) => download(`/reports/${encodeURIComponent(id)}`, { ...query, format }, `${id}.${format}`),
  // satisfaction by unit, staff or question (满意度分析), and as a file
  satisfaction: (query) => request('GET', '/reports/satisfaction', { query }),
  satisfactionExport: (query, format) => download('/reports/satisfaction', { ...query, format }, `satisfaction-${query.by}.${format}`),
  waivePenalty: (id, reason) => request('POST', `/penalties/${encodeURIComponent(id)}/waive`, { body: { reason } }),
  compensations: (query) => request('GET', '/compensations', { query }),
  authorityTotals: (query) => request('GET', '/compensations/totals', { query }),
  // crisis incidents (危机事件) and the versioned configuration
  incidents: (query) => request('GET', '/incidents', { query }),
  incident: (id) => request('GET', `/incidents/${encodeURIComponent(id)}`),
  openIncident: (body) => request('POST', '/incidents', { body }),
  incidentAct: (id, action, body) => request('POST', `/incidents/${encodeURIComponent(id)}/actions/${encodeURIComponent(action)}`, { body }),
  // an appeal's report to the regulator (申诉处理报告) and the appeals' statistics
  appealReport: (id) => request('GET', `/complaints/${encodeURIComponent(id)}/appeal-report`),
  saveAppealReport: (id, body) => request('PUT', `/complaints/${encodeURIComponent(id)}/appeal-report`, { body }),
  appealReportAct: (id, action, body) => request('POST', `/complaints/${encodeURIComponent(id)}/appeal-report/actions/${encodeURIComponent(action)}`, { body }),
  appealStats: (year) => request('GET', '/appeals/stats', { query: { year } }),
  // announcements of known faults (系统公告)
  announcements: (query) => request('GET', '/announcements', { query }),
  announcement: (id) => request('GET', `/announcements/${encodeURIComponent(id)}`),
  publishAnnouncement: (body) => request('POST', '/announcements', { body }),
  announcementAnswer: (id, complaint) => request('POST', `/announcements/${encodeURIComponent(id)}/complaints`, { body: { complaint } }),
  resolveAnnouncement: (id, resolution) => request('POST', `/announcements/${encodeURIComponent(id)}/actions/resolve`, { body: resolution ? { resolution } : {} }),
  configVersions: () => request('GET', '/config/versions'),
  configVersion: (v) => request('GET', `/config/versions/${encodeURIComponent(v)}`),
  createConfigVersion: (pack, reason) => request('POST', '/config/versions', { body: { pack, reason } }),
  activateConfigVersion: (v, reason) => request('POST', `/config/versions/${encodeURIComponent(v)}/activate`, { body: { reason } }),
  // customer data in clear (audited) and a customer's rights; the phone goes in the body, never the URL
  correctCustomer: (id, customer, reason) => request('POST', `/complaints/${encodeURIComponent(id)}/customer`, { body: { customer, reason } }),
  unmask: (id, reason) => request('POST', `/complaints/${encodeURIComponent(id)}/pii`, { body: reason ? { reason } : {} }),
  customerLookup: (phone) => request('POST', '/customers/lookup', { body: { phone } }),
  customerExport: (phone) => request('POST', '/customers/export', { body: { phone } }),
  customerCorrect: (phone, customer) => request('POST', '/customers/correct', { body: { phone, customer } }),
  customerErase: (phone) => request('POST', '/customers/erase', { body: { phone, confirm: true } }),
  setPermission: (userId, perm, granted) =>
    request('PUT', `/users/${encodeURIComponent(userId)}/permissions/${encodeURIComponent(perm)}`, { body: { granted } }),
  // ledger import (台账): the saved mappings and an upload's progress under the page's key
  importMappings: () => request('GET', '/import-mappings'),
  putImportMapping: (name, mapping) => request('PUT', `/import-mappings/${encodeURIComponent(name)}`, { body: mapping }),
  importProgress: (key) => request('GET', `/imports/progress/${encodeURIComponent(key)}`, { quiet: true }),
  attachments: (id) => request('GET', `/complaints/${encodeURIComponent(id)}/attachments`),
  removeAttachment: (id, reason) => request('DELETE', `/attachments/${encodeURIComponent(id)}`, { body: { reason } }),
  resetPermission: (userId, perm) => request('DELETE', `/users/${encodeURIComponent(userId)}/permissions/${encodeURIComponent(perm)}`),
}
