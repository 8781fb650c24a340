import { ref as vref, onMounted, onBeforeUnmount } from 'vue'
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import { i18n } from './i18n.js'
import { ref as data } from './refdata.js'

dayjs.extend(utc)

/** The organisation's offset from UTC in minutes (GET /config), or null before it is known. */
export function orgOffset() {
  const m = data.config?.tz_offset_minutes
  return typeof m === 'number' ? m : null
}
/** "+08:00" for 480. */
export function offsetString(min) {
  const sign = min < 0 ? '-' : '+'
  const a = Math.abs(min)
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}
/** An instant in the organisation's time zone (the server's), else the browser's. */
function inOrg(s) {
  const d = dayjs(s)
  if (!d.isValid()) return null
  const off = orgOffset()
  return off == null ? d : d.utcOffset(off)
}

/** YYYY-MM-DD HH:mm in the organisation's time zone. */
export function fmtTime(s) {
  if (!s) return ''
  const d = inOrg(s)
  return d ? d.format('YYYY-MM-DD HH:mm') : String(s)
}
/** YYYY-MM-DD (MM-DD HH:mm when short) in the organisation's time zone. */
export function fmtDate(s) {
  if (!s) return ''
  const d = inOrg(s)
  return d ? d.format('YYYY-MM-DD') : String(s)
}
/** RFC 3339 with the local offset, for the API. */
export function toApiTime(d) {
  if (!d) return undefined
  return dayjs(d).format('YYYY-MM-DDTHH:mm:ssZ')
}
/**
 * A wall-clock time picked in a form ("YYYY-MM-DD HH:mm:ss") as RFC 3339 in
 * the organisation's time zone ("…T…+08:00"), whatever the browser's zone.
 */
export function wallToApi(wall) {
  if (!wall) return undefined
  const m = String(wall).match(/^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d)(:\d\d)?$/)
  if (!m) return wall
  const off = orgOffset()
  return `${m[1]}T${m[2]}${m[3] || ':00'}${off == null ? dayjs().format('Z') : offsetString(off)}`
}
/** The reverse of wallToApi: an instant as the organisation's wall-clock time. */
export function apiToWall(s) {
  const d = s ? inOrg(s) : null
  return d ? d.format('YYYY-MM-DD HH:mm:ss') : ''
}

/** A ticking "now" (ms) shared by every countdown on the page. */
const now = vref(Date.now())
let users = 0
let timer = null
export function useNow() {
  onMounted(() => {
    if (users++ === 0) timer = setInterval(() => { now.value = Date.now() }, 1000)
  })
  onBeforeUnmount(() => {
    if (--users === 0) { clearInterval(timer); timer = null }
  })
  return now
}

/*
 * Every remaining (or late) time is written by this one function, in one
 * form: the two largest units, seconds only under an hour — "2天3小时",
 * "3小时58分", "32分23秒" ("2 d 3 h", "3 h 58 min", "32 min 23 s").
 * withSeconds false (working minutes): minutes are the smallest unit.
 */
export function fmtSpan(ms, withSeconds = true) {
  const t = i18n.global.t
  const secsAll = Math.floor(Math.abs(ms) / 1000)
  const d = Math.floor(secsAll / 86400)
  const h = Math.floor((secsAll % 86400) / 3600)
  const m = Math.floor((secsAll % 3600) / 60)
  const s = secsAll % 60
  const parts = []
  if (d) parts.push(t('countdown.d', { n: d }), ...(h ? [t('countdown.h', { n: h })] : []))
  else if (h) parts.push(t('countdown.h', { n: h }), ...(m ? [t('countdown.m', { n: m })] : []))
  else if (withSeconds) parts.push(...(m ? [t('countdown.m', { n: m })] : []), t('countdown.s', { n: s }))
  else parts.push(t('countdown.m', { n: m }))
  return parts.join(i18n.global.locale.value === 'en' ? ' ' : '')
}

/** A remaining time in ms (see fmtSpan). */
export function fmtDuration(ms) {
  return fmtSpan(ms, true)
}

/** Working minutes (negative: that much late), in fmtSpan's form. */
export function fmtMinutes(min) {
  if (min == null) return ''
  return fmtSpan(Math.round(min) * 60000, false)
}

/**
 * State of a deadline: 'ok' (green), 'warn' (amber), 'late' (red).
 * Amber once the clock's warning point has passed (warningAt, from the
 * server), or while the server says the complaint is in warning; without
 * either, under 10 % of the stage limit left (or under an hour when the
 * limit is unknown). opts.paused: the clock waits for the customer.
 */
export function deadlineState(deadline, nowMs, limitMs, opts = {}) {
  const t = i18n.global.t
  if (opts.paused) return { state: 'paused', text: t('countdown.paused'), left: null }
  if (!deadline) return { state: 'none', text: t('countdown.none'), left: null }
  const left = dayjs(deadline).valueOf() - nowMs
  if (left <= 0) return { state: 'late', text: t('countdown.overdue', { t: fmtDuration(left) }), left }
  let warn
  if (opts.warningAt) warn = dayjs(opts.warningAt).valueOf() <= nowMs
  else if (opts.warning) warn = true
  else warn = left < (limitMs ? limitMs * 0.1 : 3600 * 1000)
  return { state: warn ? 'warn' : 'ok', text: t('countdown.left', { t: fmtDuration(left) }), left }
}

/** The running clocks of a complaint (a breached clock still runs until it ends). */
export function runningClocks(c) {
  return (c?.clocks || []).filter((k) => !k.ended_at && k.state !== 'met')
}
/** The running clock with the nearest deadline (not paused), or null. */
export function nearestClock(c) {
  const run = runningClocks(c).filter((k) => k.state !== 'paused' && k.deadline)
  run.sort((a, b) => dayjs(a.deadline).valueOf() - dayjs(b.deadline).valueOf())
  return run[0] || null
}

/** A file's size as people read it: 512 B, 12 KB, 3.4 MB. */
export function fmtSize(n) {
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MB'
  if (n >= 1024) return Math.round(n / 1024) + ' KB'
  return n + ' B'
}
