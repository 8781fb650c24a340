// The administration pages of named things the API keeps by name with PUT
// and DELETE (webhooks, mailboxes): the list, the add/edit dialog whose
// refused fields are shown beside themselves, and removal after a
// confirmation. A page gives its own calls, blank form, fields and words.
import { reactive, ref as vref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage, ElMessageBox } from 'element-plus'

/**
 * list(): {items}; put(name, body); del(name); blank(): the empty form;
 * fields: the members the API may name in an error; words: the i18n
 * prefix of its `saved`, `deleted`, `delete` and `deleteConfirm` texts.
 */
export function useNamedEditor({ list, put, del, blank, fields, words }) {
  const { t } = useI18n()
  const items = vref([])
  const loading = vref(false)
  const loadError = vref('')
  const editing = vref(false)
  const replacing = vref(false)
  const busy = vref(false)
  const error = vref('')
  const formRef = vref()
  const errs = reactive({})
  const form = reactive(blank())

  function clearErrors() {
    for (const k of Object.keys(errs)) delete errs[k]
    error.value = ''
  }
  async function load() {
    loading.value = true
    loadError.value = ''
    try { items.value = (await list()).items || [] } catch (e) { loadError.value = e.message } finally { loading.value = false }
  }
  function open(values, replace) {
    Object.assign(form, blank(), values)
    replacing.value = replace
    clearErrors()
    editing.value = true
    setTimeout(() => formRef.value?.clearValidate(), 0)
  }
  /** Saves the form as body(): the API's refusal goes beside the field it names. */
  async function save(body) {
    clearErrors()
    if (!(await formRef.value.validate().catch(() => false))) return
    busy.value = true
    const name = form.name.trim()
    try {
      await put(name, body())
      editing.value = false
      ElMessage.success(t(words + '.saved', { name }))
      await load()
    } catch (e) {
      if (e.field && fields.includes(e.field)) errs[e.field] = e.message
      else error.value = e.message
    } finally {
      busy.value = false
    }
  }
  async function remove(row, confirmKey = words + '.deleteConfirm') {
    try {
      await ElMessageBox.confirm(t(confirmKey, { name: row.name }), t(words + '.delete'), { type: 'warning' })
    } catch { return }
    try {
      await del(row.name)
      ElMessage.success(t(words + '.deleted', { name: row.name }))
      await load()
    } catch (e) { ElMessage.error(e.message) }
  }
  return { items, loading, loadError, editing, replacing, busy, error, formRef, errs, form, load, open, save, remove }
}
