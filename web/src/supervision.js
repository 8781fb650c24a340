// Closing a supervision order (督办单): asks for an optional note, then
// POST /supervisions/{id}/close. Resolves true when the order was closed
// (or someone else had closed it already), false when cancelled.
import { ElMessage, ElMessageBox } from 'element-plus'
import { api } from './api.js'
import { i18n } from './i18n.js'

export async function closeSupervision(s) {
  const t = i18n.global.t
  let note
  try {
    const r = await ElMessageBox.prompt(t('supervision.closeIntro', { number: s.complaint?.number || '' }), t('supervision.close'), {
      inputType: 'textarea',
      inputPlaceholder: t('supervision.notePh'),
      confirmButtonText: t('supervision.close'),
      cancelButtonText: t('common.cancel'),
      customClass: 'supervision-close',
      closeOnClickModal: false,
    })
    note = (r.value || '').trim()
  } catch {
    return false
  }
  try {
    await api.closeSupervision(s.id, note)
    ElMessage.success(t('supervision.closedMsg'))
    return true
  } catch (e) {
    if (e.status === 409) { ElMessage.warning(t('supervision.alreadyClosed')); return true }
    ElMessage.error(e.message || t('common.unknownError'))
    return false
  }
}
