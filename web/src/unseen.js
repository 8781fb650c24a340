// New work orders. The user's queue — the open work orders their unit holds,
// what 我的工单 lists — is read every 30 s while the tab is visible (and at
// once when it becomes visible again). A work order that joined the queue
// and that the user has not opened is new: the side menu counts them, the
// lists mark them. What the user has seen is kept in localStorage per user
// (a reload, or tomorrow, remembers it); on the very first read everything
// already queued counts as seen, so only what arrives afterwards is new.
import { reactive, computed } from 'vue'
import { api, auth } from './api.js'

const PERIOD_MS = 30000
const KEEP = 2000 // the newest ids remembered; older ones have long left the queue

const state = reactive({ user: null, seen: new Set(), queue: [], generation: 0 })
let timer = null

const storeKey = (user) => 'redress.seen.' + user
function restore(user) {
  try {
    const ids = JSON.parse(localStorage.getItem(storeKey(user)) || 'null')
    return Array.isArray(ids) ? new Set(ids.map(String)) : null
  } catch {
    return null
  }
}
function persist() {
  if (!state.user) return
  const ids = [...state.seen].slice(-KEEP)
  localStorage.setItem(storeKey(state.user), JSON.stringify(ids))
}

/** The ids of the queue's work orders the user has not opened, newest first. */
export const unseenIds = computed(() => state.queue.filter((id) => !state.seen.has(id)))
/** Bumped whenever a new work order joins the queue: a list showing its first page reloads. */
export const queueGeneration = computed(() => state.generation)
export const isNew = (id) => id != null && state.queue.includes(String(id)) && !state.seen.has(String(id))

export function markSeen(id) {
  if (id == null || state.seen.has(String(id))) return
  state.seen.add(String(id))
  persist()
}

async function poll() {
  const user = auth.user
  if (!user || document.visibilityState !== 'visible') return
  const unit = user.unit?.id ?? user.unit?.code
  let items
  try {
    items = (await api.complaints({ owner_unit: unit, sort: 'created', limit: 100 })).items || []
  } catch {
    return // the next tick tries again; a lost session is handled by api.js
  }
  if (auth.user?.id !== user.id) return
  const ids = items.map((c) => String(c.id))
  const first = state.user !== String(user.id)
  if (first) {
    state.user = String(user.id)
    const saved = restore(state.user)
    state.seen = saved || new Set(ids)
    if (!saved) persist()
  }
  if (!first && ids.some((id) => !state.queue.includes(id))) state.generation++
  state.queue = ids
}

const onVisible = () => { if (document.visibilityState === 'visible') poll() }

/** Starts reading the queue (the staff layout, once signed in). */
export function startUnseen() {
  stopUnseen()
  poll()
  timer = setInterval(poll, PERIOD_MS)
  document.addEventListener('visibilitychange', onVisible)
}
export function stopUnseen() {
  if (timer) clearInterval(timer)
  timer = null
  document.removeEventListener('visibilitychange', onVisible)
  state.user = null
  state.queue = []
}
