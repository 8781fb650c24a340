// Reference data shared by the screens: config, units, categories.
import { reactive } from 'vue'
import { api } from './api.js'
import { i18n } from './i18n.js'

export const ref = reactive({
  config: null,
  units: [],
  categories: [],
  loaded: false,
})

let loading = null
export function loadRefData(force = false) {
  if (loading && !force) return loading
  loading = Promise.allSettled([api.config(), api.units(), api.categories()]).then(([c, u, k]) => {
    if (c.status === 'fulfilled') ref.config = c.value
    if (u.status === 'fulfilled') ref.units = u.value.items || []
    if (k.status === 'fulfilled') ref.categories = k.value.items || []
    ref.loaded = true
    if (c.status === 'rejected' && u.status === 'rejected') {
      loading = null
      throw c.reason
    }
  })
  return loading
}
export function resetRefData() {
  loading = null
  ref.config = null; ref.units = []; ref.categories = []; ref.loaded = false
}

/** The localised name of something with name / name_en. */
export function loc(o) {
  if (!o) return ''
  if (typeof o === 'string') return o
  if (i18n.global.locale.value === 'en' && o.name_en) return o.name_en
  return o.name || o.label || o.code || ''
}

function findByCode(list, code) {
  return (list || []).find((x) => String(x.code) === String(code))
}
export function statusName(code) {
  const s = findByCode(ref.config?.statuses, code)
  if (s) return loc(s)
  const key = 'status.' + code
  return i18n.global.te(key) ? i18n.global.t(key) : code
}
export function channelName(code) {
  const s = findByCode(ref.config?.channels, code)
  if (s) return loc(s)
  const key = 'channel.' + code
  return i18n.global.te(key) ? i18n.global.t(key) : code
}
export function levelName(code) {
  if (code == null) return ''
  const s = findByCode(ref.config?.levels, code)
  if (s) return loc(s)
  const key = 'level.' + code
  return i18n.global.te(key) ? i18n.global.t(key) : String(code)
}
export function classOptions() {
  const list = ref.config?.customer_classes
  if (list && list.length) return list.map((c) => (typeof c === 'string' ? { code: c, name: c } : c))
  return [{ code: 'ordinary' }, { code: 'vip' }]
}
export function natureOptions() {
  const list = ref.config?.natures
  if (list && list.length) return list.map((c) => (typeof c === 'string' ? { code: c, name: c } : c))
  return [{ code: 'valid' }, { code: 'invalid' }, { code: 'suggestion' }]
}
export function optName(kind, o) {
  if (o == null) return ''
  if (typeof o !== 'object') o = { code: o }
  const key = kind + '.' + o.code
  const en = i18n.global.locale.value === 'en'
  if (en && o.name_en) return o.name_en
  if (en && i18n.global.te(key)) return i18n.global.t(key)
  if (o.name) return o.name
  return i18n.global.te(key) ? i18n.global.t(key) : String(o.code)
}

export function unitById(id) {
  return ref.units.find((u) => u.id === id || u.code === id)
}
export function unitLabel(u) {
  if (!u) return ''
  if (typeof u !== 'object') u = unitById(u) || { name: String(u) }
  const full = unitById(u.id) || unitById(u.code) || u
  return loc(full)
}
/** Ids of a unit and all units below it. */
export function subtreeIds(rootId) {
  const ids = new Set([rootId])
  let grown = true
  while (grown) {
    grown = false
    for (const u of ref.units) {
      if (u.parent != null && ids.has(u.parent) && !ids.has(u.id)) { ids.add(u.id); grown = true }
    }
  }
  return ids
}
/** Units as a tree (children arrays), for tables and tree selects. */
export function unitTree() {
  const byId = new Map(ref.units.map((u) => [u.id, { ...u, children: [] }]))
  const roots = []
  for (const u of byId.values()) {
    const p = u.parent != null ? byId.get(u.parent) : null
    if (p) p.children.push(u)
    else roots.push(u)
  }
  const prune = (n) => { if (!n.children.length) delete n.children; else n.children.forEach(prune) }
  roots.forEach(prune)
  return roots
}
export function categoryPathName(cat) {
  if (!cat) return ''
  if (cat.path && cat.path.length && i18n.global.locale.value !== 'en') return cat.path.join(' / ')
  const found = findCategory(cat.code)
  if (found) return found.names.map(loc).join(' / ')
  return loc(cat)
}
export function findCategory(code, list = ref.categories, trail = []) {
  for (const c of list || []) {
    const here = [...trail, c]
    if (c.code === code) return { node: c, names: here }
    const r = findCategory(code, c.children, here)
    if (r) return r
  }
  return null
}

/**
 * The length of the complaint's current stage in ms, from the pack's
 * time_limits (minutes; a number, or per level: {"1": …, "3": …}), or
 * null when the config does not say (the countdown then warns at < 1 h).
 */
export function stageLimitMs(c) {
  const tl = ref.config?.time_limits
  if (!tl || !c || !c.stage) return null
  let v = tl[c.stage]
  if (v && typeof v === 'object') v = v[String(c.level)] ?? v.minutes ?? v.default ?? null
  return typeof v === 'number' && v > 0 ? v * 60000 : null
}
export function levelCriteria(code) {
  const l = (ref.config?.levels || []).find((x) => String(x.code) === String(code))
  return l?.criteria || ''
}

/*
 * Names the server writes as codes: calendars, built-in holiday schedules,
 * the reasons of configuration versions it makes itself. A known code reads
 * in the user's language; anything else (an organisation's own) as written.
 */
function known(group, code) {
  const key = `desk.${group}.${code}`
  return code && i18n.global.te(key) ? i18n.global.t(key) : code || ''
}
/** "centre" → 客服中心日历 (a calendar the pack or an administrator named otherwise: its name). */
export function calendarLabel(name) { return known('calendar', name) }
/** "cn-2025-2026" → 中国法定节假日（2025–2026）. */
export function scheduleLabel(name) { return known('schedule', name) }
/** "calendar changed" → 日历已修改; an administrator's own reason as written. */
export function configReason(r) {
  const key = 'desk.reason.' + String(r || '').replace(/ /g, '_')
  return r && i18n.global.te(key) ? i18n.global.t(key) : r || ''
}

/** The dispatch form's starting point: the unit the rules suggest, else the complained-about unit. */
export function dispatchDefaults(c) {
  const u = c?.route_unit || c?.subject_unit
  return u?.code ? { unit: u.code } : {}
}
