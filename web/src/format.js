import { ref as vref, onMounted, onBeforeUnmount } from 'vue'
import dayjs from 'dayjs'
import { i18n } from './i18n.js'

/** YYYY-MM-DD HH:mm in the browser's local time zone. */
export function fmtTime(s) {
  if (!s) return ''
  const d = dayjs(s)
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm') : String(s)
}
/** RFC 3339 with the local offset, for the API. */
export function toApiTime(d) {
  if (!d) return undefined
  return dayjs(d).format('YYYY-MM-DDTHH:mm:ssZ')
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

export function fmtDuration(ms) {
  const t = i18n.global.t
  const mins = Math.floor(Math.abs(ms) / 60000)
  const d = Math.floor(mins / 1440)
  const h = Math.floor((mins % 1440) / 60)
  const m = mins % 60
  const secs = Math.floor(Math.abs(ms) / 1000) % 60
  if (d > 0) return t('countdown.d', { n: d }) + ' ' + t('countdown.h', { n: h })
  if (h > 0) return t('countdown.h', { n: h }) + ' ' + t('countdown.m', { n: m })
  return `${m}:${String(secs).padStart(2, '0')}`
}

/**
 * State of a deadline: 'ok' (green), 'warn' (amber: under 10 % of the stage
 * limit left, or under an hour when the limit is unknown), 'late' (red).
 */
export function deadlineState(deadline, nowMs, limitMs) {
  if (!deadline) return { state: 'none', text: i18n.global.t('countdown.none'), left: null }
  const left = dayjs(deadline).valueOf() - nowMs
  const t = i18n.global.t
  if (left <= 0) return { state: 'late', text: t('countdown.overdue', { t: fmtDuration(left) }), left }
  const warnAt = limitMs ? limitMs * 0.1 : 3600 * 1000
  return { state: left < warnAt ? 'warn' : 'ok', text: t('countdown.left', { t: fmtDuration(left) }), left }
}
