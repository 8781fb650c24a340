// Working calendars as the calendars page shows them: which days of a year
// are worked, rest days, holidays (放假) or make-up workdays (调休上班), by
// the same precedence as the server (src/core/calendar.c): a make-up
// workday wins over a holiday, a holiday over the weekly hours.
import { SCHEDULES } from './schedules.js'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
export const DEFAULT_WEEK = {
  mon: ['08:30-12:00', '13:30-17:30'], tue: ['08:30-12:00', '13:30-17:30'], wed: ['08:30-12:00', '13:30-17:30'],
  thu: ['08:30-12:00', '13:30-17:30'], fri: ['08:30-12:00', '13:30-17:30'], sat: [], sun: [],
}

const DATE = /^\d{4}-\d\d-\d\d$/
const pad = (n) => String(n).padStart(2, '0')

/** Days since 1970-01-01 of "YYYY-MM-DD" (UTC arithmetic: no time zones involved). */
export function dayNumber(s) {
  const [y, m, d] = s.split('-').map(Number)
  return Math.floor(Date.UTC(y, m - 1, d) / 86400000)
}
export function dayString(n) {
  const d = new Date(n * 86400000)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}
/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(s) {
  return (new Date(dayNumber(s) * 86400000).getUTCDay() + 6) % 7
}

/** One entry of holidays / workdays as {from, to, name}: "YYYY-MM-DD", {date}, {from, to}. */
export function entryRange(e) {
  if (typeof e === 'string') return DATE.test(e) ? { from: e, to: e, name: '' } : null
  if (!e || typeof e !== 'object') return null
  if (e.date) return { from: e.date, to: e.date, name: e.name || '', name_en: e.name_en }
  if (e.from && e.to) return { from: e.from, to: e.to, name: e.name || '', name_en: e.name_en }
  return null
}
export function entryDays(e) {
  const r = entryRange(e)
  if (!r || !DATE.test(r.from) || !DATE.test(r.to)) return []
  const out = []
  for (let n = dayNumber(r.from); n <= dayNumber(r.to) && out.length < 400; n++) out.push(dayString(n))
  return out
}

/** Minutes of "HH:MM-HH:MM", or null when malformed. */
export function intervalMinutes(s) {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(String(s).trim())
  if (!m) return null
  const a = +m[1] * 60 + +m[2], b = +m[3] * 60 + +m[4]
  if (+m[1] > 24 || +m[3] > 24 || +m[2] > 59 || +m[4] > 59 || b <= a || b > 1440) return null
  return b - a
}
export function hoursOf(list) {
  return (list || []).reduce((s, x) => s + (intervalMinutes(x) || 0), 0)
}

/**
 * Everything needed to draw a calendar document:
 *   days: Map "YYYY-MM-DD" → {kind: 'holiday'|'workday', names: [...], sources: [...]}
 *   entries: [{kind, from, to, name, source ('own' or a schedule name), index}]
 * Included schedules the UI does not know are reported in `unknown`.
 */
export function analyse(doc) {
  const days = new Map()
  const entries = []
  const unknown = []
  const mark = (kind, e, source, index) => {
    const r = entryRange(e)
    if (!r) return
    entries.push({ kind, ...r, source, index })
    for (const d of entryDays(e)) {
      const cur = days.get(d) || { holiday: false, workday: false, names: [] }
      cur[kind] = true
      const nm = r.name
      if (nm && !cur.names.includes(nm)) cur.names.push(nm)
      days.set(d, cur)
    }
  }
  for (const name of doc?.include || []) {
    const s = SCHEDULES[name]
    if (!s) { unknown.push(name); continue }
    s.holidays.forEach((e) => mark('holiday', e, name))
    s.workdays.forEach((e) => mark('workday', e, name))
  }
  ;(doc?.holidays || []).forEach((e, i) => mark('holiday', e, 'own', i))
  ;(doc?.workdays || []).forEach((e, i) => mark('workday', e, 'own', i))
  entries.sort((a, b) => a.from.localeCompare(b.from) || a.kind.localeCompare(b.kind))
  return { days, entries, unknown }
}

/** The kind of one day: 'work', 'rest', 'holiday' or 'workday' (make-up workday). */
export function dayKind(doc, info, date) {
  if (doc?.mode === '24x7') return 'work'
  const d = info.days.get(date)
  if (d?.workday) return 'workday'
  if (d?.holiday) return 'holiday'
  const week = doc?.week || {}
  return (week[WEEKDAYS[weekdayIndex(date)]] || []).length ? 'work' : 'rest'
}

/** The weeks of a month for a grid starting on Monday: arrays of 7 dates or null. */
export function monthWeeks(year, month) {
  const first = `${year}-${pad(month)}-01`
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const weeks = []
  let week = Array(weekdayIndex(first)).fill(null)
  for (let d = 1; d <= days; d++) {
    week.push(`${year}-${pad(month)}-${pad(d)}`)
    if (week.length === 7) { weeks.push(week); week = [] }
  }
  if (week.length) weeks.push([...week, ...Array(7 - week.length).fill(null)])
  return weeks
}
