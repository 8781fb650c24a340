// The live stream of the signed-in person's pages (GET /api/v1/events/stream,
// Server-Sent Events; docs/api.md "In-app notifications"). One EventSource
// per tab, opened by the staff layout once signed in:
//   ready        the stream is open; carries the unread count of the bell
//   notification a new in-app notice: the bell counts it, listeners hear it
//   complaint    a complaint the person sees changed ({id, number, version,
//                status, by}): open lists and the board reload, an open
//                complaint page tells its reader when someone else changed it
// The browser sends the session cookie itself. When the stream fails the
// browser retries by itself; when it is refused (a 401, a 503 beyond the
// limits) it is closed, and this module opens it again after a back-off
// that doubles from 1 s to a minute, reset by the next "ready".
import { reactive } from 'vue'
import { api, auth } from './api.js'

export const live = reactive({ unread: 0, connected: false })

const MIN_MS = 1000
const MAX_MS = 60000
let es = null
let backoff = MIN_MS
let timer = null
const changeListeners = new Set()
const noticeListeners = new Set()

/** fn(change) for each complaint change pushed; returns the function that stops it. */
export function onComplaintChange(fn) { changeListeners.add(fn); return () => changeListeners.delete(fn) }
/** fn(notice) for each new notice pushed; returns the function that stops it. */
export function onNotice(fn) { noticeListeners.add(fn); return () => noticeListeners.delete(fn) }

function parse(ev) {
  try { return JSON.parse(ev.data) } catch { return null }
}

function open() {
  timer = null
  if (!auth.user || es) return
  es = new EventSource('/api/v1/events/stream')
  es.addEventListener('ready', (ev) => {
    const d = parse(ev)
    backoff = MIN_MS
    live.connected = true
    if (d && typeof d.unread_count === 'number') live.unread = d.unread_count
  })
  es.addEventListener('notification', (ev) => {
    const d = parse(ev)
    if (!d) return
    live.unread++
    for (const fn of noticeListeners) fn(d)
  })
  es.addEventListener('complaint', (ev) => {
    const d = parse(ev)
    if (!d) return
    for (const fn of changeListeners) fn(d)
  })
  es.onerror = () => {
    live.connected = false
    if (es && es.readyState === EventSource.CLOSED) {
      es = null
      schedule()
    }
  }
}

function schedule() {
  if (timer || !auth.user) return
  timer = setTimeout(open, backoff)
  backoff = Math.min(backoff * 2, MAX_MS)
}

/** Opens the stream (the staff layout, once signed in). */
export function startLive() {
  stopLive()
  backoff = MIN_MS
  open()
}

/** Closes it (sign-out, leaving the staff pages). */
export function stopLive() {
  if (timer) clearTimeout(timer)
  timer = null
  if (es) es.close()
  es = null
  live.connected = false
}

/** Reads the unread count again (after marking read). */
export async function refreshUnread() {
  try {
    const r = await api.notifications({ limit: 1 })
    live.unread = r.unread_count
  } catch { /* the next push or page load tries again */ }
}

/**
 * Calls fn (a reload) after a complaint change, at most once a second: a
 * burst of changes (a sweep, a batch) reloads once. Returns the stop function.
 */
export function reloadOnChange(fn, pred = () => true) {
  let pending = null
  const stop = onComplaintChange((d) => {
    if (!pred(d) || pending) return
    pending = setTimeout(() => { pending = null; fn(d) }, 1000)
  })
  return () => { stop(); if (pending) clearTimeout(pending) }
}

// Where opening a notice leads: its complaint, or for the periodic counts
// of parked cases the list that holds them (the unresolvable cases awaiting
// their review, the pending-matters ledger); null when nowhere.
const NOTICE_LISTS = { unresolvable_review: 'unresolvable', pending_reminder: 'pending' }
export function noticeTarget(n) {
  if (n.complaint_id) return '/complaints/' + n.complaint_id
  const flag = NOTICE_LISTS[n.template]
  return flag ? `/complaints?status=&${flag}=true` : null
}
