// What a user is told after a workflow action: by default "done: <label>";
// for compensation, what actually happened — granted, now awaiting whose
// approval, approved or refused — since "done" alone reads as granted.
import { i18n } from './i18n.js'
import { unitLabel } from './refdata.js'

function lastOf(list, pred) {
  for (let i = (list || []).length - 1; i >= 0; i--) if (pred(list[i])) return list[i]
  return null
}

/**
 * The message after `action` returned the complaint `updated` (the action's
 * reply); entry: the compensation's no for approve/refuse, when known.
 * Returns { type: 'success' | 'warning', text }.
 */
export function actionOutcome(updated, action, entry) {
  const t = i18n.global.t
  const name = action?.action
  const comps = updated?.compensations || []
  if (name === 'compensate') {
    const m = comps[comps.length - 1]
    if (m?.status === 'pending') {
      const roles = (m.approver_roles || []).map((r) => t('role.' + r)).join(i18n.global.locale.value === 'en' ? ' or ' : '或')
      return { type: 'warning', text: t('desk.compPending', { unit: unitLabel(m.approver_unit), roles }) }
    }
    if (m) return { type: 'success', text: t('desk.compGranted', { amount: Number(m.amount).toFixed(2) }) }
  }
  if (name === 'approve_compensation' || name === 'refuse_compensation') {
    const want = name === 'approve_compensation' ? 'approved' : 'refused'
    const m = lastOf(comps, (x) => (entry == null || String(x.no) === String(entry)) && x.status === want)
    if (m) return { type: 'success', text: t('desk.comp_' + want, { no: m.no, amount: Number(m.amount).toFixed(2) }) }
  }
  return { type: 'success', text: t('detail.done', { label: action?.label || name }) }
}
